#include "okr/common/redis/redis_reply.h"

#include <hiredis/hiredis.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace okr::common {

RedisReply RedisReply::Integer(int64_t value) {
  RedisReply r;
  r.kind_ = Kind::kInteger;
  r.integer_ = value;
  return r;
}

RedisReply RedisReply::String(std::string value) {
  RedisReply r;
  r.kind_ = Kind::kString;
  r.str_ = std::move(value);
  return r;
}

RedisReply RedisReply::Status(std::string value) {
  RedisReply r;
  r.kind_ = Kind::kStatus;
  r.str_ = std::move(value);
  return r;
}

RedisReply RedisReply::Error(std::string message) {
  RedisReply r;
  r.kind_ = Kind::kError;
  r.str_ = std::move(message);
  return r;
}

RedisReply RedisReply::Array(std::vector<RedisReply> elements) {
  RedisReply r;
  r.kind_ = Kind::kArray;
  r.elements_ = std::move(elements);
  return r;
}

std::string RedisReply::DebugString() const {
  switch (kind_) {
    case Kind::kNil:
      return "nil";
    case Kind::kInteger:
      return absl::StrCat(integer_);
    case Kind::kString:
      return absl::StrCat("\"", absl::CHexEscape(str_), "\"");
    case Kind::kStatus:
      return absl::CHexEscape(str_);
    case Kind::kError:
      return absl::StrCat("(error) ", absl::CHexEscape(str_));
    case Kind::kArray:
      return absl::StrCat("[",
                          absl::StrJoin(elements_, ", ",
                                        [](std::string* out, const RedisReply& e) {
                                          out->append(e.DebugString());
                                        }),
                          "]");
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, const RedisReply& reply) {
  return os << reply.DebugString();
}

RedisReply RedisReplyFromHiredis(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return RedisReply::Integer(reply.integer);
    case REDIS_REPLY_STRING:
      return RedisReply::String(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS:
      return RedisReply::Status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR:
      return RedisReply::Error(std::string(reply.str, reply.len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(reply.element[i] == nullptr ? RedisReply::Nil()
                                                       : RedisReplyFromHiredis(*reply.element[i]));
      }
      return RedisReply::Array(std::move(elements));
    }
    case REDIS_REPLY_NIL:
    default:
      return RedisReply::Nil();
  }
}

}  // namespace okr::common
