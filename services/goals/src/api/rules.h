// The lookups and checks the goals handlers share: existence with visibility, write permission,
// open cycles, owners and parents, page tokens. Each returns the API's error with its reason.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "okr/common/aip/page_token.h"
#include "services/goals/src/api/access.h"
#include "services/goals/src/domain/records.h"
#include "services/goals/src/store/goals_store.h"

namespace okr::goals {

// NOT_FOUND (CYCLE_NOT_FOUND).
absl::StatusOr<CycleRecord> LoadCycle(GoalsStore& store, std::string_view id);
// FAILED_PRECONDITION (CYCLE_CLOSED) for a CLOSED cycle.
absl::Status CheckCycleOpen(const CycleRecord& cycle);
// FAILED_PRECONDITION when the cycle is closed or the objective ARCHIVED or CLOSED.
absl::Status CheckObjectiveOpen(const ObjectiveRecord& objective, const CycleRecord& cycle);
// NOT_FOUND (OBJECTIVE_NOT_FOUND) when it does not exist or the caller may not read it.
absl::StatusOr<ObjectiveRecord> LoadReadableObjective(GoalsStore& store, GoalsAccess& access,
                                                      std::string_view id);
// LoadReadableObjective, then PERMISSION_DENIED (`denied_reason`) unless the caller may write it.
absl::StatusOr<ObjectiveRecord> LoadWritableObjective(GoalsStore& store, GoalsAccess& access,
                                                      std::string_view id,
                                                      std::string_view denied_reason);
// NOT_FOUND (KEY_RESULT_NOT_FOUND).
absl::StatusOr<KeyResultRecord> LoadKeyResult(GoalsStore& store, std::string_view objective,
                                              std::string_view id);
// PERMISSION_DENIED (OBJECTIVE_WRITE_DENIED) unless the caller may own objectives for `owner` at
// `level`: decided before the owner's existence is looked at.
absl::Status CheckMayOwn(GoalsAccess& access, const Owner& owner, ObjectiveLevel level);
// NOT_FOUND (OWNER_NOT_FOUND) or FAILED_PRECONDITION (OWNER_INACTIVE).
absl::Status CheckOwnerActive(GoalsStore& store, const Owner& owner, std::string_view field);
// For an objective of `cycle` aligned to `parent` (a full name, non-empty): the parent exists and
// the caller may read it (NOT_FOUND PARENT_NOT_FOUND), is in the same cycle
// (FAILED_PRECONDITION PARENT_IN_OTHER_CYCLE) and, for a key result, is ROLLUP
// (FAILED_PRECONDITION PARENT_KEY_RESULT_NOT_ROLLUP).
absl::Status CheckParent(GoalsStore& store, GoalsAccess& access, const std::string& parent,
                         std::string_view cycle);
// Whether the caller may see the name of `parent` (an objective's alignment): the parent's
// objective exists and is readable. A child the caller reads must not name a hidden parent.
absl::StatusOr<bool> ParentVisible(GoalsStore& store, GoalsAccess& access,
                                   const std::string& parent);

// The key a create's request_id is remembered under: per method and per caller, so one caller's
// ids can never replay (and reveal) another caller's creation.
std::string RequestKey(std::string_view method, const GoalsAccess& access);
// INVALID_ARGUMENT (REQUEST_ID_REUSED): the id already named a different request of this caller.
absl::Status RequestIdReused();

// The position a page token holds, or "" without a token.
absl::StatusOr<std::string> ResumeAfter(const common::PageTokenCodec& codec,
                                        const std::string& token, const common::PageScope& scope);

}  // namespace okr::goals
