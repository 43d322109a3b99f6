// Analytics end to end, trends: past days of a cycle are filled in from goals' check-in history
// (the tree as of the end of each day, not today's facts), today's point is the current value,
// days before a subject existed have no point, stored points survive a restart, and bad requests
// are clear errors.
#include "tests/e2e/analytics/analytics_e2e.h"
#include "tests/support/free_port.h"
#include "tests/support/http_get.h"

namespace okr::e2e {
namespace {

google::type::Date DateOf(absl::CivilDay day) {
  return Date(static_cast<int>(day.year()), day.month(), day.day());
}

class AnalyticsTrendTest : public AnalyticsServersSuite {
 protected:
  av1::Trend Trend(av1::AnalyticsService::Stub& stub, const av1::GetTrendRequest& request,
                   grpc::Status* status = nullptr) {
    av1::Trend out;
    grpc::Status s = stub.GetTrend(Ctx(Admin(), absl::Seconds(30)).get(), request, &out);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return out;
  }

  static std::vector<std::pair<std::string, double>> Points(const av1::Trend& trend) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& p : trend.points()) {
      out.emplace_back(absl::StrCat(p.date().year(), "-", p.date().month(), "-", p.date().day()),
                       p.value());
    }
    return out;
  }

  const absl::CivilDay today_ = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
};

TEST_F(AnalyticsTrendTest, PastDaysComeFromTheCheckInHistoryAndTodayIsCurrent) {
  UpsertOrg({{"lead", "", {"core"}}, {"dev", "lead", {"core"}}});
  const std::string cycle = CreateActiveCycle("Q", DateOf(today_ - 5), DateOf(today_ + 30));
  const std::string objective = CreateObjective(cycle, "dev", "Ship it");
  const std::string kr = CreateKeyResult(objective);
  ASSERT_NO_FATAL_FAILURE(CheckIn(kr, 50));

  test_support::TempDir dir;
  const int metrics = test_support::PickFreePort();
  const std::vector<std::string> flags = {"--trend-interval", "100ms", "--metrics-listen",
                                          absl::StrCat("127.0.0.1:", metrics)};
  auto own = StartAnalytics(dir.path(), flags);
  ASSERT_NE(own, nullptr) << problem_;
  auto stub = av1::AnalyticsService::NewStub(own->channel());

  av1::GetTrendRequest request;
  request.set_metric(av1::TREND_METRIC_PROGRESS);
  request.set_cycle(cycle);
  *request.mutable_start_date() = DateOf(today_ - 10);
  *request.mutable_end_date() = DateOf(today_ + 10);
  av1::Trend trend = Trend(*stub, request);
  // The five past days of the cycle are filled in from goals' trees as of their ends...
  const std::string written = R"(okr_analytics_trend_days_total{result="written"})";
  ASSERT_TRUE(Eventually([&] { return test_support::MetricSample(metrics, written) >= 5; }))
      << own->Log();
  // ... when nothing existed yet (today's facts would say 0.5): no objective, no point. Days
  // before the cycle or after today have none either; today's is the current value.
  trend = Trend(*stub, request);
  ASSERT_EQ(trend.points_size(), 1) << trend.ShortDebugString();
  EXPECT_EQ(trend.points(0).date().day(), today_.day());
  EXPECT_DOUBLE_EQ(trend.points(0).value(), 0.5);
  EXPECT_EQ(trend.cycle(), cycle);
  EXPECT_EQ(trend.metric(), av1::TREND_METRIC_PROGRESS);
  EXPECT_TRUE(trend.has_computed_time());
  EXPECT_NE(trend.freshness().state(), av1::FRESHNESS_STATE_UNSPECIFIED);

  // The team's series and the objective's likewise.
  av1::GetTrendRequest team = request;
  team.set_team("teams/core");
  team.set_metric(av1::TREND_METRIC_CHECK_IN_RATE);
  const av1::Trend team_trend = Trend(*stub, team);
  ASSERT_EQ(team_trend.points_size(), 1);
  EXPECT_DOUBLE_EQ(team_trend.points(0).value(), 1);
  EXPECT_EQ(team_trend.team(), "teams/core");
  av1::GetTrendRequest subtree = request;
  subtree.clear_cycle();
  subtree.set_objective(objective);
  const av1::Trend subtree_trend = Trend(*stub, subtree);
  ASSERT_EQ(subtree_trend.points_size(), 1);
  EXPECT_DOUBLE_EQ(subtree_trend.points(0).value(), 0.5);
  EXPECT_EQ(subtree_trend.cycle(), cycle);
  EXPECT_EQ(subtree_trend.objective(), objective);

  // Today moves with the facts; the days are stored (the restarted analytics writes none again).
  ASSERT_NO_FATAL_FAILURE(CheckIn(kr, 80));
  ASSERT_TRUE(Eventually([&] {
    trend = Trend(*stub, request);
    return trend.points_size() == 1 && trend.points(0).value() == 0.8;
  })) << own->Log();
  const auto before = Points(trend);
  own.reset();
  own = StartAnalytics(dir.path(), flags);
  ASSERT_NE(own, nullptr) << problem_;
  stub = av1::AnalyticsService::NewStub(own->channel());
  EXPECT_EQ(Points(Trend(*stub, request)), before);
  absl::SleepFor(absl::Milliseconds(300));  // three passes
  EXPECT_EQ(test_support::MetricSample(metrics, written), 0);
}

TEST_F(AnalyticsTrendTest, APrivateObjectivesTrendIsForItsReadersOnly) {
  UpsertOrg({{"lead", "", {"core"}}, {"dev", "lead", {"core"}}, {"eve", "", {"other"}}});
  const std::string cycle = CreateActiveCycle("Q", DateOf(today_ - 2), DateOf(today_ + 30));
  const std::string secret = CreateObjective(cycle, "dev", "Secret", /*is_private=*/true);
  ASSERT_NO_FATAL_FAILURE(CheckIn(CreateKeyResult(secret), 30));
  av1::GetTrendRequest request;
  request.set_metric(av1::TREND_METRIC_PROGRESS);
  request.set_objective(secret);
  *request.mutable_start_date() = DateOf(today_ - 2);
  *request.mutable_end_date() = DateOf(today_);
  av1::Trend out;
  grpc::Status s =
      analytics_stub_->GetTrend(Ctx(Token("eve"), absl::Seconds(30)).get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "OBJECTIVE_NOT_FOUND");
  for (const char* reader : {"dev", "lead"}) {  // the owner and their manager
    out.Clear();
    s = analytics_stub_->GetTrend(Ctx(Token(reader), absl::Seconds(30)).get(), request, &out);
    ASSERT_TRUE(s.ok()) << reader << ": " << s.error_message();
    ASSERT_GE(out.points_size(), 1) << reader;
    EXPECT_DOUBLE_EQ(out.points(out.points_size() - 1).value(), 0.3) << reader;
  }
  // Counted, not named, in the cycle's trend that eve may read.
  request.clear_objective();
  request.set_cycle(cycle);
  request.set_metric(av1::TREND_METRIC_ON_TRACK_COUNT);
  out.Clear();
  s = analytics_stub_->GetTrend(Ctx(Token("eve"), absl::Seconds(30)).get(), request, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.points_size(), 1);
  EXPECT_DOUBLE_EQ(out.points(0).value(), 1);  // 0.3 two days into the cycle is ahead
}

TEST_F(AnalyticsTrendTest, BadRequestsAreClearErrors) {
  UpsertOrg({{"solo", "", {"only"}}});
  const std::string cycle = CreateActiveCycle("Q", DateOf(today_ - 5), DateOf(today_ + 30));
  const std::string objective = CreateObjective(cycle, "solo", "Goal");
  const std::string other = CreateActiveCycle("R", DateOf(today_ - 5), DateOf(today_ + 30));
  av1::GetTrendRequest good;
  good.set_metric(av1::TREND_METRIC_PROGRESS);
  good.set_cycle(cycle);
  *good.mutable_start_date() = DateOf(today_ - 1);
  *good.mutable_end_date() = DateOf(today_);
  grpc::Status s;
  Trend(*analytics_stub_, good, &s);
  ASSERT_TRUE(s.ok()) << s.error_message();

  auto expect = [&](const av1::GetTrendRequest& request, grpc::StatusCode code,
                    const std::string& reason, std::vector<std::string> fields) {
    Trend(*analytics_stub_, request, &s);
    EXPECT_EQ(s.error_code(), code) << request.ShortDebugString();
    EXPECT_EQ(FeedbackReason(s), reason) << request.ShortDebugString();
    EXPECT_EQ(FeedbackFields(s), fields) << request.ShortDebugString();
  };
  av1::GetTrendRequest r = good;
  r.clear_metric();
  r.clear_cycle();
  r.set_include_sub_teams(true);
  r.clear_end_date();
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_TREND_REQUEST",
         {"metric", "cycle", "include_sub_teams", "end_date"});
  r = good;
  *r.mutable_end_date() = DateOf(today_ - 2);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_DATE_RANGE", {"end_date"});
  r = good;
  *r.mutable_start_date() = DateOf(today_ - 366);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_DATE_RANGE", {"end_date"});
  *r.mutable_start_date() = DateOf(today_ - 365);  // 366 days: the most there may be
  Trend(*analytics_stub_, r, &s);
  EXPECT_TRUE(s.ok()) << s.error_message();
  r = good;
  *r.mutable_start_date() = Date(2026, 2, 30);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_DATE", {"start_date"});
  r = good;
  r.set_objective(objective);
  r.set_cycle(other);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "CYCLE_MISMATCH", {"cycle"});
  r = good;
  r.set_team("teams/nobody");
  expect(r, grpc::StatusCode::NOT_FOUND, "TEAM_NOT_FOUND", {});
  r = good;
  r.set_cycle("cycles/nope");
  expect(r, grpc::StatusCode::NOT_FOUND, "CYCLE_NOT_FOUND", {});
  r = good;
  r.set_objective("objectives/nope");
  expect(r, grpc::StatusCode::NOT_FOUND, "OBJECTIVE_NOT_FOUND", {});
}

}  // namespace
}  // namespace okr::e2e
