// RedisClient: the boundary every Redis user codes against (real client, fake, decorators).
#ifndef OKR_COMMON_REDIS_REDIS_CLIENT_H_
#define OKR_COMMON_REDIS_REDIS_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/common/redis/redis_reply.h"

namespace okr::common {

// Sends commands to one Redis server. Arguments are binary-safe (any bytes, including '\0').
//
// Errors: if the command reached the server, the result is OK and holds the server's reply, even
// when that reply is an error (`RedisReply::is_error()`, e.g. WRONGTYPE). A non-OK status means a
// transport fault: UNAVAILABLE (cannot connect, connection lost, backing off before reconnecting)
// or DEADLINE_EXCEEDED (no reply in time); after either, whether the command ran is unknown.
// INVALID_ARGUMENT for an empty command. Implementations never throw.
class RedisClient {
 public:
  virtual ~RedisClient() = default;

  // One command, e.g. {"SET", "key", "value", "EX", "60"}.
  virtual absl::StatusOr<RedisReply> Command(std::vector<std::string> args) = 0;

  // Sends all commands, then reads all replies: one round trip instead of one per command. Replies
  // come in the order of the commands. A transport fault fails the whole pipeline (some commands
  // may have run). An empty pipeline returns no replies and touches no connection.
  virtual absl::StatusOr<std::vector<RedisReply>> Pipeline(
      std::vector<std::vector<std::string>> commands) = 0;
};

using RedisClientPtr = std::unique_ptr<RedisClient>;

}  // namespace okr::common

#endif  // OKR_COMMON_REDIS_REDIS_CLIENT_H_
