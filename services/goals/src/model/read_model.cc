#include "services/goals/src/model/read_model.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace okr::goals {
namespace {

std::string KeyResultMapKey(std::string_view objective, std::string_view id) {
  std::string key;
  key.reserve(objective.size() + 1 + id.size());
  key.append(objective).append("/").append(id);
  return key;
}

// The objective a parent name (`objectives/{o}` or `objectives/{o}/keyResults/{k}`) belongs to.
std::string_view ParentObjectiveId(std::string_view parent) {
  constexpr std::string_view kPrefix = "objectives/";
  if (parent.substr(0, kPrefix.size()) != kPrefix) return {};
  parent.remove_prefix(kPrefix.size());
  return parent.substr(0, parent.find('/'));
}

}  // namespace

void ModelChanges::PutCycle(const CycleRecord& cycle) {
  ops_.push_back(Op{.kind = Kind::kPutCycle, .cycle = std::make_shared<CycleRecord>(cycle)});
}

void ModelChanges::PutObjective(const ObjectiveRecord& objective) {
  ops_.push_back(
      Op{.kind = Kind::kPutObjective, .objective = std::make_shared<ObjectiveRecord>(objective)});
}

void ModelChanges::ObjectiveRollup(std::string_view id, const ObjectiveRollupRow& rollup) {
  ops_.push_back(Op{
      .kind = Kind::kObjectiveRollup, .objective_id = std::string(id), .objective_rollup = rollup});
}

void ModelChanges::EraseObjective(std::string_view id) {
  ops_.push_back(Op{.kind = Kind::kEraseObjective, .objective_id = std::string(id)});
}

void ModelChanges::PutKeyResult(const KeyResultRecord& key_result) {
  ops_.push_back(
      Op{.kind = Kind::kPutKeyResult, .key_result = std::make_shared<KeyResultRecord>(key_result)});
}

void ModelChanges::KeyResultState(const KeyResultRecord& key_result) {
  ops_.push_back(Op{.kind = Kind::kKeyResultState,
                    .key_result = std::make_shared<KeyResultRecord>(key_result)});
}

void ModelChanges::KeyResultRollup(std::string_view objective, std::string_view id,
                                   const KeyResultRollupRow& rollup) {
  ops_.push_back(Op{.kind = Kind::kKeyResultRollup,
                    .objective_id = std::string(objective),
                    .key_result_id = std::string(id),
                    .key_result_rollup = rollup});
}

void ModelChanges::EraseKeyResult(std::string_view objective, std::string_view id) {
  ops_.push_back(Op{.kind = Kind::kEraseKeyResult,
                    .objective_id = std::string(objective),
                    .key_result_id = std::string(id)});
}

const ReadModel::Tenant* ReadModel::FindTenant(const std::string& tenant) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second.get();
}

ReadModel::Tenant& ReadModel::TenantFor(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Tenant>& slot = tenants_[tenant];
  if (!slot) slot = std::make_unique<Tenant>();
  return *slot;
}

absl::Status ReadModel::Load(common::SqlSession& session) {
  if (ready()) return absl::FailedPreconditionError("the read model is loaded once, at start");
  return ForEachStoredRecord(
      session,
      [this](const std::string& tenant, CycleRecord cycle) {
        Tenant& t = TenantFor(tenant);
        absl::MutexLock lock(&t.mu);
        std::string id = cycle.id;
        t.cycles[std::move(id)] = std::make_shared<const CycleRecord>(std::move(cycle));
      },
      [this](const std::string& tenant, ObjectiveRecord objective) {
        Tenant& t = TenantFor(tenant);
        absl::MutexLock lock(&t.mu);
        std::string id = objective.id;
        t.objectives[std::move(id)] = std::make_shared<const ObjectiveRecord>(std::move(objective));
      },
      [this](const std::string& tenant, KeyResultRecord key_result) {
        Tenant& t = TenantFor(tenant);
        absl::MutexLock lock(&t.mu);
        std::string key = KeyResultMapKey(key_result.objective, key_result.id);
        t.key_results[std::move(key)] =
            std::make_shared<const KeyResultRecord>(std::move(key_result));
      });
}

void ReadModel::SetReady(bool ready) {
  if (!ready) {
    // Nothing reads a model that was never ready, so its tenants can go.
    absl::MutexLock lock(&mu_);
    if (!ready_.load(std::memory_order_acquire)) tenants_.clear();
    return;
  }
  ready_.store(true, std::memory_order_release);
}

void ReadModel::Apply(const std::string& tenant, const ModelChanges& changes) {
  if (changes.empty() || !ready()) return;
  Tenant& t = TenantFor(tenant);
  absl::MutexLock lock(&t.mu);
  using Kind = ModelChanges::Kind;
  for (const ModelChanges::Op& op : changes.ops_) {
    switch (op.kind) {
      case Kind::kPutCycle:
        t.cycles[op.cycle->id] = op.cycle;
        break;
      case Kind::kPutObjective:
        t.objectives[op.objective->id] = op.objective;
        break;
      case Kind::kObjectiveRollup: {
        auto it = t.objectives.find(op.objective_id);
        if (it == t.objectives.end()) break;  // the UPDATE matched no row either
        auto updated = std::make_shared<ObjectiveRecord>(*it->second);
        updated->progress = op.objective_rollup.progress;
        updated->attainment = op.objective_rollup.attainment;
        updated->confidence = op.objective_rollup.confidence;
        updated->health = op.objective_rollup.health;
        updated->has_measure = op.objective_rollup.has_measure;
        it->second = std::move(updated);
        break;
      }
      case Kind::kEraseObjective:
        t.objectives.erase(op.objective_id);
        break;
      case Kind::kPutKeyResult:
        t.key_results[KeyResultMapKey(op.key_result->objective, op.key_result->id)] = op.key_result;
        break;
      case Kind::kKeyResultState: {
        const KeyResultRecord& k = *op.key_result;
        auto it = t.key_results.find(KeyResultMapKey(k.objective, k.id));
        if (it == t.key_results.end()) break;
        auto updated = std::make_shared<KeyResultRecord>(*it->second);
        updated->current_value = k.current_value;
        updated->has_value = k.has_value;
        updated->milestones = k.milestones;
        updated->latest_confidence = k.latest_confidence;
        updated->last_check_in_time = k.last_check_in_time;
        updated->last_observed_time = k.last_observed_time;
        updated->progress = k.progress;
        updated->attainment = k.attainment;
        updated->has_measure = k.has_measure;
        it->second = std::move(updated);
        break;
      }
      case Kind::kKeyResultRollup: {
        auto it = t.key_results.find(KeyResultMapKey(op.objective_id, op.key_result_id));
        if (it == t.key_results.end()) break;
        auto updated = std::make_shared<KeyResultRecord>(*it->second);
        updated->progress = op.key_result_rollup.progress;
        updated->attainment = op.key_result_rollup.attainment;
        updated->has_measure = op.key_result_rollup.has_measure;
        it->second = std::move(updated);
        break;
      }
      case Kind::kEraseKeyResult:
        t.key_results.erase(KeyResultMapKey(op.objective_id, op.key_result_id));
        break;
    }
  }
}

ReadModel::ObjectiveView ReadModel::FindObjective(const std::string& tenant,
                                                  const std::string& id) const {
  ObjectiveView view;
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return view;
  absl::ReaderMutexLock lock(&t->mu);
  auto it = t->objectives.find(id);
  if (it == t->objectives.end()) return view;
  view.objective = it->second;
  if (auto c = t->cycles.find(view.objective->cycle); c != t->cycles.end()) view.cycle = c->second;
  if (!view.objective->parent.empty()) {
    const std::string_view parent = ParentObjectiveId(view.objective->parent);
    if (auto p = t->objectives.find(std::string(parent)); p != t->objectives.end()) {
      view.parent_objective = p->second;
    }
  }
  return view;
}

ReadModel::KeyResultView ReadModel::FindKeyResult(const std::string& tenant,
                                                  const std::string& objective,
                                                  const std::string& id) const {
  KeyResultView view;
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return view;
  absl::ReaderMutexLock lock(&t->mu);
  auto o = t->objectives.find(objective);
  if (o == t->objectives.end()) return view;
  view.objective = o->second;
  if (auto k = t->key_results.find(KeyResultMapKey(objective, id)); k != t->key_results.end()) {
    view.key_result = k->second;
  }
  if (auto c = t->cycles.find(view.objective->cycle); c != t->cycles.end()) view.cycle = c->second;
  return view;
}

ReadModel::CycleRecords ReadModel::RecordsOfCycle(const std::string& tenant,
                                                  const std::string& cycle) const {
  CycleRecords out;
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return out;
  {
    absl::ReaderMutexLock lock(&t->mu);
    for (const auto& [id, o] : t->objectives) {
      if (o->cycle == cycle) out.objectives.push_back(o);
    }
    for (const auto& [key, k] : t->key_results) {
      if (k->cycle == cycle) out.key_results.push_back(k);
    }
  }
  // The order GoalsStore's ObjectivesOfCycle and KeyResultsOfCycle give.
  std::sort(out.objectives.begin(), out.objectives.end(), [](const auto& a, const auto& b) {
    return std::tie(a->create_time, a->id) < std::tie(b->create_time, b->id);
  });
  std::sort(out.key_results.begin(), out.key_results.end(), [](const auto& a, const auto& b) {
    return std::tie(a->objective_create_time, a->objective, a->create_time, a->id) <
           std::tie(b->objective_create_time, b->objective, b->create_time, b->id);
  });
  return out;
}

std::vector<std::shared_ptr<const ObjectiveRecord>> ReadModel::ObjectivesOf(
    const std::string& tenant) const {
  std::vector<std::shared_ptr<const ObjectiveRecord>> out;
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return out;
  absl::ReaderMutexLock lock(&t->mu);
  for (const auto& [id, o] : t->objectives) out.push_back(o);
  return out;
}

std::vector<std::shared_ptr<const KeyResultRecord>> ReadModel::KeyResultsOf(
    const std::string& tenant) const {
  std::vector<std::shared_ptr<const KeyResultRecord>> out;
  const Tenant* t = FindTenant(tenant);
  if (t == nullptr) return out;
  absl::ReaderMutexLock lock(&t->mu);
  for (const auto& [key, k] : t->key_results) out.push_back(k);
  return out;
}

}  // namespace okr::goals
