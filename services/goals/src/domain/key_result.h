// A key result's measure (start, target, threshold, current value, milestones), its validation
// rules and the progress formulas of DOMAIN.md ("Key results").
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "services/goals/src/domain/types.h"

namespace okr::goals::domain {

// Weights of key results, objectives and milestones: finite, greater than 0, at most this.
inline constexpr double kMaxWeight = 1000.0;
inline constexpr std::size_t kMaxMilestones = 100;
// Attainment is clamped to [-kMaxAttainment, kMaxAttainment] (1e9 times the target distance).
inline constexpr double kMaxAttainment = 1e9;

struct Milestone {
  double weight = 1.0;
  bool done = false;

  bool operator==(const Milestone&) const = default;
};

// What a key result is measured by. Which fields are used depends on type and direction:
// - INCREASE / DECREASE: start, target, current.
// - KEEP_ABOVE / KEEP_BELOW: threshold, current (start is the initial value; target is unused).
// - BOOLEAN: current (0 or 1).
// - MILESTONE: milestones. ROLLUP: nothing (its progress comes from the aligned objectives).
struct KeyResultMeasure {
  double start = 0.0;
  double target = 0.0;
  std::optional<double> threshold;
  // The latest value; `start` until the first observation (has_value tells which).
  double current = 0.0;
  bool has_value = false;
  std::vector<Milestone> milestones;

  bool operator==(const KeyResultMeasure&) const = default;
};

// Progress in [0, 1] and the unclamped attainment (over-achievement > 1, wrong way < 0).
struct KeyResultProgress {
  double progress = 0.0;
  double attainment = 0.0;

  bool operator==(const KeyResultProgress&) const = default;
};

// INVALID_ARGUMENT (reason INVALID_WEIGHT, violation on `field`) unless 0 < weight <= 1000 and
// finite.
absl::Status ValidateWeight(double weight, std::string_view field = "weight");

// INVALID_ARGUMENT (reason INVALID_MILESTONES) unless there are 1 to 100 milestones, each with a
// valid weight.
absl::Status ValidateMilestones(std::span<const Milestone> milestones);

// Every rule a key result's type, direction and measure must satisfy, with a stable reason:
//   VALUE_NOT_FINITE                    a NaN or infinite start, target, threshold or value
//   KEY_RESULT_TARGET_EQUALS_START      INCREASE / DECREASE with start == target
//   KEY_RESULT_DIRECTION_MISMATCH       INCREASE with start > target, DECREASE with start < target
//   KEY_RESULT_DIRECTION_REQUIRED       NUMERIC, PERCENT or CURRENCY without a direction
//   KEY_RESULT_DIRECTION_NOT_ALLOWED    a direction on BOOLEAN, MILESTONE or ROLLUP
//   KEY_RESULT_THRESHOLD_REQUIRED       KEEP_* without a threshold
//   KEY_RESULT_THRESHOLD_NOT_ALLOWED    a threshold on anything but KEEP_*
//   BOOLEAN_VALUE_NOT_0_OR_1            a BOOLEAN value other than 0 or 1
//   INVALID_MILESTONES                  see ValidateMilestones; milestones on a non-MILESTONE type
// All INVALID_ARGUMENT, with a field violation naming the field.
absl::Status ValidateKeyResult(KeyResultType type, Direction direction,
                               const KeyResultMeasure& measure);

// INVALID_ARGUMENT unless `value` is a valid new current value for the type (finite; 0 or 1 for
// BOOLEAN; MILESTONE and ROLLUP take no values: reason KEY_RESULT_TAKES_NO_VALUE).
absl::Status ValidateValue(KeyResultType type, double value);

// The direction a NUMERIC, PERCENT or CURRENCY key result created without one gets.
Direction InferDirection(double start, double target);

// std::clamp for doubles, written so that it compiles to min/max instructions rather than branches
// (a mispredicted branch per key result is most of the cost of a full roll-up).
inline double ClampTo(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }

// Progress of a valid key result of any type but ROLLUP (whose progress is a roll-up; this returns
// zero for it). Inline: the full roll-up calls it once per key result.
inline KeyResultProgress ComputeProgress(KeyResultType type, Direction direction, double start,
                                         double target_or_threshold, double current,
                                         std::span<const Milestone> milestones) {
  switch (type) {
    case KeyResultType::kBoolean: {
      const double p = current == 1.0 ? 1.0 : 0.0;
      return {p, p};
    }
    case KeyResultType::kMilestone: {
      double done = 0.0;
      double total = 0.0;
      for (const Milestone& m : milestones) {
        total += m.weight;
        if (m.done) done += m.weight;
      }
      const double p = total > 0.0 ? std::min(done / total, 1.0) : 0.0;
      return {p, p};
    }
    case KeyResultType::kRollup:
      return {};
    case KeyResultType::kNumeric:
    case KeyResultType::kPercent:
    case KeyResultType::kCurrency:
      break;
  }
  switch (direction) {
    case Direction::kKeepAbove: {
      const double p = current >= target_or_threshold ? 1.0 : 0.0;
      return {p, p};
    }
    case Direction::kKeepBelow: {
      const double p = current <= target_or_threshold ? 1.0 : 0.0;
      return {p, p};
    }
    case Direction::kIncrease:
    case Direction::kDecrease:
    case Direction::kNone:
      break;
  }
  const double span = target_or_threshold - start;
  if (span == 0.0) return {};
  // Adding 0.0 turns -0.0 (no movement on a DECREASE) into 0.0; the bound keeps the weighted sums
  // above it finite even for absurd values.
  const double attainment =
      ClampTo((current - start) / span + 0.0, -kMaxAttainment, kMaxAttainment);
  return {ClampTo(attainment, 0.0, 1.0), attainment};
}

inline KeyResultProgress ComputeProgress(KeyResultType type, Direction direction,
                                         const KeyResultMeasure& m) {
  const bool keep = direction == Direction::kKeepAbove || direction == Direction::kKeepBelow;
  return ComputeProgress(type, direction, m.start, keep ? m.threshold.value_or(0.0) : m.target,
                         m.current, m.milestones);
}

}  // namespace okr::goals::domain
