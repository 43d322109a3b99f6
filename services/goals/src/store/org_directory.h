// OrgDirectory: the people and teams of one tenant in the goals database: batch upserts with etag
// and cycle checks, lookups, filtered listings and reporting chains.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"
#include "services/goals/src/domain/org_records.h"

namespace okr::goals {

// Longest reporting chain returned: deeper hierarchies do not exist in practice, and the bound
// keeps a chain walk finite whatever the stored data.
inline constexpr int kMaxReportingChain = 1000;

// Works on one session (a read transaction, or a write inside the group-commit writer) for one
// tenant: every statement it runs is scoped to that tenant. Holds no state between calls.
class OrgDirectory {
 public:
  OrgDirectory(common::SqlSession& session, std::string tenant)
      : session_(session), tenant_(std::move(tenant)) {}

  // Stores a validated batch (distinct ids, well-formed fields, teams sorted and distinct) and
  // returns the stored records in batch order. Everything is checked before anything is written:
  // a stale etag gives ABORTED (reason ETAG_MISMATCH, a violation per stale record, e.g.
  // `people[2].etag`); a manager chain that would become cyclic gives FAILED_PRECONDITION (reason
  // MANAGER_CYCLE, a violation `people[i].manager` for each batch record on the cycle). A record
  // equal to the stored one is left as it is (same etag and update time). Run it inside a
  // transaction: the caller rolls back on error.
  absl::StatusOr<std::vector<Person>> UpsertPeople(const std::vector<Person>& batch,
                                                   absl::Time now);
  // The same for teams (TEAM_CYCLE on `teams[i].parent`).
  absl::StatusOr<std::vector<Team>> UpsertTeams(const std::vector<Team>& batch, absl::Time now);

  absl::StatusOr<std::optional<Person>> FindPerson(std::string_view id);
  absl::StatusOr<std::optional<Team>> FindTeam(std::string_view id);

  // Up to `page_size` records with an id greater than `after` (empty: from the start), by id.
  absl::StatusOr<Page<Person>> ListPeople(const PeopleFilter& filter, std::string_view after,
                                          int page_size);
  absl::StatusOr<Page<Team>> ListTeams(const TeamFilter& filter, std::string_view after,
                                       int page_size);

  // The managers of `person_id`, nearest first, at most `max_depth` of them (0: the whole chain,
  // bounded by kMaxReportingChain). NOT_FOUND (reason PERSON_NOT_FOUND) for an unknown person.
  absl::StatusOr<ReportingChain> GetReportingChain(std::string_view person_id, int max_depth);

 private:
  struct StoredPerson {
    Person person;
    int64_t version = 0;
  };
  struct StoredTeam {
    Team team;
    int64_t version = 0;
  };

  absl::StatusOr<std::optional<StoredPerson>> LoadPerson(std::string_view id);
  absl::StatusOr<std::optional<StoredTeam>> LoadTeam(std::string_view id);
  absl::StatusOr<std::vector<std::string>> LoadTeamsOf(std::string_view person_id);
  absl::Status WritePerson(const Person& person, int64_t version);
  absl::Status WriteTeam(const Team& team, int64_t version);

  common::SqlSession& session_;
  const std::string tenant_;
};

}  // namespace okr::goals
