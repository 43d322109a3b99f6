// Goals records -> okr.goals.v1 messages, with the fields judged at read time (health, expected
// progress, staleness, success threshold).
#pragma once

#include "absl/time/time.h"
#include "okr/goals/v1/check_in.pb.h"
#include "okr/goals/v1/cycle.pb.h"
#include "okr/goals/v1/key_result.pb.h"
#include "okr/goals/v1/objective.pb.h"
#include "services/goals/src/domain/health.h"
#include "services/goals/src/domain/records.h"

namespace okr::goals {

// What read-time fields are judged against.
struct ReadContext {
  absl::Time now;
  domain::HealthThresholds health;
  domain::GradingThresholds grading;
};

::okr::goals::v1::Cycle ToProto(const CycleRecord& cycle);
::okr::goals::v1::Objective ToProto(const ObjectiveRecord& objective, const CycleRecord& cycle,
                                    const ReadContext& read);
::okr::goals::v1::KeyResult ToProto(const KeyResultRecord& key_result, const CycleRecord& cycle,
                                    domain::ObjectiveState objective_state, absl::Time now);
::okr::goals::v1::CheckIn ToProto(const CheckInRecord& check_in);

// The health an objective is reported with at `read.now`: judged again for DRAFT and ACTIVE, the
// stored (frozen) one otherwise.
domain::Health HealthAt(const ObjectiveRecord& objective, const CycleRecord& cycle,
                        const ReadContext& read);
// KeyResult.stale at `now`.
bool IsStale(const KeyResultRecord& key_result, const CycleRecord& cycle,
             domain::ObjectiveState objective_state, absl::Time now);

}  // namespace okr::goals
