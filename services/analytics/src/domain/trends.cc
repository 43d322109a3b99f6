#include "services/analytics/src/domain/trends.h"

#include "absl/strings/str_cat.h"

namespace okr::analytics {
namespace {

TrendValues ValuesOf(const GoalFigures& goals, const EngagementFigures& engagement) {
  TrendValues v;
  v.progress = goals.average_progress;
  v.on_track = goals.on_track_count;
  v.at_risk = goals.at_risk_count;
  v.off_track = goals.off_track_count;
  v.no_measure = goals.no_measure_count;
  v.stale_key_results = goals.stale_key_result_count;
  v.check_in_rate = engagement.active_key_result_count == 0
                        ? 0
                        : static_cast<double>(engagement.checked_in_key_result_count) /
                              engagement.active_key_result_count;
  return v;
}

TrendValues ScopeValues(const TenantState& state, const Scope& scope, absl::Time at,
                        const FiguresConfig& config) {
  return ValuesOf(SummarizeGoals(state, scope, at, config),
                  SummarizeEngagement(state, scope, at, config));
}

}  // namespace

std::string CycleScopeKey() { return "cycle"; }
std::string TeamScopeKey(const std::string& team, bool include_sub_teams) {
  return absl::StrCat("team:", team, ":", include_sub_teams ? 1 : 0);
}
std::string ObjectiveScopeKey(const std::string& objective) {
  return absl::StrCat("objective:", objective);
}

TrendValues CycleValues(const TenantState& state, const std::string& cycle, absl::Time at,
                        const FiguresConfig& config) {
  return ScopeValues(state, CycleScope(state, cycle), at, config);
}

TrendValues TeamValues(const TenantState& state, const std::string& team, const std::string& cycle,
                       bool include_sub_teams, absl::Time at, const FiguresConfig& config) {
  return ScopeValues(state, TeamScope(state, team, cycle, include_sub_teams), at, config);
}

TrendValues ObjectiveValues(const TenantState& state, const ObjectiveFact& root, absl::Time at,
                            const FiguresConfig& config) {
  TrendValues v = ScopeValues(state, SubtreeScope(state, root), at, config);
  v.progress = root.progress;
  return v;
}

std::vector<ScopePoint> CyclePoints(const TenantState& state, const std::string& cycle,
                                    absl::Time at, const FiguresConfig& config) {
  std::vector<ScopePoint> out;
  out.push_back({CycleScopeKey(), CycleValues(state, cycle, at, config)});
  for (const auto& [team, unused] : state.teams()) {
    for (bool sub_teams : {false, true}) {
      out.push_back(
          {TeamScopeKey(team, sub_teams), TeamValues(state, team, cycle, sub_teams, at, config)});
    }
  }
  for (const std::string& id : state.ObjectivesOfCycle(cycle)) {
    const ObjectiveFact* o = state.FindObjective(id);
    if (o == nullptr || o->state == ObjectiveState::kArchived) continue;
    out.push_back({ObjectiveScopeKey(id), ObjectiveValues(state, *o, at, config)});
  }
  return out;
}

}  // namespace okr::analytics
