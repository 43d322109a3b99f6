#include "okr/common/redis/redis_reply.h"

#include <hiredis/hiredis.h>

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace okr::common {
namespace {

using Kind = RedisReply::Kind;

// Parses RESP bytes with hiredis's own reader, as the client does with bytes from the socket.
RedisReply Parse(const std::string& resp) {
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(),
                                                                  &redisReaderFree);
  EXPECT_EQ(redisReaderFeed(reader.get(), resp.data(), resp.size()), REDIS_OK);
  void* raw = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader.get(), &raw), REDIS_OK);
  EXPECT_NE(raw, nullptr) << "incomplete reply: " << resp;
  if (raw == nullptr) return RedisReply::Error("parse failed");
  std::unique_ptr<void, decltype(&freeReplyObject)> owned(raw, &freeReplyObject);
  return RedisReplyFromHiredis(*static_cast<const redisReply*>(raw));
}

TEST(RedisReplyTest, ConvertsScalarReplies) {
  EXPECT_EQ(Parse(":-42\r\n"), RedisReply::Integer(-42));
  EXPECT_EQ(Parse("+OK\r\n"), RedisReply::Status("OK"));
  EXPECT_TRUE(Parse("+OK\r\n").IsOk());
  EXPECT_EQ(Parse("-ERR boom\r\n"), RedisReply::Error("ERR boom"));
  EXPECT_TRUE(Parse("-ERR boom\r\n").is_error());
  EXPECT_EQ(Parse("$5\r\nhello\r\n"), RedisReply::String("hello"));
  EXPECT_EQ(Parse("$0\r\n\r\n"), RedisReply::String(""));
  EXPECT_TRUE(Parse("$-1\r\n").is_nil());
  EXPECT_TRUE(Parse("*-1\r\n").is_nil());
}

TEST(RedisReplyTest, BulkStringsKeepEveryByte) {
  const std::string bytes("a\0b\r\n\xff", 6);
  const RedisReply reply = Parse("$6\r\n" + bytes + "\r\n");
  EXPECT_EQ(reply.kind(), Kind::kString);
  EXPECT_EQ(reply.str(), bytes);
  EXPECT_EQ(reply.str().size(), 6u);
}

TEST(RedisReplyTest, ConvertsNestedArrays) {
  const RedisReply reply = Parse("*4\r\n$1\r\na\r\n:1\r\n$-1\r\n*2\r\n+x\r\n-E y\r\n");
  EXPECT_EQ(reply, RedisReply::Array(
                       {RedisReply::String("a"), RedisReply::Integer(1), RedisReply::Nil(),
                        RedisReply::Array({RedisReply::Status("x"), RedisReply::Error("E y")})}));
  EXPECT_EQ(reply.elements().size(), 4u);
  EXPECT_EQ(Parse("*0\r\n"), RedisReply::Array({}));
  EXPECT_NE(Parse("*0\r\n"), RedisReply::Nil());
}

TEST(RedisReplyTest, AccessorsOfAnotherKindAreEmpty) {
  const RedisReply integer = RedisReply::Integer(7);
  EXPECT_EQ(integer.str(), "");
  EXPECT_TRUE(integer.elements().empty());
  EXPECT_EQ(RedisReply::String("7").integer(), 0);
  EXPECT_FALSE(RedisReply::Status("PONG").IsOk());
  // A bulk "OK" is data, not the OK status.
  EXPECT_FALSE(RedisReply::String("OK").IsOk());
  EXPECT_NE(RedisReply::String("OK"), RedisReply::Status("OK"));
}

TEST(RedisReplyTest, DebugStringShowsKindsAndEscapesBytes) {
  const RedisReply reply =
      RedisReply::Array({RedisReply::String(std::string("a\0", 2)), RedisReply::Integer(3),
                         RedisReply::Nil(), RedisReply::Error("ERR x")});
  EXPECT_EQ(reply.DebugString(), R"(["a\x00", 3, nil, (error) ERR x])");
}

}  // namespace
}  // namespace okr::common
