#include "services/analytics/src/store/trend_store.h"

#include "absl/strings/str_format.h"

namespace okr::analytics {
namespace {

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace

absl::StatusOr<std::vector<absl::CivilDay>> TrendStore::Days(const std::string& tenant,
                                                             const std::string& cycle,
                                                             absl::CivilDay from,
                                                             absl::CivilDay to) {
  std::vector<absl::CivilDay> days;
  absl::Status s = database_->Read([&](common::SqlSession& session) {
    return session.Query(
        "SELECT day FROM trend_days WHERE tenant = ? AND cycle = ? AND day >= ? AND day <= ? "
        "ORDER BY day",
        {tenant, cycle, DayText(from), DayText(to)}, [&](const common::SqlRow& row) {
          absl::CivilDay day;
          if (!absl::ParseCivilTime(row.GetString(0), &day)) {
            return absl::DataLossError("a stored trend day does not parse");
          }
          days.push_back(day);
          return absl::OkStatus();
        });
  });
  if (!s.ok()) return s;
  return days;
}

absl::Status TrendStore::SaveDay(const std::string& tenant, const std::string& cycle,
                                 absl::CivilDay day, const std::vector<ScopePoint>& points) {
  const std::string text = DayText(day);
  return database_->WriteAndWait([&](common::SqlSession& session) -> absl::Status {
    for (const ScopePoint& p : points) {
      const TrendValues& v = p.values;
      if (absl::Status e = session.Exec(
              "INSERT INTO trend_points (tenant, cycle, scope, day, progress, on_track, at_risk, "
              "off_track, no_measure, stale_key_results, check_in_rate) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (tenant, cycle, scope, day) DO UPDATE SET "
              "progress = excluded.progress, on_track = excluded.on_track, "
              "at_risk = excluded.at_risk, off_track = excluded.off_track, "
              "no_measure = excluded.no_measure, stale_key_results = excluded.stale_key_results, "
              "check_in_rate = excluded.check_in_rate",
              {tenant, cycle, p.scope, text, v.progress, v.on_track, v.at_risk, v.off_track,
               v.no_measure, v.stale_key_results, v.check_in_rate});
          !e.ok()) {
        return e;
      }
    }
    return session.Exec(
        "INSERT INTO trend_days (tenant, cycle, day) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        {tenant, cycle, text});
  });
}

absl::StatusOr<std::vector<DayPoint>> TrendStore::Points(const std::string& tenant,
                                                         const std::string& cycle,
                                                         const std::string& scope,
                                                         absl::CivilDay from, absl::CivilDay to) {
  std::vector<DayPoint> points;
  absl::Status s = database_->Read([&](common::SqlSession& session) {
    return session.Query(
        "SELECT day, progress, on_track, at_risk, off_track, no_measure, stale_key_results, "
        "check_in_rate FROM trend_points WHERE tenant = ? AND cycle = ? AND scope = ? AND "
        "day >= ? AND day <= ? ORDER BY day",
        {tenant, cycle, scope, DayText(from), DayText(to)}, [&](const common::SqlRow& row) {
          DayPoint p;
          if (!absl::ParseCivilTime(row.GetString(0), &p.day)) {
            return absl::DataLossError("a stored trend day does not parse");
          }
          p.values = {row.GetDouble(1), row.GetInt64(2), row.GetInt64(3), row.GetInt64(4),
                      row.GetInt64(5),  row.GetInt64(6), row.GetDouble(7)};
          points.push_back(p);
          return absl::OkStatus();
        });
  });
  if (!s.ok()) return s;
  return points;
}

}  // namespace okr::analytics
