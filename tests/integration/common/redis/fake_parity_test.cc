// The fake answers as Redis does: the same script of commands run against FakeRedisClient and a
// real redis-server must give the same replies, so unit tests with the fake mean something.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "okr/common/redis/fake_redis_client.h"
#include "okr/common/redis/hiredis_client.h"
#include "tests/support/redis_server.h"

namespace okr::common {
namespace {

const std::vector<std::vector<std::string>>& Script() {
  static const auto* script = new std::vector<std::vector<std::string>>{
      {"PING"},
      {"PING", "hello"},
      {"ECHO", std::string("a\0b", 3)},
      {"GET", "s"},
      {"SET", "s", std::string("v\0\r\n\xff", 5)},
      {"GET", "s"},
      {"SET", "s", "x", "NX"},
      {"SET", "s2", "x", "XX"},
      {"SET", "s", "y", "XX", "EX", "100"},
      {"TTL", "s"},
      {"SET", "s", "z", "KEEPTTL"},
      {"TTL", "s"},
      {"PERSIST", "s"},
      {"TTL", "s"},
      {"TTL", "missing"},
      {"EXPIRE", "missing", "10"},
      {"SET", "e", "v", "EX", "0"},
      {"SET", "e", "v", "EX", "abc"},
      {"SET", "e", "v", "NX", "XX"},
      {"SET", "e", "v", "BOGUS"},
      {"SETEX", "e", "100", "v"},
      {"TTL", "e"},
      {"SETEX", "e", "0", "v"},
      {"MGET", "s", "missing", "e"},
      {"INCR", "c"},
      {"INCRBY", "c", "41"},
      {"DECR", "c"},
      {"DECRBY", "c", "-2"},
      {"INCRBY", "c", "x"},
      {"INCRBY", "c", "+1"},
      {"INCR", "s"},
      {"SET", "big", "9223372036854775807"},
      {"INCR", "big"},
      {"HSET", "h", "a", "1", "b", "2"},
      {"HSET", "h", "a", "3"},
      {"HSET", "h", "odd"},
      {"HGET", "h", "a"},
      {"HGET", "h", "none"},
      {"HGET", "s", "a"},
      {"GET", "h"},
      {"HEXISTS", "h", "b"},
      {"HLEN", "h"},
      {"HINCRBY", "h", "b", "10"},
      {"HINCRBY", "h", "new", "-1"},
      {"HMSET", "h2", "f", "v"},
      {"HGETALL", "h2"},
      {"HGETALL", "none"},
      {"HDEL", "h2", "f", "g"},
      {"EXISTS", "h2"},
      {"EXISTS", "s", "s", "missing"},
      {"DEL", "s", "missing"},
      {"EXPIRE", "c", "0"},
      {"EXISTS", "c"},
      {"PUBLISH", "channel", "message"},
      {"GET"},
      {"get", "a", "b"},
      {"NOSUCHCOMMAND", "a", "b"},
      {"DBSIZE"},
      {"FLUSHALL"},
      {"DBSIZE"},
  };
  return *script;
}

TEST(FakeParityTest, FakeAnswersTheScriptAsRealRedisDoes) {
  absl::StatusOr<std::unique_ptr<test_support::RedisServer>> server =
      test_support::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  RedisOptions options;
  options.port = (*server)->port();
  options.command_timeout = absl::Seconds(2);
  HiredisClient real(options);
  FakeRedisClient fake;

  for (const std::vector<std::string>& command : Script()) {
    absl::StatusOr<RedisReply> want = real.Command(command);
    absl::StatusOr<RedisReply> got = fake.Command(command);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_TRUE(got.ok()) << got.status();
    std::string shown;
    for (const std::string& arg : command) shown += RedisReply::String(arg).DebugString() + " ";
    EXPECT_EQ(*got, *want) << "command: " << shown;
  }
  ASSERT_EQ(fake.PublishedForTest().size(), 1u);
  EXPECT_EQ(fake.PublishedForTest()[0].channel, "channel");
}

}  // namespace
}  // namespace okr::common
