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

std::optional<TrendValues> ScopeValues(const TenantState& state, const Scope& scope, absl::Time at,
                                       const FiguresConfig& config) {
  if (scope.objectives.empty()) return std::nullopt;
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

std::optional<TrendValues> CycleValues(const TenantState& state, const std::string& cycle,
                                       absl::Time at, const FiguresConfig& config) {
  return ScopeValues(state, CycleScope(state, cycle), at, config);
}

std::optional<TrendValues> TeamValues(const TenantState& state, const std::string& team,
                                      const std::string& cycle, bool include_sub_teams,
                                      absl::Time at, const FiguresConfig& config) {
  return ScopeValues(state, TeamScope(state, team, cycle, include_sub_teams), at, config);
}

TrendValues ObjectiveValues(const TenantState& state, const ObjectiveFact& root, absl::Time at,
                            const FiguresConfig& config) {
  // The root is in its own subtree unless archived; an archived root still has its progress.
  TrendValues v = ScopeValues(state, SubtreeScope(state, root), at, config).value_or(TrendValues{});
  v.progress = root.progress;
  return v;
}

std::vector<ScopePoint> CyclePoints(const TenantState& state, const std::string& cycle,
                                    absl::Time at, const FiguresConfig& config) {
  std::vector<ScopePoint> out;
  if (auto v = CycleValues(state, cycle, at, config)) out.push_back({CycleScopeKey(), *v});
  for (const auto& [team, unused] : state.teams()) {
    for (bool sub_teams : {false, true}) {
      if (auto v = TeamValues(state, team, cycle, sub_teams, at, config)) {
        out.push_back({TeamScopeKey(team, sub_teams), *v});
      }
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
