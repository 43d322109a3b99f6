#include "services/goals/src/api/validation.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/org_names.h"
#include "services/goals/src/domain/key_result.h"

namespace okr::goals {
namespace {

// Debian's Abseil has its own string_view: convert at the boundary.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

namespace v1 = ::okr::goals::v1;
using common::Violations;

constexpr size_t kMaxLongText = 10000;

size_t CodePoints(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Trims surrounding whitespace and checks 1..max code points; returns the trimmed text.
std::string RequiredText(std::string_view text, size_t max, const std::string& field,
                         Violations& violations) {
  std::string trimmed(absl::StripAsciiWhitespace(Sv(text)));
  if (trimmed.empty()) {
    violations.Add(field, "is required");
  } else if (CodePoints(trimmed) > max) {
    violations.Add(field, absl::StrCat("must be at most ", max, " characters"));
  }
  return trimmed;
}

void OptionalText(std::string_view text, size_t max, const std::string& field,
                  Violations& violations) {
  violations.Check(CodePoints(text) <= max, field,
                   absl::StrCat("must be at most ", max, " characters"));
}

std::optional<absl::CivilDay> DateOf(const google::type::Date& date) {
  if (date.year() < 1 || date.year() > 9999 || date.month() < 1 || date.month() > 12 ||
      date.day() < 1 || date.day() > 31) {
    return std::nullopt;
  }
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.year() != date.year() || day.month() != date.month() || day.day() != date.day()) {
    return std::nullopt;  // e.g. February 30th, which CivilDay would normalise
  }
  return day;
}

// Fills begin/end from the dates and the zone, and checks the span.
void CheckCycleDates(CycleRecord& c, Violations& violations) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(c.time_zone, &zone)) {
    violations.Add("cycle.time_zone", "must be an IANA time zone name such as Europe/Berlin");
    return;
  }
  if (c.end_date < c.start_date) {
    violations.Add("cycle.end_date", "must be on or after start_date");
  } else if (c.end_date - c.start_date > 366) {
    violations.Add("cycle.end_date", "must be at most 366 days after start_date");
  }
  c.begin = absl::FromCivil(absl::CivilSecond(c.start_date), zone);
  c.end = absl::FromCivil(absl::CivilSecond(c.end_date + 1), zone);
}

absl::Status CheckCadence(const google::protobuf::Duration& cadence, absl::Duration& out) {
  const absl::Duration d = absl::Seconds(cadence.seconds());
  if (cadence.nanos() != 0 || d < kMinCadence || d > kMaxCadence) {
    return common::InvalidArgument(
        "INVALID_CHECK_IN_CADENCE", "the check-in cadence is out of range",
        {{"cycle.check_in_cadence", "must be whole seconds from 1 day to 92 days"}});
  }
  out = d;
  return absl::OkStatus();
}

std::optional<Owner> OwnerOf(const v1::Objective& o, Violations& violations) {
  switch (o.owner_case()) {
    case v1::Objective::kOwnerPerson:
      if (auto id = PersonIdFromName(o.owner_person())) return Owner{OwnerKind::kPerson, *id};
      violations.Add("objective.owner_person", "must be people/{person}");
      return std::nullopt;
    case v1::Objective::kOwnerTeam:
      if (auto id = TeamIdFromName(o.owner_team())) return Owner{OwnerKind::kTeam, *id};
      violations.Add("objective.owner_team", "must be teams/{team}");
      return std::nullopt;
    case v1::Objective::OWNER_NOT_SET:
      break;
  }
  violations.Add("objective.owner_person", "an owner (owner_person or owner_team) is required");
  return std::nullopt;
}

void CheckParentName(const std::string& parent, Violations& violations) {
  if (parent.empty()) return;
  violations.Check(
      ObjectiveIdFromName(parent).has_value() || KeyResultKeyFromName(parent).has_value(),
      "objective.parent",
      "must be objectives/{objective} or objectives/{objective}/keyResults/{kr}");
}

void CheckLevelOwner(ObjectiveLevel level, const Owner& owner, Violations& violations) {
  if (level == ObjectiveLevel::kTeam && owner.kind != OwnerKind::kTeam) {
    violations.Add("objective.level", "a TEAM objective must be owned by a team (owner_team)");
  }
  if (level == ObjectiveLevel::kIndividual && owner.kind != OwnerKind::kPerson) {
    violations.Add("objective.level",
                   "an INDIVIDUAL objective must be owned by a person (owner_person)");
  }
}

bool ValidWeight(double w) { return std::isfinite(w) && w > 0.0 && w <= domain::kMaxWeight; }

bool IsMetricKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

bool IsCurrencyCode(std::string_view code) {
  return code.size() == 3 && std::all_of(code.begin(), code.end(), absl::ascii_isupper);
}

// Milestones from the request, keeping the done state of stored ones with the same id.
std::vector<MilestoneRecord> MilestonesFrom(
    const google::protobuf::RepeatedPtrField<v1::Milestone>& in,
    const std::vector<MilestoneRecord>& stored, Violations& violations) {
  std::vector<MilestoneRecord> out;
  // New ids avoid those of the request and of the stored list, so a new milestone never inherits
  // the done state of a removed one.
  absl::flat_hash_set<std::string> ids;
  for (const v1::Milestone& m : in) {
    if (!m.id().empty()) ids.insert(m.id());
  }
  for (const MilestoneRecord& m : stored) ids.insert(m.id);
  absl::flat_hash_set<std::string> assigned;
  int next = 1;
  for (int i = 0; i < in.size(); ++i) {
    const v1::Milestone& m = in[i];
    const std::string field = absl::StrCat("key_result.milestones[", i, "]");
    MilestoneRecord record;
    record.id = m.id();
    if (record.id.empty()) {
      do {
        record.id = absl::StrCat("m", next++);
      } while (ids.contains(record.id));
      ids.insert(record.id);
      assigned.insert(record.id);
    } else if (!IsValidResourceId(record.id)) {
      violations.Add(field + ".id", "must be 1 to 63 characters from [a-z0-9-]");
    }
    record.title = RequiredText(m.title(), 200, field + ".title", violations);
    record.weight = m.weight() == 0.0 ? 1.0 : m.weight();
    violations.Check(ValidWeight(record.weight), field + ".weight",
                     "must be greater than 0 and at most 1000");
    for (const MilestoneRecord& s : stored) {
      if (s.id == record.id && !assigned.contains(record.id)) {
        record.done = s.done;
        record.done_time = s.done_time;
      }
    }
    out.push_back(std::move(record));
  }
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < out.size(); ++i) {
    violations.Check(seen.insert(out[i].id).second,
                     absl::StrCat("key_result.milestones[", i, "].id"), "must be unique");
  }
  return out;
}

// The rules every key result definition satisfies after create or update, with the direction
// inferred and the unused fields normalised.
absl::Status FinishKeyResult(KeyResultRecord& k) {
  using domain::Direction;
  using domain::KeyResultType;
  Violations violations;
  const bool has_direction = domain::HasDirection(k.type);
  if (has_direction && k.direction == Direction::kNone) {
    if (k.start_value == k.target_value && std::isfinite(k.start_value)) {
      return common::InvalidArgument("KEY_RESULT_TARGET_EQUALS_START",
                                     "target_value must differ from start_value",
                                     {{"key_result.target_value", "must differ from start_value"}});
    }
    k.direction = domain::InferDirection(k.start_value, k.target_value);
  }
  violations.Check(k.type == KeyResultType::kNumeric || k.unit.empty(), "key_result.unit",
                   "is only for NUMERIC key results");
  OptionalText(k.unit, 32, "key_result.unit", violations);
  if (k.type == KeyResultType::kCurrency) {
    violations.Check(IsCurrencyCode(k.currency_code), "key_result.currency_code",
                     "must be an ISO 4217 code such as EUR");
  } else {
    violations.Check(k.currency_code.empty(), "key_result.currency_code",
                     "is only for CURRENCY key results");
  }
  if (!k.metric_key.empty()) {
    violations.Check(IsMetricKey(k.metric_key), "key_result.metric_key",
                     "must be 1 to 128 characters from [a-z0-9_.-]");
    violations.Check(domain::TakesValue(k.type), "key_result.metric_key",
                     "is only for NUMERIC, PERCENT, CURRENCY and BOOLEAN key results");
  }
  violations.Check(ValidWeight(k.weight), "key_result.weight",
                   "must be greater than 0 and at most 1000");
  if (!violations.empty()) {
    return violations.ToStatus("INVALID_KEY_RESULT", "the key result is not valid");
  }
  if (k.type == KeyResultType::kBoolean) {
    k.start_value = 0.0;
    k.target_value = 1.0;
  } else if (k.type == KeyResultType::kMilestone || k.type == KeyResultType::kRollup) {
    k.start_value = 0.0;
    k.target_value = 0.0;
  }
  if (k.direction == Direction::kKeepAbove || k.direction == Direction::kKeepBelow) {
    k.target_value = 0.0;
  }
  if (!k.has_value) k.current_value = k.start_value;
  domain::KeyResultMeasure measure{k.start_value,   k.target_value, k.threshold,
                                   k.current_value, k.has_value,    {}};
  for (const MilestoneRecord& m : k.milestones) measure.milestones.push_back({m.weight, m.done});
  if (k.type != KeyResultType::kMilestone && !k.milestones.empty()) {
    return common::InvalidArgument("INVALID_MILESTONES", "milestones are only for MILESTONE",
                                   {{"key_result.milestones", "are only for MILESTONE"}});
  }
  return PrefixViolations(domain::ValidateKeyResult(k.type, k.direction, measure), "key_result.");
}

bool ValidEnum(int value, int max) { return value >= 0 && value <= max; }

}  // namespace

absl::Status PrefixViolations(const absl::Status& status, std::string_view prefix) {
  if (status.ok()) return status;
  std::vector<common::FieldViolation> violations = common::ErrorFieldViolations(status);
  if (violations.empty()) return status;
  for (auto& v : violations) v.field = absl::StrCat(Sv(prefix), v.field);
  return common::MakeError(status.code(), common::ErrorReason(status),
                           std::string(status.message()), violations,
                           common::ErrorMetadata(status));
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= 0 && t.seconds() <= 253402300799 && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

// ---- cycles -------------------------------------------------------------------------------------

absl::StatusOr<CycleRecord> CycleFromCreate(const v1::Cycle& in, absl::Duration default_cadence) {
  Violations violations;
  CycleRecord c;
  c.display_name = RequiredText(in.display_name(), 100, "cycle.display_name", violations);
  auto start = DateOf(in.start_date());
  auto end = DateOf(in.end_date());
  violations.Check(start.has_value(), "cycle.start_date", "must be a full valid date");
  violations.Check(end.has_value(), "cycle.end_date", "must be a full valid date");
  c.time_zone = in.time_zone().empty() ? "UTC" : in.time_zone();
  if (start && end) {
    c.start_date = *start;
    c.end_date = *end;
    CheckCycleDates(c, violations);
  }
  switch (in.state()) {
    case v1::CYCLE_STATE_UNSPECIFIED:
    case v1::CYCLE_STATE_PLANNING:
      c.state = CycleState::kPlanning;
      break;
    case v1::CYCLE_STATE_ACTIVE:
      c.state = CycleState::kActive;
      break;
    default:
      violations.Add("cycle.state", "must be PLANNING or ACTIVE on create");
  }
  if (absl::Status s = violations.ToStatus("INVALID_CYCLE", "the cycle is not valid"); !s.ok()) {
    return s;
  }
  c.cadence = default_cadence;
  if (in.has_check_in_cadence()) {
    if (absl::Status s = CheckCadence(in.check_in_cadence(), c.cadence); !s.ok()) return s;
  }
  return c;
}

absl::StatusOr<CycleRecord> ApplyCycleUpdate(const CycleRecord& stored, const v1::Cycle& in,
                                             const std::vector<std::string>& paths) {
  CycleRecord c = stored;
  Violations violations;
  auto has = [&paths](std::string_view p) { return HasPath(paths, p); };
  if (has("display_name")) {
    c.display_name = RequiredText(in.display_name(), 100, "cycle.display_name", violations);
  }
  if (has("start_date")) {
    if (auto d = DateOf(in.start_date())) {
      c.start_date = *d;
    } else {
      violations.Add("cycle.start_date", "must be a full valid date");
    }
  }
  if (has("end_date")) {
    if (auto d = DateOf(in.end_date())) {
      c.end_date = *d;
    } else {
      violations.Add("cycle.end_date", "must be a full valid date");
    }
  }
  if (has("time_zone")) c.time_zone = in.time_zone().empty() ? "UTC" : in.time_zone();
  if (violations.empty()) CheckCycleDates(c, violations);
  if (has("state")) {
    if (in.state() == v1::CYCLE_STATE_ACTIVE) {
      c.state = CycleState::kActive;
    } else if (in.state() == v1::CYCLE_STATE_PLANNING) {
      if (stored.state != CycleState::kPlanning) {
        return common::FailedPrecondition("INVALID_STATE_TRANSITION",
                                          "an ACTIVE cycle cannot go back to PLANNING");
      }
    } else if (in.state() == v1::CYCLE_STATE_CLOSED) {
      return common::FailedPrecondition("INVALID_STATE_TRANSITION",
                                        "cycles are closed only by CloseCycle");
    } else {
      violations.Add("cycle.state", "may only be set to ACTIVE (close with CloseCycle)");
    }
  }
  if (absl::Status s = violations.ToStatus("INVALID_CYCLE", "the cycle is not valid"); !s.ok()) {
    return s;
  }
  if (has("check_in_cadence")) {
    if (absl::Status s = CheckCadence(in.check_in_cadence(), c.cadence); !s.ok()) return s;
  }
  return c;
}

// ---- objectives ---------------------------------------------------------------------------------

const std::vector<std::string>& ObjectiveMaskPaths() {
  static const auto* paths = new std::vector<std::string>{
      "title",           "description", "owner_person", "owner_team", "level",
      "parent",          "kind",        "visibility",   "state",      "weight",
      "rollup_children", "score",       "grading_note"};
  return *paths;
}

const std::vector<std::string>& ObjectiveStarPaths() {
  static const auto* paths = new std::vector<std::string>{
      "title", "description", "owner_person", "owner_team", "level",           "parent",
      "kind",  "visibility",  "state",        "weight",     "rollup_children", "grading_note"};
  return *paths;
}

absl::StatusOr<ObjectiveRecord> ObjectiveFromCreate(const v1::Objective& in) {
  Violations violations;
  ObjectiveRecord o;
  o.title = RequiredText(in.title(), 200, "objective.title", violations);
  o.description = in.description();
  OptionalText(o.description, kMaxLongText, "objective.description", violations);
  std::optional<Owner> owner = OwnerOf(in, violations);
  if (in.level() == v1::OBJECTIVE_LEVEL_UNSPECIFIED || !ValidEnum(in.level(), 3)) {
    violations.Add("objective.level", "must be COMPANY, TEAM or INDIVIDUAL");
  } else {
    o.level = static_cast<ObjectiveLevel>(in.level());
    if (owner) CheckLevelOwner(o.level, *owner, violations);
  }
  if (owner) o.owner = *owner;
  if (in.cycle().empty()) {
    violations.Add("objective.cycle", "is required");
  } else if (auto cycle = CycleIdFromName(in.cycle())) {
    o.cycle = *cycle;
  } else {
    violations.Add("objective.cycle", "must be cycles/{cycle}");
  }
  o.parent = in.parent();
  CheckParentName(o.parent, violations);
  if (!ValidEnum(in.kind(), 2)) violations.Add("objective.kind", "unknown kind");
  o.kind = in.kind() == v1::OBJECTIVE_KIND_ASPIRATIONAL ? domain::Kind::kAspirational
                                                        : domain::Kind::kCommitted;
  if (!ValidEnum(in.visibility(), 2)) violations.Add("objective.visibility", "unknown visibility");
  o.visibility = in.visibility() == v1::OBJECTIVE_VISIBILITY_PRIVATE ? Visibility::kPrivate
                                                                     : Visibility::kPublic;
  switch (in.state()) {
    case v1::OBJECTIVE_STATE_UNSPECIFIED:
    case v1::OBJECTIVE_STATE_DRAFT:
      o.state = domain::ObjectiveState::kDraft;
      break;
    case v1::OBJECTIVE_STATE_ACTIVE:
      o.state = domain::ObjectiveState::kActive;
      break;
    default:
      violations.Add("objective.state", "must be DRAFT or ACTIVE on create");
  }
  o.weight = in.weight() == 0.0 ? 1.0 : in.weight();
  violations.Check(ValidWeight(o.weight), "objective.weight",
                   "must be greater than 0 and at most 1000");
  o.rollup_children = in.rollup_children();
  o.grading_note = in.grading_note();
  OptionalText(o.grading_note, kMaxLongText, "objective.grading_note", violations);
  if (absl::Status s = violations.ToStatus("INVALID_OBJECTIVE", "the objective is not valid");
      !s.ok()) {
    return s;
  }
  return o;
}

absl::StatusOr<ObjectiveRecord> ApplyObjectiveUpdate(const ObjectiveRecord& stored,
                                                     const v1::Objective& in,
                                                     const std::vector<std::string>& paths) {
  ObjectiveRecord o = stored;
  Violations violations;
  auto has = [&paths](std::string_view p) { return HasPath(paths, p); };
  if (has("title")) o.title = RequiredText(in.title(), 200, "objective.title", violations);
  if (has("description")) {
    o.description = in.description();
    OptionalText(o.description, kMaxLongText, "objective.description", violations);
  }
  // Setting one owner clears the other; with `*` the one that is set wins.
  const bool person = has("owner_person") && in.owner_case() == v1::Objective::kOwnerPerson;
  const bool team = has("owner_team") && in.owner_case() == v1::Objective::kOwnerTeam;
  if (person || team) {
    if (auto owner = OwnerOf(in, violations)) o.owner = *owner;
  } else if ((has("owner_person") || has("owner_team")) &&
             !(has("owner_person") && has("owner_team"))) {
    violations.Add(has("owner_person") ? "objective.owner_person" : "objective.owner_team",
                   "an objective always has an owner: set the new one");
  }
  if (has("level")) {
    if (in.level() == v1::OBJECTIVE_LEVEL_UNSPECIFIED || !ValidEnum(in.level(), 3)) {
      violations.Add("objective.level", "must be COMPANY, TEAM or INDIVIDUAL");
    } else {
      o.level = static_cast<ObjectiveLevel>(in.level());
    }
  }
  CheckLevelOwner(o.level, o.owner, violations);
  if (has("parent")) {
    o.parent = in.parent();
    CheckParentName(o.parent, violations);
  }
  if (has("kind")) {
    if (in.kind() == v1::OBJECTIVE_KIND_UNSPECIFIED || !ValidEnum(in.kind(), 2)) {
      violations.Add("objective.kind", "must be COMMITTED or ASPIRATIONAL");
    } else {
      o.kind = static_cast<domain::Kind>(in.kind());
    }
  }
  if (has("visibility")) {
    if (in.visibility() == v1::OBJECTIVE_VISIBILITY_UNSPECIFIED || !ValidEnum(in.visibility(), 2)) {
      violations.Add("objective.visibility", "must be PUBLIC or PRIVATE");
    } else {
      o.visibility = static_cast<Visibility>(in.visibility());
    }
  }
  if (has("state")) {
    switch (in.state()) {
      case v1::OBJECTIVE_STATE_DRAFT:
      case v1::OBJECTIVE_STATE_ACTIVE:
      case v1::OBJECTIVE_STATE_ARCHIVED:
        o.state = static_cast<domain::ObjectiveState>(in.state());
        break;
      case v1::OBJECTIVE_STATE_CLOSED:
        return common::FailedPrecondition("INVALID_STATE_TRANSITION",
                                          "objectives become CLOSED only when their cycle closes");
      default:
        violations.Add("objective.state", "must be DRAFT, ACTIVE or ARCHIVED");
    }
  }
  if (has("weight")) {
    o.weight = in.weight();
    violations.Check(ValidWeight(o.weight), "objective.weight",
                     "must be greater than 0 and at most 1000");
  }
  if (has("rollup_children")) o.rollup_children = in.rollup_children();
  if (has("score")) {
    if (!in.has_score()) {
      o.score.reset();
    } else {
      o.score = in.score();
      violations.Check(std::isfinite(in.score()) && in.score() >= 0.0 && in.score() <= 1.0,
                       "objective.score", "must be between 0.0 and 1.0");
    }
  }
  if (has("grading_note")) {
    o.grading_note = in.grading_note();
    OptionalText(o.grading_note, kMaxLongText, "objective.grading_note", violations);
  }
  if (absl::Status s = violations.ToStatus("INVALID_OBJECTIVE", "the objective is not valid");
      !s.ok()) {
    return s;
  }
  return o;
}

// ---- key results --------------------------------------------------------------------------------

const std::vector<std::string>& KeyResultMaskPaths() {
  static const auto* paths = new std::vector<std::string>{
      "title",        "description", "owner",  "direction",  "unit",      "start_value",
      "target_value", "threshold",   "weight", "milestones", "metric_key"};
  return *paths;
}

absl::StatusOr<KeyResultRecord> KeyResultFromCreate(const v1::KeyResult& in) {
  Violations violations;
  KeyResultRecord k;
  k.title = RequiredText(in.title(), 200, "key_result.title", violations);
  k.description = in.description();
  OptionalText(k.description, kMaxLongText, "key_result.description", violations);
  if (!in.owner().empty()) {
    if (auto id = PersonIdFromName(in.owner())) {
      k.owner = *id;
    } else {
      violations.Add("key_result.owner", "must be people/{person}");
    }
  }
  if (in.type() == v1::KEY_RESULT_TYPE_UNSPECIFIED || !ValidEnum(in.type(), 6)) {
    violations.Add("key_result.type",
                   "must be NUMERIC, PERCENT, CURRENCY, BOOLEAN, MILESTONE or ROLLUP");
  } else {
    k.type = static_cast<domain::KeyResultType>(in.type());
  }
  if (!ValidEnum(in.direction(), 4)) violations.Add("key_result.direction", "unknown direction");
  if (absl::Status s = violations.ToStatus("INVALID_KEY_RESULT", "the key result is not valid");
      !s.ok()) {
    return s;
  }
  k.direction = static_cast<domain::Direction>(in.direction());
  k.unit = in.unit();
  k.currency_code = in.currency_code();
  k.start_value = in.start_value();
  k.target_value = in.target_value();
  if (in.has_threshold()) k.threshold = in.threshold();
  k.weight = in.weight() == 0.0 ? 1.0 : in.weight();
  k.milestones = MilestonesFrom(in.milestones(), {}, violations);
  k.metric_key = in.metric_key();
  if (absl::Status s = violations.ToStatus("INVALID_KEY_RESULT", "the key result is not valid");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = FinishKeyResult(k); !s.ok()) return s;
  return k;
}

absl::StatusOr<KeyResultRecord> ApplyKeyResultUpdate(const KeyResultRecord& stored,
                                                     const v1::KeyResult& in,
                                                     const std::vector<std::string>& paths) {
  KeyResultRecord k = stored;
  Violations violations;
  auto has = [&paths](std::string_view p) { return HasPath(paths, p); };
  if (has("title")) k.title = RequiredText(in.title(), 200, "key_result.title", violations);
  if (has("description")) {
    k.description = in.description();
    OptionalText(k.description, kMaxLongText, "key_result.description", violations);
  }
  if (has("owner")) {
    k.owner.clear();
    if (!in.owner().empty()) {
      if (auto id = PersonIdFromName(in.owner())) {
        k.owner = *id;
      } else {
        violations.Add("key_result.owner", "must be people/{person}");
      }
    }
  }
  if (has("direction")) {
    if (!ValidEnum(in.direction(), 4)) {
      violations.Add("key_result.direction", "unknown direction");
    } else {
      k.direction = static_cast<domain::Direction>(in.direction());
    }
  }
  if (has("unit")) k.unit = in.unit();
  if (has("start_value")) k.start_value = in.start_value();
  if (has("target_value")) k.target_value = in.target_value();
  if (has("threshold")) {
    k.threshold.reset();
    if (in.has_threshold()) k.threshold = in.threshold();
  }
  if (has("weight")) k.weight = in.weight();
  if (has("milestones"))
    k.milestones = MilestonesFrom(in.milestones(), stored.milestones, violations);
  if (has("metric_key")) k.metric_key = in.metric_key();
  if (absl::Status s = violations.ToStatus("INVALID_KEY_RESULT", "the key result is not valid");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = FinishKeyResult(k); !s.ok()) return s;
  return k;
}

// ---- check-ins ----------------------------------------------------------------------------------

absl::StatusOr<CheckInRecord> CheckInFromCreate(const v1::CheckIn& in,
                                                const KeyResultRecord& key_result, absl::Time now) {
  Violations violations;
  CheckInRecord c;
  if (in.has_value()) {
    absl::Status value = domain::ValidateValue(key_result.type, in.value());
    if (!value.ok()) return PrefixViolations(value, "check_in.");
    c.value = in.value();
  }
  if (!in.milestone_states().empty()) {
    if (key_result.type != domain::KeyResultType::kMilestone) {
      return common::InvalidArgument(
          "MILESTONES_NOT_ALLOWED", "milestone states are only for MILESTONE key results",
          {{"check_in.milestone_states", "are only for MILESTONE key results"}});
    }
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < in.milestone_states().size(); ++i) {
      const auto& s = in.milestone_states(i);
      const std::string field = absl::StrCat("check_in.milestone_states[", i, "].milestone_id");
      const bool known =
          std::any_of(key_result.milestones.begin(), key_result.milestones.end(),
                      [&s](const MilestoneRecord& m) { return m.id == s.milestone_id(); });
      if (!known) {
        return common::InvalidArgument("UNKNOWN_MILESTONE",
                                       absl::StrCat("no milestone '", s.milestone_id(), "'"),
                                       {{field, "must name a milestone of the key result"}});
      }
      violations.Check(seen.insert(s.milestone_id()).second, field, "must appear once");
      c.milestone_states.push_back({s.milestone_id(), s.done()});
    }
  }
  if (in.has_confidence()) {
    absl::Status confidence = domain::ValidateConfidence(in.confidence());
    if (!confidence.ok()) return PrefixViolations(confidence, "check_in.");
    c.confidence = in.confidence();
  }
  c.note_progress = in.note().progress();
  c.note_challenges = in.note().challenges();
  c.note_next_steps = in.note().next_steps();
  OptionalText(c.note_progress, kMaxLongText, "check_in.note.progress", violations);
  OptionalText(c.note_challenges, kMaxLongText, "check_in.note.challenges", violations);
  OptionalText(c.note_next_steps, kMaxLongText, "check_in.note.next_steps", violations);
  c.observed_at = now;
  if (in.has_observed_at()) {
    const auto& t = in.observed_at();
    if (!ValidTimestamp(t)) {
      violations.Add("check_in.observed_at", "must be a valid time after 1970");
    } else {
      c.observed_at = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
      // Stored in microseconds: round down so that reads return what ordering used.
      c.observed_at = absl::FromUnixMicros(absl::ToUnixMicros(c.observed_at));
      violations.Check(c.observed_at <= now + absl::Minutes(5), "check_in.observed_at",
                       "must not be more than 5 minutes in the future");
    }
  }
  if (absl::Status s = violations.ToStatus("INVALID_CHECK_IN", "the check-in is not valid");
      !s.ok()) {
    return s;
  }
  if (!c.value && c.milestone_states.empty() && !c.confidence && c.note_progress.empty() &&
      c.note_challenges.empty() && c.note_next_steps.empty()) {
    return common::InvalidArgument(
        "CHECK_IN_EMPTY", "a check-in needs a value, milestone states, a confidence or a note",
        {{"check_in", "give a value, milestone states, a confidence or a note"}});
  }
  c.source = CheckInSource::kManual;
  c.create_time = now;
  return c;
}

}  // namespace okr::goals
