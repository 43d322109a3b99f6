// The roll-up trees of the cycles being written, kept in memory by the goals service so that a
// write updates its objective and every ancestor in O(depth) (RollupTree), and the stored roll-up
// fields of exactly the nodes that changed, in the write's own transaction.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/domain/records.h"
#include "services/goals/src/domain/rollup_tree.h"
#include "services/goals/src/store/goals_store.h"

namespace okr::goals {

// One cycle's tree and the stored ids of its nodes.
struct CycleTree {
  explicit CycleTree(domain::RollupOptions options, absl::Time now) : tree(options, now) {}

  domain::RollupTree tree;
  absl::flat_hash_map<std::string, domain::ObjectiveId> objectives;   // objective id -> node
  absl::flat_hash_map<std::string, domain::KeyResultId> key_results;  // key result id -> node
  std::vector<std::string> objective_ids;                             // node index -> objective id
  std::vector<KeyResultKey> key_result_keys;                          // node index -> key result

  // The node a parent name (`objectives/{o}` or `.../keyResults/{k}`) or "" stands for; nullopt
  // when it names nothing in this cycle.
  std::optional<domain::Alignment> AlignmentOf(std::string_view parent) const;
  void NoteObjective(const std::string& id, domain::ObjectiveId node);
  void NoteKeyResult(const KeyResultKey& key, domain::KeyResultId node);
  void ForgetObjective(const std::string& id);
  void ForgetKeyResult(const std::string& id);
};

// The inputs of the roll-up of a stored objective or key result.
domain::ObjectiveSpec SpecOf(const ObjectiveRecord& objective);
domain::KeyResultSpec SpecOf(const KeyResultRecord& key_result);

// Builds the tree of a cycle from records (stored now, or as of a past time). Records must belong
// to the cycle; objectives whose parent is missing are treated as top-level.
absl::StatusOr<std::unique_ptr<CycleTree>> BuildCycleTree(
    const CycleRecord& cycle, const std::vector<ObjectiveRecord>& objectives,
    const std::vector<KeyResultRecord>& key_results, const domain::HealthThresholds& thresholds,
    absl::Time now);

// Checks (and with `repair`, fixes) the stored roll-up of a cycle against a recomputation from
// scratch (RollupTree::RecomputeAll over the stored inputs). Returns the names of the objectives
// and key results whose stored roll-up differed (beyond 1e-9 for the means, whose last bits depend
// on the order members are summed in).
absl::StatusOr<std::vector<std::string>> VerifyRollups(GoalsStore& store, const CycleRecord& cycle,
                                                       const domain::HealthThresholds& thresholds,
                                                       absl::Time now, bool repair);

// The trees of the cycles written so far, used only from the database's single writer (the mutex
// is for the done callbacks that drop a tree after a failed commit).
class CycleTrees {
 public:
  explicit CycleTrees(domain::HealthThresholds thresholds) : thresholds_(thresholds) {}

  // The cycle's tree, loaded through `store` (the writer's session) on first use, with its clock
  // set to `now`.
  absl::StatusOr<CycleTree*> Get(GoalsStore& store, const std::string& tenant,
                                 const CycleRecord& cycle, absl::Time now);
  // Drops a tree whose nodes may no longer match the database (a write that changed it failed or
  // was rolled back); the next use reloads it.
  void Forget(const std::string& tenant, const std::string& cycle);

  // Writes the changed nodes' roll-up fields back (all but `written`, a key result whose row the
  // caller writes itself).
  static absl::Status WriteBack(GoalsStore& store, const CycleTree& tree,
                                const domain::RollupChanges& changes,
                                std::optional<domain::KeyResultId> written = std::nullopt);

  const domain::HealthThresholds& thresholds() const { return thresholds_; }

 private:
  const domain::HealthThresholds thresholds_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::pair<std::string, std::string>, std::unique_ptr<CycleTree>> trees_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::goals
