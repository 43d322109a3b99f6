// The figures analytics serves, computed from a tenant's facts for a scope (an objective subtree,
// a team, a person, a cycle) at a given time. Pure functions of (facts, scope, now, config): the
// same facts give the same figures, whether they were kept from the feeds or rebuilt.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/analytics/src/domain/tenant_state.h"

namespace okr::analytics {

struct FiguresConfig {
  // Attainment zones of key results: below commit < commit_edge <= commit < target_edge <=
  // target < stretch_edge <= stretch.
  double commit_edge = 0.3;
  double target_edge = 0.7;
  double stretch_edge = 1.0;
  // Aggregates over anonymous or upward feedback need this many distinct authors.
  int min_author_count = 3;
};

struct GoalFigures {
  int objective_count = 0;
  double average_progress = 0;
  double expected_progress = 0;
  int on_track_count = 0;
  int at_risk_count = 0;
  int off_track_count = 0;
  int no_measure_count = 0;
  std::array<int, 10> histogram = {};
  int key_result_count = 0;
  int stale_key_result_count = 0;
  std::optional<double> average_score;
  // Key results with a measure by attainment zone: below commit, commit, target, stretch.
  std::array<int, 4> zone_counts = {};
  // Objectives whose score (or, before grading, progress) reached their success threshold.
  int achieved_objective_count = 0;
  // Distinct teams owning at least one objective in scope.
  int teams_with_objectives_count = 0;
  // PRIVATE objectives in scope: counted above; named to no one, counted as hidden per reader.
  std::vector<std::string> private_objectives;
  friend bool operator==(const GoalFigures&, const GoalFigures&) = default;
};

struct KindCounts {
  int praise = 0;
  int constructive = 0;
  int recognition = 0;
  friend bool operator==(const KindCounts&, const KindCounts&) = default;
};

struct ProtectedCounts {
  bool not_enough_responses = true;
  int min_author_count = 3;
  int author_count = 0;  // 0 unless published
  KindCounts counts;     // zero unless published
  friend bool operator==(const ProtectedCounts&, const ProtectedCounts&) = default;
};

struct FeedbackFigures {
  KindCounts attributed;
  ProtectedCounts anonymous_or_upward;
  friend bool operator==(const FeedbackFigures&, const FeedbackFigures&) = default;
};

struct EngagementFigures {
  int active_key_result_count = 0;
  int checked_in_key_result_count = 0;
  std::optional<absl::Time> last_check_in_time;
  int alignable_objective_count = 0;
  int aligned_objective_count = 0;
  FeedbackFigures feedback_given;
  FeedbackFigures feedback_received;
  int one_on_one_count = 0;
  int overdue_one_on_one_count = 0;
  int settled_request_count = 0;
  int answered_request_count = 0;
  friend bool operator==(const EngagementFigures&, const EngagementFigures&) = default;
};

// Who and what a figure covers.
struct Scope {
  std::string cycle;
  TenantState::Ids teams;               // teams in scope (team summaries)
  TenantState::Ids people;              // people whose engagement counts
  std::vector<std::string> objectives;  // counted objectives (not ARCHIVED), sorted
  bool single_person = false;  // one person is one author: their given feedback is protected
};

// The root and every counted objective aligned below it at any depth (archived ones, and what
// is aligned below them, leave the subtree as they leave goals' roll-up).
Scope SubtreeScope(const TenantState& state, const ObjectiveFact& root);
// Objectives of `cycle` owned by a team in scope or by a member of one; members are the active
// people of those teams.
Scope TeamScope(const TenantState& state, const std::string& team, const std::string& cycle,
                bool include_sub_teams);
Scope PersonScope(const TenantState& state, const std::string& person, const std::string& cycle);
// Every objective of the cycle and every active person.
Scope CycleScope(const TenantState& state, const std::string& cycle);

// Fraction of the cycle elapsed at `now`, in [0, 1].
double ElapsedFraction(const CycleFact& cycle, absl::Time now);

GoalFigures SummarizeGoals(const TenantState& state, const Scope& scope, absl::Time now,
                           const FiguresConfig& config);
EngagementFigures SummarizeEngagement(const TenantState& state, const Scope& scope, absl::Time now,
                                      const FiguresConfig& config);

// An objective aligned directly under a roll-up's root.
struct ChildFigure {
  std::string id;
  std::string title;
  std::string owner;  // people/{p} or teams/{t}
  double progress = 0;
  Health health = Health::kNoMeasure;
  double weight = 1;
  bool is_private = false;
  friend bool operator==(const ChildFigure&, const ChildFigure&) = default;
};

struct RollupFigures {
  std::string objective;
  std::string title;
  std::string cycle;
  double progress = 0;
  Health health = Health::kNoMeasure;
  std::optional<int> confidence;
  GoalFigures subtree;
  // Counted children, worst first (health OFF_TRACK, AT_RISK, ON_TRACK, NO_MEASURE, then
  // progress ascending, then id).
  std::vector<ChildFigure> children;
  friend bool operator==(const RollupFigures&, const RollupFigures&) = default;
};

RollupFigures SummarizeRollup(const TenantState& state, const ObjectiveFact& root, absl::Time now,
                              const FiguresConfig& config);

}  // namespace okr::analytics
