#include "services/goals/src/store/goals_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/model/read_model.h"
#include "services/goals/src/store/rows.h"

namespace okr::goals {

using store_rows::Assignments;
using store_rows::CycleFromRow;
using store_rows::CycleValues;
using store_rows::kCycleColumns;
using store_rows::KeyResultFromRow;
using store_rows::kKeyResultColumns;
using store_rows::kObjectiveColumns;
using store_rows::Micros;
using store_rows::MilestonesFromJson;
using store_rows::ObjectiveFromRow;
using store_rows::ObjectiveFromRow0;
using store_rows::ObjectiveValues;
using store_rows::OptionalDouble;
using store_rows::OptionalInt;
using store_rows::OrNull;
using store_rows::PaddedMicros;
using store_rows::Placeholders;
using store_rows::PositionMicros;
using store_rows::QueryRecords;
using store_rows::SplitPosition;
using store_rows::SqlRow;
using store_rows::SqlValue;

// ---- cycles -------------------------------------------------------------------------------------

absl::StatusOr<std::optional<CycleRecord>> GoalsStore::FindCycle(std::string_view id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kCycleColumns, " FROM goal_cycles WHERE tenant = ? AND id = ?"),
      {tenant_, std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<CycleRecord>();
  return std::optional<CycleRecord>(CycleFromRow(**row));
}

absl::StatusOr<bool> GoalsStore::CycleNameTaken(std::string_view display_name,
                                                std::string_view except_id) {
  auto row = session_.QueryOne(
      "SELECT id FROM goal_cycles WHERE tenant = ? AND display_name = ? AND id <> ?",
      {tenant_, std::string(display_name), std::string(except_id)});
  if (!row.ok()) return row.status();
  return row->has_value();
}

absl::Status GoalsStore::InsertCycle(const CycleRecord& cycle) {
  absl::Status status =
      session_.Exec(absl::StrCat("INSERT INTO goal_cycles (tenant, ", kCycleColumns, ") VALUES (",
                                 Placeholders(15), ")"),
                    CycleValues(tenant_, cycle));
  if (status.ok() && model_ != nullptr) model_->PutCycle(cycle);
  return status;
}

absl::Status GoalsStore::UpdateCycle(const CycleRecord& cycle) {
  std::vector<SqlValue> values = CycleValues(tenant_, cycle);
  std::vector<SqlValue> params(values.begin() + 2, values.end());
  params.push_back(tenant_);
  params.push_back(cycle.id);
  absl::Status status =
      session_.Exec(absl::StrCat("UPDATE goal_cycles SET ", Assignments(kCycleColumns, 1),
                                 " WHERE tenant = ? AND id = ?"),
                    params);
  if (status.ok() && model_ != nullptr) model_->PutCycle(cycle);
  return status;
}

absl::StatusOr<Page<CycleRecord>> GoalsStore::ListCycles(const CycleFilter& filter,
                                                         std::string_view after, int page_size) {
  std::vector<SqlValue> params{tenant_};
  std::string sql = absl::StrCat("SELECT ", kCycleColumns, " FROM goal_cycles WHERE tenant = ?");
  if (!after.empty()) {
    auto parts = SplitPosition(after, 2);
    if (!parts.ok()) return parts.status();
    // The leading `start_date <= ?` lets SQLite seek the index (it cannot from the OR alone).
    absl::StrAppend(&sql,
                    " AND start_date <= ? AND (start_date < ? OR (start_date = ? AND id > ?))");
    params.insert(params.end(), {(*parts)[0], (*parts)[0], (*parts)[0], (*parts)[1]});
  }
  if (filter.state) {
    absl::StrAppend(&sql, " AND state = ?");
    params.push_back(static_cast<int64_t>(*filter.state));
  }
  absl::StrAppend(&sql, " ORDER BY start_date DESC, id LIMIT ?");
  params.push_back(static_cast<int64_t>(page_size) + 1);
  auto cycles = QueryRecords<CycleRecord>(session_, sql, params, &CycleFromRow);
  if (!cycles.ok()) return cycles.status();
  Page<CycleRecord> page;
  page.items = *std::move(cycles);
  if (page.items.size() > static_cast<size_t>(page_size)) {
    page.items.pop_back();
    const CycleRecord& last = page.items.back();
    page.next_after = absl::StrCat(absl::FormatCivilTime(last.start_date), "/", last.id);
  }
  return page;
}

// ---- objectives ---------------------------------------------------------------------------------

absl::StatusOr<std::optional<ObjectiveRecord>> GoalsStore::FindObjective(std::string_view id) {
  auto row = session_.QueryOne(absl::StrCat("SELECT ", kObjectiveColumns,
                                            " FROM goal_objectives WHERE tenant = ? AND id = ?"),
                               {tenant_, std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<ObjectiveRecord>();
  return std::optional<ObjectiveRecord>(ObjectiveFromRow(**row));
}

absl::Status GoalsStore::InsertObjective(const ObjectiveRecord& objective) {
  absl::Status status =
      session_.Exec(absl::StrCat("INSERT INTO goal_objectives (tenant, ", kObjectiveColumns,
                                 ") VALUES (", Placeholders(24), ")"),
                    ObjectiveValues(tenant_, objective));
  if (status.ok() && model_ != nullptr) model_->PutObjective(objective);
  return status;
}

absl::Status GoalsStore::UpdateObjective(const ObjectiveRecord& objective) {
  std::vector<SqlValue> values = ObjectiveValues(tenant_, objective);
  std::vector<SqlValue> params(values.begin() + 2, values.end());
  params.push_back(tenant_);
  params.push_back(objective.id);
  absl::Status status =
      session_.Exec(absl::StrCat("UPDATE goal_objectives SET ", Assignments(kObjectiveColumns, 1),
                                 " WHERE tenant = ? AND id = ?"),
                    params);
  if (status.ok() && model_ != nullptr) model_->PutObjective(objective);
  return status;
}

absl::Status GoalsStore::DeleteObjective(std::string_view id) {
  absl::Status status = session_.Exec("DELETE FROM goal_objectives WHERE tenant = ? AND id = ?",
                                      {tenant_, std::string(id)});
  if (status.ok() && model_ != nullptr) model_->EraseObjective(id);
  return status;
}

absl::Status GoalsStore::UpdateObjectiveRollup(std::string_view id,
                                               const ObjectiveRollupRow& rollup) {
  absl::Status status = session_.Exec(
      "UPDATE goal_objectives SET progress = ?, attainment = ?, confidence = ?, health = ?, "
      "has_measure = ? WHERE tenant = ? AND id = ?",
      {rollup.progress, rollup.attainment, OrNull(rollup.confidence),
       static_cast<int64_t>(rollup.health), int64_t{rollup.has_measure ? 1 : 0}, tenant_,
       std::string(id)});
  if (status.ok() && model_ != nullptr) model_->ObjectiveRollup(id, rollup);
  return status;
}

absl::StatusOr<std::vector<ObjectiveRecord>> GoalsStore::ObjectivesOfCycle(std::string_view cycle) {
  return QueryRecords<ObjectiveRecord>(
      session_,
      absl::StrCat("SELECT ", kObjectiveColumns,
                   " FROM goal_objectives WHERE tenant = ? AND cycle = ? ORDER BY "
                   "create_time_us, id"),
      {tenant_, std::string(cycle)}, &ObjectiveFromRow0);
}

absl::StatusOr<std::vector<ObjectiveRecord>> GoalsStore::ObjectivesOfCycleForTree(
    std::string_view cycle) {
  std::vector<ObjectiveRecord> out;
  absl::Status status = session_.Query(
      "SELECT id, parent, weight, rollup_children, kind, state, health FROM goal_objectives "
      "WHERE tenant = ? AND cycle = ? ORDER BY create_time_us, id",
      {tenant_, std::string(cycle)}, [&out](const SqlRow& row) {
        ObjectiveRecord& o = out.emplace_back();
        o.id = row.GetString(0);
        o.parent = row.GetString(1);
        o.weight = row.GetDouble(2);
        o.rollup_children = row.GetInt64(3) != 0;
        o.kind = static_cast<domain::Kind>(row.GetInt64(4));
        o.state = static_cast<domain::ObjectiveState>(row.GetInt64(5));
        o.health = static_cast<domain::Health>(row.GetInt64(6));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<KeyResultRecord>> GoalsStore::KeyResultsOfCycleForTree(
    std::string_view cycle) {
  std::vector<KeyResultRecord> out;
  absl::Status status = session_.Query(
      "SELECT objective, id, type, direction, start_value, target_value, threshold, "
      "current_value, has_value, weight, milestones, latest_confidence FROM goal_key_results "
      "WHERE tenant = ? AND cycle = ? ORDER BY objective_create_time_us, objective, "
      "create_time_us, id",
      {tenant_, std::string(cycle)}, [&out](const SqlRow& row) {
        KeyResultRecord& k = out.emplace_back();
        k.objective = row.GetString(0);
        k.id = row.GetString(1);
        k.type = static_cast<domain::KeyResultType>(row.GetInt64(2));
        k.direction = static_cast<domain::Direction>(row.GetInt64(3));
        k.start_value = row.GetDouble(4);
        k.target_value = row.GetDouble(5);
        k.threshold = OptionalDouble(row, 6);
        k.current_value = row.GetDouble(7);
        k.has_value = row.GetInt64(8) != 0;
        k.weight = row.GetDouble(9);
        k.milestones = MilestonesFromJson(row.GetString(10));
        k.latest_confidence = OptionalInt(row, 11);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> OpenCycles(
    common::SqlSession& session) {
  std::vector<std::pair<std::string, std::string>> out;
  absl::Status status =
      session.Query("SELECT tenant, id FROM goal_cycles WHERE state <> ?",
                    {static_cast<int64_t>(CycleState::kClosed)}, [&out](const SqlRow& row) {
                      out.emplace_back(row.GetString(0), row.GetString(1));
                      return absl::OkStatus();
                    });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<ObjectiveRecord>> GoalsStore::ChildrenOf(std::string_view parent) {
  return QueryRecords<ObjectiveRecord>(
      session_,
      absl::StrCat("SELECT ", kObjectiveColumns,
                   " FROM goal_objectives WHERE tenant = ? AND parent = ? ORDER BY "
                   "create_time_us, id"),
      {tenant_, std::string(parent)}, &ObjectiveFromRow0);
}

absl::Status ForEachStoredRecord(
    common::SqlSession& session,
    absl::FunctionRef<void(const std::string& tenant, CycleRecord)> cycle,
    absl::FunctionRef<void(const std::string& tenant, ObjectiveRecord)> objective,
    absl::FunctionRef<void(const std::string& tenant, KeyResultRecord)> key_result) {
  // The tenant comes after the record's own columns, so each row codec reads from 0.
  auto after = [](std::string_view columns) {
    return static_cast<size_t>(std::count(columns.begin(), columns.end(), ',') + 1);
  };
  absl::Status status =
      session.Query(absl::StrCat("SELECT ", kCycleColumns, ", tenant FROM goal_cycles"), {},
                    [&](const SqlRow& row) {
                      cycle(row.GetString(after(kCycleColumns)), CycleFromRow(row));
                      return absl::OkStatus();
                    });
  if (!status.ok()) return status;
  status =
      session.Query(absl::StrCat("SELECT ", kObjectiveColumns, ", tenant FROM goal_objectives"), {},
                    [&](const SqlRow& row) {
                      objective(row.GetString(after(kObjectiveColumns)), ObjectiveFromRow(row));
                      return absl::OkStatus();
                    });
  if (!status.ok()) return status;
  return session.Query(absl::StrCat("SELECT ", kKeyResultColumns, ", tenant FROM goal_key_results"),
                       {}, [&](const SqlRow& row) {
                         key_result(row.GetString(after(kKeyResultColumns)), KeyResultFromRow(row));
                         return absl::OkStatus();
                       });
}

absl::StatusOr<bool> GoalsStore::HasChildren(std::string_view parent) {
  auto row = session_.QueryOne(
      "SELECT 1 FROM goal_objectives WHERE tenant = ? AND parent = ? "
      "LIMIT 1",
      {tenant_, std::string(parent)});
  if (!row.ok()) return row.status();
  return row->has_value();
}

absl::StatusOr<Page<ObjectiveRecord>> GoalsStore::ListObjectives(const ObjectiveFilter& filter,
                                                                 std::string_view after,
                                                                 int page_size,
                                                                 KeepObjectiveFn keep) {
  int64_t after_us = -1;
  std::string after_id;
  if (!after.empty()) {
    auto parts = SplitPosition(after, 2);
    if (!parts.ok()) return parts.status();
    auto us = PositionMicros((*parts)[0]);
    if (!us.ok()) return us.status();
    after_us = *us;
    after_id = (*parts)[1];
  }
  std::string where = "tenant = ?";
  std::vector<SqlValue> filter_params{tenant_};
  if (!filter.cycle.empty()) {
    absl::StrAppend(&where, " AND cycle = ?");
    filter_params.push_back(filter.cycle);
  }
  if (filter.owner) {
    absl::StrAppend(&where, " AND owner = ? AND owner_kind = ?");
    filter_params.push_back(filter.owner->id);
    filter_params.push_back(static_cast<int64_t>(filter.owner->kind));
  }
  if (filter.level) {
    absl::StrAppend(&where, " AND level = ?");
    filter_params.push_back(static_cast<int64_t>(*filter.level));
  }
  if (filter.state) {
    absl::StrAppend(&where, " AND state = ?");
    filter_params.push_back(static_cast<int64_t>(*filter.state));
  } else if (!filter.include_archived) {
    absl::StrAppend(&where, " AND state <> ", static_cast<int>(domain::ObjectiveState::kArchived));
  }
  if (filter.parent) {
    absl::StrAppend(&where, " AND parent = ?");
    filter_params.push_back(*filter.parent);
  }
  if (filter.kind) {
    absl::StrAppend(&where, " AND kind = ?");
    filter_params.push_back(static_cast<int64_t>(*filter.kind));
  }
  Page<ObjectiveRecord> page;
  // Fetch in chunks until the page is full of records the caller may see, or the rows run out.
  const int64_t chunk = std::max<int64_t>(page_size, 50) + 1;
  while (true) {
    std::vector<SqlValue> params = filter_params;
    std::string sql =
        absl::StrCat("SELECT ", kObjectiveColumns, " FROM goal_objectives WHERE ", where,
                     // A row value seeks the index to the position; the equivalent OR of
                     // comparisons made SQLite scan from the first row (quadratic paging).
                     " AND (create_time_us, id) > (?, ?) ORDER BY create_time_us, id LIMIT ?");
    params.insert(params.end(), {after_us, after_id, chunk});
    auto rows = QueryRecords<ObjectiveRecord>(session_, sql, params, &ObjectiveFromRow0);
    if (!rows.ok()) return rows.status();
    for (ObjectiveRecord& o : *rows) {
      after_us = Micros(o.create_time);
      after_id = o.id;
      if (page.items.size() == static_cast<size_t>(page_size)) {
        // One more row exists beyond a full page: continue after the page's last record.
        const ObjectiveRecord& last = page.items.back();
        page.next_after = absl::StrCat(PaddedMicros(last.create_time), "/", last.id);
        return page;
      }
      auto shown = keep(o);
      if (!shown.ok()) return shown.status();
      if (*shown) page.items.push_back(std::move(o));
    }
    if (static_cast<int64_t>(rows->size()) < chunk) return page;
  }
}

// ---- request ids --------------------------------------------------------------------------------

absl::StatusOr<std::optional<std::string>> GoalsStore::FindRequest(std::string_view method,
                                                                   std::string_view request_id) {
  auto row = session_.QueryOne(
      "SELECT resource FROM goal_request_ids WHERE tenant = ? AND method = ? AND request_id = ?",
      {tenant_, std::string(method), std::string(request_id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<std::string>();
  return std::optional<std::string>((*row)->GetString(0));
}

absl::Status GoalsStore::RememberRequest(std::string_view method, std::string_view request_id,
                                         std::string_view resource, absl::Time now) {
  // Each new key retires a few expired ones, so the table stays about one retention window big
  // without a sweeper.
  if (absl::Status s = ForgetRequestsBefore(now - kRequestIdRetention, 8); !s.ok()) return s;
  return session_.Exec(
      "INSERT INTO goal_request_ids (tenant, method, request_id, resource, create_time_us) "
      "VALUES (?, ?, ?, ?, ?)",
      {tenant_, std::string(method), std::string(request_id), std::string(resource), Micros(now)});
}

absl::Status GoalsStore::ForgetRequestsBefore(absl::Time before, int limit) {
  return session_.Exec(
      "DELETE FROM goal_request_ids WHERE (tenant, method, request_id) IN (SELECT tenant, method, "
      "request_id FROM goal_request_ids WHERE create_time_us < ? LIMIT ?)",
      {Micros(before), static_cast<int64_t>(limit)});
}

}  // namespace okr::goals
