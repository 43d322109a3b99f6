#include "services/goals/src/domain/rollup_tree.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <string>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::goals::domain {
namespace {

using ::okr::common::FailedPrecondition;
using ::okr::common::InvalidArgument;
using ::okr::common::NotFound;

// Bitwise, so that "unchanged" means exactly what the full recomputation would store.
bool Same(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool IsKeep(Direction d) { return d == Direction::kKeepAbove || d == Direction::kKeepBelow; }

// Ids stay well below the kNil marker (and the counts RecomputeAll keeps per objective).
constexpr std::uint32_t kMaxNodes = 0x7fffffffu;

template <typename Id>
void DedupeFrom(std::vector<Id>& ids, std::size_t from) {
  std::sort(ids.begin() + static_cast<std::ptrdiff_t>(from), ids.end());
  ids.erase(std::unique(ids.begin() + static_cast<std::ptrdiff_t>(from), ids.end()), ids.end());
}

}  // namespace

RollupTree::RollupTree(RollupOptions options, absl::Time now)
    : options_(options), now_(now), expected_(ExpectedProgress(options.cycle, now)) {
  // Compact nodes keep 100k objectives and 500k key results far below the service's memory budget
  // (about 55 MB here) and the full roll-up's memory traffic low.
  static_assert(sizeof(ObjectiveNode) == 64);
  static_assert(sizeof(KeyResultNode) == 56);
  static_assert(sizeof(KeyResultLinks) == 16);
}

// ---- Checks ----------------------------------------------------------------------------------

bool RollupTree::Contains(ObjectiveId id) const {
  return id.value < objectives_.size() && (objectives_[id.value].flags & kAlive) != 0;
}

bool RollupTree::Contains(KeyResultId id) const {
  return id.value < key_results_.size() && (key_results_[id.value].flags & kAlive) != 0;
}

absl::Status RollupTree::CheckObjective(ObjectiveId id) const {
  if (!Contains(id)) {
    return NotFound("OBJECTIVE_NOT_FOUND", absl::StrCat("no objective ", id.value));
  }
  return absl::OkStatus();
}

absl::Status RollupTree::CheckKeyResult(KeyResultId id) const {
  if (!Contains(id)) {
    return NotFound("KEY_RESULT_NOT_FOUND", absl::StrCat("no key result ", id.value));
  }
  return absl::OkStatus();
}

absl::Status RollupTree::CheckKeyResultWritable(KeyResultId id, bool allow_archived) const {
  if (absl::Status s = CheckKeyResult(id); !s.ok()) return s;
  switch (objectives_[kr_links_[id.value].objective].state) {
    case ObjectiveState::kClosed:
      return FailedPrecondition("OBJECTIVE_CLOSED",
                                "the key result's objective is closed; its values are final");
    case ObjectiveState::kArchived:
      if (allow_archived) break;
      return FailedPrecondition("OBJECTIVE_ARCHIVED",
                                "the key result's objective is archived; it takes no check-ins");
    case ObjectiveState::kDraft:
    case ObjectiveState::kActive:
      break;
  }
  return absl::OkStatus();
}

absl::Status RollupTree::CheckAlignment(Alignment parent, std::uint32_t moving) const {
  std::uint32_t t = kNil;
  switch (parent.kind()) {
    case Alignment::Kind::kNone:
      return absl::OkStatus();
    case Alignment::Kind::kObjective:
      if (absl::Status s = CheckObjective(parent.objective()); !s.ok()) return s;
      t = parent.objective().value;
      break;
    case Alignment::Kind::kKeyResult:
      if (absl::Status s = CheckKeyResult(parent.key_result()); !s.ok()) return s;
      if (key_results_[parent.key_result().value].type != KeyResultType::kRollup) {
        return FailedPrecondition("PARENT_KEY_RESULT_NOT_ROLLUP",
                                  "objectives can only be aligned to ROLLUP key results");
      }
      t = kr_links_[parent.key_result().value].objective;
      break;
  }
  // The forest is acyclic, so this walk ends within depth steps.
  while (t != kNil) {
    if (t == moving) {
      return FailedPrecondition("ALIGNMENT_CYCLE",
                                "the objective would be aligned to itself or to a descendant");
    }
    const ObjectiveNode& n = objectives_[t];
    switch (n.parent_kind) {
      case Alignment::Kind::kNone:
        t = kNil;
        break;
      case Alignment::Kind::kObjective:
        t = n.parent;
        break;
      case Alignment::Kind::kKeyResult:
        t = kr_links_[n.parent].objective;
        break;
    }
  }
  return absl::OkStatus();
}

// ---- Links -----------------------------------------------------------------------------------

void RollupTree::Link(std::uint32_t o, Alignment parent) {
  ObjectiveNode& n = objectives_[o];
  n.parent_kind = parent.kind();
  n.next_sibling = kNil;
  n.prev_sibling = kNil;
  if (parent.is_none()) {
    n.parent = kNil;
    return;
  }
  const bool to_objective = parent.kind() == Alignment::Kind::kObjective;
  n.parent = to_objective ? parent.objective().value : parent.key_result().value;
  std::uint32_t& first =
      to_objective ? objectives_[n.parent].first_child : kr_links_[n.parent].first_child;
  std::uint32_t& last =
      to_objective ? objectives_[n.parent].last_child : kr_links_[n.parent].last_child;
  if (last == kNil) {
    first = o;
  } else {
    objectives_[last].next_sibling = o;
    n.prev_sibling = last;
  }
  last = o;
}

void RollupTree::Unlink(std::uint32_t o) {
  ObjectiveNode& n = objectives_[o];
  if (n.parent_kind == Alignment::Kind::kNone) return;
  const bool from_objective = n.parent_kind == Alignment::Kind::kObjective;
  std::uint32_t& first =
      from_objective ? objectives_[n.parent].first_child : kr_links_[n.parent].first_child;
  std::uint32_t& last =
      from_objective ? objectives_[n.parent].last_child : kr_links_[n.parent].last_child;
  if (n.prev_sibling == kNil) {
    first = n.next_sibling;
  } else {
    objectives_[n.prev_sibling].next_sibling = n.next_sibling;
  }
  if (n.next_sibling == kNil) {
    last = n.prev_sibling;
  } else {
    objectives_[n.next_sibling].prev_sibling = n.prev_sibling;
  }
  n.parent_kind = Alignment::Kind::kNone;
  n.parent = kNil;
  n.next_sibling = kNil;
  n.prev_sibling = kNil;
}

// ---- The per-node functions (shared by the incremental path and RecomputeAll) ------------------

inline Health RollupTree::HealthOf(const ObjectiveNode& n) const {
  if (!HealthIsLive(n.state)) return n.health;
  std::optional<int> confidence;
  if (n.confidence >= 0) confidence = n.confidence;
  return ComputeHealth((n.flags & kHasMeasure) != 0, n.progress, confidence, expected_,
                       options_.health);
}

[[gnu::always_inline]] inline bool RollupTree::RecomputeKeyResult(std::uint32_t k,
                                                                  RollupChanges* changes) {
  KeyResultNode& kr = key_results_[k];
  double progress = 0.0;
  double attainment = 0.0;
  bool has_measure = true;
  if (kr.type == KeyResultType::kRollup) {
    double sum_w = 0.0;
    double sum_p = 0.0;
    has_measure = false;
    for (std::uint32_t c = kr_links_[k].first_child; c != kNil; c = objectives_[c].next_sibling) {
      const ObjectiveNode& child = objectives_[c];
      if (child.state == ObjectiveState::kArchived || (child.flags & kHasMeasure) == 0) continue;
      sum_w += child.weight;
      sum_p += child.weight * child.progress;
      has_measure = true;
    }
    // A ROLLUP key result's attainment is its progress (API contract).
    if (has_measure) progress = attainment = ClampTo(sum_p / sum_w, 0.0, 1.0);
  } else {
    // Only MILESTONE key results read their (out-of-line) milestones.
    const KeyResultProgress p = ComputeProgress(
        kr.type, kr.direction, kr.start, kr.target, kr.current,
        kr.type == KeyResultType::kMilestone ? std::span<const Milestone>(milestones_[k])
                                             : std::span<const Milestone>());
    progress = p.progress;
    attainment = p.attainment;
  }
  const bool was_measured = (kr.flags & kHasMeasure) != 0;
  const bool changed = !Same(progress, kr.progress) || !Same(attainment, kr.attainment) ||
                       has_measure != was_measured;
  if (changed) {
    kr.progress = progress;
    kr.attainment = attainment;
    kr.flags = static_cast<std::uint8_t>(has_measure ? (kr.flags | kHasMeasure)
                                                     : (kr.flags & ~kHasMeasure));
    if (changes != nullptr) changes->key_results.push_back({k});
  }
  return changed;
}

[[gnu::always_inline]] inline bool RollupTree::RecomputeObjective(std::uint32_t o,
                                                                  RollupChanges* changes) {
  ObjectiveNode& n = objectives_[o];
  double sum_w = 0.0;
  double sum_p = 0.0;
  double sum_a = 0.0;
  bool has_measure = false;
  int confidence = -1;
  for (std::uint32_t k = n.first_kr; k != kNil; k = key_results_[k].next_kr) {
    const KeyResultNode& kr = key_results_[k];
    if (kr.confidence >= 0 && (confidence < 0 || kr.confidence < confidence)) {
      confidence = kr.confidence;
    }
    if ((kr.flags & kHasMeasure) == 0) continue;
    sum_w += kr.weight;
    sum_p += kr.weight * kr.progress;
    sum_a += kr.weight * kr.attainment;
    has_measure = true;
  }
  if ((n.flags & kRollupChildren) != 0) {
    for (std::uint32_t c = n.first_child; c != kNil; c = objectives_[c].next_sibling) {
      const ObjectiveNode& child = objectives_[c];
      if (child.state == ObjectiveState::kArchived || (child.flags & kHasMeasure) == 0) continue;
      sum_w += child.weight;
      sum_p += child.weight * child.progress;
      sum_a += child.weight * child.attainment;
      has_measure = true;
    }
  }
  const double progress = has_measure ? ClampTo(sum_p / sum_w, 0.0, 1.0) : 0.0;
  const double attainment = has_measure ? sum_a / sum_w + 0.0 : 0.0;
  const bool was_measured = (n.flags & kHasMeasure) != 0;
  const bool read_by_parent_changed =
      !Same(progress, n.progress) || !Same(attainment, n.attainment) || has_measure != was_measured;
  const std::int8_t old_confidence = n.confidence;
  const Health old_health = n.health;
  n.progress = progress;
  n.attainment = attainment;
  n.flags =
      static_cast<std::uint8_t>(has_measure ? (n.flags | kHasMeasure) : (n.flags & ~kHasMeasure));
  n.confidence = static_cast<std::int8_t>(confidence);
  n.health = HealthOf(n);
  if (changes != nullptr &&
      (read_by_parent_changed || n.confidence != old_confidence || n.health != old_health)) {
    changes->objectives.push_back({o});
  }
  return read_by_parent_changed;
}

// ---- Incremental propagation -------------------------------------------------------------------

void RollupTree::UpdateFrom(std::uint32_t o, RollupChanges* changes) {
  while (RecomputeObjective(o, changes)) {
    const ObjectiveNode& n = objectives_[o];
    // An archived objective is read by nobody.
    if (n.state == ObjectiveState::kArchived) return;
    switch (n.parent_kind) {
      case Alignment::Kind::kNone:
        return;
      case Alignment::Kind::kObjective:
        if ((objectives_[n.parent].flags & kRollupChildren) == 0) return;
        o = n.parent;
        break;
      case Alignment::Kind::kKeyResult: {
        const std::uint32_t k = n.parent;
        if (!RecomputeKeyResult(k, changes)) return;
        o = kr_links_[k].objective;
        break;
      }
    }
  }
}

void RollupTree::UpdateParentOf(Alignment::Kind kind, std::uint32_t parent,
                                RollupChanges* changes) {
  switch (kind) {
    case Alignment::Kind::kNone:
      return;
    case Alignment::Kind::kObjective:
      UpdateFrom(parent, changes);
      return;
    case Alignment::Kind::kKeyResult:
      if (RecomputeKeyResult(parent, changes)) UpdateFrom(kr_links_[parent].objective, changes);
      return;
  }
}

// ---- Objective writes --------------------------------------------------------------------------

absl::StatusOr<ObjectiveId> RollupTree::AddObjective(const ObjectiveSpec& spec,
                                                     RollupChanges* changes) {
  if (absl::Status s = ValidateWeight(spec.weight); !s.ok()) return s;
  if (absl::Status s = CheckAlignment(spec.parent, kNil); !s.ok()) return s;
  std::uint32_t o;
  if (!free_objectives_.empty()) {
    o = free_objectives_.back();
    free_objectives_.pop_back();
    objectives_[o] = ObjectiveNode{};
  } else {
    if (objectives_.size() >= kMaxNodes) {
      return FailedPrecondition("TOO_MANY_OBJECTIVES", "the cycle holds too many objectives");
    }
    o = static_cast<std::uint32_t>(objectives_.size());
    objectives_.emplace_back();
  }
  ObjectiveNode& n = objectives_[o];
  n.weight = spec.weight;
  n.state = spec.state;
  n.kind = spec.kind;
  n.health = spec.frozen_health;
  n.flags = static_cast<std::uint8_t>(kAlive | (spec.rollup_children ? kRollupChildren : 0));
  Link(o, spec.parent);
  ++objective_count_;
  RecomputeObjective(o, nullptr);
  if (changes != nullptr) changes->objectives.push_back({o});
  UpdateParentOf(n.parent_kind, n.parent, changes);
  return ObjectiveId{o};
}

absl::Status RollupTree::RemoveObjective(ObjectiveId id, RollupChanges* changes) {
  if (absl::Status s = CheckObjective(id); !s.ok()) return s;
  const std::uint32_t o = id.value;
  bool has_children = objectives_[o].first_child != kNil;
  for (std::uint32_t k = objectives_[o].first_kr; k != kNil; k = key_results_[k].next_kr) {
    has_children = has_children || kr_links_[k].first_child != kNil;
  }
  if (has_children) {
    return FailedPrecondition("OBJECTIVE_HAS_ALIGNED_CHILDREN",
                              "objectives are aligned to this objective or its key results");
  }
  for (std::uint32_t k = objectives_[o].first_kr; k != kNil;) {
    const std::uint32_t next = key_results_[k].next_kr;
    key_results_[k].flags = 0;
    std::vector<Milestone>().swap(milestones_[k]);
    free_key_results_.push_back(k);
    --key_result_count_;
    k = next;
  }
  const Alignment::Kind parent_kind = objectives_[o].parent_kind;
  const std::uint32_t parent = objectives_[o].parent;
  Unlink(o);
  objectives_[o].flags = 0;
  free_objectives_.push_back(o);
  --objective_count_;
  UpdateParentOf(parent_kind, parent, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::MoveObjective(ObjectiveId id, Alignment new_parent,
                                       RollupChanges* changes) {
  if (absl::Status s = CheckObjective(id); !s.ok()) return s;
  if (absl::Status s = CheckAlignment(new_parent, id.value); !s.ok()) return s;
  if (ParentOf(id) == new_parent) return absl::OkStatus();
  const std::uint32_t o = id.value;
  const Alignment::Kind old_kind = objectives_[o].parent_kind;
  const std::uint32_t old_parent = objectives_[o].parent;
  const std::size_t objectives_from = changes != nullptr ? changes->objectives.size() : 0;
  const std::size_t key_results_from = changes != nullptr ? changes->key_results.size() : 0;
  Unlink(o);
  Link(o, new_parent);
  UpdateParentOf(old_kind, old_parent, changes);
  UpdateParentOf(objectives_[o].parent_kind, objectives_[o].parent, changes);
  if (changes != nullptr) {
    // The old and the new ancestors may share a tail.
    DedupeFrom(changes->objectives, objectives_from);
    DedupeFrom(changes->key_results, key_results_from);
  }
  return absl::OkStatus();
}

absl::Status RollupTree::SetObjectiveWeight(ObjectiveId id, double weight, RollupChanges* changes) {
  if (absl::Status s = CheckObjective(id); !s.ok()) return s;
  if (absl::Status s = ValidateWeight(weight); !s.ok()) return s;
  ObjectiveNode& n = objectives_[id.value];
  n.weight = weight;
  UpdateParentOf(n.parent_kind, n.parent, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetRollupChildren(ObjectiveId id, bool rollup_children,
                                           RollupChanges* changes) {
  if (absl::Status s = CheckObjective(id); !s.ok()) return s;
  ObjectiveNode& n = objectives_[id.value];
  n.flags = static_cast<std::uint8_t>(rollup_children ? (n.flags | kRollupChildren)
                                                      : (n.flags & ~kRollupChildren));
  UpdateFrom(id.value, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetObjectiveState(ObjectiveId id, ObjectiveState state,
                                           RollupChanges* changes) {
  if (absl::Status s = CheckObjective(id); !s.ok()) return s;
  ObjectiveNode& n = objectives_[id.value];
  const ObjectiveState from = n.state;
  if (from == state) return absl::OkStatus();
  const bool live_from = HealthIsLive(from);
  const bool allowed = (live_from && HealthIsLive(state)) ||
                       (live_from && state == ObjectiveState::kArchived) ||
                       (from == ObjectiveState::kArchived && state == ObjectiveState::kActive);
  if (!allowed) {
    return FailedPrecondition("INVALID_STATE_TRANSITION",
                              "allowed: DRAFT <-> ACTIVE, DRAFT or ACTIVE -> ARCHIVED, "
                              "ARCHIVED -> ACTIVE (CLOSED only through closing the cycle)");
  }
  if (live_from && !HealthIsLive(state)) {
    // Archiving freezes the health as judged now (the clock may have moved since it was last
    // judged); unarchiving judges it again.
    const Health now_health = HealthOf(n);
    if (now_health != n.health && changes != nullptr) changes->objectives.push_back(id);
    n.health = now_health;
  }
  n.state = state;
  if (live_from && HealthIsLive(state)) return absl::OkStatus();  // Nothing derived changes.
  RecomputeObjective(id.value, changes);
  UpdateParentOf(n.parent_kind, n.parent, changes);
  return absl::OkStatus();
}

// ---- Key result writes -------------------------------------------------------------------------

absl::StatusOr<KeyResultId> RollupTree::AddKeyResult(ObjectiveId objective,
                                                     const KeyResultSpec& spec,
                                                     RollupChanges* changes) {
  if (absl::Status s = CheckObjective(objective); !s.ok()) return s;
  if (absl::Status s = ValidateWeight(spec.weight); !s.ok()) return s;
  if (absl::Status s = ValidateKeyResult(spec.type, spec.direction, spec.measure); !s.ok()) {
    return s;
  }
  if (spec.confidence) {
    if (absl::Status s = ValidateConfidence(*spec.confidence); !s.ok()) return s;
  }
  std::uint32_t k;
  if (!free_key_results_.empty()) {
    k = free_key_results_.back();
    free_key_results_.pop_back();
    key_results_[k] = KeyResultNode{};
  } else {
    if (key_results_.size() >= kMaxNodes) {
      return FailedPrecondition("TOO_MANY_KEY_RESULTS", "the cycle holds too many key results");
    }
    k = static_cast<std::uint32_t>(key_results_.size());
    key_results_.emplace_back();
    kr_links_.emplace_back();
    milestones_.emplace_back();
  }
  KeyResultNode& kr = key_results_[k];
  kr.type = spec.type;
  kr.direction = spec.direction;
  kr.start = spec.measure.start;
  kr.target = IsKeep(spec.direction) ? *spec.measure.threshold : spec.measure.target;
  kr.current = spec.measure.current;
  kr.weight = spec.weight;
  kr.confidence = static_cast<std::int8_t>(spec.confidence.value_or(-1));
  kr.flags = static_cast<std::uint8_t>(kAlive | (spec.measure.has_value ? kHasValue : 0));
  milestones_[k] = spec.measure.milestones;
  const std::uint32_t o = objective.value;
  kr_links_[k] = KeyResultLinks{};
  kr_links_[k].objective = o;
  ObjectiveNode& n = objectives_[o];
  kr_links_[k].prev_kr = n.last_kr;
  if (n.last_kr == kNil) {
    n.first_kr = k;
  } else {
    key_results_[n.last_kr].next_kr = k;
  }
  n.last_kr = k;
  ++key_result_count_;
  RecomputeKeyResult(k, nullptr);
  if (changes != nullptr) changes->key_results.push_back({k});
  UpdateFrom(o, changes);
  return KeyResultId{k};
}

absl::Status RollupTree::RemoveKeyResult(KeyResultId id, RollupChanges* changes) {
  if (absl::Status s = CheckKeyResult(id); !s.ok()) return s;
  const std::uint32_t k = id.value;
  KeyResultNode& kr = key_results_[k];
  const KeyResultLinks& links = kr_links_[k];
  if (links.first_child != kNil) {
    return FailedPrecondition("KEY_RESULT_HAS_ALIGNED_CHILDREN",
                              "objectives are aligned to this key result");
  }
  ObjectiveNode& n = objectives_[links.objective];
  if (links.prev_kr == kNil) {
    n.first_kr = kr.next_kr;
  } else {
    key_results_[links.prev_kr].next_kr = kr.next_kr;
  }
  if (kr.next_kr == kNil) {
    n.last_kr = links.prev_kr;
  } else {
    kr_links_[kr.next_kr].prev_kr = links.prev_kr;
  }
  const std::uint32_t o = links.objective;
  kr.flags = 0;
  std::vector<Milestone>().swap(milestones_[k]);
  free_key_results_.push_back(k);
  --key_result_count_;
  UpdateFrom(o, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetKeyResultValue(KeyResultId id, double value, RollupChanges* changes) {
  if (absl::Status s = CheckKeyResultWritable(id); !s.ok()) return s;
  KeyResultNode& kr = key_results_[id.value];
  if (absl::Status s = ValidateValue(kr.type, value); !s.ok()) return s;
  kr.current = value;
  kr.flags |= kHasValue;
  if (RecomputeKeyResult(id.value, changes)) UpdateFrom(kr_links_[id.value].objective, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetMilestones(KeyResultId id, std::vector<Milestone> milestones,
                                       RollupChanges* changes) {
  if (absl::Status s = CheckKeyResultWritable(id); !s.ok()) return s;
  const KeyResultNode& kr = key_results_[id.value];
  if (kr.type != KeyResultType::kMilestone) {
    return InvalidArgument("INVALID_MILESTONES", "only MILESTONE key results have milestones",
                           {{"milestones", "only for MILESTONE key results"}});
  }
  if (absl::Status s = ValidateMilestones(milestones); !s.ok()) return s;
  milestones_[id.value] = std::move(milestones);
  if (RecomputeKeyResult(id.value, changes)) UpdateFrom(kr_links_[id.value].objective, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetMilestoneDone(KeyResultId id, std::size_t index, bool done,
                                          RollupChanges* changes) {
  if (absl::Status s = CheckKeyResultWritable(id); !s.ok()) return s;
  if (index >= milestones_[id.value].size()) {
    return InvalidArgument("UNKNOWN_MILESTONE", "no such milestone",
                           {{"milestone_states.milestone_id", "names no milestone"}});
  }
  milestones_[id.value][index].done = done;
  if (RecomputeKeyResult(id.value, changes)) UpdateFrom(kr_links_[id.value].objective, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetKeyResultMeasure(KeyResultId id, Direction direction,
                                             const KeyResultMeasure& measure,
                                             RollupChanges* changes) {
  if (absl::Status s = CheckKeyResultWritable(id, /*allow_archived=*/true); !s.ok()) return s;
  KeyResultNode& kr = key_results_[id.value];
  if (absl::Status s = ValidateKeyResult(kr.type, direction, measure); !s.ok()) return s;
  kr.direction = direction;
  kr.start = measure.start;
  kr.target = IsKeep(direction) ? *measure.threshold : measure.target;
  kr.current = measure.current;
  kr.flags = static_cast<std::uint8_t>(measure.has_value ? (kr.flags | kHasValue)
                                                         : (kr.flags & ~kHasValue));
  milestones_[id.value] = measure.milestones;
  if (RecomputeKeyResult(id.value, changes)) UpdateFrom(kr_links_[id.value].objective, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetConfidence(KeyResultId id, std::optional<int> confidence,
                                       RollupChanges* changes) {
  if (absl::Status s = CheckKeyResultWritable(id); !s.ok()) return s;
  if (confidence) {
    if (absl::Status s = ValidateConfidence(*confidence); !s.ok()) return s;
  }
  KeyResultNode& kr = key_results_[id.value];
  kr.confidence = static_cast<std::int8_t>(confidence.value_or(-1));
  UpdateFrom(kr_links_[id.value].objective, changes);
  return absl::OkStatus();
}

absl::Status RollupTree::SetKeyResultWeight(KeyResultId id, double weight, RollupChanges* changes) {
  if (absl::Status s = CheckKeyResult(id); !s.ok()) return s;
  if (absl::Status s = ValidateWeight(weight); !s.ok()) return s;
  KeyResultNode& kr = key_results_[id.value];
  kr.weight = weight;
  UpdateFrom(kr_links_[id.value].objective, changes);
  return absl::OkStatus();
}

// ---- Whole-tree operations ---------------------------------------------------------------------

void RollupTree::SetClock(absl::Time now) {
  now_ = now;
  expected_ = ExpectedProgress(options_.cycle, now);
}

void RollupTree::RefreshHealth(absl::Time now, RollupChanges* changes) {
  now_ = now;
  expected_ = ExpectedProgress(options_.cycle, now);
  for (std::uint32_t o = 0; o < objectives_.size(); ++o) {
    ObjectiveNode& n = objectives_[o];
    if ((n.flags & kAlive) == 0) continue;
    const Health health = HealthOf(n);
    if (health != n.health) {
      n.health = health;
      if (changes != nullptr) changes->objectives.push_back({o});
    }
  }
}

std::vector<std::pair<ObjectiveId, Grade>> RollupTree::CloseCycle(
    const GradingThresholds& thresholds) {
  std::vector<std::pair<ObjectiveId, Grade>> grades;
  for (std::uint32_t o = 0; o < objectives_.size(); ++o) {
    ObjectiveNode& n = objectives_[o];
    if ((n.flags & kAlive) == 0 || !HealthIsLive(n.state)) continue;
    n.health = HealthOf(n);  // frozen as judged at the tree's clock
    n.state = ObjectiveState::kClosed;
    grades.emplace_back(ObjectiveId{o}, GradeAtClose(n.progress, n.kind, thresholds));
  }
  return grades;
}

inline std::uint32_t RollupTree::AlignedObjective(std::uint32_t o) const {
  const ObjectiveNode& n = objectives_[o];
  switch (n.parent_kind) {
    case Alignment::Kind::kNone:
      break;
    case Alignment::Kind::kObjective:
      return n.parent;
    case Alignment::Kind::kKeyResult:
      return kr_links_[n.parent].objective;
  }
  return kNil;
}

void RollupTree::RecomputeAll(RollupChanges* changes) {
  // Bottom-up in the order of a topological sort (Kahn): an objective is done once every objective
  // aligned to it or to one of its key results is. Scanning storage order rather than walking the
  // tree keeps memory access mostly sequential, which is what makes this fast for 10^6 nodes.
  std::vector<std::uint32_t>& pending = scratch_;
  pending.assign(objectives_.size(), 0);
  for (std::uint32_t o = 0; o < objectives_.size(); ++o) {
    if ((objectives_[o].flags & kAlive) == 0) continue;
    if (const std::uint32_t t = AlignedObjective(o); t != kNil) ++pending[t];
  }
  for (std::uint32_t o = 0; o < objectives_.size(); ++o) {
    if ((objectives_[o].flags & kAlive) == 0 || pending[o] != 0) continue;
    std::uint32_t current = o;
    while (true) {
      pending[current] = kNil;  // Done; never 0 again.
      // Its key results first: leaves from their inputs, ROLLUP ones from their (done) members.
      for (std::uint32_t k = objectives_[current].first_kr; k != kNil;
           k = key_results_[k].next_kr) {
        RecomputeKeyResult(k, changes);
      }
      RecomputeObjective(current, changes);
      const std::uint32_t t = AlignedObjective(current);
      if (t == kNil || --pending[t] != 0) break;
      current = t;
    }
  }
}

// ---- Reads -------------------------------------------------------------------------------------

ObjectiveRollup RollupTree::GetObjective(ObjectiveId id) const {
  const ObjectiveNode& n = objectives_[id.value];
  ObjectiveRollup r;
  r.progress = n.progress;
  r.attainment = n.attainment;
  r.has_measure = (n.flags & kHasMeasure) != 0;
  if (n.confidence >= 0) r.confidence = n.confidence;
  r.health = n.health;
  return r;
}

KeyResultRollup RollupTree::GetKeyResult(KeyResultId id) const {
  const KeyResultNode& kr = key_results_[id.value];
  return {kr.progress, kr.attainment, (kr.flags & kHasMeasure) != 0};
}

Alignment RollupTree::ParentOf(ObjectiveId id) const {
  const ObjectiveNode& n = objectives_[id.value];
  switch (n.parent_kind) {
    case Alignment::Kind::kNone:
      break;
    case Alignment::Kind::kObjective:
      return Alignment::To(ObjectiveId{n.parent});
    case Alignment::Kind::kKeyResult:
      return Alignment::To(KeyResultId{n.parent});
  }
  return Alignment::None();
}

ObjectiveState RollupTree::StateOf(ObjectiveId id) const { return objectives_[id.value].state; }

ObjectiveId RollupTree::ObjectiveOf(KeyResultId id) const {
  return {kr_links_[id.value].objective};
}

KeyResultType RollupTree::TypeOf(KeyResultId id) const { return key_results_[id.value].type; }

KeyResultMeasure RollupTree::MeasureOf(KeyResultId id) const {
  const KeyResultNode& kr = key_results_[id.value];
  KeyResultMeasure m;
  m.start = kr.start;
  if (IsKeep(kr.direction)) {
    m.threshold = kr.target;
  } else {
    m.target = kr.target;
  }
  m.current = kr.current;
  m.has_value = (kr.flags & kHasValue) != 0;
  m.milestones = milestones_[id.value];
  return m;
}

std::vector<ObjectiveId> RollupTree::Objectives() const {
  std::vector<ObjectiveId> ids;
  ids.reserve(objective_count_);
  for (std::uint32_t o = 0; o < objectives_.size(); ++o) {
    if ((objectives_[o].flags & kAlive) != 0) ids.push_back({o});
  }
  return ids;
}

std::vector<KeyResultId> RollupTree::KeyResults() const {
  std::vector<KeyResultId> ids;
  ids.reserve(key_result_count_);
  for (std::uint32_t k = 0; k < key_results_.size(); ++k) {
    if ((key_results_[k].flags & kAlive) != 0) ids.push_back({k});
  }
  return ids;
}

std::vector<KeyResultId> RollupTree::KeyResultsOf(ObjectiveId id) const {
  std::vector<KeyResultId> ids;
  for (std::uint32_t k = objectives_[id.value].first_kr; k != kNil; k = key_results_[k].next_kr) {
    ids.push_back({k});
  }
  return ids;
}

std::vector<ObjectiveId> RollupTree::ChildrenOf(Alignment parent) const {
  std::vector<ObjectiveId> ids;
  std::uint32_t c = kNil;
  if (parent.kind() == Alignment::Kind::kObjective) {
    c = objectives_[parent.objective().value].first_child;
  } else if (parent.kind() == Alignment::Kind::kKeyResult) {
    c = kr_links_[parent.key_result().value].first_child;
  }
  for (; c != kNil; c = objectives_[c].next_sibling) ids.push_back({c});
  return ids;
}

}  // namespace okr::goals::domain
