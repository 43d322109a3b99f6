// What each change of the goals and feedback feeds does to analytics' facts. Payloads carry the
// full state after the change, so every op is an idempotent put or delete; the two derived events
// that carry only one field (health changed, key result stale) patch the stored fact.
#pragma once

#include <vector>

#include "okr/feedback/v1/change.pb.h"
#include "okr/goals/v1/change.pb.h"
#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {

void AppendOps(const goals::v1::Change& change, std::vector<FactOp>& ops);
void AppendOps(const feedback::v1::Change& change, std::vector<FactOp>& ops);

}  // namespace okr::analytics
