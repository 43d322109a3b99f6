// Feedback request states from responses and the due date, at times around the expiry.
#include "services/feedback/src/domain/request_rules.h"

#include <gtest/gtest.h>

namespace okr::feedback {
namespace {

using RS = ResponseState;

const absl::CivilDay kDue(2027, 3, 10);

absl::Time At(int day, int hour) {
  return absl::FromCivil(absl::CivilHour(2027, 3, day, hour), absl::UTCTimeZone());
}

TEST(RequestRulesTest, ExpiresAtTheEndOfTheDueDate) {
  EXPECT_EQ(ExpiryTime(kDue), At(11, 0));
  EXPECT_EQ(ResponseAsOf(RS::kPending, ExpiryTime(kDue), At(10, 23)), RS::kPending);
  EXPECT_EQ(ResponseAsOf(RS::kPending, ExpiryTime(kDue), At(11, 0)), RS::kExpired);
  EXPECT_EQ(ResponseAsOf(RS::kAnswered, ExpiryTime(kDue), At(20, 0)), RS::kAnswered);
}

TEST(RequestRulesTest, StateFollowsTheResponses) {
  const absl::Time e = ExpiryTime(kDue);
  const absl::Time before = At(9, 12);
  const absl::Time after = At(12, 0);
  EXPECT_EQ(DeriveRequestState({RS::kPending, RS::kAnswered}, e, before), RequestState::kOpen);
  EXPECT_EQ(DeriveRequestState({RS::kDeclined, RS::kAnswered}, e, before), RequestState::kAnswered);
  EXPECT_EQ(DeriveRequestState({RS::kDeclined, RS::kDeclined}, e, before), RequestState::kDeclined);
  EXPECT_EQ(DeriveRequestState({RS::kPending, RS::kAnswered}, e, after), RequestState::kAnswered);
  EXPECT_EQ(DeriveRequestState({RS::kPending, RS::kDeclined}, e, after), RequestState::kExpired);
  EXPECT_EQ(DeriveRequestState({RS::kPending}, e, after), RequestState::kExpired);
  EXPECT_EQ(DeriveRequestState({RS::kExpired, RS::kExpired}, e, after), RequestState::kExpired);
}

TEST(RequestRulesTest, DueDateBetweenTodayAndAYearAhead) {
  const absl::Time now = At(10, 15);
  EXPECT_TRUE(DueDateAllowed(absl::CivilDay(2027, 3, 10), now));
  EXPECT_FALSE(DueDateAllowed(absl::CivilDay(2027, 3, 9), now));
  EXPECT_TRUE(DueDateAllowed(absl::CivilDay(2027, 3, 10) + 365, now));
  EXPECT_FALSE(DueDateAllowed(absl::CivilDay(2027, 3, 10) + 366, now));
}

}  // namespace
}  // namespace okr::feedback
