// The goals service's records as it stores them: cycles, objectives, key results and check-ins of
// one tenant, free of protobuf (the handlers convert) and of SQL (GoalsStore reads and writes
// them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/goals/src/domain/types.h"

namespace okr::goals {

enum class CycleState { kPlanning = 1, kActive = 2, kClosed = 3 };
enum class ObjectiveLevel { kCompany = 1, kTeam = 2, kIndividual = 3 };
enum class Visibility { kPublic = 1, kPrivate = 2 };
enum class OwnerKind { kPerson = 1, kTeam = 2 };
enum class CheckInSource { kManual = 1, kStreamed = 2 };

// Defaults and bounds the API states.
inline constexpr absl::Duration kDefaultCadence = absl::Hours(24 * 7);
inline constexpr absl::Duration kMinCadence = absl::Hours(24);
inline constexpr absl::Duration kMaxCadence = absl::Hours(24 * 92);

struct CycleRecord {
  std::string id;
  std::string display_name;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string time_zone = "UTC";
  // 00:00 of start_date and 24:00 of end_date in time_zone.
  absl::Time begin;
  absl::Time end;
  CycleState state = CycleState::kPlanning;
  absl::Duration cadence = kDefaultCadence;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  // When the cycle became ACTIVE / CLOSED; InfinitePast() while it has not.
  absl::Time activate_time = absl::InfinitePast();
  absl::Time close_time = absl::InfinitePast();
};

struct Owner {
  OwnerKind kind = OwnerKind::kPerson;
  std::string id;  // a person or team id
  bool operator==(const Owner&) const = default;
};

// An objective's own fields (what clients set) and its stored roll-up.
struct ObjectiveRecord {
  std::string id;
  std::string cycle;
  std::string title;
  std::string description;
  Owner owner;
  ObjectiveLevel level = ObjectiveLevel::kIndividual;
  // Full resource name of the parent (`objectives/{o}` or `objectives/{o}/keyResults/{k}`), or
  // empty.
  std::string parent;
  domain::Kind kind = domain::Kind::kCommitted;
  Visibility visibility = Visibility::kPublic;
  domain::ObjectiveState state = domain::ObjectiveState::kDraft;
  double weight = 1.0;
  bool rollup_children = false;
  std::optional<double> score;
  std::string grading_note;
  // Roll-up, as of the last write (health is re-judged at read time for DRAFT and ACTIVE).
  double progress = 0.0;
  double attainment = 0.0;
  std::optional<int> confidence;
  domain::Health health = domain::Health::kNoMeasure;
  bool has_measure = false;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct MilestoneRecord {
  std::string id;
  std::string title;
  double weight = 1.0;
  bool done = false;
  std::optional<absl::Time> done_time;
  bool operator==(const MilestoneRecord&) const = default;
};

struct KeyResultRecord {
  std::string objective;  // the objective id
  std::string id;
  std::string cycle;
  absl::Time objective_create_time;
  std::string title;
  std::string description;
  std::string owner;  // a person id; empty: the objective's owner
  domain::KeyResultType type = domain::KeyResultType::kNumeric;
  domain::Direction direction = domain::Direction::kNone;
  std::string unit;
  std::string currency_code;
  double start_value = 0.0;
  double target_value = 0.0;
  std::optional<double> threshold;
  double current_value = 0.0;
  bool has_value = false;
  double weight = 1.0;
  std::vector<MilestoneRecord> milestones;
  std::string metric_key;
  // Roll-up.
  double progress = 0.0;
  double attainment = 0.0;
  bool has_measure = true;
  std::optional<int> latest_confidence;
  std::optional<absl::Time> last_check_in_time;
  std::optional<absl::Time> last_observed_time;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct MilestoneState {
  std::string milestone_id;
  bool done = false;
};

struct CheckInRecord {
  std::string objective;
  std::string key_result;
  std::string id;
  std::optional<double> value;
  std::vector<MilestoneState> milestone_states;
  std::optional<int> confidence;
  std::string note_progress;
  std::string note_challenges;
  std::string note_next_steps;
  std::string author;  // a person id (the caller's subject)
  CheckInSource source = CheckInSource::kManual;
  std::string event_id;
  std::string event_source;
  std::optional<double> increment;
  bool superseded = false;
  absl::Time observed_at;
  absl::Time create_time;
};

// Filters of the listings; empty fields do not filter. Combined with AND.
struct CycleFilter {
  std::optional<CycleState> state;
};

struct ObjectiveFilter {
  std::string cycle;
  std::optional<Owner> owner;
  std::optional<ObjectiveLevel> level;
  std::optional<domain::ObjectiveState> state;
  std::optional<std::string> parent;  // "" with top_level_only
  std::optional<domain::Kind> kind;
  bool include_archived = false;
};

struct KeyResultFilter {
  std::string objective;  // empty: every objective of `cycle`
  std::string cycle;
  std::string owner;
  std::string metric_key;
  std::optional<domain::KeyResultType> type;
  bool stale_only = false;
};

struct CheckInFilter {
  std::optional<CheckInSource> source;
  std::optional<absl::Time> observed_after;   // inclusive
  std::optional<absl::Time> observed_before;  // exclusive
};

}  // namespace okr::goals
