// The fixture the Redis integration tests share: a real redis-server per test, and client options
// with short timeouts and backoff so fault tests run fast.
#pragma once

#include <memory>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "okr/common/redis/hiredis_client.h"
#include "tests/support/redis_server.h"

namespace okr::common {

class RealRedisTest : public ::testing::Test {
 protected:
  static constexpr absl::Duration kCommandTimeout = absl::Milliseconds(200);

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<test_support::RedisServer>> server =
        test_support::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  RedisOptions Options() const {
    RedisOptions options;
    options.port = server_->port();
    options.connect_timeout = absl::Milliseconds(200);
    options.command_timeout = kCommandTimeout;
    options.initial_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(200);
    return options;
  }

  std::unique_ptr<test_support::RedisServer> server_;
};

}  // namespace okr::common
