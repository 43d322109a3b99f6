// The goals service's change log entries: what each write appends to the outbox in its own
// transaction (the changed resources, the roll-up it moved and the derived events), as
// okr.goals.v1.Change payloads with the keys WatchChanges filters on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/goals/v1/change.pb.h"
#include "okr/goals/v1/goals_service.pb.h"
#include "services/goals/src/api/goals_proto.h"
#include "services/goals/src/domain/records.h"
#include "services/goals/src/model/cycle_trees.h"
#include "services/goals/src/store/goals_store.h"

namespace okr::goals {

// The objective ids from the root of the alignment tree down to `objective`, as `/a/b/c/` (the
// subtree filter's key); `/objective/` when the tree does not know it.
std::string PathOf(const CycleTree& tree, const std::string& objective);

// The visibility key of changes about an objective and what it contains: its id when PRIVATE.
std::string ScopeOf(const ObjectiveRecord& objective);

// The bytes of a WatchChangesResponse carrying `entry` (its payload completed with the resume
// token and commit time), or a checkpoint.
std::string FrameChange(const common::ChangeEntry& entry);
std::string FrameCheckpoint(int64_t seq, absl::Time commit_time, bool caught_up);
// What goes before `bytes` of concatenated FrameChange messages to make them one
// WatchChangesResponse.batch (WatchChangesBatch.changes has the same field number and wire form
// as WatchChangesResponse.change).
std::string FrameBatchHeader(size_t bytes);

// The top-level fields of two states of a resource that differ (its etag and update time left
// out), for `Change.changed_fields`.
std::vector<std::string> ChangedFields(const google::protobuf::Message& before,
                                       const google::protobuf::Message& after);

class GoalsChanges {
 public:
  // `actor`: the caller's person id, "" for changes the server makes on its own.
  GoalsChanges(common::SqlSession& session, common::ChangeBatch& batch, std::string tenant,
               std::string actor, const ReadContext& clock)
      : session_(session),
        batch_(batch),
        tenant_(std::move(tenant)),
        actor_(std::move(actor)),
        clock_(clock) {}

  absl::Status Cycle(v1::ChangeKind kind, const CycleRecord& cycle,
                     const std::vector<std::string>& fields = {});
  absl::Status Objective(v1::ChangeKind kind, const ObjectiveRecord& objective,
                         const CycleRecord& cycle, const std::string& path,
                         const std::vector<std::string>& fields = {}, bool by_actor = true);
  absl::Status KeyResult(v1::ChangeKind kind, const KeyResultRecord& key_result,
                         const ObjectiveRecord& objective, const CycleRecord& cycle,
                         const std::string& path, const std::vector<std::string>& fields = {},
                         bool by_actor = true);
  absl::Status CheckIn(const CheckInRecord& check_in, const ObjectiveRecord& objective,
                       const CycleRecord& cycle, const std::string& path);
  absl::Status ConfidenceDropped(const CheckInRecord& check_in, const ObjectiveRecord& objective,
                                 const CycleRecord& cycle, const std::string& path, int old_value);
  absl::Status HealthChanged(const ObjectiveRecord& objective, const CycleRecord& cycle,
                             const std::string& path, domain::Health old_health,
                             domain::Health new_health, double expected_progress);
  absl::Status KeyResultStale(const KeyResultRecord& key_result, const ObjectiveRecord& objective,
                              const CycleRecord& cycle, const std::string& path,
                              const std::string& accountable);
  absl::Status Person(v1::ChangeKind kind, const okr::org::v1::Person& person);
  absl::Status Team(v1::ChangeKind kind, const okr::org::v1::Team& team);

  // Writes back the roll-up of the nodes `changes` names (each once; all key results but the
  // nodes in `written`, whose rows the caller writes itself) and reports each one that moved, with
  // HEALTH_CHANGED and OBJECTIVE_COMPLETED where they apply. Replaces CycleTrees::WriteBack on the
  // write paths.
  absl::Status Rollup(GoalsStore& store, const CycleTree& tree, const CycleRecord& cycle,
                      const domain::RollupChanges& changes,
                      const absl::flat_hash_set<uint32_t>& written = {});

  const ReadContext& clock() const { return clock_; }

 private:
  absl::Status Add(v1::Change change, const std::string& partition, const std::string& path,
                   const std::string& scope, bool by_actor);

  common::SqlSession& session_;
  common::ChangeBatch& batch_;
  const std::string tenant_;
  const std::string actor_;
  const ReadContext clock_;
};

}  // namespace okr::goals
