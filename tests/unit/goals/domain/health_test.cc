#include "services/goals/src/domain/health.h"

#include <gtest/gtest.h>

namespace okr::goals::domain {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
const Cycle kCycle{kStart, kStart + absl::Hours(24 * 100)};

absl::Time Day(double d) { return kStart + absl::Hours(24 * d); }

Health At(double day, double progress, std::optional<int> confidence = std::nullopt) {
  return ComputeHealth(true, progress, confidence, ExpectedProgress(kCycle, Day(day)), {});
}

TEST(ExpectedProgressTest, FractionOfTheCycleElapsed) {
  EXPECT_EQ(ExpectedProgress(kCycle, Day(-3)), 0.0);
  EXPECT_EQ(ExpectedProgress(kCycle, Day(0)), 0.0);
  EXPECT_EQ(ExpectedProgress(kCycle, Day(25)), 0.25);
  EXPECT_EQ(ExpectedProgress(kCycle, Day(50)), 0.5);
  EXPECT_EQ(ExpectedProgress(kCycle, Day(100)), 1.0);
  EXPECT_EQ(ExpectedProgress(kCycle, Day(140)), 1.0);
  const Cycle empty{kStart, kStart};
  EXPECT_EQ(ExpectedProgress(empty, kStart - absl::Seconds(1)), 0.0);
  EXPECT_EQ(ExpectedProgress(empty, kStart + absl::Seconds(1)), 1.0);
}

TEST(HealthTest, BandsAtTheStartOfTheCycle) {
  EXPECT_EQ(At(-1, 0.0), Health::kOnTrack);
  EXPECT_EQ(At(0, 0.0), Health::kOnTrack);
  EXPECT_EQ(At(5, 0.0), Health::kOnTrack);  // expected 0.05
}

TEST(HealthTest, BandsInTheMiddleOfTheCycle) {
  EXPECT_EQ(At(50, 0.9), Health::kOnTrack);
  EXPECT_EQ(At(50, 0.45), Health::kOnTrack);
  EXPECT_EQ(At(50, 0.35), Health::kAtRisk);
  EXPECT_EQ(At(50, 0.3), Health::kAtRisk);
  EXPECT_EQ(At(50, 0.2), Health::kOffTrack);
  EXPECT_EQ(At(20, 0.0), Health::kAtRisk);    // expected 0.2
  EXPECT_EQ(At(30, 0.0), Health::kOffTrack);  // expected 0.3
}

TEST(HealthTest, BandsAtAndAfterTheEndOfTheCycle) {
  EXPECT_EQ(At(100, 1.0), Health::kOnTrack);
  EXPECT_EQ(At(100, 0.95), Health::kOnTrack);
  EXPECT_EQ(At(100, 0.8), Health::kAtRisk);
  EXPECT_EQ(At(100, 0.5), Health::kOffTrack);
  EXPECT_EQ(At(130, 0.8), Health::kAtRisk);
}

TEST(HealthTest, MarginsAreInclusiveAndConfigurable) {
  // Margins and values exactly representable in binary, so the boundaries are exact.
  const HealthThresholds t{0.25, 0.5};
  EXPECT_EQ(ComputeHealth(true, 0.5, std::nullopt, 0.75, t), Health::kOnTrack);
  EXPECT_EQ(ComputeHealth(true, 0.4999, std::nullopt, 0.75, t), Health::kAtRisk);
  EXPECT_EQ(ComputeHealth(true, 0.25, std::nullopt, 0.75, t), Health::kAtRisk);
  EXPECT_EQ(ComputeHealth(true, 0.2499, std::nullopt, 0.75, t), Health::kOffTrack);
}

TEST(HealthTest, LowConfidenceCapsOnTrackAtAtRisk) {
  EXPECT_EQ(At(50, 0.9, 3), Health::kAtRisk);
  EXPECT_EQ(At(50, 0.9, 0), Health::kAtRisk);
  EXPECT_EQ(At(50, 0.9, 4), Health::kOnTrack);
  EXPECT_EQ(At(50, 0.9, 10), Health::kOnTrack);
  // It never improves a worse band.
  EXPECT_EQ(At(50, 0.1, 2), Health::kOffTrack);
}

TEST(HealthTest, NothingToMeasureIsNoMeasure) {
  EXPECT_EQ(ComputeHealth(false, 0.0, 9, 0.5, {}), Health::kNoMeasure);
  EXPECT_EQ(ComputeHealth(false, 0.0, std::nullopt, 0.0, {}), Health::kNoMeasure);
}

TEST(GradeTest, AspirationalSucceedsFromPointSeven) {
  EXPECT_EQ(GradeAtClose(0.7, Kind::kAspirational), (Grade{0.7, 0.7, true}));
  EXPECT_EQ(GradeAtClose(0.69, Kind::kAspirational), (Grade{0.69, 0.7, false}));
  EXPECT_TRUE(GradeAtClose(1.0, Kind::kAspirational).success);
}

TEST(GradeTest, CommittedSucceedsOnlyWhenDone) {
  EXPECT_EQ(GradeAtClose(1.0, Kind::kCommitted), (Grade{1.0, 1.0, true}));
  EXPECT_EQ(GradeAtClose(0.99, Kind::kCommitted), (Grade{0.99, 1.0, false}));
  EXPECT_EQ(GradeAtClose(0.0, Kind::kCommitted).score, 0.0);
}

TEST(GradeTest, ThresholdsAreConfigurable) {
  const GradingThresholds t{0.9, 0.6};
  EXPECT_TRUE(GradeAtClose(0.9, Kind::kCommitted, t).success);
  EXPECT_TRUE(GradeAtClose(0.6, Kind::kAspirational, t).success);
  EXPECT_FALSE(GradeAtClose(0.59, Kind::kAspirational, t).success);
  EXPECT_EQ(SuccessThreshold(Kind::kAspirational), 0.7);
  EXPECT_EQ(SuccessThreshold(Kind::kCommitted), 1.0);
}

}  // namespace
}  // namespace okr::goals::domain
