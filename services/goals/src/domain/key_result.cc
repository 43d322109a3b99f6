#include "services/goals/src/domain/key_result.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::goals::domain {
namespace {

using ::okr::common::InvalidArgument;

absl::Status Invalid(std::string_view reason, std::string_view field, std::string_view what) {
  return InvalidArgument(reason, absl::StrCat(std::string(field), " ", std::string(what)),
                         {{std::string(field), std::string(what)}});
}

}  // namespace

absl::Status ValidateConfidence(int confidence) {
  if (confidence < kMinConfidence || confidence > kMaxConfidence) {
    return Invalid("CONFIDENCE_OUT_OF_RANGE", "confidence", "must be between 0 and 10");
  }
  return absl::OkStatus();
}

bool TakesValue(KeyResultType type) {
  return type != KeyResultType::kMilestone && type != KeyResultType::kRollup;
}

bool HasDirection(KeyResultType type) {
  return type == KeyResultType::kNumeric || type == KeyResultType::kPercent ||
         type == KeyResultType::kCurrency;
}

absl::Status ValidateWeight(double weight, std::string_view field) {
  // Written so that NaN fails too.
  if (!(weight > 0.0 && weight <= kMaxWeight)) {
    return Invalid("INVALID_WEIGHT", field, "must be greater than 0 and at most 1000");
  }
  return absl::OkStatus();
}

absl::Status ValidateMilestones(std::span<const Milestone> milestones) {
  if (milestones.empty() || milestones.size() > kMaxMilestones) {
    return Invalid("INVALID_MILESTONES", "milestones", "must hold 1 to 100 milestones");
  }
  common::Violations violations;
  for (std::size_t i = 0; i < milestones.size(); ++i) {
    const double w = milestones[i].weight;
    violations.Check(w > 0.0 && w <= kMaxWeight, absl::StrCat("milestones[", i, "].weight"),
                     "must be greater than 0 and at most 1000");
  }
  return violations.ToStatus("INVALID_MILESTONES", "a milestone weight is out of range");
}

absl::Status ValidateKeyResult(KeyResultType type, Direction direction, const KeyResultMeasure& m) {
  {
    common::Violations violations;
    violations.Check(std::isfinite(m.start), "start_value", "must be finite");
    violations.Check(std::isfinite(m.target), "target_value", "must be finite");
    violations.Check(!m.threshold || std::isfinite(*m.threshold), "threshold", "must be finite");
    violations.Check(std::isfinite(m.current), "current_value", "must be finite");
    if (absl::Status s = violations.ToStatus("VALUE_NOT_FINITE", "a value is NaN or infinite");
        !s.ok()) {
      return s;
    }
  }
  const bool keep = direction == Direction::kKeepAbove || direction == Direction::kKeepBelow;
  if (HasDirection(type)) {
    if (direction == Direction::kNone) {
      return Invalid("KEY_RESULT_DIRECTION_REQUIRED", "direction",
                     "is required for NUMERIC, PERCENT and CURRENCY key results");
    }
    if (!keep && m.start == m.target) {
      return Invalid("KEY_RESULT_TARGET_EQUALS_START", "target_value",
                     "must differ from start_value");
    }
    if (direction == Direction::kIncrease && m.start > m.target) {
      return Invalid("KEY_RESULT_DIRECTION_MISMATCH", "target_value",
                     "must be greater than start_value for INCREASE");
    }
    if (direction == Direction::kDecrease && m.start < m.target) {
      return Invalid("KEY_RESULT_DIRECTION_MISMATCH", "target_value",
                     "must be less than start_value for DECREASE");
    }
  } else if (direction != Direction::kNone) {
    return Invalid("KEY_RESULT_DIRECTION_NOT_ALLOWED", "direction",
                   "is only for NUMERIC, PERCENT and CURRENCY key results");
  }
  if (keep && !m.threshold) {
    return Invalid("KEY_RESULT_THRESHOLD_REQUIRED", "threshold",
                   "is required for KEEP_ABOVE and KEEP_BELOW");
  }
  if (!keep && m.threshold) {
    return Invalid("KEY_RESULT_THRESHOLD_NOT_ALLOWED", "threshold",
                   "is only for KEEP_ABOVE and KEEP_BELOW");
  }
  if (type == KeyResultType::kBoolean && m.current != 0.0 && m.current != 1.0) {
    return Invalid("BOOLEAN_VALUE_NOT_0_OR_1", "current_value", "must be 0 or 1");
  }
  if (type == KeyResultType::kMilestone) return ValidateMilestones(m.milestones);
  if (!m.milestones.empty()) {
    return Invalid("INVALID_MILESTONES", "milestones", "are only for MILESTONE key results");
  }
  return absl::OkStatus();
}

absl::Status ValidateValue(KeyResultType type, double value) {
  if (!TakesValue(type)) {
    return Invalid("KEY_RESULT_TAKES_NO_VALUE", "value",
                   "is not taken by MILESTONE and ROLLUP key results");
  }
  if (!std::isfinite(value)) return Invalid("VALUE_NOT_FINITE", "value", "must be finite");
  if (type == KeyResultType::kBoolean && value != 0.0 && value != 1.0) {
    return Invalid("BOOLEAN_VALUE_NOT_0_OR_1", "value", "must be 0 or 1");
  }
  return absl::OkStatus();
}

Direction InferDirection(double start, double target) {
  return start <= target ? Direction::kIncrease : Direction::kDecrease;
}

}  // namespace okr::goals::domain
