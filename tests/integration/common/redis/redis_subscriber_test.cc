// RedisSubscriber against a real redis-server: delivery (order, channels, binary payloads) and the
// faults a long-lived subscription meets (server restarted, down at start, hung), with Stop prompt
// throughout.
#include "okr/common/redis/redis_subscriber.h"

#include <atomic>
#include <functional>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/redis/hiredis_client.h"
#include "tests/integration/common/redis/real_redis_test.h"
#include "tests/support/redis_server.h"

namespace okr::common {
namespace {

using test_support::RedisServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Message = std::pair<std::string, std::string>;  // channel, message

// Every wait for something that should happen is bounded by this.
constexpr absl::Duration kWait = absl::Seconds(5);
// What "prompt" means for Stop here: its budget is ~300 ms, plus slack for a loaded machine.
constexpr absl::Duration kPromptStop = absl::Seconds(1);

void ReportTiming(const std::string& what, absl::Duration d) {
  std::cout << "[timing] " << what << ": " << absl::FormatDuration(d) << std::endl;
}

// Polls until `done` holds or `limit` passes; false on timeout.
bool WaitUntil(const std::function<bool()>& done, absl::Duration limit = kWait) {
  const absl::Time deadline = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

// Collects what the handler receives (on the subscriber's thread).
class Inbox {
 public:
  RedisSubscriber::Handler Handler() {
    return [this](const std::string& channel, const std::string& message) {
      absl::MutexLock lock(&mu_);
      messages_.emplace_back(channel, message);
    };
  }

  // Waits until at least `count` messages arrived (or kWait passed) and returns all of them.
  std::vector<Message> WaitFor(size_t count) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count] { return messages_.size() >= count; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), kWait);
    return messages_;
  }

 private:
  absl::Mutex mu_;
  std::vector<Message> messages_ ABSL_GUARDED_BY(mu_);
};

class RedisSubscriberIntegrationTest : public RealRedisTest {
 protected:
  // PUBLISH over a fresh connection (so a restarted server needs no reconnect handling here);
  // returns how many subscribers received it, -1 on failure.
  int64_t Publish(const std::string& channel, const std::string& message) const {
    HiredisClient publisher(Options());
    absl::StatusOr<RedisReply> reply = publisher.Command({"PUBLISH", channel, message});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return -1;
    EXPECT_EQ(reply->kind(), RedisReply::Kind::kInteger) << *reply;
    return reply->integer();
  }

  // A subscriber to `patterns` that fills inbox_ and counts on_subscribed calls.
  std::unique_ptr<RedisSubscriber> MakeSubscriber(RedisOptions options,
                                                  std::vector<std::string> patterns = {"goals:*"}) {
    return std::make_unique<RedisSubscriber>(std::move(options), std::move(patterns),
                                             inbox_.Handler(), [this] { ++on_subscribed_; });
  }

  bool WaitForSubscriptions(const RedisSubscriber& subscriber, int64_t count) {
    return WaitUntil([&] {
      return subscriber.subscriptions() >= count && subscriber.subscribed() &&
             on_subscribed_.load() >= count;
    });
  }

  Inbox inbox_;
  std::atomic<int> on_subscribed_{0};
};

TEST_F(RedisSubscriberIntegrationTest, DeliversMatchingMessagesInOrderWithTheirChannels) {
  std::unique_ptr<RedisSubscriber> subscriber = MakeSubscriber(Options(), {"goals:*", "teams:?"});
  EXPECT_FALSE(subscriber->subscribed());
  EXPECT_EQ(subscriber->subscriptions(), 0);
  subscriber->Start();
  ASSERT_TRUE(WaitForSubscriptions(*subscriber, 1)) << subscriber->last_error();

  EXPECT_EQ(Publish("goals:1", "first"), 1);
  EXPECT_EQ(Publish("other:1", "not for us"), 0);
  EXPECT_EQ(Publish("teams:a", "second"), 1);
  EXPECT_EQ(Publish("goals", "no colon, no match"), 0);
  EXPECT_EQ(Publish("teams:ab", "two characters, no match"), 0);
  EXPECT_EQ(Publish("goals:2", "third"), 1);
  EXPECT_EQ(Publish("goals:1", "fourth"), 1);

  // One connection delivers in publish order: had a non-matching message been delivered, it would
  // be in here before "fourth".
  EXPECT_THAT(inbox_.WaitFor(4),
              ElementsAre(Message("goals:1", "first"), Message("teams:a", "second"),
                          Message("goals:2", "third"), Message("goals:1", "fourth")));
  EXPECT_EQ(on_subscribed_.load(), 1);
  EXPECT_EQ(subscriber->subscriptions(), 1);
  EXPECT_TRUE(subscriber->subscribed());
  EXPECT_TRUE(subscriber->last_error().ok()) << subscriber->last_error();
}

TEST_F(RedisSubscriberIntegrationTest, PatternsChannelsAndPayloadsAreBinarySafe) {
  const std::string pattern("raw\0:*", 6);
  const std::string channel("raw\0:1", 6);
  const std::string payload("a\0b\r\n\xff\0", 7);
  std::unique_ptr<RedisSubscriber> subscriber = MakeSubscriber(Options(), {pattern});
  subscriber->Start();
  ASSERT_TRUE(WaitForSubscriptions(*subscriber, 1)) << subscriber->last_error();

  // Truncated at the '\0', the channel would be "raw" and match nothing.
  EXPECT_EQ(Publish("raw", "truncated"), 0);
  EXPECT_EQ(Publish(channel, payload), 1);
  EXPECT_EQ(Publish(channel, ""), 1);
  EXPECT_THAT(inbox_.WaitFor(2), ElementsAre(Message(channel, payload), Message(channel, "")));
}

TEST_F(RedisSubscriberIntegrationTest, OnSubscribedRunsOnceTheSubscriptionIsLive) {
  // Publishing from on_subscribed proves the server already routes messages to the subscriber.
  std::atomic<int64_t> receivers{-1};
  RedisSubscriber subscriber(Options(), {"goals:*"}, inbox_.Handler(), [&] {
    receivers = Publish("goals:hello", "from on_subscribed");
    ++on_subscribed_;
  });
  subscriber.Start();
  ASSERT_TRUE(WaitForSubscriptions(subscriber, 1)) << subscriber.last_error();
  EXPECT_EQ(receivers.load(), 1);
  EXPECT_THAT(inbox_.WaitFor(1), ElementsAre(Message("goals:hello", "from on_subscribed")));
  EXPECT_EQ(on_subscribed_.load(), 1);
}

TEST_F(RedisSubscriberIntegrationTest, ResubscribesByItselfAfterTheServerRestarts) {
  std::unique_ptr<RedisSubscriber> subscriber = MakeSubscriber(Options());
  subscriber->Start();
  ASSERT_TRUE(WaitForSubscriptions(*subscriber, 1)) << subscriber->last_error();
  EXPECT_EQ(Publish("goals:1", "before"), 1);
  ASSERT_EQ(inbox_.WaitFor(1).size(), 1u);

  const absl::Time restart = absl::Now();
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(WaitForSubscriptions(*subscriber, 2)) << subscriber->last_error();
  ReportTiming("resubscribed after Restart() began", absl::Now() - restart);
  EXPECT_EQ(subscriber->subscriptions(), 2);
  EXPECT_EQ(on_subscribed_.load(), 2);
  // The fault that ended the first connection was recorded.
  EXPECT_EQ(subscriber->last_error().code(), absl::StatusCode::kUnavailable)
      << subscriber->last_error();

  EXPECT_EQ(Publish("goals:2", "after"), 1);
  EXPECT_THAT(inbox_.WaitFor(2),
              ElementsAre(Message("goals:1", "before"), Message("goals:2", "after")));
}

TEST_F(RedisSubscriberIntegrationTest, SubscribesOnceAServerDownAtStartComesUp) {
  ASSERT_TRUE(server_->Stop().ok());
  std::unique_ptr<RedisSubscriber> subscriber = MakeSubscriber(Options());
  const absl::Time start = absl::Now();
  subscriber->Start();
  const absl::Duration start_took = absl::Now() - start;
  ReportTiming("Start() with Redis down", start_took);
  EXPECT_LT(start_took, absl::Milliseconds(100));

  // It keeps trying: refused connects are recorded as faults, nothing counts as subscribed.
  ASSERT_TRUE(WaitUntil([&] { return !subscriber->last_error().ok(); }));
  EXPECT_EQ(subscriber->last_error().code(), absl::StatusCode::kUnavailable)
      << subscriber->last_error();
  EXPECT_THAT(subscriber->last_error().message(), HasSubstr("connect failed"));
  EXPECT_FALSE(subscriber->subscribed());
  EXPECT_EQ(subscriber->subscriptions(), 0);
  EXPECT_EQ(on_subscribed_.load(), 0);

  const absl::Time up = absl::Now();
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(WaitForSubscriptions(*subscriber, 1)) << subscriber->last_error();
  ReportTiming("subscribed after the server was started", absl::Now() - up);
  EXPECT_EQ(subscriber->subscriptions(), 1);
  EXPECT_EQ(Publish("goals:1", "hello"), 1);
  EXPECT_THAT(inbox_.WaitFor(1), ElementsAre(Message("goals:1", "hello")));
}

TEST_F(RedisSubscriberIntegrationTest, StopIsPromptWhileTheServerIsDown) {
  // One subscriber sleeps in a long backoff, the other keeps reconnecting every 20-200 ms.
  RedisOptions slow = Options();
  slow.initial_backoff = absl::Seconds(3);
  slow.max_backoff = absl::Seconds(10);
  std::unique_ptr<RedisSubscriber> backing_off = MakeSubscriber(slow);
  std::unique_ptr<RedisSubscriber> reconnecting = MakeSubscriber(Options());
  backing_off->Start();
  reconnecting->Start();
  ASSERT_TRUE(WaitForSubscriptions(*backing_off, 1)) << backing_off->last_error();
  ASSERT_TRUE(WaitForSubscriptions(*reconnecting, 1)) << reconnecting->last_error();

  ASSERT_TRUE(server_->Stop().ok());
  ASSERT_TRUE(WaitUntil([&] { return !backing_off->subscribed() && !reconnecting->subscribed(); }));
  // Let the second one fail a few reconnects.
  ASSERT_TRUE(WaitUntil([&] {
    return absl::StrContains(reconnecting->last_error().message(), "connect failed");
  })) << reconnecting->last_error();

  absl::Time start = absl::Now();
  backing_off->Stop();
  const absl::Duration in_backoff = absl::Now() - start;
  ReportTiming("Stop() during a 3 s backoff", in_backoff);
  EXPECT_LT(in_backoff, kPromptStop);

  start = absl::Now();
  reconnecting->Stop();
  const absl::Duration mid_reconnect = absl::Now() - start;
  ReportTiming("Stop() while reconnecting", mid_reconnect);
  EXPECT_LT(mid_reconnect, kPromptStop);
  EXPECT_FALSE(reconnecting->subscribed());
}

TEST_F(RedisSubscriberIntegrationTest, StopIsPromptWhileTheServerIsPaused) {
  std::unique_ptr<RedisSubscriber> subscribed = MakeSubscriber(Options());
  subscribed->Start();
  ASSERT_TRUE(WaitForSubscriptions(*subscribed, 1)) << subscribed->last_error();

  ASSERT_TRUE(server_->Pause().ok());
  // This one waits for a confirmation that will not come (its deadline is far away).
  RedisOptions patient = Options();
  patient.command_timeout = absl::Seconds(30);
  std::unique_ptr<RedisSubscriber> confirming = MakeSubscriber(patient);
  confirming->Start();
  absl::SleepFor(absl::Milliseconds(300));  // Lets it connect and send the PSUBSCRIBE.
  EXPECT_FALSE(confirming->subscribed());
  EXPECT_TRUE(confirming->last_error().ok()) << confirming->last_error();

  absl::Time start = absl::Now();
  subscribed->Stop();
  const absl::Duration while_subscribed = absl::Now() - start;
  ReportTiming("Stop() subscribed to a paused server", while_subscribed);
  EXPECT_LT(while_subscribed, kPromptStop);

  start = absl::Now();
  confirming->Stop();
  const absl::Duration while_confirming = absl::Now() - start;
  ReportTiming("Stop() awaiting PSUBSCRIBE confirmation from a paused server", while_confirming);
  EXPECT_LT(while_confirming, kPromptStop);
  EXPECT_EQ(confirming->subscriptions(), 0);

  ASSERT_TRUE(server_->Resume().ok());
  EXPECT_TRUE(server_->Ping().ok());
}

TEST_F(RedisSubscriberIntegrationTest, HungServerAtSubscribeIsAFaultAndRecoversAfterResume) {
  ASSERT_TRUE(server_->Pause().ok());
  std::unique_ptr<RedisSubscriber> subscriber = MakeSubscriber(Options());
  subscriber->Start();

  // The kernel accepts the connection, so only the 200 ms confirmation deadline reveals the hang.
  ASSERT_TRUE(WaitUntil([&] { return !subscriber->last_error().ok(); }));
  EXPECT_EQ(subscriber->last_error().code(), absl::StatusCode::kDeadlineExceeded)
      << subscriber->last_error();
  EXPECT_THAT(subscriber->last_error().message(), HasSubstr("PSUBSCRIBE not confirmed"));
  EXPECT_FALSE(subscriber->subscribed());
  EXPECT_EQ(subscriber->subscriptions(), 0);
  EXPECT_EQ(on_subscribed_.load(), 0);

  const absl::Time resume = absl::Now();
  ASSERT_TRUE(server_->Resume().ok());
  ASSERT_TRUE(WaitForSubscriptions(*subscriber, 1)) << subscriber->last_error();
  ReportTiming("subscribed after Resume()", absl::Now() - resume);
  EXPECT_EQ(subscriber->subscriptions(), 1);
  EXPECT_EQ(on_subscribed_.load(), 1);
  EXPECT_EQ(Publish("goals:1", "recovered"), 1);
  EXPECT_THAT(inbox_.WaitFor(1), ElementsAre(Message("goals:1", "recovered")));
}

TEST_F(RedisSubscriberIntegrationTest, StopWithoutStartTwiceAndStartAfterStopAreHarmless) {
  std::unique_ptr<RedisSubscriber> never_started = MakeSubscriber(Options());
  never_started->Stop();
  never_started->Stop();
  never_started->Start();  // Stays stopped.
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(Publish("goals:1", "nobody listens"), 0);
  EXPECT_EQ(never_started->subscriptions(), 0);

  std::unique_ptr<RedisSubscriber> started = MakeSubscriber(Options());
  started->Start();
  started->Start();  // No second thread, no second subscription.
  ASSERT_TRUE(WaitForSubscriptions(*started, 1)) << started->last_error();
  EXPECT_EQ(Publish("goals:1", "one listener"), 1);
  started->Stop();
  started->Stop();
  EXPECT_FALSE(started->subscribed());
  EXPECT_EQ(started->subscriptions(), 1);
  EXPECT_EQ(on_subscribed_.load(), 1);
}

}  // namespace
}  // namespace okr::common
