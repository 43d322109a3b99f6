// RedisReply: one reply from a Redis server as a plain value, independent of the client library.
#ifndef OKR_COMMON_REDIS_REDIS_REPLY_H_
#define OKR_COMMON_REDIS_REDIS_REPLY_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

struct redisReply;  // hiredis

namespace okr::common {

// A RESP2 reply. Strings are binary-safe. Accessors that do not match the kind return an empty
// value (0, "", no elements) rather than failing, so check kind() first where it matters.
class RedisReply {
 public:
  enum class Kind { kNil, kInteger, kString, kStatus, kError, kArray };

  // Nil.
  RedisReply() = default;

  static RedisReply Nil() { return {}; }
  static RedisReply Integer(int64_t value);
  // A bulk string (GET's value).
  static RedisReply String(std::string value);
  // A simple status such as "OK" or "PONG".
  static RedisReply Status(std::string value);
  // An error reply such as "ERR unknown command 'FOO'" or "WRONGTYPE ...".
  static RedisReply Error(std::string message);
  static RedisReply Array(std::vector<RedisReply> elements);

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_error() const { return kind_ == Kind::kError; }

  // The value of an integer reply.
  int64_t integer() const { return integer_; }
  // The text of a string, status or error reply.
  const std::string& str() const { return str_; }
  // The elements of an array reply.
  const std::vector<RedisReply>& elements() const { return elements_; }

  // True for the status "OK" that SET, HMSET and the like answer.
  bool IsOk() const { return kind_ == Kind::kStatus && str_ == "OK"; }

  // For logs and test failures, e.g. `["a", 1, nil, (error) ERR x]`; non-printable bytes escaped.
  std::string DebugString() const;

  friend bool operator==(const RedisReply&, const RedisReply&) = default;

 private:
  Kind kind_ = Kind::kNil;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<RedisReply> elements_;
};

std::ostream& operator<<(std::ostream& os, const RedisReply& reply);

// Deep copy of a hiredis reply (the caller still frees the original with freeReplyObject).
RedisReply RedisReplyFromHiredis(const redisReply& reply);

}  // namespace okr::common

#endif  // OKR_COMMON_REDIS_REDIS_REPLY_H_
