// An OrgDirectory held in memory, for tests: people with managers and teams, and a switch that
// makes every call UNAVAILABLE (goals down). Counts the calls it answers.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/clients/org_directory.h"

namespace okr::feedback {

class FakeOrgDirectory final : public OrgDirectory {
 public:
  void Put(const std::string& tenant, PersonFacts person) {
    absl::MutexLock lock(&mu_);
    people_[tenant + "/" + person.id] = std::move(person);
  }
  void SetDown(bool down) { down_ = down; }
  int calls() const { return calls_; }

  absl::StatusOr<PersonFacts> GetPerson(const std::string& tenant,
                                        const std::string& person) override {
    ++calls_;
    if (down_)
      return common::MakeError(absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE", "down");
    absl::MutexLock lock(&mu_);
    auto it = people_.find(tenant + "/" + person);
    if (it == people_.end()) return common::NotFound("PERSON_NOT_FOUND", "no such person");
    return it->second;
  }

  absl::StatusOr<std::vector<std::string>> ManagerChain(const std::string& tenant,
                                                        const std::string& person) override {
    auto p = GetPerson(tenant, person);
    if (!p.ok()) return p.status();
    std::vector<std::string> chain;
    absl::MutexLock lock(&mu_);
    std::string next = p->manager;
    while (!next.empty() && chain.size() < 100) {
      chain.push_back(next);
      auto it = people_.find(tenant + "/" + next);
      next = it == people_.end() ? "" : it->second.manager;
    }
    return chain;
  }

  absl::StatusOr<std::vector<std::string>> TeamMembers(const std::string& tenant,
                                                       const std::string& team) override {
    ++calls_;
    if (down_)
      return common::MakeError(absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE", "down");
    std::vector<std::string> members;
    absl::MutexLock lock(&mu_);
    for (const auto& [key, p] : people_) {
      if (key.rfind(tenant + "/", 0) != 0) continue;
      for (const std::string& t : p.teams) {
        if (t == team) members.push_back(p.id);
      }
    }
    if (members.empty()) return common::NotFound("TEAM_NOT_FOUND", "no such team");
    return members;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, PersonFacts> people_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> down_{false};
  std::atomic<int> calls_{0};
};

}  // namespace okr::feedback
