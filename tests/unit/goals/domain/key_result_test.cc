#include "services/goals/src/domain/key_result.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "okr/common/status/errors.h"

namespace okr::goals::domain {
namespace {

using ::okr::common::ErrorFieldViolations;
using ::okr::common::ErrorReason;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

KeyResultMeasure Range(double start, double target, double current) {
  KeyResultMeasure m;
  m.start = start;
  m.target = target;
  m.current = current;
  return m;
}

KeyResultMeasure Keep(double threshold, double current) {
  KeyResultMeasure m;
  m.threshold = threshold;
  m.current = current;
  return m;
}

KeyResultProgress Numeric(Direction d, const KeyResultMeasure& m) {
  return ComputeProgress(KeyResultType::kNumeric, d, m);
}

TEST(KeyResultProgressTest, IncreasingIsClampedAndAttainmentIsNot) {
  EXPECT_EQ(Numeric(Direction::kIncrease, Range(10, 20, 15)), (KeyResultProgress{0.5, 0.5}));
  EXPECT_EQ(Numeric(Direction::kIncrease, Range(10, 20, 10)), (KeyResultProgress{0.0, 0.0}));
  EXPECT_EQ(Numeric(Direction::kIncrease, Range(10, 20, 20)), (KeyResultProgress{1.0, 1.0}));
  EXPECT_EQ(Numeric(Direction::kIncrease, Range(10, 20, 25)), (KeyResultProgress{1.0, 1.5}));
  EXPECT_EQ(Numeric(Direction::kIncrease, Range(10, 20, 5)), (KeyResultProgress{0.0, -0.5}));
}

TEST(KeyResultProgressTest, DecreasingIsClampedAndAttainmentIsNot) {
  EXPECT_EQ(Numeric(Direction::kDecrease, Range(100, 50, 75)), (KeyResultProgress{0.5, 0.5}));
  EXPECT_EQ(Numeric(Direction::kDecrease, Range(100, 50, 25)), (KeyResultProgress{1.0, 1.5}));
  EXPECT_EQ(Numeric(Direction::kDecrease, Range(100, 50, 125)), (KeyResultProgress{0.0, -0.5}));
  // No movement yet is a plain 0 (not -0) so that it prints and compares as users expect.
  const KeyResultProgress none = Numeric(Direction::kDecrease, Range(100, 50, 100));
  EXPECT_FALSE(std::signbit(none.attainment));
  EXPECT_FALSE(std::signbit(none.progress));
}

TEST(KeyResultProgressTest, PercentAndCurrencyUseTheSameFormula) {
  EXPECT_EQ(ComputeProgress(KeyResultType::kPercent, Direction::kIncrease, Range(0, 40, 10)),
            (KeyResultProgress{0.25, 0.25}));
  EXPECT_EQ(ComputeProgress(KeyResultType::kCurrency, Direction::kDecrease, Range(8, 4, 7)),
            (KeyResultProgress{0.25, 0.25}));
}

TEST(KeyResultProgressTest, AbsurdValuesKeepAttainmentFinite) {
  const KeyResultProgress p = Numeric(Direction::kIncrease, Range(0, 1e-300, 1e300));
  EXPECT_EQ(p.progress, 1.0);
  EXPECT_EQ(p.attainment, kMaxAttainment);
}

TEST(KeyResultProgressTest, KeepAboveIsInclusive) {
  EXPECT_EQ(Numeric(Direction::kKeepAbove, Keep(99.5, 99.5)).progress, 1.0);
  EXPECT_EQ(Numeric(Direction::kKeepAbove, Keep(99.5, 120)).progress, 1.0);
  EXPECT_EQ(Numeric(Direction::kKeepAbove, Keep(99.5, 99.49)), (KeyResultProgress{0.0, 0.0}));
}

TEST(KeyResultProgressTest, KeepBelowIsInclusive) {
  EXPECT_EQ(Numeric(Direction::kKeepBelow, Keep(200, 200)).progress, 1.0);
  EXPECT_EQ(Numeric(Direction::kKeepBelow, Keep(200, 10)).progress, 1.0);
  EXPECT_EQ(Numeric(Direction::kKeepBelow, Keep(200, 200.01)), (KeyResultProgress{0.0, 0.0}));
}

TEST(KeyResultProgressTest, BooleanIsZeroOrOne) {
  KeyResultMeasure m;
  EXPECT_EQ(ComputeProgress(KeyResultType::kBoolean, Direction::kNone, m),
            (KeyResultProgress{0.0, 0.0}));
  m.current = 1;
  EXPECT_EQ(ComputeProgress(KeyResultType::kBoolean, Direction::kNone, m),
            (KeyResultProgress{1.0, 1.0}));
}

TEST(KeyResultProgressTest, MilestonesCountByWeight) {
  KeyResultMeasure m;
  m.milestones = {{1, false}, {2, true}, {3, false}, {4, true}};
  EXPECT_EQ(ComputeProgress(KeyResultType::kMilestone, Direction::kNone, m),
            (KeyResultProgress{0.6, 0.6}));
  for (Milestone& ms : m.milestones) ms.done = true;
  EXPECT_EQ(ComputeProgress(KeyResultType::kMilestone, Direction::kNone, m).progress, 1.0);
  for (Milestone& ms : m.milestones) ms.done = false;
  EXPECT_EQ(ComputeProgress(KeyResultType::kMilestone, Direction::kNone, m).progress, 0.0);
}

TEST(KeyResultValidationTest, TargetEqualToStartIsRejectedForIncreaseAndDecrease) {
  for (Direction d : {Direction::kIncrease, Direction::kDecrease}) {
    absl::Status s = ValidateKeyResult(KeyResultType::kNumeric, d, Range(5, 5, 5));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorReason(s), "KEY_RESULT_TARGET_EQUALS_START");
    ASSERT_EQ(ErrorFieldViolations(s).size(), 1u);
    EXPECT_EQ(ErrorFieldViolations(s)[0].field, "target_value");
  }
}

TEST(KeyResultValidationTest, TargetEqualToStartIsFineForKeepAndBoolean) {
  KeyResultMeasure keep = Keep(5, 5);
  keep.start = 0;
  keep.target = 0;
  EXPECT_TRUE(ValidateKeyResult(KeyResultType::kNumeric, Direction::kKeepAbove, keep).ok());
  EXPECT_TRUE(ValidateKeyResult(KeyResultType::kPercent, Direction::kKeepBelow, keep).ok());
  EXPECT_TRUE(ValidateKeyResult(KeyResultType::kBoolean, Direction::kNone, Range(0, 0, 0)).ok());
}

TEST(KeyResultValidationTest, DirectionMustMatchStartAndTarget) {
  EXPECT_TRUE(
      ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease, Range(1, 2, 1)).ok());
  EXPECT_TRUE(
      ValidateKeyResult(KeyResultType::kNumeric, Direction::kDecrease, Range(2, 1, 2)).ok());
  EXPECT_EQ(
      ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease, Range(2, 1, 2))),
      "KEY_RESULT_DIRECTION_MISMATCH");
  EXPECT_EQ(ErrorReason(
                ValidateKeyResult(KeyResultType::kCurrency, Direction::kDecrease, Range(1, 2, 1))),
            "KEY_RESULT_DIRECTION_MISMATCH");
  EXPECT_EQ(InferDirection(1, 2), Direction::kIncrease);
  EXPECT_EQ(InferDirection(2, 1), Direction::kDecrease);
}

TEST(KeyResultValidationTest, DirectionIsRequiredExactlyWhereItMeansSomething) {
  EXPECT_EQ(
      ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kNone, Range(1, 2, 1))),
      "KEY_RESULT_DIRECTION_REQUIRED");
  EXPECT_EQ(
      ErrorReason(ValidateKeyResult(KeyResultType::kBoolean, Direction::kIncrease, Range(0, 1, 0))),
      "KEY_RESULT_DIRECTION_NOT_ALLOWED");
  EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kRollup, Direction::kKeepAbove,
                                          KeyResultMeasure{})),
            "KEY_RESULT_DIRECTION_NOT_ALLOWED");
}

TEST(KeyResultValidationTest, ThresholdOnlyAndAlwaysForKeep) {
  EXPECT_EQ(ErrorReason(
                ValidateKeyResult(KeyResultType::kNumeric, Direction::kKeepAbove, Range(0, 0, 0))),
            "KEY_RESULT_THRESHOLD_REQUIRED");
  KeyResultMeasure m = Range(0, 10, 0);
  m.threshold = 3;
  EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease, m)),
            "KEY_RESULT_THRESHOLD_NOT_ALLOWED");
}

TEST(KeyResultValidationTest, NanAndInfinityAreRejectedEverywhere) {
  for (double bad : {kNaN, kInf, -kInf}) {
    EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease,
                                            Range(bad, 10, 0))),
              "VALUE_NOT_FINITE");
    EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease,
                                            Range(0, bad, 0))),
              "VALUE_NOT_FINITE");
    EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease,
                                            Range(0, 10, bad))),
              "VALUE_NOT_FINITE");
    EXPECT_EQ(ErrorReason(
                  ValidateKeyResult(KeyResultType::kNumeric, Direction::kKeepAbove, Keep(bad, 0))),
              "VALUE_NOT_FINITE");
    EXPECT_EQ(ErrorReason(ValidateValue(KeyResultType::kNumeric, bad)), "VALUE_NOT_FINITE");
  }
}

TEST(KeyResultValidationTest, EveryNonFiniteFieldIsNamed) {
  absl::Status s =
      ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease, Range(kNaN, kInf, kNaN));
  std::vector<std::string> fields;
  for (const auto& v : ErrorFieldViolations(s)) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::ElementsAre("start_value", "target_value", "current_value"));
}

TEST(KeyResultValidationTest, ValuesByType) {
  EXPECT_TRUE(ValidateValue(KeyResultType::kNumeric, -3.5).ok());
  EXPECT_TRUE(ValidateValue(KeyResultType::kBoolean, 1).ok());
  EXPECT_EQ(ErrorReason(ValidateValue(KeyResultType::kBoolean, 0.5)), "BOOLEAN_VALUE_NOT_0_OR_1");
  EXPECT_EQ(ErrorReason(ValidateValue(KeyResultType::kMilestone, 1)), "KEY_RESULT_TAKES_NO_VALUE");
  EXPECT_EQ(ErrorReason(ValidateValue(KeyResultType::kRollup, 1)), "KEY_RESULT_TAKES_NO_VALUE");
  EXPECT_EQ(
      ErrorReason(ValidateKeyResult(KeyResultType::kBoolean, Direction::kNone, Range(0, 1, 2))),
      "BOOLEAN_VALUE_NOT_0_OR_1");
}

TEST(KeyResultValidationTest, WeightsArePositiveFiniteAndAtMost1000) {
  EXPECT_TRUE(ValidateWeight(1).ok());
  EXPECT_TRUE(ValidateWeight(0.001).ok());
  EXPECT_TRUE(ValidateWeight(1000).ok());
  for (double bad : {0.0, -1.0, 1000.001, kNaN, kInf, -kInf}) {
    absl::Status s = ValidateWeight(bad, "key_result.weight");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(s), "INVALID_WEIGHT");
    ASSERT_EQ(ErrorFieldViolations(s).size(), 1u);
    EXPECT_EQ(ErrorFieldViolations(s)[0].field, "key_result.weight");
  }
}

TEST(KeyResultValidationTest, MilestoneWeights) {
  KeyResultMeasure m;
  m.milestones = {{1, false}, {2.5, true}};
  EXPECT_TRUE(ValidateKeyResult(KeyResultType::kMilestone, Direction::kNone, m).ok());
  for (double bad : {0.0, -2.0, kNaN, kInf, 1001.0}) {
    m.milestones = {{1, false}, {bad, false}};
    absl::Status s = ValidateKeyResult(KeyResultType::kMilestone, Direction::kNone, m);
    EXPECT_EQ(ErrorReason(s), "INVALID_MILESTONES") << bad;
    ASSERT_EQ(ErrorFieldViolations(s).size(), 1u);
    EXPECT_EQ(ErrorFieldViolations(s)[0].field, "milestones[1].weight");
  }
  m.milestones.clear();
  EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kMilestone, Direction::kNone, m)),
            "INVALID_MILESTONES");
  m.milestones.assign(kMaxMilestones + 1, Milestone{});
  EXPECT_EQ(ErrorReason(ValidateMilestones(m.milestones)), "INVALID_MILESTONES");
  m.milestones.assign(1, Milestone{});
  EXPECT_EQ(ErrorReason(ValidateKeyResult(KeyResultType::kNumeric, Direction::kIncrease,
                                          KeyResultMeasure{0, 1, {}, 0, false, m.milestones})),
            "INVALID_MILESTONES");
}

TEST(ConfidenceTest, RangeAndBands) {
  EXPECT_TRUE(ValidateConfidence(0).ok());
  EXPECT_TRUE(ValidateConfidence(10).ok());
  EXPECT_EQ(ErrorReason(ValidateConfidence(-1)), "CONFIDENCE_OUT_OF_RANGE");
  EXPECT_EQ(ErrorReason(ValidateConfidence(11)), "CONFIDENCE_OUT_OF_RANGE");
  EXPECT_EQ(BandOf(0), ConfidenceBand::kLow);
  EXPECT_EQ(BandOf(3), ConfidenceBand::kLow);
  EXPECT_EQ(BandOf(4), ConfidenceBand::kMedium);
  EXPECT_EQ(BandOf(6), ConfidenceBand::kMedium);
  EXPECT_EQ(BandOf(7), ConfidenceBand::kHigh);
  EXPECT_EQ(BandOf(10), ConfidenceBand::kHigh);
}

}  // namespace
}  // namespace okr::goals::domain
