#include "okr/common/redis/fake_redis_client.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace okr::common {
namespace {

using ::testing::ElementsAre;

class FakeRedisClientTest : public ::testing::Test {
 protected:
  RedisReply Run(std::vector<std::string> args) {
    absl::StatusOr<RedisReply> reply = redis_.Command(std::move(args));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.value_or(RedisReply::Error("transport failure"));
  }

  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  FakeRedisClient redis_{[this] { return now_; }};
};

TEST_F(FakeRedisClientTest, PingAndEcho) {
  EXPECT_EQ(Run({"PING"}), RedisReply::Status("PONG"));
  EXPECT_EQ(Run({"ping", "hi"}), RedisReply::String("hi"));
  EXPECT_EQ(Run({"ECHO", "x"}), RedisReply::String("x"));
}

TEST_F(FakeRedisClientTest, SetGetDelExistsAreBinarySafe) {
  const std::string key("k\0ey", 4);
  const std::string value("v\0\r\n\xff", 5);
  EXPECT_TRUE(Run({"GET", key}).is_nil());
  EXPECT_TRUE(Run({"SET", key, value}).IsOk());
  EXPECT_EQ(Run({"GET", key}), RedisReply::String(value));
  EXPECT_TRUE(Run({"GET", "k"}).is_nil());
  EXPECT_EQ(Run({"EXISTS", key, key, "other"}), RedisReply::Integer(2));
  EXPECT_EQ(Run({"MGET", key, "other"}),
            RedisReply::Array({RedisReply::String(value), RedisReply::Nil()}));
  EXPECT_EQ(Run({"DEL", key, "other"}), RedisReply::Integer(1));
  EXPECT_TRUE(Run({"GET", key}).is_nil());
}

TEST_F(FakeRedisClientTest, SetNxAndXx) {
  EXPECT_TRUE(Run({"SET", "k", "1", "XX"}).is_nil());
  EXPECT_TRUE(Run({"SET", "k", "1", "NX"}).IsOk());
  EXPECT_TRUE(Run({"SET", "k", "2", "NX"}).is_nil());
  EXPECT_TRUE(Run({"SET", "k", "3", "xx"}).IsOk());
  EXPECT_EQ(Run({"GET", "k"}), RedisReply::String("3"));
  EXPECT_EQ(Run({"SET", "k", "4", "NX", "XX"}), RedisReply::Error("ERR syntax error"));
}

TEST_F(FakeRedisClientTest, KeysExpireByTheInjectedClock) {
  EXPECT_TRUE(Run({"SET", "ex", "v", "EX", "10"}).IsOk());
  EXPECT_TRUE(Run({"SET", "px", "v", "PX", "1500"}).IsOk());
  EXPECT_TRUE(Run({"SET", "forever", "v"}).IsOk());
  EXPECT_EQ(Run({"TTL", "ex"}), RedisReply::Integer(10));
  EXPECT_EQ(Run({"PTTL", "px"}), RedisReply::Integer(1500));
  EXPECT_EQ(Run({"TTL", "forever"}), RedisReply::Integer(-1));
  EXPECT_EQ(Run({"TTL", "missing"}), RedisReply::Integer(-2));

  now_ += absl::Milliseconds(1500);
  EXPECT_TRUE(Run({"GET", "px"}).is_nil());
  EXPECT_EQ(Run({"GET", "ex"}), RedisReply::String("v"));
  EXPECT_EQ(Run({"TTL", "ex"}), RedisReply::Integer(9));  // 8.5 s rounds up, as in Redis.

  now_ += absl::Seconds(9);
  EXPECT_TRUE(Run({"GET", "ex"}).is_nil());
  EXPECT_EQ(Run({"DBSIZE"}), RedisReply::Integer(1));

  // A plain SET drops the TTL; KEEPTTL keeps it.
  EXPECT_TRUE(Run({"SET", "k", "v", "EX", "5"}).IsOk());
  EXPECT_TRUE(Run({"SET", "k", "w", "KEEPTTL"}).IsOk());
  EXPECT_EQ(Run({"TTL", "k"}), RedisReply::Integer(5));
  EXPECT_TRUE(Run({"SET", "k", "x"}).IsOk());
  EXPECT_EQ(Run({"TTL", "k"}), RedisReply::Integer(-1));
}

TEST_F(FakeRedisClientTest, ExpirePersistAndSetex) {
  EXPECT_EQ(Run({"EXPIRE", "missing", "5"}), RedisReply::Integer(0));
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "5"}), RedisReply::Integer(1));
  EXPECT_EQ(Run({"PERSIST", "k"}), RedisReply::Integer(1));
  EXPECT_EQ(Run({"PERSIST", "k"}), RedisReply::Integer(0));
  EXPECT_EQ(Run({"PEXPIRE", "k", "100"}), RedisReply::Integer(1));
  now_ += absl::Milliseconds(100);
  EXPECT_EQ(Run({"EXISTS", "k"}), RedisReply::Integer(0));

  EXPECT_TRUE(Run({"SETEX", "s", "2", "v"}).IsOk());
  now_ += absl::Seconds(1);
  EXPECT_EQ(Run({"GET", "s"}), RedisReply::String("v"));
  now_ += absl::Seconds(1);
  EXPECT_TRUE(Run({"GET", "s"}).is_nil());

  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "0"}), RedisReply::Integer(1));  // Deletes at once.
  EXPECT_EQ(Run({"EXISTS", "k"}), RedisReply::Integer(0));
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "0"}),
            RedisReply::Error("ERR invalid expire time in 'set' command"));
}

TEST_F(FakeRedisClientTest, Counters) {
  EXPECT_EQ(Run({"INCR", "c"}), RedisReply::Integer(1));
  EXPECT_EQ(Run({"INCRBY", "c", "41"}), RedisReply::Integer(42));
  EXPECT_EQ(Run({"DECR", "c"}), RedisReply::Integer(41));
  EXPECT_EQ(Run({"DECRBY", "c", "-9"}), RedisReply::Integer(50));
  EXPECT_EQ(Run({"GET", "c"}), RedisReply::String("50"));
  EXPECT_EQ(Run({"INCRBY", "c", "+1"}),
            RedisReply::Error("ERR value is not an integer or out of range"));
  Run({"SET", "text", "abc"});
  EXPECT_EQ(Run({"INCR", "text"}),
            RedisReply::Error("ERR value is not an integer or out of range"));
  Run({"SET", "max", "9223372036854775807"});
  EXPECT_EQ(Run({"INCR", "max"}), RedisReply::Error("ERR increment or decrement would overflow"));
}

TEST_F(FakeRedisClientTest, Hashes) {
  EXPECT_EQ(Run({"HSET", "h", "a", "1", "b", "2"}), RedisReply::Integer(2));
  EXPECT_EQ(Run({"HSET", "h", "a", "10", "c", "3"}), RedisReply::Integer(1));
  EXPECT_EQ(Run({"HGET", "h", "a"}), RedisReply::String("10"));
  EXPECT_TRUE(Run({"HGET", "h", "zz"}).is_nil());
  EXPECT_TRUE(Run({"HGET", "nohash", "a"}).is_nil());
  EXPECT_EQ(Run({"HGETALL", "h"}),
            RedisReply::Array({RedisReply::String("a"), RedisReply::String("10"),
                               RedisReply::String("b"), RedisReply::String("2"),
                               RedisReply::String("c"), RedisReply::String("3")}));
  EXPECT_EQ(Run({"HGETALL", "nohash"}), RedisReply::Array({}));
  EXPECT_EQ(Run({"HLEN", "h"}), RedisReply::Integer(3));
  EXPECT_EQ(Run({"HEXISTS", "h", "b"}), RedisReply::Integer(1));
  EXPECT_EQ(Run({"HINCRBY", "h", "b", "5"}), RedisReply::Integer(7));
  EXPECT_EQ(Run({"HDEL", "h", "a", "b", "zz"}), RedisReply::Integer(2));
  EXPECT_EQ(Run({"HDEL", "h", "c"}), RedisReply::Integer(1));
  // The last field gone, the key is gone.
  EXPECT_EQ(Run({"EXISTS", "h"}), RedisReply::Integer(0));
}

TEST_F(FakeRedisClientTest, ErrorRepliesMatchRedis) {
  Run({"SET", "s", "v"});
  Run({"HSET", "h", "f", "v"});
  const RedisReply wrong_type =
      RedisReply::Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(Run({"HGET", "s", "f"}), wrong_type);
  EXPECT_EQ(Run({"GET", "h"}), wrong_type);
  EXPECT_EQ(Run({"INCR", "h"}), wrong_type);
  EXPECT_EQ(Run({"GET"}), RedisReply::Error("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(Run({"HSET", "h", "f"}),
            RedisReply::Error("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(Run({"NOSUCH", "a", "b"}),
            RedisReply::Error("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "));
  // Error replies are replies: the call itself succeeded.
  EXPECT_TRUE(redis_.Command({"NOSUCH"}).ok());
}

TEST_F(FakeRedisClientTest, PublishIsRecorded) {
  EXPECT_EQ(Run({"PUBLISH", "invalidate", "tenant-1/obj-2"}), RedisReply::Integer(0));
  Run({"PUBLISH", "other", "x"});
  EXPECT_THAT(redis_.PublishedForTest(),
              ElementsAre(FakeRedisClient::PublishedMessage{"invalidate", "tenant-1/obj-2"},
                          FakeRedisClient::PublishedMessage{"other", "x"}));
}

TEST_F(FakeRedisClientTest, PipelineRunsInOrder) {
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_.Pipeline({{"SET", "k", "1"}, {"INCR", "k"}, {"NOSUCH"}, {"GET", "k"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_TRUE((*replies)[0].IsOk());
  EXPECT_EQ((*replies)[1], RedisReply::Integer(2));
  EXPECT_TRUE((*replies)[2].is_error());
  EXPECT_EQ((*replies)[3], RedisReply::String("2"));
  EXPECT_EQ(redis_.CommandCountForTest(), 4);
  EXPECT_TRUE(redis_.Pipeline({})->empty());
}

TEST_F(FakeRedisClientTest, UnavailableFailsEveryCallAndKeepsData) {
  Run({"SET", "k", "v"});
  redis_.SetUnavailableForTest(true);
  EXPECT_EQ(redis_.Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(redis_.Pipeline({{"GET", "k"}}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(redis_.CommandCountForTest(), 1);
  redis_.SetUnavailableForTest(false);
  EXPECT_EQ(Run({"GET", "k"}), RedisReply::String("v"));
}

TEST_F(FakeRedisClientTest, EmptyCommandIsInvalid) {
  EXPECT_EQ(redis_.Command({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(redis_.Pipeline({{"PING"}, {}}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace okr::common
