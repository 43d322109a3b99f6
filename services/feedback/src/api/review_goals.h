// A review's goal scores: what goals says about the reviewee's objectives in the reviewed cycle
// (all of them, with the service's token, and those the caller sees, with the caller's), and the
// part of it (or of the frozen scores) one reader is shown.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/feedback/src/api/review_proto.h"
#include "services/feedback/src/clients/goals_directory.h"

namespace okr::feedback {

struct GoalsLookup {
  // Every ACTIVE or CLOSED objective of the reviewee, sorted by title; unset when goals could not
  // be asked (or was not asked: the review's scores are frozen).
  std::optional<std::vector<FrozenGoalScore>> all;
  // The objectives' names the caller reads; unset when goals could not tell (or was not asked).
  std::optional<absl::flat_hash_set<std::string>> visible;
  absl::Time time;
};

// Asks goals; not at all when `need_all` is false (frozen scores). Failures leave the parts
// unset: reviews stay readable while goals is down.
GoalsLookup LookUpGoals(GoalsDirectory& goals, const absl::StatusOr<GoalsCaller>& service,
                        const GoalsCaller& caller, const std::string& reviewee,
                        const std::string& goals_cycle, bool need_all, absl::Time now);

// What the reader is shown. `sees_private` is the local rule (MaySeePrivateGoal) used when goals
// could not say what the caller reads.
GoalScoresView GoalsForReader(const ReviewRecord& review, const GoalsLookup& lookup,
                              bool sees_private);

// What a change payload carries: the scores of PUBLIC objectives only (PRIVATE ones counted as
// hidden), since the payload is shared by every watcher.
GoalScoresView GoalsForFeed(const ReviewRecord& review, const GoalsLookup& lookup);

}  // namespace okr::feedback
