#include "services/feedback/src/clients/caching_goals_directory.h"

#include "absl/strings/str_cat.h"

namespace okr::feedback {

absl::StatusOr<GoalFacts> CachingGoalsDirectory::ReadGoal(const GoalsCaller& caller,
                                                          const GoalRef& goal) {
  const std::string key =
      absl::StrCat(caller.tenant.size(), ":", caller.tenant, "/", caller.subject.size(), ":",
                   caller.subject, "/", goal.objective, "/", goal.key_result);
  const absl::Time now = clock_();
  {
    absl::MutexLock lock(&mu_);
    auto it = known_.find(key);
    if (it != known_.end() && it->second.second > now) return it->second.first;
  }
  auto facts = inner_->ReadGoal(caller, goal);
  if (!facts.ok()) return facts;
  absl::MutexLock lock(&mu_);
  // Bounded: a full map starts again rather than growing without end.
  if (known_.size() >= kMaxEntries) known_.clear();
  known_[key] = {*facts, now + ttl_};
  return facts;
}

}  // namespace okr::feedback
