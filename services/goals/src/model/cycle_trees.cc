#include "services/goals/src/model/cycle_trees.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace okr::goals {

std::optional<domain::Alignment> CycleTree::AlignmentOf(std::string_view parent) const {
  if (parent.empty()) return domain::Alignment::None();
  if (auto id = ObjectiveIdFromName(parent)) {
    auto it = objectives.find(*id);
    if (it == objectives.end()) return std::nullopt;
    return domain::Alignment::To(it->second);
  }
  if (auto key = KeyResultKeyFromName(parent)) {
    auto it = key_results.find(key->id);
    if (it == key_results.end()) return std::nullopt;
    if (key_result_keys[it->second.value].objective != key->objective) return std::nullopt;
    return domain::Alignment::To(it->second);
  }
  return std::nullopt;
}

void CycleTree::NoteObjective(const std::string& id, domain::ObjectiveId node) {
  objectives[id] = node;
  if (objective_ids.size() <= node.value) objective_ids.resize(node.value + 1);
  objective_ids[node.value] = id;
}

void CycleTree::NoteKeyResult(const KeyResultKey& key, domain::KeyResultId node) {
  key_results[key.id] = node;
  if (key_result_keys.size() <= node.value) key_result_keys.resize(node.value + 1);
  key_result_keys[node.value] = key;
}

void CycleTree::ForgetObjective(const std::string& id) { objectives.erase(id); }
void CycleTree::ForgetKeyResult(const std::string& id) { key_results.erase(id); }

domain::ObjectiveSpec SpecOf(const ObjectiveRecord& objective) {
  domain::ObjectiveSpec spec;
  spec.weight = objective.weight;
  spec.rollup_children = objective.rollup_children;
  spec.kind = objective.kind;
  spec.state = objective.state;
  spec.frozen_health = objective.health;
  return spec;
}

domain::KeyResultSpec SpecOf(const KeyResultRecord& key_result) {
  domain::KeyResultSpec spec;
  spec.type = key_result.type;
  spec.direction = key_result.direction;
  spec.weight = key_result.weight;
  spec.confidence = key_result.latest_confidence;
  spec.measure.start = key_result.start_value;
  spec.measure.target = key_result.target_value;
  spec.measure.threshold = key_result.threshold;
  spec.measure.current = key_result.current_value;
  spec.measure.has_value = key_result.has_value;
  for (const MilestoneRecord& m : key_result.milestones) {
    spec.measure.milestones.push_back({m.weight, m.done});
  }
  return spec;
}

absl::StatusOr<std::unique_ptr<CycleTree>> BuildCycleTree(
    const CycleRecord& cycle, const std::vector<ObjectiveRecord>& objectives,
    const std::vector<KeyResultRecord>& key_results, const domain::HealthThresholds& thresholds,
    absl::Time now) {
  auto built = std::make_unique<CycleTree>(
      domain::RollupOptions{domain::Cycle{cycle.begin, cycle.end}, thresholds}, now);
  CycleTree& t = *built;
  // Objectives first, unaligned; then their key results; then the alignment, which may name key
  // results.
  for (const ObjectiveRecord& o : objectives) {
    auto node = t.tree.AddObjective(SpecOf(o));
    if (!node.ok()) {
      return absl::DataLossError(
          absl::StrCat("stored objective ", o.id, " cannot be loaded: ", node.status().message()));
    }
    t.NoteObjective(o.id, *node);
  }
  for (const KeyResultRecord& k : key_results) {
    auto objective = t.objectives.find(k.objective);
    if (objective == t.objectives.end()) continue;
    auto node = t.tree.AddKeyResult(objective->second, SpecOf(k));
    if (!node.ok()) {
      return absl::DataLossError(
          absl::StrCat("stored key result ", k.id, " cannot be loaded: ", node.status().message()));
    }
    t.NoteKeyResult({k.objective, k.id}, *node);
  }
  for (const ObjectiveRecord& o : objectives) {
    if (o.parent.empty()) continue;
    auto parent = t.AlignmentOf(o.parent);
    if (!parent.has_value()) continue;
    if (absl::Status moved = t.tree.MoveObjective(t.objectives.at(o.id), *parent); !moved.ok()) {
      return absl::DataLossError(absl::StrCat("stored alignment of objective ", o.id,
                                              " cannot be loaded: ", moved.message()));
    }
  }
  return built;
}

namespace {

bool Near(double a, double b) { return std::abs(a - b) <= 1e-9; }

}  // namespace

absl::StatusOr<std::vector<std::string>> VerifyRollups(GoalsStore& store, const CycleRecord& cycle,
                                                       const domain::HealthThresholds& thresholds,
                                                       absl::Time now, bool repair) {
  auto objectives = store.ObjectivesOfCycle(cycle.id);
  if (!objectives.ok()) return objectives.status();
  auto key_results = store.KeyResultsOfCycle(cycle.id);
  if (!key_results.ok()) return key_results.status();
  auto built = BuildCycleTree(cycle, *objectives, *key_results, thresholds, now);
  if (!built.ok()) return built.status();
  CycleTree& t = **built;
  t.tree.RecomputeAll();
  std::vector<std::string> differing;
  for (const KeyResultRecord& k : *key_results) {
    auto node = t.key_results.find(k.id);
    if (node == t.key_results.end()) continue;
    const domain::KeyResultRollup r = t.tree.GetKeyResult(node->second);
    if (Near(r.progress, k.progress) && Near(r.attainment, k.attainment) &&
        r.has_measure == k.has_measure) {
      continue;
    }
    differing.push_back(KeyResultName(k.objective, k.id));
    if (repair) {
      absl::Status s = store.UpdateKeyResultRollup(
          k.objective, k.id, KeyResultRollupRow{r.progress, r.attainment, r.has_measure});
      if (!s.ok()) return s;
    }
  }
  for (const ObjectiveRecord& o : *objectives) {
    const domain::ObjectiveRollup r = t.tree.GetObjective(t.objectives.at(o.id));
    // Health is judged again at every read, so only the roll-up proper is compared.
    if (Near(r.progress, o.progress) && Near(r.attainment, o.attainment) &&
        r.has_measure == o.has_measure && r.confidence == o.confidence) {
      continue;
    }
    differing.push_back(ObjectiveName(o.id));
    if (repair) {
      absl::Status s = store.UpdateObjectiveRollup(
          o.id,
          ObjectiveRollupRow{r.progress, r.attainment, r.confidence, o.health, r.has_measure});
      if (!s.ok()) return s;
    }
  }
  return differing;
}

absl::StatusOr<CycleTree*> CycleTrees::Get(GoalsStore& store, const std::string& tenant,
                                           const CycleRecord& cycle, absl::Time now) {
  const auto key = std::make_pair(tenant, cycle.id);
  {
    absl::MutexLock lock(&mu_);
    if (auto it = trees_.find(key); it != trees_.end()) {
      it->second->tree.SetClock(now);
      return it->second.get();
    }
  }
  auto objectives = store.ObjectivesOfCycleForTree(cycle.id);
  if (!objectives.ok()) return objectives.status();
  auto key_results = store.KeyResultsOfCycleForTree(cycle.id);
  if (!key_results.ok()) return key_results.status();
  auto built = BuildCycleTree(cycle, *objectives, *key_results, thresholds_, now);
  if (!built.ok()) return built.status();
  absl::MutexLock lock(&mu_);
  CycleTree* tree = built->get();
  trees_[key] = *std::move(built);
  return tree;
}

void CycleTrees::Forget(const std::string& tenant, const std::string& cycle) {
  absl::MutexLock lock(&mu_);
  trees_.erase(std::make_pair(tenant, cycle));
}

absl::Status CycleTrees::WriteBack(GoalsStore& store, const CycleTree& t,
                                   const domain::RollupChanges& changes,
                                   std::optional<domain::KeyResultId> written) {
  for (domain::ObjectiveId o : changes.objectives) {
    if (!t.tree.Contains(o)) continue;
    const domain::ObjectiveRollup r = t.tree.GetObjective(o);
    absl::Status s = store.UpdateObjectiveRollup(
        t.objective_ids[o.value],
        ObjectiveRollupRow{r.progress, r.attainment, r.confidence, r.health, r.has_measure});
    if (!s.ok()) return s;
  }
  for (domain::KeyResultId k : changes.key_results) {
    if (!t.tree.Contains(k) || (written && *written == k)) continue;
    const domain::KeyResultRollup r = t.tree.GetKeyResult(k);
    const KeyResultKey& key = t.key_result_keys[k.value];
    absl::Status s = store.UpdateKeyResultRollup(
        key.objective, key.id, KeyResultRollupRow{r.progress, r.attainment, r.has_measure});
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace okr::goals
