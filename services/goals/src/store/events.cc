// GoalsStore: applied event ids of the ingest stream and reported stale periods.
#include "services/goals/src/store/goals_store.h"
#include "services/goals/src/store/org_directory.h"

namespace okr::goals {

absl::StatusOr<bool> GoalsStore::RememberEventOnce(std::string_view event_id, absl::Time now) {
  absl::Status s = session_.Exec(
      "INSERT OR IGNORE INTO goal_ingest_events (tenant, event_id, applied_us) VALUES (?, ?, ?)",
      {tenant_, std::string(event_id), absl::ToUnixMicros(now)});
  if (!s.ok()) return s;
  return session_.ChangedRows() == 1;
}

absl::Status GoalsStore::ForgetEvent(std::string_view event_id) {
  return session_.Exec("DELETE FROM goal_ingest_events WHERE tenant = ? AND event_id = ?",
                       {tenant_, std::string(event_id)});
}

absl::StatusOr<int64_t> ForgetEventsBefore(common::SqlSession& session, absl::Time before,
                                           int limit) {
  absl::Status s = session.Exec(
      "DELETE FROM goal_ingest_events WHERE (tenant, event_id) IN (SELECT tenant, event_id FROM "
      "goal_ingest_events WHERE applied_us < ? LIMIT ?)",
      {absl::ToUnixMicros(before), int64_t{limit}});
  if (!s.ok()) return s;
  return session.ChangedRows();
}

absl::StatusOr<std::vector<std::string>> GoalsStore::StaleReports(std::string_view cycle) {
  std::vector<std::string> ids;
  absl::Status s =
      session_.Query("SELECT key_result FROM goal_stale_reports WHERE tenant = ? AND cycle = ?",
                     {tenant_, std::string(cycle)}, [&](const common::SqlRow& row) {
                       ids.push_back(row.GetString(0));
                       return absl::OkStatus();
                     });
  if (!s.ok()) return s;
  return ids;
}

absl::Status GoalsStore::RememberStaleReport(std::string_view key_result, std::string_view cycle,
                                             absl::Time now) {
  return session_.Exec(
      "INSERT OR REPLACE INTO goal_stale_reports (tenant, key_result, cycle, since_us) VALUES "
      "(?, ?, ?, ?)",
      {tenant_, std::string(key_result), std::string(cycle), absl::ToUnixMicros(now)});
}

std::string GoalsStore::AccountableFor(const KeyResultRecord& k, const ObjectiveRecord& o) {
  if (!k.owner.empty()) return k.owner;
  if (o.owner.kind == OwnerKind::kPerson) return o.owner.id;
  auto team = OrgDirectory(session_, tenant_).FindTeam(o.owner.id);
  if (team.ok() && team->has_value()) return (*team)->lead;
  return "";
}

absl::Status GoalsStore::ClearStaleReportsOfCycle(std::string_view cycle) {
  return session_.Exec("DELETE FROM goal_stale_reports WHERE tenant = ? AND cycle = ?",
                       {tenant_, std::string(cycle)});
}

absl::Status GoalsStore::ClearStaleReport(std::string_view key_result) {
  return session_.Exec("DELETE FROM goal_stale_reports WHERE tenant = ? AND key_result = ?",
                       {tenant_, std::string(key_result)});
}

}  // namespace okr::goals
