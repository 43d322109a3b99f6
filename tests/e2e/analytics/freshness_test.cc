// Analytics end to end: a write acknowledged by goals or feedback shows in analytics' aggregates
// within the freshness bound, and every answer says how fresh it is and where it came from.
#include <algorithm>

#include "tests/e2e/analytics/analytics_e2e.h"

namespace okr::e2e {
namespace {

class AnalyticsFreshnessTest : public AnalyticsServersSuite {};

TEST_F(AnalyticsFreshnessTest, ChecksInsAndFeedbackShowWithinTheBound) {
  UpsertOrg({{"lead", "", {"core"}}, {"dev", "lead", {"core"}}, {"ops", "lead", {"core"}}});
  const std::string cycle = CreateActiveCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  const std::string objective = CreateObjective(cycle, "dev", "Ship it");
  const std::string kr = CreateKeyResult(objective);

  // The first read of a tenant waits for its snapshot; then the objective is there.
  av1::TeamSummary first = TeamSummary(Token("dev"), "teams/core", cycle);
  EXPECT_EQ(first.team(), "teams/core");
  EXPECT_EQ(first.member_count(), 3);
  EXPECT_EQ(first.goals().objective_count(), 1);
  EXPECT_EQ(first.goals().key_result_count(), 1);
  EXPECT_EQ(first.goals().progress_histogram_size(), 10);
  ASSERT_TRUE(Eventually([&] {
    return TeamSummary(Token("dev"), "teams/core", cycle).freshness().state() ==
           av1::FRESHNESS_STATE_CURRENT;
  })) << analytics_->Log();
  // Nothing changed: the second read comes from memory.
  av1::TeamSummary again = TeamSummary(Token("dev"), "teams/core", cycle);
  EXPECT_EQ(again.freshness().source(), av1::VALUE_SOURCE_MEMORY);
  EXPECT_LE(again.freshness().staleness().seconds(), 1);

  // Each check-in is visible well inside the 1 s bound once goals acknowledged it.
  std::vector<absl::Duration> lags;
  for (int i = 1; i <= 20; ++i) {
    ASSERT_NO_FATAL_FAILURE(CheckIn(kr, i * 5));
    const absl::Time acked = absl::Now();
    const double want = i * 0.05;
    ASSERT_TRUE(Eventually(
        [&] {
          return std::abs(
                     TeamSummary(Token("dev"), "teams/core", cycle).goals().average_progress() -
                     want) < 1e-9;
        },
        absl::Seconds(5)))
        << "check-in " << i << " never reached analytics\n"
        << analytics_->Log();
    lags.push_back(absl::Now() - acked);
  }
  std::sort(lags.begin(), lags.end());
  std::cout << "[          ] check-in -> analytics lag p50 " << lags[lags.size() / 2] << " max "
            << lags.back() << "\n";
  EXPECT_LT(lags.back(), absl::Seconds(1));

  const av1::TeamSummary after = TeamSummary(Token("dev"), "teams/core", cycle);
  EXPECT_EQ(after.engagement().active_key_result_count(), 1);
  EXPECT_EQ(after.engagement().checked_in_key_result_count(), 1);
  EXPECT_DOUBLE_EQ(after.engagement().check_in_rate(), 1.0);
  EXPECT_TRUE(after.engagement().has_last_check_in_time());
  EXPECT_EQ(after.goals().attainment_zones().commit_count(), 0);
  EXPECT_EQ(after.goals().attainment_zones().target_count() +
                after.goals().attainment_zones().stretch_count(),
            1);  // attainment 1.0

  // Feedback shows as well.
  GiveFeedback("ops", "dev", fv1::FEEDBACK_KIND_PRAISE, fv1::FEEDBACK_VISIBILITY_PUBLIC);
  const absl::Time given = absl::Now();
  ASSERT_TRUE(Eventually(
      [&] {
        return TeamSummary(Token("dev"), "teams/core", cycle)
                   .engagement()
                   .feedback_received()
                   .attributed()
                   .praise_count() == 1;
      },
      absl::Seconds(5)));
  EXPECT_LT(absl::Now() - given, absl::Seconds(1));
}

TEST_F(AnalyticsFreshnessTest, BadRequestsAndUnknownNamesAreClearErrors) {
  UpsertOrg({{"solo", "", {"only"}}});
  const std::string cycle = CreateCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  grpc::Status s;
  TeamSummary(Token("solo"), "not-a-team", cycle, false, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"team"}));
  TeamSummary(Token("solo"), "teams/only", "cycles/", false, &s);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"cycle"}));
  TeamSummary(Token("solo"), "teams/nobody", cycle, false, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "TEAM_NOT_FOUND");
  TeamSummary(Token("solo"), "teams/only", "cycles/nope", false, &s);
  EXPECT_EQ(FeedbackReason(s), "CYCLE_NOT_FOUND");

  av1::GetEngagementRequest engagement;
  engagement.set_cycle(cycle);
  engagement.set_include_sub_teams(true);
  av1::Engagement out;
  s = analytics_stub_->GetEngagement(Ctx(Token("solo")).get(), engagement, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"include_sub_teams"}));

  grpc::ClientContext anonymous;
  av1::GetCycleSummaryRequest cycle_request;
  cycle_request.set_cycle(cycle);
  av1::CycleSummary summary;
  EXPECT_EQ(analytics_stub_->GetCycleSummary(&anonymous, cycle_request, &summary).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace okr::e2e
