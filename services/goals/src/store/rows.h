// How GoalsStore's records map to rows: the column lists, each record's row codec, and the small
// conversions (times as microseconds, optional values as NULL, milestones as JSON, page positions)
// its statements share. Internal to the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/status/string_view.h"
#include "okr/common/storage/session.h"
#include "okr/common/storage/value.h"
#include "services/goals/src/domain/records.h"

namespace okr::goals::store_rows {

using common::SqlRow;
using common::SqlValue;
using common::Sv;

inline constexpr char kCycleColumns[] =
    "id, display_name, start_date, end_date, time_zone, begin_us, end_us, state, cadence_s, "
    "version, create_time_us, update_time_us, activate_time_us, close_time_us";

inline constexpr char kObjectiveColumns[] =
    "id, cycle, title, description, owner_kind, owner, level, parent, kind, visibility, state, "
    "weight, rollup_children, score, grading_note, progress, attainment, confidence, health, "
    "has_measure, version, create_time_us, update_time_us";

inline constexpr char kKeyResultColumns[] =
    "objective, id, cycle, objective_create_time_us, title, description, owner, type, direction, "
    "unit, currency_code, start_value, target_value, threshold, current_value, has_value, weight, "
    "milestones, metric_key, progress, attainment, has_measure, latest_confidence, "
    "last_check_in_us, last_observed_us, version, create_time_us, update_time_us";

inline constexpr char kCheckInColumns[] =
    "objective, key_result, id, value, milestone_states, confidence, note_progress, "
    "note_challenges, note_next_steps, author, source, event_id, event_source, increment, "
    "superseded, observed_us, create_time_us";

// Columns prefixed with a table alias, e.g. "o.id, o.cycle, ...".
std::string Prefixed(std::string_view columns, std::string_view alias);

inline int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// InfinitePast is stored as 0 (before any real time the service records).
inline int64_t OptionalMicros(absl::Time t) { return t == absl::InfinitePast() ? 0 : Micros(t); }
inline absl::Time TimeOrPast(int64_t us) { return us == 0 ? absl::InfinitePast() : FromMicros(us); }

SqlValue OrNull(const std::optional<double>& v);
SqlValue OrNull(const std::optional<int>& v);
SqlValue OrNull(const std::optional<absl::Time>& v);
std::optional<double> OptionalDouble(const SqlRow& row, size_t i);
std::optional<int> OptionalInt(const SqlRow& row, size_t i);
std::optional<absl::Time> OptionalTime(const SqlRow& row, size_t i);

// Zero-padded so that positions compare like the numbers they hold.
std::string PaddedMicros(absl::Time t);
// Splits a position "a/b/..." into exactly `n` parts; INVALID_ARGUMENT otherwise (a sealed token
// holds only positions this file wrote, so this means a token from an older format).
absl::StatusOr<std::vector<std::string>> SplitPosition(std::string_view position, size_t n);
absl::StatusOr<int64_t> PositionMicros(const std::string& text);
std::string MilestonesToJson(const std::vector<MilestoneRecord>& milestones);
std::vector<MilestoneRecord> MilestonesFromJson(const std::string& text);
std::string MilestoneStatesToJson(const std::vector<MilestoneState>& states);
std::vector<MilestoneState> MilestoneStatesFromJson(const std::string& text);
CycleRecord CycleFromRow(const SqlRow& row);
std::vector<SqlValue> CycleValues(const std::string& tenant, const CycleRecord& c);
ObjectiveRecord ObjectiveFromRow(const SqlRow& row, size_t at = 0);
std::vector<SqlValue> ObjectiveValues(const std::string& tenant, const ObjectiveRecord& o);
KeyResultRecord KeyResultFromRow(const SqlRow& row);
std::vector<SqlValue> KeyResultValues(const std::string& tenant, const KeyResultRecord& k);
CheckInRecord CheckInFromRow(const SqlRow& row);
// "?, ?, ..." with n placeholders.
std::string Placeholders(size_t n);
// "a = ?, b = ?, ..." for the columns after the first `skip` of a column list.
std::string Assignments(std::string_view columns, size_t skip);
ObjectiveRecord ObjectiveFromRow0(const SqlRow& row);

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

}  // namespace okr::goals::store_rows
