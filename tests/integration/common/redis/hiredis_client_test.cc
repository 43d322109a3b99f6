// HiredisClient against a real redis-server: commands, pipelines, and the faults a cache meets in
// production (slow server, hung server, server gone and back, connection killed).
#include "okr/common/redis/hiredis_client.h"

#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/common/redis/real_redis_test.h"
#include "tests/support/redis_server.h"

namespace okr::common {
namespace {

using test_support::RedisServer;
using ::testing::HasSubstr;

// Slack for a loaded two-core machine on top of a timeout.
constexpr absl::Duration kSlack = absl::Milliseconds(300);

void ReportTiming(const std::string& what, absl::Duration d) {
  std::cout << "[timing] " << what << ": " << absl::FormatDuration(d) << std::endl;
}

class HiredisClientIntegrationTest : public RealRedisTest {
 protected:
  static RedisReply Run(RedisClient& client, std::vector<std::string> args) {
    absl::StatusOr<RedisReply> reply = client.Command(std::move(args));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.value_or(RedisReply::Error("transport failure"));
  }

  // Pings until the client answers or `limit` passes; returns how long it took.
  static absl::StatusOr<absl::Duration> WaitUntilHealthy(HiredisClient& client,
                                                         absl::Duration limit) {
    const absl::Time start = absl::Now();
    absl::Status last;
    while (absl::Now() - start < limit) {
      last = client.Ping();
      if (last.ok()) return absl::Now() - start;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return absl::DeadlineExceededError(absl::StrCat("still failing: ", last.message()));
  }
};

TEST_F(HiredisClientIntegrationTest, CommandsReachTheServer) {
  HiredisClient client(Options());
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_TRUE(Run(client, {"SET", "greeting", "hello"}).IsOk());
  EXPECT_EQ(Run(client, {"GET", "greeting"}), RedisReply::String("hello"));
  EXPECT_TRUE(Run(client, {"GET", "missing"}).is_nil());
  EXPECT_EQ(Run(client, {"INCR", "counter"}), RedisReply::Integer(1));
  EXPECT_EQ(Run(client, {"INCRBY", "counter", "41"}), RedisReply::Integer(42));
  EXPECT_EQ(Run(client, {"HSET", "obj:1", "progress", "0.5", "owner", "ana"}),
            RedisReply::Integer(2));
  EXPECT_EQ(Run(client, {"HGET", "obj:1", "owner"}), RedisReply::String("ana"));
  EXPECT_EQ(Run(client, {"HGETALL", "obj:1"}).elements().size(), 4u);
  EXPECT_EQ(Run(client, {"EXPIRE", "greeting", "100"}), RedisReply::Integer(1));
  EXPECT_EQ(Run(client, {"TTL", "greeting"}), RedisReply::Integer(100));
  EXPECT_EQ(Run(client, {"DEL", "greeting", "counter", "missing"}), RedisReply::Integer(2));
  EXPECT_EQ(client.ConnectAttemptsForTest(), 1);
}

TEST_F(HiredisClientIntegrationTest, KeysAndValuesAreBinarySafe) {
  HiredisClient client(Options());
  const std::string key("key\0with\r\nbytes", 15);
  std::string value;
  for (int i = 0; value.size() < (1 << 20); ++i) value.push_back(static_cast<char>(i % 256));
  EXPECT_TRUE(Run(client, {"SET", key, value}).IsOk());
  EXPECT_EQ(Run(client, {"GET", key}), RedisReply::String(value));
  EXPECT_TRUE(Run(client, {"GET", "key"}).is_nil());  // Nothing was cut at the '\0'.
  EXPECT_EQ(Run(client, {"STRLEN", key}), RedisReply::Integer(1 << 20));
}

TEST_F(HiredisClientIntegrationTest, ErrorRepliesAreRepliesAndKeepTheConnection) {
  HiredisClient client(Options());
  Run(client, {"SET", "text", "abc"});
  EXPECT_EQ(Run(client, {"INCR", "text"}),
            RedisReply::Error("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run(client, {"HGET", "text", "f"}),
            RedisReply::Error("WRONGTYPE Operation against a key holding the wrong kind of value"));
  const RedisReply unknown = Run(client, {"NOSUCHCOMMAND", "x"});
  EXPECT_TRUE(unknown.is_error());
  EXPECT_THAT(unknown.str(), HasSubstr("unknown command"));
  EXPECT_EQ(Run(client, {"GET", "text"}), RedisReply::String("abc"));
  EXPECT_EQ(client.ConnectAttemptsForTest(), 1);
}

TEST_F(HiredisClientIntegrationTest, PipelineOf1000CommandsKeepsOrder) {
  HiredisClient client(Options());
  std::vector<std::vector<std::string>> sets;
  for (int i = 0; i < 1000; ++i) sets.push_back({"SET", absl::StrCat("k:", i), absl::StrCat(i)});
  absl::StatusOr<std::vector<RedisReply>> set_replies = client.Pipeline(sets);
  ASSERT_TRUE(set_replies.ok()) << set_replies.status();
  ASSERT_EQ(set_replies->size(), 1000u);
  for (const RedisReply& reply : *set_replies) EXPECT_TRUE(reply.IsOk());

  // Alternating reads and increments: any reordering shows up as a wrong value.
  std::vector<std::vector<std::string>> mixed;
  for (int i = 0; i < 1000; ++i) {
    if (i % 2 == 0) {
      mixed.push_back({"GET", absl::StrCat("k:", 999 - i)});
    } else {
      mixed.push_back({"INCR", "counter"});
    }
  }
  mixed[500] = {"NOSUCHCOMMAND"};  // An error reply in the middle changes nothing around it.
  absl::StatusOr<std::vector<RedisReply>> replies = client.Pipeline(mixed);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 1000u);
  int64_t expected_count = 0;
  for (int i = 0; i < 1000; ++i) {
    const RedisReply& reply = (*replies)[static_cast<size_t>(i)];
    if (i == 500) {
      EXPECT_TRUE(reply.is_error()) << reply;
    } else if (i % 2 == 0) {
      EXPECT_EQ(reply, RedisReply::String(absl::StrCat(999 - i))) << "at " << i;
    } else {
      EXPECT_EQ(reply, RedisReply::Integer(++expected_count)) << "at " << i;
    }
  }
  EXPECT_EQ(client.ConnectAttemptsForTest(), 1);
}

TEST_F(HiredisClientIntegrationTest, SlowCommandTimesOutAndTheClientRecovers) {
  HiredisClient client(Options());
  ASSERT_TRUE(client.Ping().ok());
  const absl::Time start = absl::Now();
  absl::StatusOr<RedisReply> slow = client.Command({"DEBUG", "SLEEP", "1"});
  const absl::Duration took = absl::Now() - start;
  ReportTiming("DEBUG SLEEP 1 with a 200ms command timeout failed after", took);
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded) << slow.status();
  EXPECT_GE(took, kCommandTimeout - absl::Milliseconds(10));
  EXPECT_LT(took, kCommandTimeout + kSlack);

  // The server is busy for the rest of the second; then the client works again.
  absl::StatusOr<absl::Duration> recovered = WaitUntilHealthy(client, absl::Seconds(3));
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  ReportTiming("healthy again after DEBUG SLEEP, waited", *recovered);
  EXPECT_TRUE(Run(client, {"SET", "after", "sleep"}).IsOk());
}

TEST_F(HiredisClientIntegrationTest, HungServerTimesOutEveryCallAndTheClientRecovers) {
  HiredisClient client(Options());
  ASSERT_TRUE(client.Ping().ok());
  ASSERT_TRUE(server_->Pause().ok());
  absl::Duration slowest;
  for (int i = 0; i < 3; ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<RedisReply> reply = client.Command({"GET", "k"});
    slowest = std::max(slowest, absl::Now() - start);
    EXPECT_FALSE(reply.ok());
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kDeadlineExceeded) << reply.status();
  }
  ReportTiming("slowest call to a frozen (SIGSTOP) server", slowest);
  EXPECT_LT(slowest, kCommandTimeout + kSlack);
  ASSERT_TRUE(server_->Resume().ok());
  absl::StatusOr<absl::Duration> recovered = WaitUntilHealthy(client, absl::Seconds(3));
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  ReportTiming("healthy again after SIGCONT, waited", *recovered);
}

TEST_F(HiredisClientIntegrationTest, ServerStoppedFailsFastAndRestartRecovers) {
  HiredisClient client(Options());
  ASSERT_TRUE(Run(client, {"SET", "k", "v"}).IsOk());
  ASSERT_TRUE(server_->Stop().ok());

  // For one second, keep calling as a busy service would.
  int calls = 0;
  absl::Duration slowest;
  const absl::Time outage_start = absl::Now();
  while (absl::Now() - outage_start < absl::Seconds(1)) {
    const absl::Time start = absl::Now();
    absl::Status status = (calls % 2 == 0) ? client.Command({"GET", "k"}).status()
                                           : client.Pipeline({{"GET", "k"}, {"GET", "k"}}).status();
    slowest = std::max(slowest, absl::Now() - start);
    ++calls;
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ReportTiming(absl::StrCat("slowest of ", calls, " calls with the server stopped"), slowest);
  EXPECT_LT(slowest, kCommandTimeout);
  // Backoff (20ms doubling to 200ms) keeps reconnects to a handful per second, however many calls.
  const int64_t attempts = client.ConnectAttemptsForTest();
  std::cout << "[count] connect attempts during a 1s outage: " << attempts << " for " << calls
            << " calls" << std::endl;
  EXPECT_LE(attempts, 12);
  EXPECT_GT(calls, 5 * attempts);

  ASSERT_TRUE(server_->Restart().ok());
  absl::StatusOr<absl::Duration> recovered = WaitUntilHealthy(client, absl::Seconds(5));
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  ReportTiming("client healthy after restart on the same port, waited", *recovered);
  EXPECT_LT(*recovered, Options().max_backoff + kSlack);
  // The restarted server is empty (no persistence), and the client uses it.
  EXPECT_TRUE(Run(client, {"GET", "k"}).is_nil());
  EXPECT_TRUE(Run(client, {"SET", "k", "v2"}).IsOk());
  EXPECT_EQ(client.CurrentBackoffForTest(), absl::ZeroDuration());
}

TEST_F(HiredisClientIntegrationTest, ServerGoneDuringALargePipelineIsAnErrorNotACrash) {
  HiredisClient client(Options());
  ASSERT_TRUE(client.Ping().ok());
  ASSERT_TRUE(server_->Stop().ok());
  // The client still holds the dead connection; writing megabytes to it raises SIGPIPE, which
  // must not kill this process.
  std::vector<std::vector<std::string>> big(64, {"SET", "k", std::string(256 * 1024, 'x')});
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<RedisReply>> replies = client.Pipeline(big);
  ReportTiming("16 MiB pipeline to a stopped server failed after", absl::Now() - start);
  EXPECT_EQ(replies.status().code(), absl::StatusCode::kUnavailable) << replies.status();
  // Most of the time goes into formatting 16 MiB; the bound only says the call does not hang.
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(HiredisClientIntegrationTest, ConnectionKilledByTheServerIsReplacedAtOnce) {
  HiredisClient client(Options());
  HiredisClient admin(Options());
  ASSERT_TRUE(Run(client, {"CLIENT", "SETNAME", "victim"}).IsOk());
  ASSERT_TRUE(Run(admin, {"CLIENT", "SETNAME", "admin"}).IsOk());
  const RedisReply id = Run(client, {"CLIENT", "ID"});
  ASSERT_EQ(id.kind(), RedisReply::Kind::kInteger);
  EXPECT_EQ(Run(admin, {"CLIENT", "KILL", "ID", absl::StrCat(id.integer())}),
            RedisReply::Integer(1));

  absl::StatusOr<RedisReply> lost = client.Command({"PING"});
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kUnavailable) << lost.status();
  EXPECT_THAT(lost.status().message(), HasSubstr("closed"));
  // No backoff after a lost connection: the next call reconnects.
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(client.ConnectAttemptsForTest(), 2);
}

TEST_F(HiredisClientIntegrationTest, ManyThreadsShareOneClient) {
  HiredisClient client(Options());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&client, &failures, t] {
      for (int i = 0; i < kPerThread; ++i) {
        bool ok = false;
        if (i % 10 == 0) {
          absl::StatusOr<std::vector<RedisReply>> replies =
              client.Pipeline({{"INCR", "n"}, {"SET", absl::StrCat("t", t), "x"}});
          ok = replies.ok() && !(*replies)[0].is_error() && (*replies)[1].IsOk();
        } else {
          absl::StatusOr<RedisReply> reply = client.Command({"INCR", "n"});
          ok = reply.ok() && !reply->is_error();
        }
        if (!ok) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Run(client, {"GET", "n"}), RedisReply::String(absl::StrCat(kThreads * kPerThread)));
  EXPECT_EQ(client.ConnectAttemptsForTest(), 1);
}

TEST_F(HiredisClientIntegrationTest, BackoffGrowsWhileDownAndResetsWhenTheServerIsBack) {
  absl::Time now = absl::Now();
  HiredisClient client(Options(), [&now] { return now; });
  ASSERT_TRUE(client.Ping().ok());
  ASSERT_TRUE(server_->Stop().ok());
  EXPECT_FALSE(client.Ping().ok());  // Finds the connection dead.
  EXPECT_FALSE(client.Ping().ok());  // Reconnect refused: 20ms.
  now += absl::Milliseconds(20);
  EXPECT_FALSE(client.Ping().ok());  // 40ms.
  now += absl::Milliseconds(40);
  EXPECT_FALSE(client.Ping().ok());  // 80ms.
  EXPECT_EQ(client.CurrentBackoffForTest(), absl::Milliseconds(80));

  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_EQ(client.Ping().code(), absl::StatusCode::kUnavailable);  // Still backing off.
  now += absl::Milliseconds(80);
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(client.CurrentBackoffForTest(), absl::ZeroDuration());
  EXPECT_EQ(client.ConnectAttemptsForTest(), 5);
}

}  // namespace
}  // namespace okr::common
