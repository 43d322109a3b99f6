// RollupTree: one cycle's objectives and key results in memory, kept rolled up (progress,
// attainment, confidence, health, has_measure) incrementally on every write, in O(depth x fanout).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/goals/src/domain/health.h"
#include "services/goals/src/domain/key_result.h"
#include "services/goals/src/domain/types.h"

namespace okr::goals::domain {

// Compact ids assigned by the tree; ids of removed nodes are reused.
struct ObjectiveId {
  std::uint32_t value = 0;
  auto operator<=>(const ObjectiveId&) const = default;
};
struct KeyResultId {
  std::uint32_t value = 0;
  auto operator<=>(const KeyResultId&) const = default;
};

// What an objective is aligned to: nothing, a parent objective, or a ROLLUP key result.
class Alignment {
 public:
  enum class Kind : std::uint8_t { kNone = 0, kObjective = 1, kKeyResult = 2 };

  static Alignment None() { return {}; }
  static Alignment To(ObjectiveId parent) { return {Kind::kObjective, parent.value}; }
  static Alignment To(KeyResultId parent) { return {Kind::kKeyResult, parent.value}; }

  Kind kind() const { return kind_; }
  bool is_none() const { return kind_ == Kind::kNone; }
  ObjectiveId objective() const { return {index_}; }
  KeyResultId key_result() const { return {index_}; }

  bool operator==(const Alignment&) const = default;

 private:
  Alignment() = default;
  Alignment(Kind kind, std::uint32_t index) : kind_(kind), index_(index) {}

  Kind kind_ = Kind::kNone;
  std::uint32_t index_ = 0;
};

struct ObjectiveSpec {
  Alignment parent = Alignment::None();
  double weight = 1.0;
  bool rollup_children = false;
  Kind kind = Kind::kCommitted;
  ObjectiveState state = ObjectiveState::kDraft;
  // The health a CLOSED or ARCHIVED objective keeps (when loading stored objectives); ignored for
  // DRAFT and ACTIVE, whose health is computed.
  Health frozen_health = Health::kNoMeasure;
};

struct KeyResultSpec {
  KeyResultType type = KeyResultType::kNumeric;
  Direction direction = Direction::kNone;
  KeyResultMeasure measure;
  double weight = 1.0;
  std::optional<int> confidence;
};

// The derived (rolled-up) fields of an objective.
struct ObjectiveRollup {
  double progress = 0.0;
  double attainment = 0.0;
  bool has_measure = false;
  std::optional<int> confidence;
  Health health = Health::kNoMeasure;

  bool operator==(const ObjectiveRollup&) const = default;
};

// The derived fields of a key result.
struct KeyResultRollup {
  double progress = 0.0;
  double attainment = 0.0;
  bool has_measure = false;

  bool operator==(const KeyResultRollup&) const = default;
};

// The nodes whose derived fields changed in one operation (each at most once, in no particular
// order): what the caller writes back, with change-feed events, in the same transaction.
struct RollupChanges {
  std::vector<ObjectiveId> objectives;
  std::vector<KeyResultId> key_results;

  bool empty() const { return objectives.empty() && key_results.empty(); }
};

struct RollupOptions {
  Cycle cycle;
  HealthThresholds health;
};

// Not thread-safe: the caller serialises writes (one transaction at a time per cycle).
//
// Every write validates first and changes nothing when it fails. On success it appends to
// `changes` (when not null) the nodes whose derived fields changed. Each node's derived fields are
// always computed by the same function from its own inputs and its members' derived fields, read
// in a fixed order (insertion order), so the incremental path and RecomputeAll() agree bit for bit.
class RollupTree {
 public:
  // `now` is the time health is judged at until the next RefreshHealth().
  RollupTree(RollupOptions options, absl::Time now);

  // Objectives. Errors: NOT_FOUND (OBJECTIVE_NOT_FOUND, KEY_RESULT_NOT_FOUND) for unknown ids;
  // INVALID_ARGUMENT (INVALID_WEIGHT); FAILED_PRECONDITION for alignment to a key result that is
  // not ROLLUP (PARENT_KEY_RESULT_NOT_ROLLUP) or that would make a cycle (ALIGNMENT_CYCLE).
  absl::StatusOr<ObjectiveId> AddObjective(const ObjectiveSpec& spec,
                                           RollupChanges* changes = nullptr);
  // FAILED_PRECONDITION (OBJECTIVE_HAS_ALIGNED_CHILDREN) while anything is aligned to the objective
  // or to one of its key results: move or remove those first. Removes its key results.
  absl::Status RemoveObjective(ObjectiveId id, RollupChanges* changes = nullptr);
  absl::Status MoveObjective(ObjectiveId id, Alignment new_parent,
                             RollupChanges* changes = nullptr);
  absl::Status SetObjectiveWeight(ObjectiveId id, double weight, RollupChanges* changes = nullptr);
  absl::Status SetRollupChildren(ObjectiveId id, bool rollup_children,
                                 RollupChanges* changes = nullptr);
  // Allowed: DRAFT <-> ACTIVE, DRAFT or ACTIVE -> ARCHIVED, ARCHIVED -> ACTIVE; anything else is
  // FAILED_PRECONDITION (INVALID_STATE_TRANSITION). Archiving freezes health and takes the
  // objective out of its parent's mean.
  absl::Status SetObjectiveState(ObjectiveId id, ObjectiveState state,
                                 RollupChanges* changes = nullptr);
  absl::Status Archive(ObjectiveId id, RollupChanges* changes = nullptr) {
    return SetObjectiveState(id, ObjectiveState::kArchived, changes);
  }
  absl::Status Unarchive(ObjectiveId id, RollupChanges* changes = nullptr) {
    return SetObjectiveState(id, ObjectiveState::kActive, changes);
  }

  // Key results. Check-ins (value, milestone states, confidence) and measure edits of a key result
  // of a CLOSED objective fail (FAILED_PRECONDITION, OBJECTIVE_CLOSED); check-ins of one of an
  // ARCHIVED objective too (OBJECTIVE_ARCHIVED). Structural writes (add, remove, weights) are not
  // restricted here: loading a stored tree needs them, and the service keeps a CLOSED cycle
  // read-only.
  absl::StatusOr<KeyResultId> AddKeyResult(ObjectiveId objective, const KeyResultSpec& spec,
                                           RollupChanges* changes = nullptr);
  // FAILED_PRECONDITION (KEY_RESULT_HAS_ALIGNED_CHILDREN) while objectives are aligned to it.
  absl::Status RemoveKeyResult(KeyResultId id, RollupChanges* changes = nullptr);
  absl::Status SetKeyResultValue(KeyResultId id, double value, RollupChanges* changes = nullptr);
  // Replaces the milestones (a MILESTONE key result's list, with their done states).
  absl::Status SetMilestones(KeyResultId id, std::vector<Milestone> milestones,
                             RollupChanges* changes = nullptr);
  absl::Status SetMilestoneDone(KeyResultId id, std::size_t index, bool done,
                                RollupChanges* changes = nullptr);
  // Replaces direction, start, target, threshold, value and milestones (an edit of the key result;
  // the type is fixed).
  absl::Status SetKeyResultMeasure(KeyResultId id, Direction direction,
                                   const KeyResultMeasure& measure,
                                   RollupChanges* changes = nullptr);
  absl::Status SetConfidence(KeyResultId id, std::optional<int> confidence,
                             RollupChanges* changes = nullptr);
  absl::Status SetKeyResultWeight(KeyResultId id, double weight, RollupChanges* changes = nullptr);

  // Moves the clock to `now` without re-judging anything (O(1)): objectives touched by later
  // writes are judged at `now`, the rest keep the health they had (a service that re-judges
  // health when it reads, from the stored roll-up, needs no more).
  void SetClock(absl::Time now);

  // Re-judges the health of every DRAFT and ACTIVE objective at `now` (time moved on); O(n).
  void RefreshHealth(absl::Time now, RollupChanges* changes = nullptr);

  // Closes the cycle: every DRAFT and ACTIVE objective becomes CLOSED with its progress frozen as
  // its grade (health frozen too); ARCHIVED objectives are not graded. Returns the grades.
  std::vector<std::pair<ObjectiveId, Grade>> CloseCycle(const GradingThresholds& thresholds = {});

  // Recomputes every derived field from the inputs alone (for checks and repair); appends the
  // nodes whose stored derived fields were different. After any sequence of successful writes
  // there are none.
  void RecomputeAll(RollupChanges* changes = nullptr);

  // Reads. The id must be live (see Contains).
  bool Contains(ObjectiveId id) const;
  bool Contains(KeyResultId id) const;
  ObjectiveRollup GetObjective(ObjectiveId id) const;
  KeyResultRollup GetKeyResult(KeyResultId id) const;
  Alignment ParentOf(ObjectiveId id) const;
  ObjectiveState StateOf(ObjectiveId id) const;
  ObjectiveId ObjectiveOf(KeyResultId id) const;
  KeyResultType TypeOf(KeyResultId id) const;
  KeyResultMeasure MeasureOf(KeyResultId id) const;
  // Live ids, ascending.
  std::vector<ObjectiveId> Objectives() const;
  std::vector<KeyResultId> KeyResults() const;
  // Key results of an objective, and objectives aligned to an objective or a ROLLUP key result,
  // in the order the roll-up reads them.
  std::vector<KeyResultId> KeyResultsOf(ObjectiveId id) const;
  std::vector<ObjectiveId> ChildrenOf(Alignment parent) const;
  std::size_t objective_count() const { return objective_count_; }
  std::size_t key_result_count() const { return key_result_count_; }
  absl::Time now() const { return now_; }
  double expected_progress() const { return expected_; }

 private:
  static constexpr std::uint32_t kNil = 0xffffffffu;

  enum Flags : std::uint8_t {
    kAlive = 1,
    kHasMeasure = 2,
    kRollupChildren = 4,
    kHasValue = 8,
  };

  // 64 bytes: inputs, links (intrusive lists in insertion order: no allocation per node) and the
  // derived fields.
  struct ObjectiveNode {
    double weight = 1.0;
    double progress = 0.0;
    double attainment = 0.0;
    std::uint32_t parent = kNil;
    std::uint32_t first_child = kNil;
    std::uint32_t last_child = kNil;
    std::uint32_t next_sibling = kNil;
    std::uint32_t prev_sibling = kNil;
    std::uint32_t first_kr = kNil;
    std::uint32_t last_kr = kNil;
    Alignment::Kind parent_kind = Alignment::Kind::kNone;
    ObjectiveState state = ObjectiveState::kDraft;
    Kind kind = Kind::kCommitted;
    Health health = Health::kNoMeasure;
    std::int8_t confidence = -1;  // -1: none.
    std::uint8_t flags = 0;
  };

  // 56 bytes: what the roll-up reads and writes. For KEEP_* `target` holds the threshold.
  struct KeyResultNode {
    double start = 0.0;
    double target = 0.0;
    double current = 0.0;
    double weight = 1.0;
    double progress = 0.0;
    double attainment = 0.0;
    std::uint32_t next_kr = kNil;
    KeyResultType type = KeyResultType::kNumeric;
    Direction direction = Direction::kNone;
    std::uint8_t flags = 0;
    std::int8_t confidence = -1;
  };

  // 16 bytes, apart from the nodes so that the full roll-up streams less memory.
  struct KeyResultLinks {
    std::uint32_t objective = kNil;
    std::uint32_t prev_kr = kNil;
    std::uint32_t first_child = kNil;  // Objectives aligned to this (ROLLUP) key result.
    std::uint32_t last_child = kNil;
  };

  absl::Status CheckObjective(ObjectiveId id) const;
  absl::Status CheckKeyResult(KeyResultId id) const;
  absl::Status CheckKeyResultWritable(KeyResultId id, bool allow_archived = false) const;
  absl::Status CheckAlignment(Alignment parent, std::uint32_t moving) const;

  void Link(std::uint32_t o, Alignment parent);
  void Unlink(std::uint32_t o);

  // Recompute one node from its inputs and members; record it in `changes` when any derived field
  // changed. Return whether a field its parent reads (progress, attainment, has_measure) changed.
  bool RecomputeKeyResult(std::uint32_t k, RollupChanges* changes);
  bool RecomputeObjective(std::uint32_t o, RollupChanges* changes);
  Health HealthOf(const ObjectiveNode& node) const;
  // The objective `o` contributes to (directly or through a ROLLUP key result), or kNil.
  std::uint32_t AlignedObjective(std::uint32_t o) const;

  // Incremental propagation: recompute `o`, then its ancestors while what they read changed.
  void UpdateFrom(std::uint32_t o, RollupChanges* changes);
  // The same, starting at what `o` is aligned to (after `o` joined, left or changed weight).
  void UpdateParentOf(Alignment::Kind kind, std::uint32_t parent, RollupChanges* changes);

  RollupOptions options_;
  absl::Time now_;
  double expected_ = 0.0;
  std::vector<ObjectiveNode> objectives_;
  std::vector<KeyResultNode> key_results_;
  std::vector<KeyResultLinks> kr_links_;  // Parallel to key_results_.
  // Parallel to key_results_; empty except for MILESTONE key results.
  std::vector<std::vector<Milestone>> milestones_;
  std::vector<std::uint32_t> free_objectives_;
  std::vector<std::uint32_t> free_key_results_;
  std::size_t objective_count_ = 0;
  std::size_t key_result_count_ = 0;
  std::vector<std::uint32_t> scratch_;  // RecomputeAll's counts of members not yet done.
};

}  // namespace okr::goals::domain
