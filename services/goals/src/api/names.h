// Resource names of the goals API (`cycles/{cycle}`, `objectives/{objective}`,
// `objectives/{objective}/keyResults/{key_result}`, `.../checkIns/{check_in}`) and their ids.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/aip/resource_id.h"

namespace okr::goals {

struct KeyResultKey {
  std::string objective;
  std::string id;
  bool operator==(const KeyResultKey&) const = default;
};

using common::NewResourceId;
using common::NewTimeOrderedId;

// 1 to 63 characters from [a-z0-9-].
bool IsValidResourceId(std::string_view id);

std::string CycleName(std::string_view id);
std::string ObjectiveName(std::string_view id);
std::string KeyResultName(std::string_view objective, std::string_view id);
std::string CheckInName(std::string_view objective, std::string_view key_result,
                        std::string_view id);

std::optional<std::string> CycleIdFromName(std::string_view name);
std::optional<std::string> ObjectiveIdFromName(std::string_view name);
std::optional<KeyResultKey> KeyResultKeyFromName(std::string_view name);

// The same, as INVALID_ARGUMENT (reason INVALID_NAME, a violation on `field`) when malformed.
absl::StatusOr<std::string> CycleIdFromField(std::string_view name, std::string_view field);
absl::StatusOr<std::string> ObjectiveIdFromField(std::string_view name, std::string_view field);
absl::StatusOr<KeyResultKey> KeyResultKeyFromField(std::string_view name, std::string_view field);

}  // namespace okr::goals
