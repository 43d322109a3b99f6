#include "services/goals/src/api/org_names.h"

#include "okr/common/aip/resource_id.h"

namespace okr::goals {
namespace {

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

bool IsValidOrgId(std::string_view id) { return common::IsOrgId(id); }

std::optional<std::string> PersonIdFromName(std::string_view name) {
  return IdFromName(name, kPeoplePrefix);
}

std::optional<std::string> TeamIdFromName(std::string_view name) {
  return IdFromName(name, kTeamsPrefix);
}

std::string PersonName(std::string_view id) { return NameOf(kPeoplePrefix, id); }
std::string TeamName(std::string_view id) { return NameOf(kTeamsPrefix, id); }

}  // namespace okr::goals
