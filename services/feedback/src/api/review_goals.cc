#include "services/feedback/src/api/review_goals.h"

#include <algorithm>

namespace okr::feedback {
namespace {

FrozenGoalScore FromFacts(const ObjectiveFacts& o) {
  return {o.name, o.title, o.progress, o.score, o.success_threshold, o.is_private};
}

// Cuts `all` down to what the reader sees: the names goals lists for them, else the local rule.
GoalScoresView Cut(const std::vector<FrozenGoalScore>& all,
                   const std::optional<absl::flat_hash_set<std::string>>& visible,
                   bool sees_private) {
  GoalScoresView view;
  for (const FrozenGoalScore& g : all) {
    const bool shown =
        visible.has_value() ? visible->contains(g.objective) : (!g.is_private || sees_private);
    if (shown) {
      view.shown.push_back(g);
    } else {
      ++view.hidden;
    }
  }
  return view;
}

}  // namespace

GoalsLookup LookUpGoals(GoalsDirectory& goals, const absl::StatusOr<GoalsCaller>& service,
                        const GoalsCaller& caller, const std::string& reviewee,
                        const std::string& goals_cycle, bool need_all, absl::Time now) {
  GoalsLookup lookup;
  lookup.time = now;
  if (need_all && service.ok()) {
    auto all = goals.OwnedObjectives(*service, reviewee, goals_cycle);
    if (all.ok()) {
      std::vector<FrozenGoalScore> scores;
      for (const ObjectiveFacts& o : *all) {
        if (o.active_or_closed) scores.push_back(FromFacts(o));
      }
      std::stable_sort(scores.begin(), scores.end(),
                       [](const FrozenGoalScore& a, const FrozenGoalScore& b) {
                         return a.title != b.title ? a.title < b.title : a.objective < b.objective;
                       });
      lookup.all = std::move(scores);
    }
  }
  // Frozen scores are cut by the local rule (what goals shows of a person's objectives), so they
  // read without goals; with no full list there is nothing to cut a view from.
  if (!lookup.all.has_value()) return lookup;
  auto mine = goals.OwnedObjectives(caller, reviewee, goals_cycle);
  if (mine.ok()) {
    absl::flat_hash_set<std::string> names;
    for (const ObjectiveFacts& o : *mine) names.insert(o.name);
    lookup.visible = std::move(names);
  }
  return lookup;
}

GoalScoresView GoalsForReader(const ReviewRecord& review, const GoalsLookup& lookup,
                              bool sees_private) {
  if (review.goals_frozen_time.has_value()) {
    GoalScoresView view = Cut(review.frozen_goals, std::nullopt, sees_private);
    view.time = review.goals_frozen_time;
    return view;
  }
  if (!lookup.all.has_value()) return {};
  GoalScoresView view = Cut(*lookup.all, lookup.visible, sees_private);
  view.time = lookup.time;
  view.digest = GoalsDigest(*lookup.all);
  return view;
}

GoalScoresView GoalsForFeed(const ReviewRecord& review, const GoalsLookup& lookup) {
  GoalsLookup shared = lookup;
  shared.visible.reset();
  return GoalsForReader(review, shared, /*sees_private=*/false);
}

}  // namespace okr::feedback
