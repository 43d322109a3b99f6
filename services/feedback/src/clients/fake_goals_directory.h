// A GoalsDirectory held in memory, for tests: goals readable by everyone unless PRIVATE (then by
// the subjects listed), and a switch that makes every call UNAVAILABLE.
#pragma once

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/clients/goals_directory.h"

namespace okr::feedback {

class FakeGoalsDirectory final : public GoalsDirectory {
 public:
  struct Goal {
    GoalFacts facts;
    std::set<std::string> readers;  // for a PRIVATE goal
  };
  void Put(const std::string& objective, Goal goal) {
    absl::MutexLock lock(&mu_);
    goals_[objective] = std::move(goal);
  }
  void SetDown(bool down) { down_ = down; }
  int calls() const { return calls_; }

  absl::StatusOr<GoalFacts> ReadGoal(const GoalsCaller& caller, const GoalRef& goal) override {
    ++calls_;
    if (down_)
      return common::MakeError(absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE", "down");
    absl::MutexLock lock(&mu_);
    auto it = goals_.find(goal.objective);
    if (it == goals_.end() ||
        (it->second.facts.is_private && !it->second.readers.contains(caller.subject))) {
      return common::NotFound("GOAL_NOT_FOUND", "no such goal");
    }
    return it->second.facts;
  }
  absl::StatusOr<std::vector<ObjectiveFacts>> OwnedObjectives(const GoalsCaller&,
                                                              const std::string&,
                                                              const std::string&) override {
    if (down_)
      return common::MakeError(absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE", "down");
    return std::vector<ObjectiveFacts>();
  }
  absl::StatusOr<CycleFacts> GetCycle(const GoalsCaller&, const std::string& cycle) override {
    if (down_)
      return common::MakeError(absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE", "down");
    return CycleFacts{"cycles/" + cycle, absl::CivilDay(2027, 1, 1), absl::CivilDay(2027, 3, 31),
                      false};
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Goal> goals_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> down_{false};
  std::atomic<int> calls_{0};
};

}  // namespace okr::feedback
