#include "services/goals/src/api/org_validation.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/text.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/org_names.h"

namespace okr::goals {
namespace {

using common::Violations;

using common::CodePoints;

std::string Field(const std::string& list, size_t index, const std::string& field) {
  return absl::StrCat(list, "[", index, "].", field);
}

// Returns the trimmed display name, adding violations when it breaks the rules.
std::string DisplayName(std::string_view given, const std::string& field, Violations& violations) {
  const std::string trimmed(absl::StripAsciiWhitespace(std::string(given)));
  auto length = CodePoints(trimmed);
  if (!length.has_value()) {
    violations.Add(field, "must be valid UTF-8");
  } else if (*length == 0) {
    violations.Add(field, "is required");
  } else if (*length > kMaxDisplayNameChars) {
    violations.Add(field, absl::StrCat("must be at most ", kMaxDisplayNameChars,
                                       " characters, not ", *length));
  }
  return trimmed;
}

// The id of a record's own name; violations for a missing, malformed or repeated one.
std::string OwnId(std::string_view name, std::optional<std::string> id, const std::string& list,
                  size_t index, const std::string& pattern,
                  absl::flat_hash_map<std::string, size_t>& seen, Violations& violations) {
  const std::string field = Field(list, index, "name");
  if (name.empty()) {
    violations.Add(field, "is required");
    return "";
  }
  if (!id.has_value()) {
    violations.Add(field, absl::StrCat("must be ", pattern,
                                       " with 1 to 128 characters from [A-Za-z0-9._-], starting "
                                       "with a letter or digit"));
    return "";
  }
  auto [first, inserted] = seen.emplace(*id, index);
  if (!inserted) {
    violations.Add(field, absl::StrCat("repeats ", Field(list, first->second, "name"),
                                       "; names in a batch must be distinct"));
  }
  return *id;
}

// The id of an optional reference; a violation when it is set but malformed.
std::string Reference(std::string_view name, std::optional<std::string> id,
                      const std::string& pattern, const std::string& field,
                      Violations& violations) {
  if (name.empty()) return "";
  if (!id.has_value()) {
    violations.Add(field, absl::StrCat("must be empty or ", pattern));
    return "";
  }
  return *id;
}

absl::Status BatchSize(int size, std::string_view field) {
  if (size == 0) {
    return common::InvalidArgument("BATCH_EMPTY", "the batch holds no records",
                                   {{std::string(field), "must hold 1 to 1000 records"}});
  }
  if (size > kMaxBatchSize) {
    return common::InvalidArgument(
        "BATCH_TOO_LARGE", absl::StrCat("a batch holds at most ", kMaxBatchSize, " records"),
        {{std::string(field),
          absl::StrCat("holds ", size, " records; at most ", kMaxBatchSize, " are allowed")}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Person>> PeopleFromRequest(
    const org::v1::BatchUpsertPeopleRequest& request) {
  if (absl::Status size = BatchSize(request.people_size(), "people"); !size.ok()) return size;
  Violations violations;
  absl::flat_hash_map<std::string, size_t> seen;
  std::vector<Person> people;
  people.reserve(static_cast<size_t>(request.people_size()));
  for (int n = 0; n < request.people_size(); ++n) {
    const auto i = static_cast<size_t>(n);
    const org::v1::Person& given = request.people(n);
    Person person;
    person.id = OwnId(given.name(), PersonIdFromName(given.name()), "people", i, "people/{person}",
                      seen, violations);
    person.display_name =
        DisplayName(given.display_name(), Field("people", i, "display_name"), violations);
    auto email_length = CodePoints(given.email());
    if (!email_length.has_value()) {
      violations.Add(Field("people", i, "email"), "must be valid UTF-8");
    } else if (*email_length > kMaxEmailChars) {
      violations.Add(Field("people", i, "email"),
                     absl::StrCat("must be at most ", kMaxEmailChars, " characters"));
    }
    person.email = given.email();
    person.manager = Reference(given.manager(), PersonIdFromName(given.manager()),
                               "people/{person}", Field("people", i, "manager"), violations);
    if (!person.manager.empty() && person.manager == person.id) {
      violations.Add(Field("people", i, "manager"), "a person cannot be their own manager");
    }
    if (given.teams_size() > kMaxTeamsPerPerson) {
      violations.Add(Field("people", i, "teams"), absl::StrCat("at most ", kMaxTeamsPerPerson,
                                                               " teams, not ", given.teams_size()));
    } else {
      for (int t = 0; t < given.teams_size(); ++t) {
        const std::string field = absl::StrCat("people[", i, "].teams[", t, "]");
        auto team = TeamIdFromName(given.teams(t));
        if (!team.has_value()) {
          violations.Add(field, "must be teams/{team}");
        } else if (std::find(person.teams.begin(), person.teams.end(), *team) !=
                   person.teams.end()) {
          violations.Add(field, "repeats a team of this person");
        } else {
          person.teams.push_back(*team);
        }
      }
      std::sort(person.teams.begin(), person.teams.end());
    }
    switch (given.state()) {
      case org::v1::PERSON_STATE_UNSPECIFIED:
      case org::v1::PERSON_STATE_ACTIVE:
        person.state = OrgState::kActive;
        break;
      case org::v1::PERSON_STATE_INACTIVE:
        person.state = OrgState::kInactive;
        break;
      default:
        violations.Add(Field("people", i, "state"),
                       absl::StrCat("unknown state ", static_cast<int>(given.state())));
    }
    person.etag = given.etag();
    people.push_back(std::move(person));
  }
  if (!violations.empty()) {
    return violations.ToStatus("INVALID_PERSON", "some people in the batch are invalid");
  }
  return people;
}

absl::StatusOr<std::vector<Team>> TeamsFromRequest(
    const org::v1::BatchUpsertTeamsRequest& request) {
  if (absl::Status size = BatchSize(request.teams_size(), "teams"); !size.ok()) return size;
  Violations violations;
  absl::flat_hash_map<std::string, size_t> seen;
  std::vector<Team> teams;
  teams.reserve(static_cast<size_t>(request.teams_size()));
  for (int n = 0; n < request.teams_size(); ++n) {
    const auto i = static_cast<size_t>(n);
    const org::v1::Team& given = request.teams(n);
    Team team;
    team.id = OwnId(given.name(), TeamIdFromName(given.name()), "teams", i, "teams/{team}", seen,
                    violations);
    team.display_name =
        DisplayName(given.display_name(), Field("teams", i, "display_name"), violations);
    team.parent = Reference(given.parent(), TeamIdFromName(given.parent()), "teams/{team}",
                            Field("teams", i, "parent"), violations);
    if (!team.parent.empty() && team.parent == team.id) {
      violations.Add(Field("teams", i, "parent"), "a team cannot be its own parent");
    }
    team.lead = Reference(given.lead(), PersonIdFromName(given.lead()), "people/{person}",
                          Field("teams", i, "lead"), violations);
    switch (given.state()) {
      case org::v1::TEAM_STATE_UNSPECIFIED:
      case org::v1::TEAM_STATE_ACTIVE:
        team.state = OrgState::kActive;
        break;
      case org::v1::TEAM_STATE_INACTIVE:
        team.state = OrgState::kInactive;
        break;
      default:
        violations.Add(Field("teams", i, "state"),
                       absl::StrCat("unknown state ", static_cast<int>(given.state())));
    }
    team.etag = given.etag();
    teams.push_back(std::move(team));
  }
  if (!violations.empty()) {
    return violations.ToStatus("INVALID_TEAM", "some teams in the batch are invalid");
  }
  return teams;
}

absl::StatusOr<std::string> PersonIdFromField(std::string_view name, std::string_view field) {
  auto id = PersonIdFromName(name);
  if (id.has_value()) return *std::move(id);
  return common::InvalidArgument(
      "INVALID_NAME", "the person name is malformed",
      {{std::string(field), name.empty() ? "is required" : "must be people/{person}"}});
}

absl::StatusOr<std::string> TeamIdFromField(std::string_view name, std::string_view field) {
  auto id = TeamIdFromName(name);
  if (id.has_value()) return *std::move(id);
  return common::InvalidArgument(
      "INVALID_NAME", "the team name is malformed",
      {{std::string(field), name.empty() ? "is required" : "must be teams/{team}"}});
}

absl::StatusOr<PeopleFilter> PeopleFilterFromRequest(const org::v1::ListPeopleRequest& request) {
  Violations violations;
  PeopleFilter filter;
  filter.team =
      Reference(request.team(), TeamIdFromName(request.team()), "teams/{team}", "team", violations);
  filter.manager = Reference(request.manager(), PersonIdFromName(request.manager()),
                             "people/{person}", "manager", violations);
  filter.include_inactive = request.include_inactive();
  if (!violations.empty()) return violations.ToStatus("INVALID_FILTER", "a filter is malformed");
  return filter;
}

absl::StatusOr<TeamFilter> TeamFilterFromRequest(const org::v1::ListTeamsRequest& request) {
  Violations violations;
  TeamFilter filter;
  filter.parent = Reference(request.parent(), TeamIdFromName(request.parent()), "teams/{team}",
                            "parent", violations);
  filter.include_inactive = request.include_inactive();
  if (!violations.empty()) return violations.ToStatus("INVALID_FILTER", "a filter is malformed");
  return filter;
}

absl::Status CheckMaxDepth(int max_depth) {
  if (max_depth >= 0) return absl::OkStatus();
  return common::InvalidArgument("INVALID_MAX_DEPTH", "max_depth must not be negative",
                                 {{"max_depth", "must be 0 (the whole chain) or positive"}});
}

}  // namespace okr::goals
