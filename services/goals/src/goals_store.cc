#include "services/goals/src/goals_store.h"

#include <cinttypes>
#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "okr/common/status/errors.h"

namespace okr::goals {
namespace {

// Debian's Abseil has its own string_view: convert at the boundary.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

using common::SqlRow;
using common::SqlValue;

constexpr char kCycleColumns[] =
    "id, display_name, start_date, end_date, time_zone, begin_us, end_us, state, cadence_s, "
    "version, create_time_us, update_time_us, activate_time_us, close_time_us";

constexpr char kObjectiveColumns[] =
    "id, cycle, title, description, owner_kind, owner, level, parent, kind, visibility, state, "
    "weight, rollup_children, score, grading_note, progress, attainment, confidence, health, "
    "has_measure, version, create_time_us, update_time_us";

constexpr char kKeyResultColumns[] =
    "objective, id, cycle, objective_create_time_us, title, description, owner, type, direction, "
    "unit, currency_code, start_value, target_value, threshold, current_value, has_value, weight, "
    "milestones, metric_key, progress, attainment, has_measure, latest_confidence, "
    "last_check_in_us, last_observed_us, version, create_time_us, update_time_us";

constexpr char kCheckInColumns[] =
    "objective, key_result, id, value, milestone_states, confidence, note_progress, "
    "note_challenges, note_next_steps, author, source, event_id, event_source, increment, "
    "superseded, observed_us, create_time_us";

// Columns prefixed with a table alias, e.g. "o.id, o.cycle, ...".
std::string Prefixed(std::string_view columns, std::string_view alias) {
  std::string out;
  for (absl::string_view column : absl::StrSplit(Sv(columns), ", ")) {
    if (!out.empty()) out += ", ";
    absl::StrAppend(&out, Sv(alias), ".", column);
  }
  return out;
}

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// InfinitePast is stored as 0 (before any real time the service records).
int64_t OptionalMicros(absl::Time t) { return t == absl::InfinitePast() ? 0 : Micros(t); }
absl::Time TimeOrPast(int64_t us) { return us == 0 ? absl::InfinitePast() : FromMicros(us); }

SqlValue OrNull(const std::optional<double>& v) { return v ? SqlValue(*v) : SqlValue(); }
SqlValue OrNull(const std::optional<int>& v) {
  return v ? SqlValue(static_cast<int64_t>(*v)) : SqlValue();
}
SqlValue OrNull(const std::optional<absl::Time>& v) {
  return v ? SqlValue(Micros(*v)) : SqlValue();
}
std::optional<double> OptionalDouble(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.GetDouble(i);
}
std::optional<int> OptionalInt(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return static_cast<int>(row.GetInt64(i));
}
std::optional<absl::Time> OptionalTime(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return FromMicros(row.GetInt64(i));
}

// Zero-padded so that positions compare like the numbers they hold.
std::string PaddedMicros(absl::Time t) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020" PRId64, Micros(t));
  return buf;
}

// Splits a position "a/b/..." into exactly `n` parts; INVALID_ARGUMENT otherwise (a sealed token
// holds only positions this file wrote, so this means a token from an older format).
absl::StatusOr<std::vector<std::string>> SplitPosition(std::string_view position, size_t n) {
  std::vector<std::string> parts = absl::StrSplit(Sv(position), '/');
  if (parts.size() != n) {
    return common::InvalidArgument("INVALID_PAGE_TOKEN", "the page token is not valid here",
                                   {{"page_token", "not a token of this listing"}});
  }
  return parts;
}

absl::StatusOr<int64_t> PositionMicros(const std::string& text) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) {
    return common::InvalidArgument("INVALID_PAGE_TOKEN", "the page token is not valid here",
                                   {{"page_token", "not a token of this listing"}});
  }
  return v;
}

std::string MilestonesToJson(const std::vector<MilestoneRecord>& milestones) {
  nlohmann::json out = nlohmann::json::array();
  for (const MilestoneRecord& m : milestones) {
    nlohmann::json j = {{"id", m.id}, {"title", m.title}, {"weight", m.weight}, {"done", m.done}};
    if (m.done_time) j["done_us"] = Micros(*m.done_time);
    out.push_back(std::move(j));
  }
  return out.dump();
}

std::vector<MilestoneRecord> MilestonesFromJson(const std::string& text) {
  std::vector<MilestoneRecord> out;
  if (text == "[]") return out;  // every key result but MILESTONE: no parser needed
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return out;
  for (const auto& j : parsed) {
    if (!j.is_object()) continue;
    MilestoneRecord m;
    m.id = j.value("id", "");
    m.title = j.value("title", "");
    m.weight = j.value("weight", 1.0);
    m.done = j.value("done", false);
    if (j.contains("done_us") && j["done_us"].is_number_integer()) {
      m.done_time = FromMicros(j["done_us"].get<int64_t>());
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string MilestoneStatesToJson(const std::vector<MilestoneState>& states) {
  nlohmann::json out = nlohmann::json::array();
  for (const MilestoneState& s : states) out.push_back({{"id", s.milestone_id}, {"done", s.done}});
  return out.dump();
}

std::vector<MilestoneState> MilestoneStatesFromJson(const std::string& text) {
  std::vector<MilestoneState> out;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return out;
  for (const auto& j : parsed) {
    if (j.is_object()) out.push_back({j.value("id", ""), j.value("done", false)});
  }
  return out;
}

CycleRecord CycleFromRow(const SqlRow& row) {
  CycleRecord c;
  c.id = row.GetString(0);
  c.display_name = row.GetString(1);
  absl::ParseCivilTime(row.GetString(2), &c.start_date);
  absl::ParseCivilTime(row.GetString(3), &c.end_date);
  c.time_zone = row.GetString(4);
  c.begin = FromMicros(row.GetInt64(5));
  c.end = FromMicros(row.GetInt64(6));
  c.state = static_cast<CycleState>(row.GetInt64(7));
  c.cadence = absl::Seconds(row.GetInt64(8));
  c.version = row.GetInt64(9);
  c.create_time = FromMicros(row.GetInt64(10));
  c.update_time = FromMicros(row.GetInt64(11));
  c.activate_time = TimeOrPast(row.GetInt64(12));
  c.close_time = TimeOrPast(row.GetInt64(13));
  return c;
}

std::vector<SqlValue> CycleValues(const std::string& tenant, const CycleRecord& c) {
  return {tenant,
          c.id,
          c.display_name,
          absl::FormatCivilTime(c.start_date),
          absl::FormatCivilTime(c.end_date),
          c.time_zone,
          Micros(c.begin),
          Micros(c.end),
          static_cast<int64_t>(c.state),
          absl::ToInt64Seconds(c.cadence),
          c.version,
          Micros(c.create_time),
          Micros(c.update_time),
          OptionalMicros(c.activate_time),
          OptionalMicros(c.close_time)};
}

ObjectiveRecord ObjectiveFromRow(const SqlRow& row, size_t at = 0) {
  ObjectiveRecord o;
  o.id = row.GetString(at + 0);
  o.cycle = row.GetString(at + 1);
  o.title = row.GetString(at + 2);
  o.description = row.GetString(at + 3);
  o.owner.kind = static_cast<OwnerKind>(row.GetInt64(at + 4));
  o.owner.id = row.GetString(at + 5);
  o.level = static_cast<ObjectiveLevel>(row.GetInt64(at + 6));
  o.parent = row.GetString(at + 7);
  o.kind = static_cast<domain::Kind>(row.GetInt64(at + 8));
  o.visibility = static_cast<Visibility>(row.GetInt64(at + 9));
  o.state = static_cast<domain::ObjectiveState>(row.GetInt64(at + 10));
  o.weight = row.GetDouble(at + 11);
  o.rollup_children = row.GetInt64(at + 12) != 0;
  o.score = OptionalDouble(row, at + 13);
  o.grading_note = row.GetString(at + 14);
  o.progress = row.GetDouble(at + 15);
  o.attainment = row.GetDouble(at + 16);
  o.confidence = OptionalInt(row, at + 17);
  o.health = static_cast<domain::Health>(row.GetInt64(at + 18));
  o.has_measure = row.GetInt64(at + 19) != 0;
  o.version = row.GetInt64(at + 20);
  o.create_time = FromMicros(row.GetInt64(at + 21));
  o.update_time = FromMicros(row.GetInt64(at + 22));
  return o;
}

std::vector<SqlValue> ObjectiveValues(const std::string& tenant, const ObjectiveRecord& o) {
  return {tenant,
          o.id,
          o.cycle,
          o.title,
          o.description,
          static_cast<int64_t>(o.owner.kind),
          o.owner.id,
          static_cast<int64_t>(o.level),
          o.parent,
          static_cast<int64_t>(o.kind),
          static_cast<int64_t>(o.visibility),
          static_cast<int64_t>(o.state),
          o.weight,
          int64_t{o.rollup_children ? 1 : 0},
          OrNull(o.score),
          o.grading_note,
          o.progress,
          o.attainment,
          OrNull(o.confidence),
          static_cast<int64_t>(o.health),
          int64_t{o.has_measure ? 1 : 0},
          o.version,
          Micros(o.create_time),
          Micros(o.update_time)};
}

KeyResultRecord KeyResultFromRow(const SqlRow& row) {
  KeyResultRecord k;
  k.objective = row.GetString(0);
  k.id = row.GetString(1);
  k.cycle = row.GetString(2);
  k.objective_create_time = FromMicros(row.GetInt64(3));
  k.title = row.GetString(4);
  k.description = row.GetString(5);
  k.owner = row.GetString(6);
  k.type = static_cast<domain::KeyResultType>(row.GetInt64(7));
  k.direction = static_cast<domain::Direction>(row.GetInt64(8));
  k.unit = row.GetString(9);
  k.currency_code = row.GetString(10);
  k.start_value = row.GetDouble(11);
  k.target_value = row.GetDouble(12);
  k.threshold = OptionalDouble(row, 13);
  k.current_value = row.GetDouble(14);
  k.has_value = row.GetInt64(15) != 0;
  k.weight = row.GetDouble(16);
  k.milestones = MilestonesFromJson(row.GetString(17));
  k.metric_key = row.GetString(18);
  k.progress = row.GetDouble(19);
  k.attainment = row.GetDouble(20);
  k.has_measure = row.GetInt64(21) != 0;
  k.latest_confidence = OptionalInt(row, 22);
  k.last_check_in_time = OptionalTime(row, 23);
  k.last_observed_time = OptionalTime(row, 24);
  k.version = row.GetInt64(25);
  k.create_time = FromMicros(row.GetInt64(26));
  k.update_time = FromMicros(row.GetInt64(27));
  return k;
}

std::vector<SqlValue> KeyResultValues(const std::string& tenant, const KeyResultRecord& k) {
  return {tenant,
          k.objective,
          k.id,
          k.cycle,
          Micros(k.objective_create_time),
          k.title,
          k.description,
          k.owner,
          static_cast<int64_t>(k.type),
          static_cast<int64_t>(k.direction),
          k.unit,
          k.currency_code,
          k.start_value,
          k.target_value,
          OrNull(k.threshold),
          k.current_value,
          int64_t{k.has_value ? 1 : 0},
          k.weight,
          MilestonesToJson(k.milestones),
          k.metric_key,
          k.progress,
          k.attainment,
          int64_t{k.has_measure ? 1 : 0},
          OrNull(k.latest_confidence),
          OrNull(k.last_check_in_time),
          OrNull(k.last_observed_time),
          k.version,
          Micros(k.create_time),
          Micros(k.update_time)};
}

CheckInRecord CheckInFromRow(const SqlRow& row) {
  CheckInRecord c;
  c.objective = row.GetString(0);
  c.key_result = row.GetString(1);
  c.id = row.GetString(2);
  c.value = OptionalDouble(row, 3);
  c.milestone_states = MilestoneStatesFromJson(row.GetString(4));
  c.confidence = OptionalInt(row, 5);
  c.note_progress = row.GetString(6);
  c.note_challenges = row.GetString(7);
  c.note_next_steps = row.GetString(8);
  c.author = row.GetString(9);
  c.source = static_cast<CheckInSource>(row.GetInt64(10));
  c.event_id = row.GetString(11);
  c.event_source = row.GetString(12);
  c.increment = OptionalDouble(row, 13);
  c.superseded = row.GetInt64(14) != 0;
  c.observed_at = FromMicros(row.GetInt64(15));
  c.create_time = FromMicros(row.GetInt64(16));
  return c;
}

// "?, ?, ..." with n placeholders.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// "a = ?, b = ?, ..." for the columns after the first `skip` of a column list.
std::string Assignments(std::string_view columns, size_t skip) {
  std::string out;
  size_t i = 0;
  for (absl::string_view column : absl::StrSplit(Sv(columns), ", ")) {
    if (i++ < skip) continue;
    if (!out.empty()) out += ", ";
    absl::StrAppend(&out, column, " = ?");
  }
  return out;
}

template <typename Record>
absl::StatusOr<std::vector<Record>> QueryRecords(common::SqlSession& session, std::string_view sql,
                                                 const std::vector<SqlValue>& params,
                                                 Record (*from_row)(const SqlRow&)) {
  std::vector<Record> out;
  absl::Status status = session.Query(sql, params, [&](const SqlRow& row) {
    out.push_back(from_row(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

ObjectiveRecord ObjectiveFromRow0(const SqlRow& row) { return ObjectiveFromRow(row, 0); }

}  // namespace

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
  return session_.Exec(absl::StrCat("INSERT INTO goal_cycles (tenant, ", kCycleColumns,
                                    ") VALUES (", Placeholders(15), ")"),
                       CycleValues(tenant_, cycle));
}

absl::Status GoalsStore::UpdateCycle(const CycleRecord& cycle) {
  std::vector<SqlValue> values = CycleValues(tenant_, cycle);
  std::vector<SqlValue> params(values.begin() + 2, values.end());
  params.push_back(tenant_);
  params.push_back(cycle.id);
  return session_.Exec(absl::StrCat("UPDATE goal_cycles SET ", Assignments(kCycleColumns, 1),
                                    " WHERE tenant = ? AND id = ?"),
                       params);
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
  return session_.Exec(absl::StrCat("INSERT INTO goal_objectives (tenant, ", kObjectiveColumns,
                                    ") VALUES (", Placeholders(24), ")"),
                       ObjectiveValues(tenant_, objective));
}

absl::Status GoalsStore::UpdateObjective(const ObjectiveRecord& objective) {
  std::vector<SqlValue> values = ObjectiveValues(tenant_, objective);
  std::vector<SqlValue> params(values.begin() + 2, values.end());
  params.push_back(tenant_);
  params.push_back(objective.id);
  return session_.Exec(
      absl::StrCat("UPDATE goal_objectives SET ", Assignments(kObjectiveColumns, 1),
                   " WHERE tenant = ? AND id = ?"),
      params);
}

absl::Status GoalsStore::DeleteObjective(std::string_view id) {
  return session_.Exec("DELETE FROM goal_objectives WHERE tenant = ? AND id = ?",
                       {tenant_, std::string(id)});
}

absl::Status GoalsStore::UpdateObjectiveRollup(std::string_view id,
                                               const ObjectiveRollupRow& rollup) {
  return session_.Exec(
      "UPDATE goal_objectives SET progress = ?, attainment = ?, confidence = ?, health = ?, "
      "has_measure = ? WHERE tenant = ? AND id = ?",
      {rollup.progress, rollup.attainment, OrNull(rollup.confidence),
       static_cast<int64_t>(rollup.health), int64_t{rollup.has_measure ? 1 : 0}, tenant_,
       std::string(id)});
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
  return session_.Exec(absl::StrCat("INSERT INTO goal_key_results (tenant, ", kKeyResultColumns,
                                    ") VALUES (", Placeholders(29), ")"),
                       KeyResultValues(tenant_, key_result));
}

absl::Status GoalsStore::UpdateKeyResult(const KeyResultRecord& key_result) {
  std::vector<SqlValue> values = KeyResultValues(tenant_, key_result);
  std::vector<SqlValue> params(values.begin() + 3, values.end());
  params.push_back(tenant_);
  params.push_back(key_result.objective);
  params.push_back(key_result.id);
  return session_.Exec(
      absl::StrCat("UPDATE goal_key_results SET ", Assignments(kKeyResultColumns, 2),
                   " WHERE tenant = ? AND objective = ? AND id = ?"),
      params);
}

absl::Status GoalsStore::UpdateKeyResultState(const KeyResultRecord& k) {
  return session_.Exec(
      "UPDATE goal_key_results SET current_value = ?, has_value = ?, milestones = ?, "
      "latest_confidence = ?, last_check_in_us = ?, last_observed_us = ?, progress = ?, "
      "attainment = ?, has_measure = ? WHERE tenant = ? AND objective = ? AND id = ?",
      {k.current_value, int64_t{k.has_value ? 1 : 0},
       k.milestones.empty() ? std::string("[]") : MilestonesToJson(k.milestones),
       OrNull(k.latest_confidence), OrNull(k.last_check_in_time), OrNull(k.last_observed_time),
       k.progress, k.attainment, int64_t{k.has_measure ? 1 : 0}, tenant_, k.objective, k.id});
}

absl::Status GoalsStore::DeleteKeyResult(std::string_view objective, std::string_view id) {
  return session_.Exec("DELETE FROM goal_key_results WHERE tenant = ? AND objective = ? AND id = ?",
                       {tenant_, std::string(objective), std::string(id)});
}

absl::Status GoalsStore::UpdateKeyResultRollup(std::string_view objective, std::string_view id,
                                               const KeyResultRollupRow& rollup) {
  return session_.Exec(
      "UPDATE goal_key_results SET progress = ?, attainment = ?, has_measure = ? WHERE tenant = ? "
      "AND objective = ? AND id = ?",
      {rollup.progress, rollup.attainment, int64_t{rollup.has_measure ? 1 : 0}, tenant_,
       std::string(objective), std::string(id)});
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

// ---- check-ins ----------------------------------------------------------------------------------

absl::Status GoalsStore::InsertCheckIn(const CheckInRecord& c, std::string_view cycle,
                                       const KeyResultRecord& after) {
  return session_.Exec(
      absl::StrCat("INSERT INTO goal_check_ins (tenant, cycle, ", kCheckInColumns,
                   ", value_after, has_value_after, confidence_after, milestones_after, "
                   "last_observed_after_us) VALUES (",
                   Placeholders(24), ")"),
      {tenant_,
       std::string(cycle),
       c.objective,
       c.key_result,
       c.id,
       OrNull(c.value),
       MilestoneStatesToJson(c.milestone_states),
       OrNull(c.confidence),
       c.note_progress,
       c.note_challenges,
       c.note_next_steps,
       c.author,
       static_cast<int64_t>(c.source),
       c.event_id,
       c.event_source,
       OrNull(c.increment),
       int64_t{c.superseded ? 1 : 0},
       Micros(c.observed_at),
       Micros(c.create_time),
       after.current_value,
       int64_t{after.has_value ? 1 : 0},
       OrNull(after.latest_confidence),
       MilestonesToJson(after.milestones),
       OrNull(after.last_observed_time)});
}

absl::StatusOr<std::optional<CheckInRecord>> GoalsStore::FindCheckIn(std::string_view key_result,
                                                                     std::string_view id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kCheckInColumns,
                   " FROM goal_check_ins WHERE tenant = ? AND key_result = ? AND id = ?"),
      {tenant_, std::string(key_result), std::string(id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<CheckInRecord>();
  return std::optional<CheckInRecord>(CheckInFromRow(**row));
}

absl::StatusOr<Page<CheckInRecord>> GoalsStore::ListCheckIns(std::string_view key_result,
                                                             const CheckInFilter& filter,
                                                             std::string_view after,
                                                             int page_size) {
  std::vector<SqlValue> params{tenant_, std::string(key_result)};
  std::string sql = absl::StrCat("SELECT ", kCheckInColumns,
                                 " FROM goal_check_ins WHERE tenant = ? AND key_result = ?");
  if (!after.empty()) {
    auto parts = SplitPosition(after, 2);
    if (!parts.ok()) return parts.status();
    auto us = PositionMicros((*parts)[0]);
    if (!us.ok()) return us.status();
    absl::StrAppend(&sql,
                    " AND create_time_us <= ? AND (create_time_us < ? OR (create_time_us = ? AND "
                    "id > ?))");
    params.insert(params.end(), {*us, *us, *us, (*parts)[1]});
  }
  if (filter.source) {
    absl::StrAppend(&sql, " AND source = ?");
    params.push_back(static_cast<int64_t>(*filter.source));
  }
  if (filter.observed_after) {
    absl::StrAppend(&sql, " AND observed_us >= ?");
    params.push_back(Micros(*filter.observed_after));
  }
  if (filter.observed_before) {
    absl::StrAppend(&sql, " AND observed_us < ?");
    params.push_back(Micros(*filter.observed_before));
  }
  absl::StrAppend(&sql, " ORDER BY create_time_us DESC, id LIMIT ?");
  params.push_back(static_cast<int64_t>(page_size) + 1);
  auto rows = QueryRecords<CheckInRecord>(session_, sql, params, &CheckInFromRow);
  if (!rows.ok()) return rows.status();
  Page<CheckInRecord> page;
  page.items = *std::move(rows);
  if (page.items.size() > static_cast<size_t>(page_size)) {
    page.items.pop_back();
    const CheckInRecord& last = page.items.back();
    page.next_after = absl::StrCat(PaddedMicros(last.create_time), "/", last.id);
  }
  return page;
}

absl::Status GoalsStore::DeleteCheckInsOf(std::string_view key_result) {
  return session_.Exec("DELETE FROM goal_check_ins WHERE tenant = ? AND key_result = ?",
                       {tenant_, std::string(key_result)});
}

// ---- history ------------------------------------------------------------------------------------

absl::StatusOr<std::vector<ObjectiveRecord>> GoalsStore::ObjectivesOfCycleAsOf(
    std::string_view cycle, absl::Time as_of) {
  return QueryRecords<ObjectiveRecord>(
      session_,
      absl::StrCat("SELECT ", kObjectiveColumns,
                   " FROM goal_objectives WHERE tenant = ? AND cycle = ? AND create_time_us <= ? "
                   "ORDER BY create_time_us, id"),
      {tenant_, std::string(cycle), Micros(as_of)}, &ObjectiveFromRow0);
}

absl::StatusOr<std::vector<KeyResultRecord>> GoalsStore::KeyResultsOfCycleAsOf(
    std::string_view cycle, absl::Time as_of) {
  const int64_t at = Micros(as_of);
  auto key_results = QueryRecords<KeyResultRecord>(
      session_,
      absl::StrCat("SELECT ", kKeyResultColumns,
                   " FROM goal_key_results WHERE tenant = ? AND cycle = ? AND create_time_us <= ? "
                   "ORDER BY objective_create_time_us, objective, create_time_us, id"),
      {tenant_, std::string(cycle), at}, &KeyResultFromRow);
  if (!key_results.ok()) return key_results.status();
  std::vector<KeyResultRecord>& out = *key_results;
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < out.size(); ++i) {
    KeyResultRecord& k = out[i];
    index[k.id] = i;
    // The state before any check-in; the last check-in recorded by then replaces it below.
    k.current_value = k.start_value;
    k.has_value = false;
    k.latest_confidence.reset();
    k.last_check_in_time.reset();
    k.last_observed_time.reset();
    for (MilestoneRecord& m : k.milestones) {
      m.done = false;
      m.done_time.reset();
    }
  }
  absl::Status status = session_.Query(
      "SELECT c.key_result, c.create_time_us, c.value_after, c.has_value_after, "
      "c.confidence_after, c.milestones_after, c.last_observed_after_us FROM goal_check_ins c "
      "WHERE c.tenant = ? AND c.cycle = ? AND c.create_time_us <= ? AND c.seq = (SELECT "
      "MAX(d.seq) FROM goal_check_ins d WHERE d.tenant = c.tenant AND d.key_result = "
      "c.key_result AND d.create_time_us <= ?)",
      {tenant_, std::string(cycle), at, at}, [&](const SqlRow& row) {
        auto it = index.find(row.GetString(0));
        if (it == index.end()) return absl::OkStatus();
        KeyResultRecord& k = out[it->second];
        k.last_check_in_time = FromMicros(row.GetInt64(1));
        k.current_value = row.GetDouble(2);
        k.has_value = row.GetInt64(3) != 0;
        k.latest_confidence = OptionalInt(row, 4);
        // Done states by milestone id; the definitions are the current ones.
        const std::vector<MilestoneRecord> states = MilestonesFromJson(row.GetString(5));
        for (MilestoneRecord& m : k.milestones) {
          for (const MilestoneRecord& s : states) {
            if (s.id == m.id) {
              m.done = s.done;
              m.done_time = s.done_time;
            }
          }
        }
        k.last_observed_time = OptionalTime(row, 6);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::optional<OrgState>> GoalsStore::OwnerState(const Owner& owner) {
  auto row = session_.QueryOne(owner.kind == OwnerKind::kPerson
                                   ? "SELECT state FROM org_people WHERE tenant = ? AND id = ?"
                                   : "SELECT state FROM org_teams WHERE tenant = ? AND id = ?",
                               {tenant_, owner.id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<OrgState>();
  return std::optional<OrgState>(static_cast<OrgState>((*row)->GetInt64(0)));
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
