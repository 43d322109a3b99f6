#include "services/goals/src/store/org_directory.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "okr/common/aip/etag.h"
#include "okr/common/status/errors.h"

namespace okr::goals {
namespace {

using common::FieldViolation;
using common::SqlRow;
using common::SqlValue;

constexpr char kPersonColumns[] =
    "p.id, p.display_name, p.email, p.manager, p.state, p.version, p.create_time_us, "
    "p.update_time_us";
constexpr char kTeamColumns[] =
    "t.id, t.display_name, t.parent, t.lead, t.state, t.version, t.create_time_us, "
    "t.update_time_us";

OrgState StateFromColumn(int64_t value) {
  return value == static_cast<int64_t>(OrgState::kInactive) ? OrgState::kInactive
                                                            : OrgState::kActive;
}

absl::Time TimeFromColumn(int64_t micros) { return absl::FromUnixMicros(micros); }

// Persons read from a row of kPersonColumns (teams are loaded separately).
Person PersonFromRow(const SqlRow& row, int64_t& version) {
  Person person;
  person.id = row.GetString(0);
  person.display_name = row.GetString(1);
  person.email = row.GetString(2);
  person.manager = row.GetString(3);
  person.state = StateFromColumn(row.GetInt64(4));
  version = row.GetInt64(5);
  person.etag = common::FormatEtag(version);
  person.create_time = TimeFromColumn(row.GetInt64(6));
  person.update_time = TimeFromColumn(row.GetInt64(7));
  return person;
}

Team TeamFromRow(const SqlRow& row, int64_t& version) {
  Team team;
  team.id = row.GetString(0);
  team.display_name = row.GetString(1);
  team.parent = row.GetString(2);
  team.lead = row.GetString(3);
  team.state = StateFromColumn(row.GetInt64(4));
  version = row.GetInt64(5);
  team.etag = common::FormatEtag(version);
  team.create_time = TimeFromColumn(row.GetInt64(6));
  team.update_time = TimeFromColumn(row.GetInt64(7));
  return team;
}

bool SameContent(const Person& a, const Person& b) {
  return a.display_name == b.display_name && a.email == b.email && a.manager == b.manager &&
         a.teams == b.teams && a.state == b.state;
}

bool SameContent(const Team& a, const Team& b) {
  return a.display_name == b.display_name && a.parent == b.parent && a.lead == b.lead &&
         a.state == b.state;
}

// The link a record points along (its manager, or its parent team): empty when the chain ends.
using NextFn = absl::FunctionRef<absl::StatusOr<std::string>(const std::string&)>;

// Follows the links from every start and returns the ids of the first cycle met (empty when there
// is none). Each id is visited at most once overall, so this is linear in the ids reached and ends
// whatever the links are.
absl::StatusOr<std::vector<std::string>> FindCycle(const std::vector<std::string>& starts,
                                                   NextFn next) {
  enum class Mark { kOnPath, kDone };
  absl::flat_hash_map<std::string, Mark> marks;
  for (const std::string& start : starts) {
    std::vector<std::string> path;
    std::string current = start;
    while (!current.empty()) {
      auto mark = marks.find(current);
      if (mark != marks.end()) {
        if (mark->second == Mark::kDone) break;
        auto first = std::find(path.begin(), path.end(), current);
        return std::vector<std::string>(first, path.end());
      }
      marks[current] = Mark::kOnPath;
      path.push_back(current);
      auto following = next(current);
      if (!following.ok()) return following.status();
      current = *std::move(following);
    }
    for (const std::string& id : path) marks[id] = Mark::kDone;
  }
  return std::vector<std::string>();
}

// The error for a cycle through batch records: one violation per batch record on it.
absl::Status CycleError(const std::string& reason, const std::string& noun, const std::string& link,
                        const std::vector<std::string>& cycle,
                        const absl::flat_hash_map<std::string, size_t>& batch_index) {
  std::vector<FieldViolation> violations;
  const std::string loop = absl::StrJoin(cycle, " -> ") + " -> " + cycle.front();
  for (const std::string& id : cycle) {
    auto index = batch_index.find(id);
    if (index == batch_index.end()) continue;
    violations.push_back({absl::StrCat(noun, "[", index->second, "].", link),
                          absl::StrCat("would make a cycle: ", loop)});
  }
  return common::MakeError(absl::StatusCode::kFailedPrecondition, reason,
                           absl::StrCat("the ", link, " links would form a cycle: ", loop),
                           violations);
}

absl::Status StaleEtags(std::vector<FieldViolation> violations) {
  return common::MakeError(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                           "some records changed since their etag was read; nothing was stored",
                           violations);
}

// Micro-second precision, as stored, so what an upsert returns equals what a later read returns.
absl::Time StoredTime(absl::Time time) { return absl::FromUnixMicros(absl::ToUnixMicros(time)); }

}  // namespace

absl::StatusOr<std::optional<OrgDirectory::StoredPerson>> OrgDirectory::LoadPerson(
    std::string_view id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kPersonColumns, " FROM org_people p WHERE p.tenant = ? AND p.id = ?"),
      {tenant_, std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<StoredPerson>();
  StoredPerson stored;
  stored.person = PersonFromRow(**row, stored.version);
  auto teams = LoadTeamsOf(id);
  if (!teams.ok()) return teams.status();
  stored.person.teams = *std::move(teams);
  return std::optional<StoredPerson>(std::move(stored));
}

absl::StatusOr<std::vector<std::string>> OrgDirectory::LoadTeamsOf(std::string_view person_id) {
  std::vector<std::string> teams;
  absl::Status status = session_.Query(
      "SELECT team FROM org_person_teams WHERE tenant = ? AND person = ? ORDER BY team",
      {tenant_, std::string(person_id)}, [&teams](const SqlRow& row) {
        teams.push_back(row.GetString(0));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return teams;
}

absl::StatusOr<std::optional<OrgDirectory::StoredTeam>> OrgDirectory::LoadTeam(
    std::string_view id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kTeamColumns, " FROM org_teams t WHERE t.tenant = ? AND t.id = ?"),
      {tenant_, std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<StoredTeam>();
  StoredTeam stored;
  stored.team = TeamFromRow(**row, stored.version);
  return std::optional<StoredTeam>(std::move(stored));
}

absl::StatusOr<std::optional<Person>> OrgDirectory::FindPerson(std::string_view id) {
  auto stored = LoadPerson(id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<Person>();
  return std::optional<Person>(std::move((*stored)->person));
}

absl::StatusOr<std::optional<Team>> OrgDirectory::FindTeam(std::string_view id) {
  auto stored = LoadTeam(id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<Team>();
  return std::optional<Team>(std::move((*stored)->team));
}

absl::Status OrgDirectory::WritePerson(const Person& person, int64_t version) {
  absl::Status status = session_.Exec(
      "INSERT INTO org_people (tenant, id, display_name, email, manager, state, version, "
      "create_time_us, update_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (tenant, id) DO UPDATE SET display_name = excluded.display_name, "
      "email = excluded.email, manager = excluded.manager, state = excluded.state, "
      "version = excluded.version, update_time_us = excluded.update_time_us",
      {tenant_, person.id, person.display_name, person.email, person.manager,
       static_cast<int64_t>(person.state), version, absl::ToUnixMicros(person.create_time),
       absl::ToUnixMicros(person.update_time)});
  if (!status.ok()) return status;
  status = session_.Exec("DELETE FROM org_person_teams WHERE tenant = ? AND person = ?",
                         {tenant_, person.id});
  if (!status.ok()) return status;
  for (const std::string& team : person.teams) {
    status = session_.Exec("INSERT INTO org_person_teams (tenant, person, team) VALUES (?, ?, ?)",
                           {tenant_, person.id, team});
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status OrgDirectory::WriteTeam(const Team& team, int64_t version) {
  return session_.Exec(
      "INSERT INTO org_teams (tenant, id, display_name, parent, lead, state, version, "
      "create_time_us, update_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (tenant, id) DO UPDATE SET display_name = excluded.display_name, "
      "parent = excluded.parent, lead = excluded.lead, state = excluded.state, "
      "version = excluded.version, update_time_us = excluded.update_time_us",
      {tenant_, team.id, team.display_name, team.parent, team.lead,
       static_cast<int64_t>(team.state), version, absl::ToUnixMicros(team.create_time),
       absl::ToUnixMicros(team.update_time)});
}

absl::StatusOr<std::vector<Person>> OrgDirectory::UpsertPeople(const std::vector<Person>& batch,
                                                               absl::Time now) {
  now = StoredTime(now);
  std::vector<std::optional<StoredPerson>> stored;
  stored.reserve(batch.size());
  std::vector<FieldViolation> stale;
  absl::flat_hash_map<std::string, size_t> batch_index;
  absl::flat_hash_map<std::string, std::string> manager_of;
  std::vector<std::string> ids;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto current = LoadPerson(batch[i].id);
    if (!current.ok()) return current.status();
    const std::string current_etag = current->has_value() ? (*current)->person.etag : "";
    absl::Status etag =
        common::CheckEtag(batch[i].etag, current_etag, absl::StrCat("people[", i, "].etag"));
    if (!etag.ok()) {
      auto violations = common::ErrorFieldViolations(etag);
      stale.insert(stale.end(), violations.begin(), violations.end());
    }
    stored.push_back(*std::move(current));
    batch_index[batch[i].id] = i;
    manager_of[batch[i].id] = batch[i].manager;
    ids.push_back(batch[i].id);
  }
  if (!stale.empty()) return StaleEtags(std::move(stale));

  // The chain as it will be after this batch: batch records first, stored people otherwise, and
  // a reference to nobody stored yet ends it.
  auto cycle = FindCycle(ids, [&](const std::string& id) -> absl::StatusOr<std::string> {
    auto known = manager_of.find(id);
    if (known != manager_of.end()) return known->second;
    auto row = session_.QueryOne("SELECT manager FROM org_people WHERE tenant = ? AND id = ?",
                                 {tenant_, id});
    if (!row.ok()) return row.status();
    std::string manager = row->has_value() ? (*row)->GetString(0) : "";
    manager_of[id] = manager;
    return manager;
  });
  if (!cycle.ok()) return cycle.status();
  if (!cycle->empty()) {
    return CycleError("MANAGER_CYCLE", "people", "manager", *cycle, batch_index);
  }

  std::vector<Person> result;
  result.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (stored[i].has_value() && SameContent(stored[i]->person, batch[i])) {
      result.push_back(std::move(stored[i]->person));
      continue;
    }
    Person person = batch[i];
    const int64_t version = stored[i].has_value() ? stored[i]->version + 1 : 1;
    person.create_time = stored[i].has_value() ? stored[i]->person.create_time : now;
    person.update_time = now;
    person.etag = common::FormatEtag(version);
    absl::Status status = WritePerson(person, version);
    if (!status.ok()) return status;
    result.push_back(std::move(person));
  }
  return result;
}

absl::StatusOr<std::vector<Team>> OrgDirectory::UpsertTeams(const std::vector<Team>& batch,
                                                            absl::Time now) {
  now = StoredTime(now);
  std::vector<std::optional<StoredTeam>> stored;
  stored.reserve(batch.size());
  std::vector<FieldViolation> stale;
  absl::flat_hash_map<std::string, size_t> batch_index;
  absl::flat_hash_map<std::string, std::string> parent_of;
  std::vector<std::string> ids;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto current = LoadTeam(batch[i].id);
    if (!current.ok()) return current.status();
    const std::string current_etag = current->has_value() ? (*current)->team.etag : "";
    absl::Status etag =
        common::CheckEtag(batch[i].etag, current_etag, absl::StrCat("teams[", i, "].etag"));
    if (!etag.ok()) {
      auto violations = common::ErrorFieldViolations(etag);
      stale.insert(stale.end(), violations.begin(), violations.end());
    }
    stored.push_back(*std::move(current));
    batch_index[batch[i].id] = i;
    parent_of[batch[i].id] = batch[i].parent;
    ids.push_back(batch[i].id);
  }
  if (!stale.empty()) return StaleEtags(std::move(stale));

  auto cycle = FindCycle(ids, [&](const std::string& id) -> absl::StatusOr<std::string> {
    auto known = parent_of.find(id);
    if (known != parent_of.end()) return known->second;
    auto row = session_.QueryOne("SELECT parent FROM org_teams WHERE tenant = ? AND id = ?",
                                 {tenant_, id});
    if (!row.ok()) return row.status();
    std::string parent = row->has_value() ? (*row)->GetString(0) : "";
    parent_of[id] = parent;
    return parent;
  });
  if (!cycle.ok()) return cycle.status();
  if (!cycle->empty()) return CycleError("TEAM_CYCLE", "teams", "parent", *cycle, batch_index);

  std::vector<Team> result;
  result.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (stored[i].has_value() && SameContent(stored[i]->team, batch[i])) {
      result.push_back(std::move(stored[i]->team));
      continue;
    }
    Team team = batch[i];
    const int64_t version = stored[i].has_value() ? stored[i]->version + 1 : 1;
    team.create_time = stored[i].has_value() ? stored[i]->team.create_time : now;
    team.update_time = now;
    team.etag = common::FormatEtag(version);
    absl::Status status = WriteTeam(team, version);
    if (!status.ok()) return status;
    result.push_back(std::move(team));
  }
  return result;
}

absl::StatusOr<Page<Person>> OrgDirectory::ListPeople(const PeopleFilter& filter,
                                                      std::string_view after, int page_size) {
  std::vector<SqlValue> params{tenant_};
  std::string sql = absl::StrCat("SELECT ", kPersonColumns);
  if (!filter.team.empty()) {
    absl::StrAppend(&sql,
                    " FROM org_person_teams m JOIN org_people p ON p.tenant = m.tenant AND "
                    "p.id = m.person WHERE m.tenant = ? AND m.team = ? AND m.person > ?");
    params.push_back(filter.team);
  } else {
    absl::StrAppend(&sql, " FROM org_people p WHERE p.tenant = ? AND p.id > ?");
  }
  params.push_back(std::string(after));
  if (!filter.manager.empty()) {
    absl::StrAppend(&sql, " AND p.manager = ?");
    params.push_back(filter.manager);
  }
  if (!filter.include_inactive) {
    absl::StrAppend(&sql, " AND p.state = ", static_cast<int>(OrgState::kActive));
  }
  absl::StrAppend(&sql, " ORDER BY p.id LIMIT ?");
  params.push_back(static_cast<int64_t>(page_size) + 1);

  Page<Person> page;
  absl::Status status = session_.Query(sql, params, [&page](const SqlRow& row) {
    int64_t version = 0;
    page.items.push_back(PersonFromRow(row, version));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (page.items.size() > static_cast<size_t>(page_size)) {
    page.items.pop_back();
    page.next_after = page.items.back().id;
  }
  for (Person& person : page.items) {
    auto teams = LoadTeamsOf(person.id);
    if (!teams.ok()) return teams.status();
    person.teams = *std::move(teams);
  }
  return page;
}

absl::StatusOr<Page<Team>> OrgDirectory::ListTeams(const TeamFilter& filter, std::string_view after,
                                                   int page_size) {
  std::vector<SqlValue> params{tenant_, std::string(after)};
  std::string sql =
      absl::StrCat("SELECT ", kTeamColumns, " FROM org_teams t WHERE t.tenant = ? AND t.id > ?");
  if (!filter.parent.empty()) {
    absl::StrAppend(&sql, " AND t.parent = ?");
    params.push_back(filter.parent);
  }
  if (!filter.include_inactive) {
    absl::StrAppend(&sql, " AND t.state = ", static_cast<int>(OrgState::kActive));
  }
  absl::StrAppend(&sql, " ORDER BY t.id LIMIT ?");
  params.push_back(static_cast<int64_t>(page_size) + 1);

  Page<Team> page;
  absl::Status status = session_.Query(sql, params, [&page](const SqlRow& row) {
    int64_t version = 0;
    page.items.push_back(TeamFromRow(row, version));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (page.items.size() > static_cast<size_t>(page_size)) {
    page.items.pop_back();
    page.next_after = page.items.back().id;
  }
  return page;
}

absl::StatusOr<ReportingChain> OrgDirectory::GetReportingChain(std::string_view person_id,
                                                               int max_depth) {
  auto person = FindPerson(person_id);
  if (!person.ok()) return person.status();
  if (!person->has_value()) {
    return common::NotFound("PERSON_NOT_FOUND",
                            absl::StrCat("no person people/", std::string(person_id)));
  }
  const size_t limit = static_cast<size_t>(
      max_depth <= 0 ? kMaxReportingChain : std::min(max_depth, kMaxReportingChain));
  ReportingChain chain;
  absl::flat_hash_set<std::string> seen{std::string(person_id)};
  std::string next = (*person)->manager;
  while (!next.empty() && chain.managers.size() < limit) {
    // Upserts reject cycles, so one here means the stored data was damaged: say so, never loop.
    if (!seen.insert(next).second) {
      return absl::DataLossError(absl::StrCat("the stored manager chain of people/",
                                              std::string(person_id), " is cyclic"));
    }
    auto manager = FindPerson(next);
    if (!manager.ok()) return manager.status();
    if (!manager->has_value()) {
      chain.unresolved_manager = next;
      break;
    }
    next = (*manager)->manager;
    chain.managers.push_back(**std::move(manager));
  }
  return chain;
}

}  // namespace okr::goals
