// Cadence periods and due times, at fixed instants (no real clock).
#include "services/feedback/src/domain/cadence.h"

#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

namespace okr::feedback {
namespace {

absl::Time At(int y, int m, int d, int hh = 9, int mm = 30, int ss = 15) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

TEST(CadenceTest, WeeklyAndBiweeklyAddFixedDays) {
  EXPECT_EQ(AddPeriod(At(2027, 3, 1), Cadence::kWeekly), At(2027, 3, 8));
  EXPECT_EQ(AddPeriod(At(2027, 3, 1), Cadence::kBiweekly), At(2027, 3, 15));
  // Across a month and a year end.
  EXPECT_EQ(AddPeriod(At(2027, 12, 28), Cadence::kWeekly), At(2028, 1, 4));
}

TEST(CadenceTest, MonthlyKeepsTheDayAndTimeOfDay) {
  EXPECT_EQ(AddPeriod(At(2027, 1, 15), Cadence::kMonthly), At(2027, 2, 15));
  EXPECT_EQ(AddPeriod(At(2027, 12, 15), Cadence::kMonthly), At(2028, 1, 15));
}

TEST(CadenceTest, MonthlyClampsToTheLastDayOfAShorterMonth) {
  EXPECT_EQ(AddPeriod(At(2027, 1, 31), Cadence::kMonthly), At(2027, 2, 28));
  EXPECT_EQ(AddPeriod(At(2028, 1, 31), Cadence::kMonthly), At(2028, 2, 29));  // leap year
  EXPECT_EQ(AddPeriod(At(2027, 3, 31), Cadence::kMonthly), At(2027, 4, 30));
  EXPECT_EQ(AddPeriod(At(2027, 1, 30), Cadence::kMonthly), At(2027, 2, 28));
}

TEST(CadenceTest, MonthlyKeepsSubSecondPrecision) {
  const absl::Time from = At(2027, 5, 10) + absl::Microseconds(123456);
  EXPECT_EQ(AddPeriod(from, Cadence::kMonthly), At(2027, 6, 10) + absl::Microseconds(123456));
}

TEST(CadenceTest, NextDueCountsFromTheLastMeetingElseFromCreation) {
  const absl::Time created = At(2027, 1, 1);
  EXPECT_EQ(NextDueTime(created, std::nullopt, Cadence::kWeekly), At(2027, 1, 8));
  EXPECT_EQ(NextDueTime(created, At(2027, 1, 20), Cadence::kBiweekly), At(2027, 2, 3));
}

TEST(CadenceTest, OverdueOnlyStrictlyAfterTheDueTime) {
  const absl::Time due = At(2027, 1, 8);
  EXPECT_FALSE(IsOverdue(due, due - absl::Seconds(1)));
  EXPECT_FALSE(IsOverdue(due, due));
  EXPECT_TRUE(IsOverdue(due, due + absl::Microseconds(1)));
}

TEST(CadenceTest, OnlyRealCadencesAreAccepted) {
  EXPECT_FALSE(IsCadence(0));
  EXPECT_TRUE(IsCadence(1));
  EXPECT_TRUE(IsCadence(3));
  EXPECT_FALSE(IsCadence(4));
  EXPECT_FALSE(IsCadence(-1));
}

}  // namespace
}  // namespace okr::feedback
