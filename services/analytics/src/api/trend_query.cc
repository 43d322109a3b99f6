#include "services/analytics/src/api/trend_query.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "okr/common/aip/proto_time.h"
#include "okr/common/status/errors.h"
#include "services/analytics/src/api/names.h"
#include "services/analytics/src/domain/trends.h"

namespace okr::analytics {
namespace {

double MetricOf(const TrendValues& v, v1::TrendMetric metric) {
  switch (metric) {
    case v1::TREND_METRIC_PROGRESS:
      return v.progress;
    case v1::TREND_METRIC_ON_TRACK_COUNT:
      return static_cast<double>(v.on_track);
    case v1::TREND_METRIC_AT_RISK_COUNT:
      return static_cast<double>(v.at_risk);
    case v1::TREND_METRIC_OFF_TRACK_COUNT:
      return static_cast<double>(v.off_track);
    case v1::TREND_METRIC_NO_MEASURE_COUNT:
      return static_cast<double>(v.no_measure);
    case v1::TREND_METRIC_STALE_KEY_RESULT_COUNT:
      return static_cast<double>(v.stale_key_results);
    case v1::TREND_METRIC_CHECK_IN_RATE:
      return v.check_in_rate;
    default:
      return 0;
  }
}

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }

}  // namespace

absl::StatusOr<TrendQuery> ParseTrendRequest(const v1::GetTrendRequest& request) {
  TrendQuery q;
  common::Violations violations;
  if (request.metric() == v1::TREND_METRIC_UNSPECIFIED ||
      !v1::TrendMetric_IsValid(request.metric())) {
    violations.Add("metric", "must be one of the TrendMetric values");
  }
  q.metric = request.metric();
  if (!request.cycle().empty()) {
    auto cycle = IdFromName("cycles", request.cycle(), "cycle");
    if (!cycle.ok()) return cycle.status();
    q.cycle = *cycle;
  }
  switch (request.scope_case()) {
    case v1::GetTrendRequest::kObjective: {
      auto objective = IdFromName("objectives", request.objective(), "objective");
      if (!objective.ok()) return objective.status();
      q.objective = *objective;
      break;
    }
    case v1::GetTrendRequest::kTeam: {
      auto team = IdFromName("teams", request.team(), "team");
      if (!team.ok()) return team.status();
      q.team = *team;
      break;
    }
    case v1::GetTrendRequest::SCOPE_NOT_SET:
      break;
  }
  if (q.cycle.empty() && q.objective.empty()) {
    violations.Add("cycle", "is required unless objective is set");
  }
  q.include_sub_teams = request.include_sub_teams();
  if (q.include_sub_teams && q.team.empty()) {
    violations.Add("include_sub_teams", "may be set only with team");
  }
  if (!request.has_start_date()) violations.Add("start_date", "is required");
  if (!request.has_end_date()) violations.Add("end_date", "is required");
  if (!violations.empty()) {
    return violations.ToStatus("INVALID_TREND_REQUEST", "the trend request is incomplete");
  }
  auto start = common::DateField(request.start_date(), "start_date");
  if (!start.ok()) return start.status();
  auto end = common::DateField(request.end_date(), "end_date");
  if (!end.ok()) return end.status();
  if (*end < *start) {
    return common::InvalidArgument("INVALID_DATE_RANGE", "end_date is before start_date",
                                   {{"end_date", "must be on or after start_date"}});
  }
  if (*end - *start + 1 > 366) {
    return common::InvalidArgument("INVALID_DATE_RANGE", "the range is longer than 366 days",
                                   {{"end_date", "must be at most 365 days after start_date"}});
  }
  q.start = *start;
  q.end = *end;
  return q;
}

absl::StatusOr<TrendPlan> PlanTrend(const TenantState& state, const Reader& reader, TrendQuery q,
                                    absl::Time now, const FiguresConfig& config) {
  TrendPlan plan;
  plan.scope = CycleScopeKey();
  const ObjectiveFact* root = nullptr;
  if (!q.objective.empty()) {
    root = state.FindObjective(q.objective);
    if (root == nullptr || !MaySeeObjective(state, reader, *root)) {
      return common::NotFound("OBJECTIVE_NOT_FOUND",
                              "the objective does not exist or you may not read it");
    }
    if (!q.cycle.empty() && q.cycle != root->cycle) {
      return common::InvalidArgument("CYCLE_MISMATCH", "the cycle is not the objective's",
                                     {{"cycle", "must be empty or the objective's cycle"}});
    }
    q.cycle = root->cycle;
    plan.scope = ObjectiveScopeKey(q.objective);
  }
  const CycleFact* cycle = state.FindCycle(q.cycle);
  if (cycle == nullptr) {
    return common::NotFound("CYCLE_NOT_FOUND", "the cycle does not exist or you may not read it");
  }
  if (!q.team.empty()) {
    if (state.FindTeam(q.team) == nullptr) {
      return common::NotFound("TEAM_NOT_FOUND", "the team does not exist or you may not read it");
    }
    plan.scope = TeamScopeKey(q.team, q.include_sub_teams);
  }
  plan.today = DayOf(now);
  const bool today_in_cycle = DayOf(cycle->utc_begin) <= plan.today &&
                              plan.today <= DayOf(cycle->utc_end - absl::Nanoseconds(1));
  if (q.start <= plan.today && plan.today <= q.end && today_in_cycle) {
    std::optional<TrendValues> v;
    if (root != nullptr) {
      v = ObjectiveValues(state, *root, now, config);
    } else if (!q.team.empty()) {
      v = TeamValues(state, q.team, q.cycle, q.include_sub_teams, now, config);
    } else {
      v = CycleValues(state, q.cycle, now, config);
    }
    if (v.has_value()) plan.today_value = MetricOf(*v, q.metric);
  }
  plan.query = std::move(q);
  return plan;
}

absl::Status FillTrend(const TrendPlan& plan, TrendStore& store, const std::string& tenant,
                       absl::Time now, v1::Trend& out) {
  const TrendQuery& q = plan.query;
  out.set_metric(q.metric);
  out.set_cycle(absl::StrCat("cycles/", q.cycle));
  if (!q.objective.empty()) out.set_objective(absl::StrCat("objectives/", q.objective));
  if (!q.team.empty()) out.set_team(absl::StrCat("teams/", q.team));
  out.set_include_sub_teams(q.include_sub_teams);
  *out.mutable_start_date() = common::ToDate(q.start);
  *out.mutable_end_date() = common::ToDate(q.end);
  if (q.start < plan.today) {
    auto points =
        store.Points(tenant, q.cycle, plan.scope, q.start, std::min(q.end, plan.today - 1));
    if (!points.ok()) return points.status();
    for (const DayPoint& p : *points) {
      v1::TrendPoint* point = out.add_points();
      *point->mutable_date() = common::ToDate(p.day);
      point->set_value(MetricOf(p.values, q.metric));
    }
  }
  if (plan.today_value.has_value()) {
    v1::TrendPoint* point = out.add_points();
    *point->mutable_date() = common::ToDate(plan.today);
    point->set_value(*plan.today_value);
  }
  *out.mutable_computed_time() = common::ToTimestamp(now);
  return absl::OkStatus();
}

}  // namespace okr::analytics
