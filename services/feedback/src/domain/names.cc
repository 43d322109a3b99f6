#include "services/feedback/src/domain/names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/resource_id.h"
#include "okr/common/status/errors.h"
#include "okr/common/status/string_view.h"

namespace okr::feedback {
namespace {

using common::Sv;

// `name` split at '/', as views into it.
std::vector<std::string_view> Parts(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(name.substr(start));
      return parts;
    }
    parts.push_back(name.substr(start, slash - start));
    start = slash + 1;
  }
}

bool IsServerId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsOrgId(std::string_view id) { return common::IsOrgId(id); }

bool ValidId(std::string_view collection, std::string_view id) {
  return (collection == kPeople || collection == kTeams) ? IsOrgId(id) : IsServerId(id);
}

absl::Status BadName(std::string_view field, std::string_view pattern) {
  return common::InvalidArgument("INVALID_NAME", absl::StrCat(Sv(field), " is not a valid name"),
                                 {{std::string(field), absl::StrCat("must be ", Sv(pattern))}});
}

}  // namespace

std::string Name(std::string_view collection, std::string_view id) {
  return absl::StrCat(Sv(collection), "/", Sv(id));
}

absl::StatusOr<std::string> IdFromName(std::string_view collection, std::string_view name,
                                       std::string_view field) {
  std::vector<std::string_view> parts = Parts(name);
  if (parts.size() != 2 || parts[0] != collection || !ValidId(collection, parts[1])) {
    return BadName(field, absl::StrCat(Sv(collection), "/{id}"));
  }
  return std::string(parts[1]);
}

std::string PersonName(std::string_view id) { return Name(kPeople, id); }

absl::StatusOr<std::string> PersonIdFromName(std::string_view name, std::string_view field) {
  return IdFromName(kPeople, name, field);
}

absl::StatusOr<GoalRef> GoalFromName(std::string_view name, bool key_result,
                                     std::string_view field) {
  std::vector<std::string_view> parts = Parts(name);
  const size_t want = key_result ? 4 : 2;
  bool ok = parts.size() == want && parts[0] == kObjectives && IsServerId(parts[1]);
  if (ok && key_result) ok = parts[2] == "keyResults" && IsServerId(parts[3]);
  if (!ok) {
    return BadName(field, key_result ? "objectives/{objective}/keyResults/{key_result}"
                                     : "objectives/{objective}");
  }
  return GoalRef{std::string(parts[1]), key_result ? std::string(parts[3]) : std::string()};
}

std::string ObjectiveName(std::string_view id) { return Name(kObjectives, id); }

std::string KeyResultName(const GoalRef& goal) {
  return absl::StrCat(Sv(kObjectives), "/", goal.objective, "/keyResults/", goal.key_result);
}

std::string ReviewName(std::string_view cycle, std::string_view person) {
  return absl::StrCat(Sv(kReviewCycles), "/", Sv(cycle), "/reviews/", Sv(person));
}

absl::StatusOr<ReviewRef> ReviewFromName(std::string_view name, std::string_view field) {
  std::vector<std::string_view> parts = Parts(name);
  if (parts.size() != 4 || parts[0] != kReviewCycles || !IsServerId(parts[1]) ||
      parts[2] != "reviews" || !IsOrgId(parts[3])) {
    return BadName(field, "reviewCycles/{review_cycle}/reviews/{person}");
  }
  return ReviewRef{std::string(parts[1]), std::string(parts[3])};
}

}  // namespace okr::feedback
