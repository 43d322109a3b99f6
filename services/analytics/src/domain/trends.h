// Trend points: the figures a trend follows, for every scope of a cycle, from a tenant's facts at
// one moment (the end of a day for a stored point, now for today's).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/analytics/src/domain/figures.h"
#include "services/analytics/src/domain/tenant_state.h"

namespace okr::analytics {

struct TrendValues {
  double progress = 0;
  int64_t on_track = 0;
  int64_t at_risk = 0;
  int64_t off_track = 0;
  int64_t no_measure = 0;
  int64_t stale_key_results = 0;
  double check_in_rate = 0;
  friend bool operator==(const TrendValues&, const TrendValues&) = default;
};

struct ScopePoint {
  std::string scope;  // see the *ScopeKey functions
  TrendValues values;
};

std::string CycleScopeKey();
std::string TeamScopeKey(const std::string& team, bool include_sub_teams);
std::string ObjectiveScopeKey(const std::string& objective);

// The values of one scope at `at`; none when no objective is in scope (a trend has no point
// there: a missing day is not a zero). An objective scope's progress is the root's own roll-up.
std::optional<TrendValues> CycleValues(const TenantState& state, const std::string& cycle,
                                       absl::Time at, const FiguresConfig& config);
std::optional<TrendValues> TeamValues(const TenantState& state, const std::string& team,
                                      const std::string& cycle, bool include_sub_teams,
                                      absl::Time at, const FiguresConfig& config);
TrendValues ObjectiveValues(const TenantState& state, const ObjectiveFact& root, absl::Time at,
                            const FiguresConfig& config);

// Every scope of `cycle` with objectives in it: the cycle, each team with and without its
// sub-teams, each objective of the cycle that is not archived.
std::vector<ScopePoint> CyclePoints(const TenantState& state, const std::string& cycle,
                                    absl::Time at, const FiguresConfig& config);

}  // namespace okr::analytics
