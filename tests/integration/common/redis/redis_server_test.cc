// The test fixture's redis-server itself: tests that depend on it need it to start, stop, restart
// and freeze as they assume.
#include "tests/support/redis_server.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace okr::test_support {
namespace {

using ::testing::HasSubstr;

TEST(RedisServerTest, AnswersUntilStoppedAndAgainAfterRestartOnTheSamePort) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  EXPECT_GT(port, 0);
  EXPECT_TRUE((*server)->Ping().ok());

  ASSERT_TRUE((*server)->Stop().ok());
  EXPECT_EQ((*server)->Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE((*server)->Stop().ok());  // Stopping twice is fine.

  ASSERT_TRUE((*server)->Restart().ok());
  EXPECT_EQ((*server)->port(), port);
  EXPECT_TRUE((*server)->Ping().ok());
}

TEST(RedisServerTest, PausedServerAcceptsButDoesNotAnswer) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->Pause().ok());
  EXPECT_EQ((*server)->Ping(absl::Milliseconds(200)).code(), absl::StatusCode::kDeadlineExceeded);
  ASSERT_TRUE((*server)->Resume().ok());
  EXPECT_TRUE((*server)->Ping().ok());
}

TEST(RedisServerTest, PausedServerStillStops) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->Pause().ok());
  const absl::Time start = absl::Now();
  EXPECT_TRUE((*server)->Stop().ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST(RedisServerTest, TakenPortFailsWithTheServerLog) {
  absl::StatusOr<std::unique_ptr<RedisServer>> first = RedisServer::Start();
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<RedisServer>> second = RedisServer::Start((*first)->port());
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

}  // namespace
}  // namespace okr::test_support
