#include "services/goals/src/api/names.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "okr/common/status/errors.h"

namespace okr::goals {
namespace {

// Debian's Abseil has its own string_view: convert at the boundary.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr std::string_view kCycles = "cycles";
constexpr std::string_view kObjectives = "objectives";
constexpr std::string_view kKeyResults = "keyResults";

absl::Status BadName(std::string_view field, std::string_view name, std::string_view form) {
  return common::InvalidArgument(
      "INVALID_NAME", absl::StrCat("'", Sv(name), "' is not a name of the form ", Sv(form)),
      {{std::string(field), absl::StrCat("must be ", Sv(form))}});
}

}  // namespace

bool IsValidResourceId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string CycleName(std::string_view id) { return absl::StrCat(Sv(kCycles), "/", Sv(id)); }
std::string ObjectiveName(std::string_view id) {
  return absl::StrCat(Sv(kObjectives), "/", Sv(id));
}
std::string KeyResultName(std::string_view objective, std::string_view id) {
  return absl::StrCat(Sv(kObjectives), "/", Sv(objective), "/", Sv(kKeyResults), "/", Sv(id));
}
std::string CheckInName(std::string_view objective, std::string_view key_result,
                        std::string_view id) {
  return absl::StrCat(KeyResultName(objective, key_result), "/checkIns/", Sv(id));
}

std::optional<std::string> CycleIdFromName(std::string_view name) {
  std::vector<std::string> parts = absl::StrSplit(Sv(name), '/');
  if (parts.size() != 2 || parts[0] != kCycles || !IsValidResourceId(parts[1])) return std::nullopt;
  return std::string(parts[1]);
}

std::optional<std::string> ObjectiveIdFromName(std::string_view name) {
  std::vector<std::string> parts = absl::StrSplit(Sv(name), '/');
  if (parts.size() != 2 || parts[0] != kObjectives || !IsValidResourceId(parts[1])) {
    return std::nullopt;
  }
  return std::string(parts[1]);
}

std::optional<KeyResultKey> KeyResultKeyFromName(std::string_view name) {
  std::vector<std::string> parts = absl::StrSplit(Sv(name), '/');
  if (parts.size() != 4 || parts[0] != kObjectives || parts[2] != kKeyResults ||
      !IsValidResourceId(parts[1]) || !IsValidResourceId(parts[3])) {
    return std::nullopt;
  }
  return KeyResultKey{std::string(parts[1]), std::string(parts[3])};
}

absl::StatusOr<std::string> CycleIdFromField(std::string_view name, std::string_view field) {
  if (auto id = CycleIdFromName(name)) return *id;
  return BadName(field, name, "cycles/{cycle}");
}

absl::StatusOr<std::string> ObjectiveIdFromField(std::string_view name, std::string_view field) {
  if (auto id = ObjectiveIdFromName(name)) return *id;
  return BadName(field, name, "objectives/{objective}");
}

absl::StatusOr<KeyResultKey> KeyResultKeyFromField(std::string_view name, std::string_view field) {
  if (auto key = KeyResultKeyFromName(name)) return *key;
  return BadName(field, name, "objectives/{objective}/keyResults/{key_result}");
}

}  // namespace okr::goals
