// The read model: every stored cycle, objective and key result of every tenant, kept in memory so
// GetObjective and GetKeyResult are answered on the gRPC thread without a database read. The
// database stays the source of truth: the model is loaded from it at start, and each write's
// record changes (ModelChanges, captured by GoalsStore as it writes them) are applied only after
// that write is durably committed, before its RPC finishes; a rejected or rolled-back write
// applies nothing.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/storage/session.h"
#include "services/goals/src/domain/records.h"
#include "services/goals/src/store/goals_store.h"

namespace okr::goals {

// One write's changes to the records the model holds, in the order the write made them: each
// mirrors the columns its statement wrote.
class ModelChanges {
 public:
  void PutCycle(const CycleRecord& cycle);
  void PutObjective(const ObjectiveRecord& objective);
  void ObjectiveRollup(std::string_view id, const ObjectiveRollupRow& rollup);
  void EraseObjective(std::string_view id);
  void PutKeyResult(const KeyResultRecord& key_result);
  // The columns GoalsStore::UpdateKeyResultState writes, taken from `key_result`.
  void KeyResultState(const KeyResultRecord& key_result);
  void KeyResultRollup(std::string_view objective, std::string_view id,
                       const KeyResultRollupRow& rollup);
  void EraseKeyResult(std::string_view objective, std::string_view id);
  // Forgets everything (the write's savepoint was rolled back).
  void Clear() { ops_.clear(); }
  bool empty() const { return ops_.empty(); }

 private:
  friend class ReadModel;
  enum class Kind {
    kPutCycle,
    kPutObjective,
    kObjectiveRollup,
    kEraseObjective,
    kPutKeyResult,
    kKeyResultState,
    kKeyResultRollup,
    kEraseKeyResult
  };
  struct Op {
    Kind kind = Kind::kPutCycle;
    std::shared_ptr<const CycleRecord> cycle = nullptr;
    std::shared_ptr<const ObjectiveRecord> objective = nullptr;
    std::shared_ptr<const KeyResultRecord> key_result = nullptr;
    std::string objective_id = {};
    std::string key_result_id = {};
    ObjectiveRollupRow objective_rollup = {};
    KeyResultRollupRow key_result_rollup = {};
  };
  std::vector<Op> ops_;
};

class ReadModel {
 public:
  // An objective with its cycle and, when it is aligned, its parent's objective (null when the
  // parent names nothing stored).
  struct ObjectiveView {
    std::shared_ptr<const ObjectiveRecord> objective;
    std::shared_ptr<const CycleRecord> cycle;
    std::shared_ptr<const ObjectiveRecord> parent_objective;
  };
  struct KeyResultView {
    std::shared_ptr<const ObjectiveRecord> objective;
    std::shared_ptr<const KeyResultRecord> key_result;
    std::shared_ptr<const CycleRecord> cycle;
  };

  // False until Load succeeded: the handlers read the database meanwhile.
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  // Fills the model with what `session` sees (every tenant), without marking it ready. Once, at
  // start, before anything reads the model.
  absl::Status Load(common::SqlSession& session);
  // Marks it ready (the load's transaction ended well) or empties it (it did not). Once, after
  // Load.
  void SetReady(bool ready);

  // Applies a committed write's changes; nothing before the model is ready (Load reads them).
  void Apply(const std::string& tenant, const ModelChanges& changes);

  // Consistent snapshots of a few records. Fields are null for what is not stored.
  ObjectiveView FindObjective(const std::string& tenant, const std::string& id) const;
  KeyResultView FindKeyResult(const std::string& tenant, const std::string& objective,
                              const std::string& id) const;

  // The objectives and key results of one cycle as they are now (the derived-events pass: it
  // needs no snapshot, since the writes it leads to check again). Walks the tenant's records.
  struct CycleRecords {
    std::vector<std::shared_ptr<const ObjectiveRecord>> objectives;
    std::vector<std::shared_ptr<const KeyResultRecord>> key_results;
  };
  CycleRecords RecordsOfCycle(const std::string& tenant, const std::string& cycle) const;

  // Every record of a tenant, for the equivalence tests.
  std::vector<std::shared_ptr<const ObjectiveRecord>> ObjectivesOf(const std::string& tenant) const;
  std::vector<std::shared_ptr<const KeyResultRecord>> KeyResultsOf(const std::string& tenant) const;

 private:
  struct Tenant {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, std::shared_ptr<const CycleRecord>> cycles ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<std::string, std::shared_ptr<const ObjectiveRecord>> objectives
        ABSL_GUARDED_BY(mu);
    // Keyed by "{objective}/{key result}".
    absl::flat_hash_map<std::string, std::shared_ptr<const KeyResultRecord>> key_results
        ABSL_GUARDED_BY(mu);
  };
  const Tenant* FindTenant(const std::string& tenant) const;
  Tenant& TenantFor(const std::string& tenant);

  std::atomic<bool> ready_{false};
  mutable absl::Mutex mu_;
  // Tenants are never removed, so a Tenant* stays valid once found.
  absl::flat_hash_map<std::string, std::unique_ptr<Tenant>> tenants_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::goals
