#include "services/goals/src/org_names.h"

#include "absl/strings/ascii.h"

namespace okr::goals {
namespace {

constexpr size_t kMaxIdLength = 128;

std::optional<std::string> IdFromName(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view id = name.substr(prefix.size());
  if (!IsValidOrgId(id)) return std::nullopt;
  return std::string(id);
}

std::string NameOf(std::string_view prefix, std::string_view id) {
  if (id.empty()) return "";
  std::string name(prefix);
  name.append(id);
  return name;
}

}  // namespace

bool IsValidOrgId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> PersonIdFromName(std::string_view name) {
  return IdFromName(name, kPeoplePrefix);
}

std::optional<std::string> TeamIdFromName(std::string_view name) {
  return IdFromName(name, kTeamsPrefix);
}

std::string PersonName(std::string_view id) { return NameOf(kPeoplePrefix, id); }
std::string TeamName(std::string_view id) { return NameOf(kTeamsPrefix, id); }

}  // namespace okr::goals
