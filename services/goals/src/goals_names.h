// Resource names of the goals API (`cycles/{cycle}`, `objectives/{objective}`,
// `objectives/{objective}/keyResults/{key_result}`, `.../checkIns/{check_in}`) and their ids.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace okr::goals {

struct KeyResultKey {
  std::string objective;
  std::string id;
  bool operator==(const KeyResultKey&) const = default;
};

// A new server-assigned id: 20 characters from [a-z0-9], random (about 103 bits).
std::string NewResourceId();
// An id like NewResourceId whose order follows `now`: rows keyed by it are appended at the end of
// their indexes instead of at random places (check-ins, streamed in bulk).
std::string NewTimeOrderedId(absl::Time now);

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
