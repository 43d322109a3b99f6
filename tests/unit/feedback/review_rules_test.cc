// Review cycle rules with injected times: cycle and review states, rubric checks, who reads and
// submits, and the feedback summary.
#include "services/feedback/src/domain/review_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace okr::feedback {
namespace {

absl::Time At(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

std::vector<std::string> Fields(const common::Violations& v) {
  std::vector<std::string> out;
  for (const auto& item : v.items()) out.push_back(item.field);
  return out;
}

TEST(ReviewCycleStateTest, FollowsTheDatesInUtcWithTheEndDayInclusive) {
  const absl::CivilDay start(2027, 6, 1);
  const absl::CivilDay end(2027, 6, 30);
  EXPECT_EQ(CycleStateAt(start, end, At(2027, 5, 31, 23, 59, 59)), ReviewCycleState::kScheduled);
  EXPECT_EQ(CycleStateAt(start, end, At(2027, 6, 1)), ReviewCycleState::kActive);
  EXPECT_EQ(CycleStateAt(start, end, At(2027, 6, 30, 23, 59, 59)), ReviewCycleState::kActive);
  EXPECT_EQ(CycleStateAt(start, end, At(2027, 7, 1)), ReviewCycleState::kClosed);
  // A one-day cycle is active for exactly that day.
  EXPECT_EQ(CycleStateAt(start, start, At(2027, 6, 1, 12)), ReviewCycleState::kActive);
  EXPECT_EQ(CycleStateAt(start, start, At(2027, 6, 2)), ReviewCycleState::kClosed);
}

TEST(ReviewStateTest, FollowsTheAssessmentsAndTheClose) {
  using S = ReviewCycleState;
  EXPECT_EQ(DeriveReviewState(false, false, S::kScheduled), ReviewState::kPending);
  EXPECT_EQ(DeriveReviewState(false, false, S::kActive), ReviewState::kPending);
  EXPECT_EQ(DeriveReviewState(true, false, S::kActive), ReviewState::kSelfSubmitted);
  EXPECT_EQ(DeriveReviewState(false, true, S::kActive), ReviewState::kManagerSubmitted);
  EXPECT_EQ(DeriveReviewState(true, true, S::kActive), ReviewState::kCompleted);
  EXPECT_EQ(DeriveReviewState(true, true, S::kClosed), ReviewState::kCompleted);
  EXPECT_EQ(DeriveReviewState(true, false, S::kClosed), ReviewState::kIncomplete);
  EXPECT_EQ(DeriveReviewState(false, true, S::kClosed), ReviewState::kIncomplete);
  EXPECT_EQ(DeriveReviewState(false, false, S::kClosed), ReviewState::kIncomplete);
}

TEST(CompetencyIdTest, AllowsLowercaseDigitsUnderscoreAndDash) {
  EXPECT_TRUE(IsCompetencyId("communication"));
  EXPECT_TRUE(IsCompetencyId("team_work-2"));
  EXPECT_TRUE(IsCompetencyId(std::string(63, 'a')));
  EXPECT_FALSE(IsCompetencyId(""));
  EXPECT_FALSE(IsCompetencyId(std::string(64, 'a')));
  EXPECT_FALSE(IsCompetencyId("Communication"));
  EXPECT_FALSE(IsCompetencyId("a b"));
  EXPECT_FALSE(IsCompetencyId("a.b"));
}

TEST(RatingScaleTest, NeedsZeroToHundredWithMinBelowMax) {
  auto check = [](int min, int max) {
    common::Violations v;
    CheckRatingScale({min, max}, "scale", v);
    return Fields(v);
  };
  EXPECT_TRUE(check(0, 100).empty());
  EXPECT_TRUE(check(1, 5).empty());
  EXPECT_TRUE(check(99, 100).empty());
  EXPECT_EQ(check(-1, 5), std::vector<std::string>{"scale.min_rating"});
  EXPECT_EQ(check(5, 5), std::vector<std::string>{"scale.max_rating"});
  EXPECT_EQ(check(1, 101), std::vector<std::string>{"scale.max_rating"});
  EXPECT_EQ(check(100, 100), (std::vector<std::string>{"scale.min_rating", "scale.max_rating"}));
}

TEST(RatingsTest, NeedExactlyOneRatingPerCompetencyWithinTheScale) {
  const std::vector<std::string> ids = {"craft", "impact", "care"};
  const RatingScaleRule scale{1, 5};
  auto check = [&](const std::vector<RatingInput>& ratings) {
    common::Violations v;
    CheckRatings(ratings, ids, scale, v);
    return Fields(v);
  };
  EXPECT_TRUE(check({{"impact", 5}, {"craft", 1}, {"care", 3}}).empty());
  EXPECT_EQ(check({{"craft", 1}, {"impact", 2}}), std::vector<std::string>{"ratings"});
  EXPECT_EQ(check({{"craft", 1}, {"impact", 2}, {"care", 3}, {"craft", 2}}),
            std::vector<std::string>{"ratings[3].competency"});
  EXPECT_EQ(check({{"craft", 1}, {"impact", 2}, {"care", 3}, {"speed", 2}}),
            std::vector<std::string>{"ratings[3].competency"});
  EXPECT_EQ(check({{"craft", 0}, {"impact", 6}, {"care", 3}}),
            (std::vector<std::string>{"ratings[0].rating", "ratings[1].rating"}));
}

TEST(ReviewReadTest, ReadersAreTheTwoPartiesTheChainAndTheRoles) {
  const ReviewParties parties{"dev", "lead"};
  const std::vector<std::string> chain = {"lead", "vp", "ceo"};
  EXPECT_TRUE(MayReadReview(parties, Viewer{"dev"}, {}));
  EXPECT_TRUE(MayReadReview(parties, Viewer{"lead"}, {}));
  EXPECT_TRUE(MayReadReview(parties, Viewer{"vp"}, chain));
  EXPECT_TRUE(MayReadReview(parties, Viewer{"root", true}, {}));
  EXPECT_TRUE(MayReadReview(parties, Viewer{"people-ops", false, true}, {}));
  EXPECT_TRUE(MayReadReview(parties, Viewer{"svc", false, false, true}, {}));
  EXPECT_FALSE(MayReadReview(parties, Viewer{"peer"}, chain));
  EXPECT_FALSE(MayReadReview(parties, Viewer{""}, {""}));
  EXPECT_EQ(DecideReviewRead(parties, Viewer{"vp"}), ReviewReadDecision::kNeedsChain);
  EXPECT_EQ(DecideReviewRead(parties, Viewer{"dev"}), ReviewReadDecision::kAllowed);
}

TEST(ReviewReadTest, TheRevieweeSeesTheManagerAssessmentOnlyOnceClosed) {
  const ReviewParties parties{"dev", "lead"};
  EXPECT_FALSE(ShowsManagerAssessment(parties, Viewer{"dev"}, ReviewCycleState::kActive));
  EXPECT_FALSE(ShowsManagerAssessment(parties, Viewer{"dev", true}, ReviewCycleState::kActive));
  EXPECT_TRUE(ShowsManagerAssessment(parties, Viewer{"dev"}, ReviewCycleState::kClosed));
  EXPECT_TRUE(ShowsManagerAssessment(parties, Viewer{"lead"}, ReviewCycleState::kActive));
  EXPECT_TRUE(ShowsManagerAssessment(parties, Viewer{"vp"}, ReviewCycleState::kScheduled));
}

TEST(SubmitTest, SelfByTheRevieweeManagerByTheReviewerOrAnAdminWithoutOne) {
  const ReviewParties managed{"dev", "lead"};
  const ReviewParties top{"ceo", ""};
  EXPECT_TRUE(MaySubmit(managed, Viewer{"dev"}, AssessmentKind::kSelf).ok());
  EXPECT_TRUE(MaySubmit(managed, Viewer{"lead"}, AssessmentKind::kManager).ok());
  EXPECT_TRUE(absl::IsPermissionDenied(MaySubmit(managed, Viewer{"lead"}, AssessmentKind::kSelf)));
  EXPECT_TRUE(
      absl::IsPermissionDenied(MaySubmit(managed, Viewer{"dev"}, AssessmentKind::kManager)));
  // An admin does not stand in for an existing reviewer.
  EXPECT_TRUE(
      absl::IsPermissionDenied(MaySubmit(managed, Viewer{"root", true}, AssessmentKind::kManager)));
  EXPECT_TRUE(MaySubmit(top, Viewer{"root", true}, AssessmentKind::kManager).ok());
  EXPECT_TRUE(absl::IsPermissionDenied(MaySubmit(top, Viewer{"vp"}, AssessmentKind::kManager)));
  EXPECT_EQ(
      common::ErrorReason(MaySubmit(top, Viewer{"hr", false, true}, AssessmentKind::kManager)),
      "ASSESSMENT_SUBMIT_DENIED");
}

TEST(PrivateGoalTest, FollowsWhatGoalsShowsOfAPersonsObjectives) {
  const ReviewParties parties{"dev", "lead"};
  const std::vector<std::string> chain = {"lead", "vp"};
  EXPECT_TRUE(MaySeePrivateGoal(parties, Viewer{"dev"}, chain));
  EXPECT_TRUE(MaySeePrivateGoal(parties, Viewer{"vp"}, chain));
  EXPECT_TRUE(MaySeePrivateGoal(parties, Viewer{"svc", false, false, true}, {}));
  EXPECT_FALSE(MaySeePrivateGoal(parties, Viewer{"people-ops", false, true}, chain));
  EXPECT_FALSE(MaySeePrivateGoal(parties, Viewer{"peer"}, chain));
}

Feedback Given(const std::string& id, const std::string& author, FeedbackKind kind,
               Visibility visibility, bool anonymous = false) {
  Feedback f;
  f.id = id;
  f.author = author;
  f.recipient = "dev";
  f.kind = kind;
  f.visibility = visibility;
  f.anonymous = anonymous;
  return f;
}

TEST(FeedbackTallyTest, CountsWhatTheReaderMayReadAndDistinctAuthors) {
  const std::vector<Feedback> received = {
      Given("f5", "peer", FeedbackKind::kPraise, Visibility::kPublic),
      Given("f4", "peer", FeedbackKind::kConstructive, Visibility::kManager, true),
      Given("f3", "ops", FeedbackKind::kRecognition, Visibility::kPublic, true),
      Given("f2", "lead", FeedbackKind::kConstructive, Visibility::kPrivate),
      Given("f1", "peer", FeedbackKind::kPraise, Visibility::kPrivate),
  };
  const std::vector<std::string> chain = {"lead", "vp"};
  // The reviewee reads all of it: three authors, one of them only anonymously.
  FeedbackTally mine = TallyFeedback(received, Viewer{"dev"}, chain);
  EXPECT_EQ(mine.praise, 2);
  EXPECT_EQ(mine.constructive, 2);
  EXPECT_EQ(mine.recognition, 1);
  EXPECT_EQ(mine.authors, 3);
  EXPECT_EQ(mine.ids, (std::vector<std::string>{"f5", "f4", "f3", "f2", "f1"}));
  // A skip-level manager reads MANAGER and PUBLIC, never the private ones.
  FeedbackTally vp = TallyFeedback(received, Viewer{"vp"}, chain);
  EXPECT_EQ(vp.ids, (std::vector<std::string>{"f5", "f4", "f3"}));
  EXPECT_EQ(vp.authors, 2);  // "peer" wrote f5 and (anonymously) f4
  // Someone outside the line reads PUBLIC only.
  FeedbackTally outsider = TallyFeedback(received, Viewer{"other"}, chain);
  EXPECT_EQ(outsider.ids, (std::vector<std::string>{"f5", "f3"}));
  EXPECT_EQ(outsider.praise, 1);
  EXPECT_EQ(outsider.constructive, 0);
}

TEST(FeedbackTallyTest, ListsAtMostTwoHundredButCountsAll) {
  std::vector<Feedback> received;
  for (int i = 0; i < 250; ++i) {
    received.push_back(Given("f" + std::to_string(i), "a" + std::to_string(i % 7),
                             FeedbackKind::kPraise, Visibility::kPublic));
  }
  FeedbackTally tally = TallyFeedback(received, Viewer{"dev"}, {});
  EXPECT_EQ(tally.praise, 250);
  EXPECT_EQ(tally.authors, 7);
  ASSERT_EQ(tally.ids.size(), 200u);
  EXPECT_EQ(tally.ids.front(), "f0");
  EXPECT_EQ(tally.ids.back(), "f199");
}

TEST(FeedbackWindowTest, RunsFromTheGoalsStartThroughTheReviewEndInclusive) {
  const TimeWindow w = FeedbackWindow(absl::CivilDay(2027, 1, 1), absl::CivilDay(2027, 6, 30));
  EXPECT_EQ(w.start, At(2027, 1, 1));
  EXPECT_EQ(w.end, At(2027, 7, 1));
  const TimeWindow empty = FeedbackWindow(absl::CivilDay(2027, 7, 1), absl::CivilDay(2027, 6, 1));
  EXPECT_EQ(empty.start, empty.end);
}

}  // namespace
}  // namespace okr::feedback
