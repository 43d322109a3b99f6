// The rules of OrgService requests (proto comments are the contract): a request either passes and
// becomes plain records and filters, or gives INVALID_ARGUMENT with every field violation at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/org/v1/org_service.pb.h"
#include "services/goals/src/domain/org_records.h"

namespace okr::goals {

// Most records in one batch upsert.
inline constexpr int kMaxBatchSize = 1000;
// Most teams one person may be a direct member of.
inline constexpr int kMaxTeamsPerPerson = 100;
// Longest display name, in Unicode code points after trimming surrounding whitespace.
inline constexpr size_t kMaxDisplayNameChars = 200;
// Longest e-mail address, in Unicode code points.
inline constexpr size_t kMaxEmailChars = 320;

// The batch as records, in request order: display names trimmed, teams sorted, UNSPECIFIED state
// as ACTIVE. Reasons: BATCH_EMPTY, BATCH_TOO_LARGE (violation `people`), else INVALID_PERSON with
// violations such as `people[3].email`.
absl::StatusOr<std::vector<Person>> PeopleFromRequest(const org::v1::BatchUpsertPeopleRequest& req);
// The same for teams (INVALID_TEAM, violations such as `teams[0].parent`).
absl::StatusOr<std::vector<Team>> TeamsFromRequest(const org::v1::BatchUpsertTeamsRequest& req);

// The id of a required `people/{person}` / `teams/{team}` name given in `field`; INVALID_ARGUMENT
// (reason INVALID_NAME, violation on `field`) when it is empty or malformed.
absl::StatusOr<std::string> PersonIdFromField(std::string_view name, std::string_view field);
absl::StatusOr<std::string> TeamIdFromField(std::string_view name, std::string_view field);

// Typed filters of the list requests; a malformed filter gives INVALID_ARGUMENT (reason
// INVALID_FILTER, violation on the filter field).
absl::StatusOr<PeopleFilter> PeopleFilterFromRequest(const org::v1::ListPeopleRequest& request);
absl::StatusOr<TeamFilter> TeamFilterFromRequest(const org::v1::ListTeamsRequest& request);

// GetReportingChain.max_depth: 0 or positive; INVALID_ARGUMENT (reason INVALID_MAX_DEPTH).
absl::Status CheckMaxDepth(int max_depth);

}  // namespace okr::goals
