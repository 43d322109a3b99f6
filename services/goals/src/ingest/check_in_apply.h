// The one path every measurement takes, a manual check-in or a streamed progress event: the
// roll-up tree, the key result's state, the check-in history, the ancestors' roll-up and the change
// log, all in the caller's write.
#pragma once

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/domain/records.h"
#include "services/goals/src/model/cycle_trees.h"

namespace okr::goals {

// Applies the measurement of a validated check-in `c` (its value, milestone states and
// confidence; for a streamed INCREMENT, `c.increment` holds the amount and `c.value` is set to
// the resulting value) to the key result `k` in memory and to its node in the tree, appending the
// nodes whose roll-up moved to `changes`. A SET value observed before the key result's latest
// applied observation is kept as history (`c.superseded`); an increment always applies. Changes
// nothing when it fails.
absl::Status ApplyMeasurement(CycleTree& t, domain::KeyResultId node, absl::Time now,
                              KeyResultRecord& k, CheckInRecord& c, domain::RollupChanges& changes);

// A manual check-in: ApplyMeasurement, then the key result's row, the check-in row, the
// ancestors' roll-up and the change log (CHECK_IN_CREATED, KEY_RESULT_PROGRESS_CHANGED, the
// ancestors' changes, CONFIDENCE_DROPPED). `k` is the stored key result, left as stored.
absl::Status ApplyCheckIn(GoalsWrite& w, const CycleRecord& cycle, const ObjectiveRecord& objective,
                          CycleTree& t, domain::KeyResultId node, KeyResultRecord& k,
                          CheckInRecord& c);

// After measurements applied in memory: the key result's row and its KEY_RESULT_PROGRESS_CHANGED
// (when a reported field moved since `before`), and the end of a stale period.
absl::Status StoreKeyResultState(GoalsWrite& w, const CycleRecord& cycle,
                                 const ObjectiveRecord& objective, const std::string& path,
                                 const KeyResultRecord& before, const KeyResultRecord& k);

// The confidence band of a value: 0 LOW (0-3), 1 MEDIUM (4-6), 2 HIGH (7-10).
int ConfidenceBand(int confidence);

}  // namespace okr::goals
