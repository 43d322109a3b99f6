// The input rules of the goals API: requests -> records, or INVALID_ARGUMENT naming every bad
// field by its request path (e.g. `objective.title`) with a stable reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "okr/common/aip/request_ids.h"
#include "okr/common/aip/update_mask.h"
#include "okr/goals/v1/check_in.pb.h"
#include "okr/goals/v1/cycle.pb.h"
#include "okr/goals/v1/key_result.pb.h"
#include "okr/goals/v1/objective.pb.h"
#include "services/goals/src/domain/records.h"

namespace okr::goals {

// The same error with every field violation prefixed (`target_value` -> `key_result.target_value`).
absl::Status PrefixViolations(const absl::Status& status, std::string_view prefix);

// A timestamp from 1970 to 9999 with valid nanos (the range the store keeps).
bool ValidTimestamp(const google::protobuf::Timestamp& t);

using common::ValidateRequestId;

using common::HasPath;
using common::MaskPaths;

// Cycles. `default_cadence` is the tenant default. The record has no id or times yet.
absl::StatusOr<CycleRecord> CycleFromCreate(const ::okr::goals::v1::Cycle& cycle,
                                            absl::Duration default_cadence);
// Applies the masked fields to `stored` (a copy is returned); state rules are the caller's.
absl::StatusOr<CycleRecord> ApplyCycleUpdate(const CycleRecord& stored,
                                             const ::okr::goals::v1::Cycle& cycle,
                                             const std::vector<std::string>& paths);
inline const std::vector<std::string>& CycleMaskPaths() {
  static const auto* paths = new std::vector<std::string>{
      "display_name", "start_date", "end_date", "time_zone", "state", "check_in_cadence"};
  return *paths;
}

// Objectives. The record has no id or times yet; `cycle` holds the cycle id.
absl::StatusOr<ObjectiveRecord> ObjectiveFromCreate(const ::okr::goals::v1::Objective& objective);
absl::StatusOr<ObjectiveRecord> ApplyObjectiveUpdate(const ObjectiveRecord& stored,
                                                     const ::okr::goals::v1::Objective& objective,
                                                     const std::vector<std::string>& paths);
const std::vector<std::string>& ObjectiveMaskPaths();  // every updatable path
const std::vector<std::string>& ObjectiveStarPaths();  // what `*` means (all but score)

// Key results. The record has no ids or times yet.
absl::StatusOr<KeyResultRecord> KeyResultFromCreate(const ::okr::goals::v1::KeyResult& key_result);
absl::StatusOr<KeyResultRecord> ApplyKeyResultUpdate(const KeyResultRecord& stored,
                                                     const ::okr::goals::v1::KeyResult& key_result,
                                                     const std::vector<std::string>& paths);
const std::vector<std::string>& KeyResultMaskPaths();

// Check-ins, against the key result they are for; `now` is the record time.
absl::StatusOr<CheckInRecord> CheckInFromCreate(const ::okr::goals::v1::CheckIn& check_in,
                                                const KeyResultRecord& key_result, absl::Time now);

}  // namespace okr::goals
