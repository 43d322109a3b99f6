#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/store/goals_store.h"
#include "services/goals/src/store/rows.h"

namespace okr::goals {

using store_rows::CheckInFromRow;
using store_rows::FromMicros;
using store_rows::kCheckInColumns;
using store_rows::KeyResultFromRow;
using store_rows::kKeyResultColumns;
using store_rows::kObjectiveColumns;
using store_rows::Micros;
using store_rows::MilestonesFromJson;
using store_rows::MilestoneStatesToJson;
using store_rows::MilestonesToJson;
using store_rows::ObjectiveFromRow0;
using store_rows::OptionalInt;
using store_rows::OptionalTime;
using store_rows::OrNull;
using store_rows::PaddedMicros;
using store_rows::Placeholders;
using store_rows::PositionMicros;
using store_rows::QueryRecords;
using store_rows::SplitPosition;
using store_rows::SqlRow;
using store_rows::SqlValue;

// ---- check-ins ----------------------------------------------------------------------------------

absl::Status GoalsStore::InsertCheckIn(const CheckInRecord& c, std::string_view cycle,
                                       const KeyResultRecord& after) {
  return session_.Exec(
      absl::StrCat("INSERT INTO goal_check_ins (tenant, cycle, ", kCheckInColumns,
                   ", value_after, has_value_after, confidence_after, milestones_after, "
                   "last_observed_after_us) VALUES (",
                   Placeholders(24), ")"),
      {tenant_,
       std::string(cycle),
       c.objective,
       c.key_result,
       c.id,
       OrNull(c.value),
       MilestoneStatesToJson(c.milestone_states),
       OrNull(c.confidence),
       c.note_progress,
       c.note_challenges,
       c.note_next_steps,
       c.author,
       static_cast<int64_t>(c.source),
       c.event_id,
       c.event_source,
       OrNull(c.increment),
       int64_t{c.superseded ? 1 : 0},
       Micros(c.observed_at),
       Micros(c.create_time),
       after.current_value,
       int64_t{after.has_value ? 1 : 0},
       OrNull(after.latest_confidence),
       MilestonesToJson(after.milestones),
       OrNull(after.last_observed_time)});
}

absl::StatusOr<std::optional<CheckInRecord>> GoalsStore::FindCheckIn(std::string_view key_result,
                                                                     std::string_view id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kCheckInColumns,
                   " FROM goal_check_ins WHERE tenant = ? AND key_result = ? AND id = ?"),
      {tenant_, std::string(key_result), std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<CheckInRecord>();
  return std::optional<CheckInRecord>(CheckInFromRow(**row));
}

absl::StatusOr<Page<CheckInRecord>> GoalsStore::ListCheckIns(std::string_view key_result,
                                                             const CheckInFilter& filter,
                                                             std::string_view after,
                                                             int page_size) {
  std::vector<SqlValue> params{tenant_, std::string(key_result)};
  std::string sql = absl::StrCat("SELECT ", kCheckInColumns,
                                 " FROM goal_check_ins WHERE tenant = ? AND key_result = ?");
  if (!after.empty()) {
    auto parts = SplitPosition(after, 2);
    if (!parts.ok()) return parts.status();
    auto us = PositionMicros((*parts)[0]);
    if (!us.ok()) return us.status();
    absl::StrAppend(&sql,
                    " AND create_time_us <= ? AND (create_time_us < ? OR (create_time_us = ? AND "
                    "id > ?))");
    params.insert(params.end(), {*us, *us, *us, (*parts)[1]});
  }
  if (filter.source) {
    absl::StrAppend(&sql, " AND source = ?");
    params.push_back(static_cast<int64_t>(*filter.source));
  }
  if (filter.observed_after) {
    absl::StrAppend(&sql, " AND observed_us >= ?");
    params.push_back(Micros(*filter.observed_after));
  }
  if (filter.observed_before) {
    absl::StrAppend(&sql, " AND observed_us < ?");
    params.push_back(Micros(*filter.observed_before));
  }
  absl::StrAppend(&sql, " ORDER BY create_time_us DESC, id LIMIT ?");
  params.push_back(static_cast<int64_t>(page_size) + 1);
  auto rows = QueryRecords<CheckInRecord>(session_, sql, params, &CheckInFromRow);
  if (!rows.ok()) return rows.status();
  Page<CheckInRecord> page;
  page.items = *std::move(rows);
  if (page.items.size() > static_cast<size_t>(page_size)) {
    page.items.pop_back();
    const CheckInRecord& last = page.items.back();
    page.next_after = absl::StrCat(PaddedMicros(last.create_time), "/", last.id);
  }
  return page;
}

absl::Status GoalsStore::DeleteCheckInsOf(std::string_view key_result) {
  return session_.Exec("DELETE FROM goal_check_ins WHERE tenant = ? AND key_result = ?",
                       {tenant_, std::string(key_result)});
}

// ---- history ------------------------------------------------------------------------------------

absl::StatusOr<std::vector<ObjectiveRecord>> GoalsStore::ObjectivesOfCycleAsOf(
    std::string_view cycle, absl::Time as_of) {
  return QueryRecords<ObjectiveRecord>(
      session_,
      absl::StrCat("SELECT ", kObjectiveColumns,
                   " FROM goal_objectives WHERE tenant = ? AND cycle = ? AND create_time_us <= ? "
                   "ORDER BY create_time_us, id"),
      {tenant_, std::string(cycle), Micros(as_of)}, &ObjectiveFromRow0);
}

absl::StatusOr<std::vector<KeyResultRecord>> GoalsStore::KeyResultsOfCycleAsOf(
    std::string_view cycle, absl::Time as_of) {
  const int64_t at = Micros(as_of);
  auto key_results = QueryRecords<KeyResultRecord>(
      session_,
      absl::StrCat("SELECT ", kKeyResultColumns,
                   " FROM goal_key_results WHERE tenant = ? AND cycle = ? AND create_time_us <= ? "
                   "ORDER BY objective_create_time_us, objective, create_time_us, id"),
      {tenant_, std::string(cycle), at}, &KeyResultFromRow);
  if (!key_results.ok()) return key_results.status();
  std::vector<KeyResultRecord>& out = *key_results;
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < out.size(); ++i) {
    KeyResultRecord& k = out[i];
    index[k.id] = i;
    // The state before any check-in; the last check-in recorded by then replaces it below.
    k.current_value = k.start_value;
    k.has_value = false;
    k.latest_confidence.reset();
    k.last_check_in_time.reset();
    k.last_observed_time.reset();
    for (MilestoneRecord& m : k.milestones) {
      m.done = false;
      m.done_time.reset();
    }
  }
  absl::Status status = session_.Query(
      "SELECT c.key_result, c.create_time_us, c.value_after, c.has_value_after, "
      "c.confidence_after, c.milestones_after, c.last_observed_after_us FROM goal_check_ins c "
      "WHERE c.tenant = ? AND c.cycle = ? AND c.create_time_us <= ? AND c.seq = (SELECT "
      "MAX(d.seq) FROM goal_check_ins d WHERE d.tenant = c.tenant AND d.key_result = "
      "c.key_result AND d.create_time_us <= ?)",
      {tenant_, std::string(cycle), at, at}, [&](const SqlRow& row) {
        auto it = index.find(row.GetString(0));
        if (it == index.end()) return absl::OkStatus();
        KeyResultRecord& k = out[it->second];
        k.last_check_in_time = FromMicros(row.GetInt64(1));
        k.current_value = row.GetDouble(2);
        k.has_value = row.GetInt64(3) != 0;
        k.latest_confidence = OptionalInt(row, 4);
        // Done states by milestone id; the definitions are the current ones.
        const std::vector<MilestoneRecord> states = MilestonesFromJson(row.GetString(5));
        for (MilestoneRecord& m : k.milestones) {
          for (const MilestoneRecord& s : states) {
            if (s.id == m.id) {
              m.done = s.done;
              m.done_time = s.done_time;
            }
          }
        }
        k.last_observed_time = OptionalTime(row, 6);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::optional<OrgState>> GoalsStore::OwnerState(const Owner& owner) {
  auto row = session_.QueryOne(owner.kind == OwnerKind::kPerson
                                   ? "SELECT state FROM org_people WHERE tenant = ? AND id = ?"
                                   : "SELECT state FROM org_teams WHERE tenant = ? AND id = ?",
                               {tenant_, owner.id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<OrgState>();
  return std::optional<OrgState>(static_cast<OrgState>((*row)->GetInt64(0)));
}

}  // namespace okr::goals
