// `okrctl dashboard` (a team's or a cycle's summary from analytics, with the trend and stale key
// results) and `okrctl watch` (live aggregates from WatchAggregates, redrawn in place).
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "okr/analytics/v1/analytics_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/dashboard_view.h"
#include "tools/okrctl/commands/goals_view.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/interrupt.h"
#include "tools/okrctl/json_output.h"

namespace okr::ctl {
namespace {

namespace av1 = okr::analytics::v1;
namespace gv1 = okr::goals::v1;

struct DashboardOptions {
  std::string team;
  std::string cycle;
  bool sub_teams = false;
  int stale = 5;
};

google::type::Date Today() {
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  google::type::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

bool Before(const google::type::Date& a, const google::type::Date& b) {
  return std::make_tuple(a.year(), a.month(), a.day()) <
         std::make_tuple(b.year(), b.month(), b.day());
}

int Dashboard(Session& session, DashboardOptions o) {
  int code = kExitOk;
  if (o.cycle.empty()) o.cycle = DefaultCycle(session, &code);
  if (o.cycle.empty()) return code;
  o.cycle = Qualify("cycles", o.cycle);
  auto goals = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  auto analytics = av1::AnalyticsService::NewStub(session.Channel(Service::kAnalytics));

  gv1::GetCycleRequest cycle_request;
  cycle_request.set_name(o.cycle);
  gv1::Cycle cycle;
  grpc::Status s = goals->GetCycle(session.Context().get(), cycle_request, &cycle);
  if (!s.ok()) return session.Fail("GetCycle", s);

  av1::TeamSummary team;
  av1::CycleSummary summary;
  DashboardData data;
  if (!o.team.empty()) {
    av1::GetTeamSummaryRequest request;
    request.set_team(Qualify("teams", o.team));
    request.set_cycle(o.cycle);
    request.set_include_sub_teams(o.sub_teams);
    s = analytics->GetTeamSummary(session.Context().get(), request, &team);
    if (!s.ok()) return session.Fail("GetTeamSummary", s);
    data.title = absl::StrCat(team.team(), o.sub_teams ? " and sub-teams" : "", " in ",
                              cycle.display_name(), " (", o.cycle, ")");
    data.goals = &team.goals();
    data.engagement = &team.engagement();
    data.freshness = &team.freshness();
  } else {
    av1::GetCycleSummaryRequest request;
    request.set_cycle(o.cycle);
    s = analytics->GetCycleSummary(session.Context().get(), request, &summary);
    if (!s.ok()) return session.Fail("GetCycleSummary", s);
    data.title = absl::StrCat(cycle.display_name(), " (", o.cycle, "), whole company");
    data.goals = &summary.goals();
    data.engagement = &summary.engagement();
    data.freshness = &summary.freshness();
  }

  av1::GetTrendRequest trend_request;
  trend_request.set_metric(av1::TREND_METRIC_PROGRESS);
  trend_request.set_cycle(o.cycle);
  if (!o.team.empty()) {
    trend_request.set_team(Qualify("teams", o.team));
    trend_request.set_include_sub_teams(o.sub_teams);
  }
  *trend_request.mutable_start_date() = cycle.start_date();
  const google::type::Date today = Today();
  *trend_request.mutable_end_date() = Before(today, cycle.end_date()) ? today : cycle.end_date();
  av1::Trend trend;
  const bool has_trend = !Before(trend_request.end_date(), trend_request.start_date());
  if (has_trend) {
    s = analytics->GetTrend(session.Context().get(), trend_request, &trend);
    if (!s.ok()) return session.Fail("GetTrend", s);
    data.trend = &trend;
  }

  gv1::ListKeyResultsResponse stale;
  // Goals lists stale key results per cycle (or per person owner), so only the company view
  // names them; a team view gives the count.
  if (o.stale > 0 && o.team.empty()) {
    gv1::ListKeyResultsRequest request;
    request.set_parent("objectives/-");
    request.set_cycle(o.cycle);
    request.set_stale_only(true);
    request.set_page_size(o.stale);
    s = goals->ListKeyResults(session.Context().get(), request, &stale);
    if (!s.ok()) return session.Fail("ListKeyResults", s);
    data.stale.assign(stale.key_results().begin(), stale.key_results().end());
  }

  if (session.json()) {
    nlohmann::json out = {{"summary", o.team.empty() ? ToJsonValue(summary) : ToJsonValue(team)},
                          {"trend", has_trend ? ToJsonValue(trend) : nlohmann::json(nullptr)},
                          {"staleKeyResults", ToJsonValue(stale)["keyResults"]}};
    session.out() << out.dump() << "\n";
    return kExitOk;
  }
  PrintDashboard(session.out(), data, session.style());
  return kExitOk;
}

struct WatchOptions {
  std::vector<std::string> teams;
  std::vector<std::string> cycles;
  std::vector<std::string> objectives;
  bool sub_teams = false;
  std::string min_interval = "1s";
  int count = 0;
};

int Watch(Session& session, WatchOptions o) {
  Interrupt interrupt;  // before any channel is made
  av1::WatchAggregatesRequest request;
  absl::Duration interval;
  if (!absl::ParseDuration(o.min_interval, &interval)) {
    return session.Usage("--min-interval must be a duration such as 1s");
  }
  request.mutable_min_interval()->set_seconds(absl::ToInt64Seconds(interval));
  request.mutable_min_interval()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(interval) % 1000000000));
  if (o.teams.empty() && o.cycles.empty() && o.objectives.empty()) {
    int code = kExitOk;
    const std::string cycle = DefaultCycle(session, &code);
    if (cycle.empty()) return code;
    o.cycles.push_back(cycle);
  }
  std::string team_cycle = o.cycles.empty() ? "" : Qualify("cycles", o.cycles.front());
  if (!o.teams.empty() && team_cycle.empty()) {
    int code = kExitOk;
    team_cycle = DefaultCycle(session, &code);
    if (team_cycle.empty()) return code;
  }
  for (const auto& t : o.teams) {
    av1::TeamAggregateKey* key = request.add_aggregates()->mutable_team();
    key->set_team(Qualify("teams", t));
    key->set_cycle(team_cycle);
    key->set_include_sub_teams(o.sub_teams);
  }
  if (o.teams.empty()) {
    for (const auto& c : o.cycles) request.add_aggregates()->set_cycle(Qualify("cycles", c));
  }
  for (const auto& x : o.objectives) {
    request.add_aggregates()->set_objective(Qualify("objectives", x));
  }
  auto stub = av1::AnalyticsService::NewStub(session.Channel(Service::kAnalytics));
  auto context = session.Context(absl::InfiniteDuration());
  grpc::ClientContext* raw = context.get();
  interrupt.OnSignal([raw] { raw->TryCancel(); });
  auto reader = stub->WatchAggregates(context.get(), request);
  const bool redraw = session.style().unicode && !session.json();
  // The latest state of every aggregate, drawn together on each update.
  std::vector<av1::WatchAggregatesResponse> latest(static_cast<size_t>(request.aggregates_size()));
  av1::WatchAggregatesResponse update;
  int updates = 0;
  while (reader->Read(&update)) {
    ++updates;
    if (session.json()) {
      session.out() << ToJson(update) << std::endl;
    } else {
      for (int i = 0; i < request.aggregates_size(); ++i) {
        if (request.aggregates(i).SerializeAsString() == update.key().SerializeAsString()) {
          latest[static_cast<size_t>(i)] = update;
        }
      }
      if (redraw) session.out() << "\x1b[H\x1b[2J";
      session.out() << "update " << updates << " at "
                    << absl::FormatTime("%H:%M:%S", absl::Now(), absl::UTCTimeZone()) << " UTC"
                    << (redraw ? "  (Ctrl-C to stop)" : "") << "\n\n";
      for (const auto& r : latest) {
        DashboardData data;
        if (r.unavailable()) {
          session.out() << "(unavailable)\n\n";
          continue;
        }
        if (r.has_team_summary()) {
          data.title = absl::StrCat(r.team_summary().team(), " in ", r.team_summary().cycle());
          data.goals = &r.team_summary().goals();
          data.engagement = &r.team_summary().engagement();
          data.freshness = &r.team_summary().freshness();
        } else if (r.has_cycle_summary()) {
          data.title = r.cycle_summary().cycle();
          data.goals = &r.cycle_summary().goals();
          data.engagement = &r.cycle_summary().engagement();
          data.freshness = &r.cycle_summary().freshness();
        } else if (r.has_objective_rollup()) {
          PrintRollup(session.out(), r.objective_rollup(), session.style());
          session.out() << "\n";
          continue;
        } else {
          continue;
        }
        PrintDashboard(session.out(), data, session.style());
        session.out() << "\n";
      }
      session.out() << std::flush;
    }
    if (o.count > 0 && updates >= o.count) {
      context->TryCancel();
      break;
    }
  }
  const grpc::Status s = reader->Finish();
  if (interrupt.interrupted() || (o.count > 0 && updates >= o.count)) return kExitOk;
  if (!s.ok()) return session.Fail("WatchAggregates", s);
  return kExitOk;
}

}  // namespace

void AddDashboardCommands(CLI::App& app, Session& session, int& exit_code) {
  auto d = std::make_shared<DashboardOptions>();
  CLI::App* dashboard = app.add_subcommand("dashboard", "A team's or the company's cycle summary");
  dashboard->add_option("--team", d->team, "A team (default: the whole company)");
  dashboard->add_option("--cycle", d->cycle, "The cycle (default: the active one)");
  dashboard->add_flag("--sub-teams", d->sub_teams, "Include the team's sub-teams");
  dashboard->add_option("--stale", d->stale, "How many stale key results to list")
      ->capture_default_str();
  dashboard->callback(Runner(session, exit_code, [&session, d] { return Dashboard(session, *d); }));

  auto w = std::make_shared<WatchOptions>();
  CLI::App* watch = app.add_subcommand("watch", "Live aggregates, redrawn as they change");
  watch->add_option("--team", w->teams, "A team's summary (repeatable)");
  watch->add_option("--cycle", w->cycles, "A cycle's summary (default: the active cycle)");
  watch->add_option("--objective", w->objectives, "An objective's roll-up (repeatable)");
  watch->add_flag("--sub-teams", w->sub_teams, "Teams with their sub-teams");
  watch->add_option("--min-interval", w->min_interval, "At most one update per aggregate per")
      ->capture_default_str();
  watch->add_option("--count", w->count, "Stop after this many updates (0: until Ctrl-C)");
  watch->callback(Runner(session, exit_code, [&session, w] { return Watch(session, *w); }));
}

}  // namespace okr::ctl
