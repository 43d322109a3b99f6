// GoalsDirectory decorator that remembers, per tenant, caller and goal, that the caller may read
// the goal, for a short TTL: linking feedback to the same objective again does not ask goals each
// time. Only successes are remembered; objectives and cycles for reviews are not cached.
#pragma once

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/feedback/src/clients/goals_directory.h"

namespace okr::feedback {

class CachingGoalsDirectory final : public GoalsDirectory {
 public:
  CachingGoalsDirectory(
      GoalsDirectory* inner, absl::Duration ttl,
      std::function<absl::Time()> clock = [] { return absl::Now(); })
      : inner_(inner), ttl_(ttl), clock_(std::move(clock)) {}

  absl::StatusOr<GoalFacts> ReadGoal(const GoalsCaller& caller, const GoalRef& goal) override;
  absl::StatusOr<std::vector<ObjectiveFacts>> OwnedObjectives(const GoalsCaller& caller,
                                                              const std::string& person,
                                                              const std::string& cycle) override {
    return inner_->OwnedObjectives(caller, person, cycle);
  }
  absl::StatusOr<CycleFacts> GetCycle(const GoalsCaller& caller,
                                      const std::string& cycle) override {
    return inner_->GetCycle(caller, cycle);
  }

 private:
  static constexpr size_t kMaxEntries = 100000;

  GoalsDirectory* inner_;
  const absl::Duration ttl_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::pair<GoalFacts, absl::Time>> known_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::feedback
