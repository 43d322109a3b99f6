// Key result and check-in requests to records (the rest of validation.h: cycles and objectives are
// in validation.cc).
#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/org_names.h"
#include "services/goals/src/api/validation.h"
#include "services/goals/src/api/validation_checks.h"
#include "services/goals/src/domain/key_result.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;
using checks::kMaxLongText;
using checks::OptionalText;
using checks::RequiredText;
using checks::ValidEnum;
using checks::ValidWeight;
using common::Violations;

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

}  // namespace

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
