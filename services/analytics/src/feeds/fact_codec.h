// Between the source services' protos and analytics' facts: which payload a change stores (only
// the fields the figures use), and how a stored payload becomes a fact in the tenant's state.
// Loading the database and following a feed both go through PutFact, so they cannot disagree.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "okr/feedback/v1/change.pb.h"
#include "okr/feedback/v1/feedback_request.pb.h"
#include "okr/feedback/v1/one_on_one.pb.h"
#include "okr/goals/v1/cycle.pb.h"
#include "okr/goals/v1/key_result.pb.h"
#include "okr/goals/v1/objective.pb.h"
#include "okr/org/v1/person.pb.h"
#include "okr/org/v1/team.pb.h"
#include "services/analytics/src/domain/tenant_state.h"
#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {

// The last segment of a resource name ("objectives/o1" -> "o1").
std::string IdOf(const std::string& name);

FactOp PutOf(const goals::v1::Cycle& cycle);
FactOp PutOf(const goals::v1::Objective& objective);
FactOp PutOf(const goals::v1::KeyResult& key_result);
FactOp PutOf(const org::v1::Person& person);
FactOp PutOf(const org::v1::Team& team);
FactOp PutOf(const feedback::v1::FeedbackRecord& record);
FactOp PutOf(const feedback::v1::FeedbackRequest& request);
FactOp PutOf(const feedback::v1::OneOnOne& one_on_one);
FactOp DeleteOf(FactKind kind, std::string id);

// Parses a stored payload of `kind` and upserts its fact; DATA_LOSS if it does not parse.
absl::Status PutFact(TenantState& state, FactKind kind, const std::string& payload);
void RemoveFact(TenantState& state, FactKind kind, const std::string& id);
// Applies ops as FactStore::Apply returned them (puts and deletes).
absl::Status ApplyOps(TenantState& state, const std::vector<FactOp>& ops);

}  // namespace okr::analytics
