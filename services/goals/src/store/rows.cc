#include "services/goals/src/store/rows.h"

#include <cinttypes>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "okr/common/status/errors.h"

namespace okr::goals::store_rows {

// Columns prefixed with a table alias, e.g. "o.id, o.cycle, ...".
std::string Prefixed(std::string_view columns, std::string_view alias) {
  std::string out;
  for (absl::string_view column : absl::StrSplit(Sv(columns), ", ")) {
    if (!out.empty()) out += ", ";
    absl::StrAppend(&out, Sv(alias), ".", column);
  }
  return out;
}

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

ObjectiveRecord ObjectiveFromRow(const SqlRow& row, size_t at) {
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

ObjectiveRecord ObjectiveFromRow0(const SqlRow& row) { return ObjectiveFromRow(row, 0); }

}  // namespace okr::goals::store_rows
