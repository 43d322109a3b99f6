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
#include "services/goals/src/api/validation_checks.h"
#include "services/goals/src/domain/key_result.h"

namespace okr::goals {
namespace {

// Debian's Abseil has its own string_view: convert at the boundary.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

namespace v1 = ::okr::goals::v1;
using checks::kMaxLongText;
using checks::OptionalText;
using checks::RequiredText;
using checks::ValidEnum;
using checks::ValidWeight;
using common::Violations;

size_t CodePoints(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
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

}  // namespace

namespace checks {

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

bool ValidWeight(double w) { return std::isfinite(w) && w > 0.0 && w <= domain::kMaxWeight; }

bool ValidEnum(int value, int max) { return value >= 0 && value <= max; }

}  // namespace checks

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

}  // namespace okr::goals
