// The one path every measurement takes, a manual check-in or a streamed progress event: the
// roll-up tree, the key result's state, the check-in history, the ancestors' roll-up and the change
// log, all in the caller's write.
#pragma once

#include "absl/status/status.h"
#include "services/goals/src/cycle_trees.h"
#include "services/goals/src/goals_records.h"
#include "services/goals/src/goals_service.h"

namespace okr::goals {

// Applies a validated check-in `c` (its value, milestone states and confidence; for a streamed
// INCREMENT, `c.increment` holds the amount and `c.value` is ignored) to the stored key result `k`
// of `objective` in `cycle`, whose node in `t` is `node`. `k` is left as stored. A SET value
// observed before the key result's latest applied observation is kept as history
// (`c.superseded`); an increment always applies. Reports CHECK_IN_CREATED,
// KEY_RESULT_PROGRESS_CHANGED, the ancestors' changes and CONFIDENCE_DROPPED.
absl::Status ApplyCheckIn(GoalsWrite& w, const CycleRecord& cycle, const ObjectiveRecord& objective,
                          CycleTree& t, domain::KeyResultId node, KeyResultRecord& k,
                          CheckInRecord& c);

// The confidence band of a value: 0 LOW (0-3), 1 MEDIUM (4-6), 2 HIGH (7-10).
int ConfidenceBand(int confidence);

}  // namespace okr::goals
