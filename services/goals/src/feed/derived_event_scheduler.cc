#include "services/goals/src/feed/derived_event_scheduler.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/notification.h"
#include "okr/common/logging/log.h"
#include "services/goals/src/api/goals_proto.h"

namespace okr::goals {
namespace {

// What one cycle has to report, found in a read snapshot.
struct CycleWork {
  std::string tenant;
  std::string cycle;
  std::vector<std::string> objectives;  // health moved since last reported
  std::vector<KeyResultKey> stale;      // stale and not reported yet
};

}  // namespace

void DerivedEventScheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void DerivedEventScheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DerivedEventScheduler::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.interval);
      if (stopping_) return;
    }
    auto reported = RunOnce();
    if (!reported.ok()) {
      common::LogError("derived events pass failed",
                       {{"error", std::string(reported.status().message())}});
    } else if (*reported > 0) {
      common::LogInfo("derived events reported", {{"events", *reported}});
    }
  }
}

absl::StatusOr<int> DerivedEventScheduler::RunOnce() {
  const GoalsOptions& goals_options = goals_->options();
  const ReadContext clock{goals_options.clock(), goals_options.health, goals_options.grading};
  std::vector<CycleWork> work;
  absl::Status read = database_->Read([&](common::SqlSession& session) -> absl::Status {
    auto cycles = OpenCycles(session);
    if (!cycles.ok()) return cycles.status();
    for (const auto& [tenant, id] : *cycles) {
      GoalsStore store(session, tenant);
      auto cycle = store.FindCycle(id);
      if (!cycle.ok()) return cycle.status();
      if (!cycle->has_value()) continue;
      CycleWork w{tenant, id, {}, {}};
      // From the read model when it is loaded: no copy of every record of the cycle (hundreds of
      // MiB for a large one) each pass.
      ReadModel::CycleRecords records;
      std::vector<ObjectiveRecord> stored_objectives;
      std::vector<KeyResultRecord> stored_key_results;
      std::vector<const ObjectiveRecord*> objectives;
      std::vector<const KeyResultRecord*> key_results;
      if (goals_->read_model().ready()) {
        records = goals_->read_model().RecordsOfCycle(tenant, id);
        for (const auto& o : records.objectives) objectives.push_back(o.get());
        for (const auto& k : records.key_results) key_results.push_back(k.get());
      } else {
        auto o = store.ObjectivesOfCycle(id);
        if (!o.ok()) return o.status();
        stored_objectives = *std::move(o);
        auto k = store.KeyResultsOfCycle(id);
        if (!k.ok()) return k.status();
        stored_key_results = *std::move(k);
        for (const ObjectiveRecord& r : stored_objectives) objectives.push_back(&r);
        for (const KeyResultRecord& r : stored_key_results) key_results.push_back(&r);
      }
      absl::flat_hash_map<std::string, domain::ObjectiveState> states;
      for (const ObjectiveRecord* record : objectives) {
        const ObjectiveRecord& o = *record;
        states[o.id] = o.state;
        if (!domain::HealthIsLive(o.state)) continue;
        if (HealthAt(o, **cycle, clock) != o.health) w.objectives.push_back(o.id);
      }
      auto reported = store.StaleReports(id);
      if (!reported.ok()) return reported.status();
      const absl::flat_hash_set<std::string> known(reported->begin(), reported->end());
      for (const KeyResultRecord* record : key_results) {
        const KeyResultRecord& k = *record;
        auto state = states.find(k.objective);
        if (state == states.end() || known.contains(k.id)) continue;
        if (IsStale(k, **cycle, state->second, clock.now)) w.stale.push_back({k.objective, k.id});
      }
      if (!w.objectives.empty() || !w.stale.empty()) work.push_back(std::move(w));
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return read;

  int reported = 0;
  for (CycleWork& cw : work) {
    common::Principal principal{cw.tenant, "", {}};
    absl::Notification done;
    absl::Status result;
    auto count = std::make_shared<int>(0);
    goals_->WriteAs(
        principal,
        [cw, count](GoalsWrite& w) -> absl::Status {
          auto cycle = w.store.FindCycle(cw.cycle);
          if (!cycle.ok()) return cycle.status();
          if (!cycle->has_value() || (*cycle)->state == CycleState::kClosed)
            return absl::OkStatus();
          const CycleRecord& c = **cycle;
          auto tree = w.tree(c);
          if (!tree.ok()) return tree.status();
          const ReadContext& now = w.changes.clock();
          for (const std::string& id : cw.objectives) {
            auto o = w.store.FindObjective(id);
            if (!o.ok()) return o.status();
            if (!o->has_value() || !domain::HealthIsLive((*o)->state)) continue;
            ObjectiveRecord& objective = **o;
            const domain::Health health = HealthAt(objective, c, now);
            if (health == objective.health) continue;
            const domain::Health old_health = objective.health;
            objective.health = health;
            absl::Status s = w.store.UpdateObjectiveRollup(
                id, ObjectiveRollupRow{objective.progress, objective.attainment,
                                       objective.confidence, health, objective.has_measure});
            if (!s.ok()) return s;
            s = w.changes.HealthChanged(objective, c, PathOf(**tree, id), old_health, health,
                                        (*tree)->tree.expected_progress());
            if (!s.ok()) return s;
            ++*count;
          }
          for (const KeyResultKey& key : cw.stale) {
            auto k = w.store.FindKeyResult(key.objective, key.id);
            if (!k.ok()) return k.status();
            if (!k->has_value()) continue;
            auto o = w.store.FindObjective(key.objective);
            if (!o.ok()) return o.status();
            if (!o->has_value() || !IsStale(**k, c, (*o)->state, now.now)) continue;
            absl::Status s = w.store.RememberStaleReport(key.id, c.id, now.now);
            if (!s.ok()) return s;
            // The session is the writer's: the accountable person is read inside the write.
            s = w.changes.KeyResultStale(**k, **o, c, PathOf(**tree, key.objective),
                                         w.store.AccountableFor(**k, **o));
            if (!s.ok()) return s;
            ++*count;
          }
          return absl::OkStatus();
        },
        [&](absl::Status status) {
          result = std::move(status);
          done.Notify();
        });
    done.WaitForNotification();
    if (!result.ok()) return result;
    reported += *count;
  }

  // Applied event ids past their retention.
  absl::Status forgot = database_->WriteAndWait([&](common::SqlSession& session) {
    return ForgetEventsBefore(session, clock.now - options_.event_retention, 100000).status();
  });
  if (!forgot.ok()) return forgot;
  return reported;
}

}  // namespace okr::goals
