// Analytics end to end with a real redis-server: aggregates written through as stamped hashes
// with a TTL, hot aggregates kept current in Redis and in memory after every change, a second
// replica taking the first one's values through Redis and its announcements, and every read
// answered correctly (and counted) while Redis is stopped, restarted empty, slow, resetting its
// connections or hung; afterwards the cache is repopulated by itself.
#include <map>
#include <thread>

#include "okr/common/redis/hiredis_client.h"
#include "tests/e2e/analytics/analytics_e2e.h"
#include "tests/support/free_port.h"
#include "tests/support/http_get.h"
#include "tests/support/redis_server.h"
#include "tests/support/tcp_proxy.h"

namespace okr::e2e {
namespace {

class AnalyticsRedisTest : public AnalyticsServersSuite {
 protected:
  static void SetUpTestSuite() {
    StartServers();
    if (!problem_.empty()) return;
    auto redis = test_support::RedisServer::Start();
    if (!redis.ok()) {
      problem_ = std::string(redis.status().message());
      return;
    }
    redis_ = redis->release();
    auto proxy = test_support::TcpProxy::Start(redis_->port());
    if (!proxy.ok()) {
      problem_ = std::string(proxy.status().message());
      return;
    }
    proxy_ = proxy->release();
    analytics_dir_ = new test_support::TempDir;
    metrics_port_ = test_support::PickFreePort();
    // This replica reaches Redis through the fault proxy; its Redis calls time out after 50 ms.
    analytics_ =
        StartAnalytics(analytics_dir_->path(),
                       {"--redis", absl::StrCat("127.0.0.1:", proxy_->port()), "--redis-timeout",
                        "50ms", "--metrics-listen", absl::StrCat("127.0.0.1:", metrics_port_)})
            .release();
  }

  static void TearDownTestSuite() {
    delete analytics_;
    analytics_ = nullptr;
    delete analytics_dir_;
    analytics_dir_ = nullptr;
    delete proxy_;
    proxy_ = nullptr;
    delete redis_;
    redis_ = nullptr;
    FeedbackServersSuite::TearDownTestSuite();
  }

  void SetUp() override {
    AnalyticsServersSuite::SetUp();
    ASSERT_NE(redis_, nullptr) << problem_;
    common::RedisOptions options;
    options.port = redis_->port();
    direct_ = std::make_unique<common::HiredisClient>(options);
  }

  // The hash analytics keeps for the team summary of `team` in `cycle` (names), as field ->
  // value; empty when there is none (or Redis does not answer).
  std::map<std::string, std::string> StoredTeamSummary(const std::string& team,
                                                       const std::string& cycle) {
    auto reply = direct_->Command({"HGETALL", TeamKey(team, cycle)});
    std::map<std::string, std::string> out;
    if (!reply.ok()) return out;
    const auto& e = reply->elements();
    for (size_t i = 0; i + 1 < e.size(); i += 2) out[e[i].str()] = e[i + 1].str();
    return out;
  }

  std::string TeamKey(const std::string& team, const std::string& cycle) const {
    return absl::StrCat("okr:analytics:{", tenant_, "}:agg:team:", team.substr(6), ":",
                        cycle.substr(7), ":0");
  }

  // The average progress of the team summary stored in Redis; -1 if none.
  double StoredAverage(const std::string& team, const std::string& cycle) {
    auto fields = StoredTeamSummary(team, cycle);
    av1::TeamSummary summary;
    if (!fields.contains("value") || !summary.ParseFromString(fields["value"])) return -1;
    return summary.goals().average_progress();
  }

  static double Errors() {
    double sum = 0;
    for (const char* op : {"read", "write"}) {
      for (const char* kind : {"fault", "skipped"}) {
        sum += std::max(
            0.0, test_support::MetricSample(
                     metrics_port_, absl::StrCat(R"(okr_analytics_redis_errors_total{kind=")", kind,
                                                 R"(",op=")", op, R"("})")));
      }
    }
    return sum;
  }

  // A team with one key result, read once through this replica (so its summary is hot).
  struct Team {
    std::string cycle;
    std::string key_result;
  };
  Team HotTeam() {
    UpsertOrg({{"lead", "", {"core"}}, {"dev", "lead", {"core"}}});
    Team t;
    t.cycle = CreateActiveCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
    t.key_result = CreateKeyResult(CreateObjective(t.cycle, "dev", "Ship it"));
    EXPECT_EQ(TeamSummary(Token("dev"), "teams/core", t.cycle).goals().objective_count(), 1);
    return t;
  }

  // Reads the summary `n` times through this replica, each within 1 s; all must succeed.
  void ExpectReadsAnswered(const Team& t, double want, int n = 10) {
    for (int i = 0; i < n; ++i) {
      av1::GetTeamSummaryRequest request;
      request.set_team("teams/core");
      request.set_cycle(t.cycle);
      av1::TeamSummary out;
      const absl::Time start = absl::Now();
      grpc::Status s =
          analytics_stub_->GetTeamSummary(Ctx(Token("dev"), absl::Seconds(1)).get(), request, &out);
      ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << analytics_->Log();
      EXPECT_NEAR(out.goals().average_progress(), want, 1e-9);
      EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    }
  }

  bool EventuallyAnalytics(const Team& t, double want) {
    return Eventually(
        [&] {
          grpc::Status s;
          return std::abs(TeamSummary(Token("dev"), "teams/core", t.cycle, false, &s)
                              .goals()
                              .average_progress() -
                          want) < 1e-9;
        },
        absl::Seconds(5));
  }

  static inline test_support::RedisServer* redis_ = nullptr;
  static inline test_support::TcpProxy* proxy_ = nullptr;
  static inline int metrics_port_ = 0;
  std::unique_ptr<common::HiredisClient> direct_;
};

TEST_F(AnalyticsRedisTest, WritesThroughStampedHashesWithATtlAndKeepsHotOnesCurrent) {
  const Team t = HotTeam();
  // Written through after the computation: a stamped hash under the tenant's hash tag.
  ASSERT_TRUE(Eventually([&] { return StoredAverage("teams/core", t.cycle) == 0; }))
      << analytics_->Log();
  auto fields = StoredTeamSummary("teams/core", t.cycle);
  EXPECT_EQ(fields["stamp"].find('/'), 32u) << fields["stamp"];  // facts' digest / config
  EXPECT_FALSE(fields["computed_us"].empty());
  auto ttl = direct_->Command({"PTTL", TeamKey("teams/core", t.cycle)});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer(), 0);
  EXPECT_LE(ttl->integer(), 72'000);  // 60 s and at most 20% jitter

  // A change reaches Redis with no read in between: the hot summary is refreshed ahead of reads.
  const std::string stamp_before = fields["stamp"];
  ASSERT_NO_FATAL_FAILURE(CheckIn(t.key_result, 40));
  ASSERT_TRUE(Eventually([&] { return StoredAverage("teams/core", t.cycle) == 0.4; }))
      << analytics_->Log();
  EXPECT_NE(StoredTeamSummary("teams/core", t.cycle)["stamp"], stamp_before);
  // ... and in memory: the next read needs no computation (a check-in applied in two batches
  // may make one refresh come later).
  av1::TeamSummary read;
  EXPECT_TRUE(Eventually([&] {
    read = TeamSummary(Token("dev"), "teams/core", t.cycle);
    return read.freshness().source() == av1::VALUE_SOURCE_MEMORY;
  })) << read.ShortDebugString();
  EXPECT_DOUBLE_EQ(read.goals().average_progress(), 0.4);

  // Redis restarted empty with nothing to write meanwhile: the resubscription finds it empty
  // and the hot summary is written again, without a read.
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(Eventually([&] { return StoredAverage("teams/core", t.cycle) == 0.4; }))
      << analytics_->Log();
}

TEST_F(AnalyticsRedisTest, ASecondReplicaTakesValuesThroughRedisAndStaysInStep) {
  const Team t = HotTeam();
  test_support::TempDir dir;
  const int b_metrics = test_support::PickFreePort();
  // A value is taken from Redis while younger than the taker's memory age: generous here, so a
  // slow machine does not decide the outcome.
  auto b = StartAnalytics(
      dir.path(), {"--redis", absl::StrCat("127.0.0.1:", redis_->port()), "--metrics-listen",
                   absl::StrCat("127.0.0.1:", b_metrics), "--memory-max-age", "30s"});
  ASSERT_NE(b, nullptr) << problem_;
  auto b_stub = av1::AnalyticsService::NewStub(b->channel());
  // B follows the tenant (from a read of another aggregate) and never reads the team summary.
  av1::GetCycleSummaryRequest cycle_request;
  cycle_request.set_cycle(t.cycle);
  av1::CycleSummary cycle_summary;
  ASSERT_TRUE(
      b_stub->GetCycleSummary(Ctx(Admin(), absl::Seconds(30)).get(), cycle_request, &cycle_summary)
          .ok());
  // A announces its summary as it writes it; B notes it.
  ASSERT_NO_FATAL_FAILURE(CheckIn(t.key_result, 70));
  ASSERT_TRUE(EventuallyAnalytics(t, 0.7)) << analytics_->Log();
  const std::string announced = R"(okr_analytics_peer_announcements_total{result="taken"})";
  const std::string noted = R"(okr_analytics_peer_announcements_total{result="noted"})";
  ASSERT_TRUE(Eventually([&] {
    return test_support::MetricSample(b_metrics, announced) +
               test_support::MetricSample(b_metrics, noted) >
           0;
  })) << b->Log();
  // Once B has applied the check-in itself, it holds the same value in memory: its first read of
  // the team summary is from memory, not a computation.
  ASSERT_TRUE(Eventually([&] {
    cycle_summary.Clear();
    b_stub->GetCycleSummary(Ctx(Admin()).get(), cycle_request, &cycle_summary);
    return cycle_summary.goals().average_progress() == 0.7;
  })) << b->Log();
  absl::SleepFor(absl::Milliseconds(300));
  const av1::TeamSummary from_b =
      TeamSummary(Token("dev"), "teams/core", t.cycle, false, nullptr, b_stub.get());
  EXPECT_DOUBLE_EQ(from_b.goals().average_progress(), 0.7);
  EXPECT_EQ(from_b.freshness().source(), av1::VALUE_SOURCE_MEMORY) << b->Log();
  EXPECT_GT(
      test_support::MetricSample(b_metrics, R"(okr_analytics_redis_lookups_total{result="hit"})") +
          test_support::MetricSample(b_metrics, announced),
      0);
}

TEST_F(AnalyticsRedisTest, EveryReadIsAnsweredWhileRedisFailsAndTheCacheRefillsAfter) {
  const Team t = HotTeam();
  ASSERT_TRUE(Eventually([&] { return StoredAverage("teams/core", t.cycle) == 0; }));

  // Stopped.
  double errors = Errors();
  ASSERT_TRUE(redis_->Stop().ok());
  ASSERT_NO_FATAL_FAILURE(CheckIn(t.key_result, 10));
  ASSERT_TRUE(EventuallyAnalytics(t, 0.1)) << analytics_->Log();
  ASSERT_NO_FATAL_FAILURE(ExpectReadsAnswered(t, 0.1));
  EXPECT_TRUE(Eventually([&] { return Errors() > errors; })) << "no failure counted";

  // Restarted empty: the hot summary is written again without any read.
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(Eventually([&] { return StoredAverage("teams/core", t.cycle) == 0.1; }))
      << analytics_->Log();

  // Slow: every call takes longer than the 50 ms timeout.
  errors = Errors();
  proxy_->SetLatency(absl::Milliseconds(300));
  ASSERT_NO_FATAL_FAILURE(CheckIn(t.key_result, 20));
  ASSERT_TRUE(EventuallyAnalytics(t, 0.2)) << analytics_->Log();
  ASSERT_NO_FATAL_FAILURE(ExpectReadsAnswered(t, 0.2));
  EXPECT_TRUE(Eventually([&] { return Errors() > errors; })) << "no slow call counted";
  proxy_->SetLatency(absl::ZeroDuration());

  // Connections reset over and over while writes and reads go on.
  {
    // Stopped and joined on every way out of this block, failed assertions included.
    std::jthread resetter([&](std::stop_token stop) {
      while (!stop.stop_requested()) {
        proxy_->ResetAll();
        absl::SleepFor(absl::Milliseconds(3));
      }
    });
    for (int i = 3; i <= 6; ++i) {
      ASSERT_NO_FATAL_FAILURE(CheckIn(t.key_result, i * 10));
      ASSERT_TRUE(EventuallyAnalytics(t, i * 0.1)) << analytics_->Log();
      ASSERT_NO_FATAL_FAILURE(ExpectReadsAnswered(t, i * 0.1, 5));
    }
  }

  // Hung: connections are accepted and never answered.
  errors = Errors();
  proxy_->SetMode(test_support::TcpProxy::Mode::kBlackhole);
  proxy_->ResetAll();
  ASSERT_NO_FATAL_FAILURE(CheckIn(t.key_result, 80));
  ASSERT_TRUE(EventuallyAnalytics(t, 0.8)) << analytics_->Log();
  ASSERT_NO_FATAL_FAILURE(ExpectReadsAnswered(t, 0.8));
  EXPECT_TRUE(Eventually([&] { return Errors() > errors; })) << "no fault counted";

  // Recovered: Redis holds the latest value again, by itself.
  proxy_->SetMode(test_support::TcpProxy::Mode::kForward);
  proxy_->ResetAll();
  EXPECT_TRUE(Eventually([&] { return StoredAverage("teams/core", t.cycle) == 0.8; }))
      << analytics_->Log();
}

}  // namespace
}  // namespace okr::e2e
