#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/model/read_model.h"
#include "services/goals/src/store/goals_store.h"
#include "services/goals/src/store/rows.h"

namespace okr::goals {

using store_rows::Assignments;
using store_rows::KeyResultFromRow;
using store_rows::KeyResultValues;
using store_rows::kKeyResultColumns;
using store_rows::Micros;
using store_rows::MilestonesToJson;
using store_rows::OrNull;
using store_rows::PaddedMicros;
using store_rows::Placeholders;
using store_rows::PositionMicros;
using store_rows::Prefixed;
using store_rows::QueryRecords;
using store_rows::SplitPosition;
using store_rows::SqlValue;

// ---- key results --------------------------------------------------------------------------------

absl::StatusOr<std::optional<KeyResultRecord>> GoalsStore::FindKeyResult(std::string_view objective,
                                                                         std::string_view id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kKeyResultColumns,
                   " FROM goal_key_results WHERE tenant = ? AND objective = ? AND id = ?"),
      {tenant_, std::string(objective), std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<KeyResultRecord>();
  return std::optional<KeyResultRecord>(KeyResultFromRow(**row));
}

absl::Status GoalsStore::InsertKeyResult(const KeyResultRecord& key_result) {
  absl::Status status =
      session_.Exec(absl::StrCat("INSERT INTO goal_key_results (tenant, ", kKeyResultColumns,
                                 ") VALUES (", Placeholders(29), ")"),
                    KeyResultValues(tenant_, key_result));
  if (status.ok() && model_ != nullptr) model_->PutKeyResult(key_result);
  return status;
}

absl::Status GoalsStore::UpdateKeyResult(const KeyResultRecord& key_result) {
  std::vector<SqlValue> values = KeyResultValues(tenant_, key_result);
  std::vector<SqlValue> params(values.begin() + 3, values.end());
  params.push_back(tenant_);
  params.push_back(key_result.objective);
  params.push_back(key_result.id);
  absl::Status status =
      session_.Exec(absl::StrCat("UPDATE goal_key_results SET ", Assignments(kKeyResultColumns, 2),
                                 " WHERE tenant = ? AND objective = ? AND id = ?"),
                    params);
  if (status.ok() && model_ != nullptr) model_->PutKeyResult(key_result);
  return status;
}

absl::Status GoalsStore::UpdateKeyResultState(const KeyResultRecord& k) {
  absl::Status status = session_.Exec(
      "UPDATE goal_key_results SET current_value = ?, has_value = ?, milestones = ?, "
      "latest_confidence = ?, last_check_in_us = ?, last_observed_us = ?, progress = ?, "
      "attainment = ?, has_measure = ? WHERE tenant = ? AND objective = ? AND id = ?",
      {k.current_value, int64_t{k.has_value ? 1 : 0},
       k.milestones.empty() ? std::string("[]") : MilestonesToJson(k.milestones),
       OrNull(k.latest_confidence), OrNull(k.last_check_in_time), OrNull(k.last_observed_time),
       k.progress, k.attainment, int64_t{k.has_measure ? 1 : 0}, tenant_, k.objective, k.id});
  if (status.ok() && model_ != nullptr) model_->KeyResultState(k);
  return status;
}

absl::Status GoalsStore::DeleteKeyResult(std::string_view objective, std::string_view id) {
  absl::Status status =
      session_.Exec("DELETE FROM goal_key_results WHERE tenant = ? AND objective = ? AND id = ?",
                    {tenant_, std::string(objective), std::string(id)});
  if (status.ok() && model_ != nullptr) model_->EraseKeyResult(objective, id);
  return status;
}

absl::Status GoalsStore::UpdateKeyResultRollup(std::string_view objective, std::string_view id,
                                               const KeyResultRollupRow& rollup) {
  absl::Status status = session_.Exec(
      "UPDATE goal_key_results SET progress = ?, attainment = ?, has_measure = ? WHERE tenant = ? "
      "AND objective = ? AND id = ?",
      {rollup.progress, rollup.attainment, int64_t{rollup.has_measure ? 1 : 0}, tenant_,
       std::string(objective), std::string(id)});
  if (status.ok() && model_ != nullptr) model_->KeyResultRollup(objective, id, rollup);
  return status;
}

absl::StatusOr<std::vector<KeyResultRecord>> GoalsStore::KeyResultsOf(std::string_view objective) {
  return QueryRecords<KeyResultRecord>(
      session_,
      absl::StrCat("SELECT ", kKeyResultColumns,
                   " FROM goal_key_results WHERE tenant = ? AND objective = ? ORDER BY "
                   "create_time_us, id"),
      {tenant_, std::string(objective)}, &KeyResultFromRow);
}

absl::StatusOr<std::vector<KeyResultRecord>> GoalsStore::KeyResultsByMetric(
    std::string_view metric_key) {
  return QueryRecords<KeyResultRecord>(
      session_,
      absl::StrCat("SELECT ", kKeyResultColumns,
                   " FROM goal_key_results WHERE tenant = ? AND metric_key = ? ORDER BY "
                   "objective, id"),
      {tenant_, std::string(metric_key)}, &KeyResultFromRow);
}

absl::StatusOr<std::vector<KeyResultRecord>> GoalsStore::KeyResultsOfCycle(std::string_view cycle) {
  return QueryRecords<KeyResultRecord>(
      session_,
      absl::StrCat("SELECT ", kKeyResultColumns,
                   " FROM goal_key_results WHERE tenant = ? AND cycle = ? ORDER BY "
                   "objective_create_time_us, objective, create_time_us, id"),
      {tenant_, std::string(cycle)}, &KeyResultFromRow);
}

absl::StatusOr<Page<KeyResultRecord>> GoalsStore::ListKeyResults(const KeyResultFilter& filter,
                                                                 std::string_view after,
                                                                 int page_size, absl::Time stale_at,
                                                                 KeepObjectiveFn keep) {
  int64_t after_obj_us = -1;
  int64_t after_us = -1;
  std::string after_obj;
  std::string after_id;
  if (!after.empty()) {
    auto parts = SplitPosition(after, 4);
    if (!parts.ok()) return parts.status();
    auto obj_us = PositionMicros((*parts)[0]);
    auto us = PositionMicros((*parts)[2]);
    if (!obj_us.ok()) return obj_us.status();
    if (!us.ok()) return us.status();
    after_obj_us = *obj_us;
    after_obj = (*parts)[1];
    after_us = *us;
    after_id = (*parts)[3];
  }
  std::string where = "k.tenant = ?";
  std::vector<SqlValue> filter_params{tenant_};
  if (!filter.objective.empty()) {
    absl::StrAppend(&where, " AND k.objective = ?");
    filter_params.push_back(filter.objective);
  }
  if (!filter.cycle.empty()) {
    absl::StrAppend(&where, " AND k.cycle = ?");
    filter_params.push_back(filter.cycle);
  }
  if (!filter.owner.empty()) {
    absl::StrAppend(&where, " AND k.owner = ?");
    filter_params.push_back(filter.owner);
  }
  if (!filter.metric_key.empty()) {
    absl::StrAppend(&where, " AND k.metric_key = ?");
    filter_params.push_back(filter.metric_key);
  }
  if (filter.type) {
    absl::StrAppend(&where, " AND k.type = ?");
    filter_params.push_back(static_cast<int64_t>(*filter.type));
  }
  std::string from = "goal_key_results k";
  if (filter.stale_only) {
    // The rule of KeyResult.stale, in SQL (multi-argument MAX is SQLite's scalar maximum).
    from =
        "goal_key_results k JOIN goal_cycles c ON c.tenant = k.tenant AND c.id = k.cycle "
        "JOIN goal_objectives o ON o.tenant = k.tenant AND o.id = k.objective";
    absl::StrAppend(&where, " AND c.state = ", static_cast<int>(CycleState::kActive),
                    " AND o.state IN (", static_cast<int>(domain::ObjectiveState::kDraft), ", ",
                    static_cast<int>(domain::ObjectiveState::kActive),
                    ") AND MAX(COALESCE(k.last_check_in_us, 0), k.create_time_us, "
                    "c.activate_time_us) < ? - c.cadence_s * 1000000");
    filter_params.push_back(Micros(stale_at));
  }
  absl::flat_hash_map<std::string, bool> shown_objectives;
  Page<KeyResultRecord> page;
  const int64_t chunk = std::max<int64_t>(page_size, 50) + 1;
  while (true) {
    std::vector<SqlValue> params = filter_params;
    std::string sql = absl::StrCat(
        "SELECT ", Prefixed(kKeyResultColumns, "k"), " FROM ", from, " WHERE ", where,
        " AND (k.objective_create_time_us, k.objective, k.create_time_us, k.id) > (?, ?, ?, ?) "
        "ORDER BY k.objective_create_time_us, k.objective, k.create_time_us, k.id LIMIT ?");
    params.insert(params.end(), {after_obj_us, after_obj, after_us, after_id, chunk});
    auto rows = QueryRecords<KeyResultRecord>(session_, sql, params, &KeyResultFromRow);
    if (!rows.ok()) return rows.status();
    for (KeyResultRecord& k : *rows) {
      after_obj_us = Micros(k.objective_create_time);
      after_obj = k.objective;
      after_us = Micros(k.create_time);
      after_id = k.id;
      if (page.items.size() == static_cast<size_t>(page_size)) {
        const KeyResultRecord& last = page.items.back();
        page.next_after =
            absl::StrCat(PaddedMicros(last.objective_create_time), "/", last.objective, "/",
                         PaddedMicros(last.create_time), "/", last.id);
        return page;
      }
      auto it = shown_objectives.find(k.objective);
      if (it == shown_objectives.end()) {
        auto objective = FindObjective(k.objective);
        if (!objective.ok()) return objective.status();
        bool shown = false;
        if (objective->has_value()) {
          auto kept = keep(**objective);
          if (!kept.ok()) return kept.status();
          shown = *kept;
        }
        it = shown_objectives.emplace(k.objective, shown).first;
      }
      if (it->second) page.items.push_back(std::move(k));
    }
    if (static_cast<int64_t>(rows->size()) < chunk) return page;
  }
}

}  // namespace okr::goals
