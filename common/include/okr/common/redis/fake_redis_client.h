// FakeRedisClient: an in-memory RedisClient for unit tests of code that uses Redis.
#ifndef OKR_COMMON_REDIS_FAKE_REDIS_CLIENT_H_
#define OKR_COMMON_REDIS_FAKE_REDIS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/common/redis/redis_client.h"
#include "okr/common/redis/redis_reply.h"

namespace okr::common {

// Answers like a single Redis 7 server for a subset of commands (names case-insensitive):
//   PING ECHO FLUSHALL FLUSHDB DBSIZE
//   GET SET(EX|PX|NX|XX) SETEX MGET DEL EXISTS INCR INCRBY DECR DECRBY
//   EXPIRE PEXPIRE PERSIST TTL PTTL
//   HSET HGET HGETALL HDEL HEXISTS HLEN HINCRBY
//   PUBLISH (recorded, see PublishedForTest; reports 0 receivers)
// Others get Redis's "ERR unknown command" error reply; wrong arity, WRONGTYPE and non-integer
// arguments get Redis's error replies too. Keys expire by the injected clock. Thread-safe.
class FakeRedisClient final : public RedisClient {
 public:
  using Clock = std::function<absl::Time()>;

  struct PublishedMessage {
    std::string channel;
    std::string message;
    friend bool operator==(const PublishedMessage&, const PublishedMessage&) = default;
  };

  explicit FakeRedisClient(Clock clock = absl::Now);

  absl::StatusOr<RedisReply> Command(std::vector<std::string> args) override;
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      std::vector<std::vector<std::string>> commands) override;

  // While true, every call fails with UNAVAILABLE, as a client does with the server down. Data is
  // kept (as if the server came back with it); call FLUSHALL to model a restart that lost it.
  void SetUnavailableForTest(bool unavailable) ABSL_LOCKS_EXCLUDED(mu_);
  // PUBLISH calls so far, oldest first.
  std::vector<PublishedMessage> PublishedForTest() const ABSL_LOCKS_EXCLUDED(mu_);
  // Commands that reached the fake (calls made while unavailable do not count).
  int64_t CommandCountForTest() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Hash = std::map<std::string, std::string>;
  struct Entry {
    std::variant<std::string, Hash> value;
    std::optional<absl::Time> expires_at;
  };

  RedisReply Execute(const std::vector<std::string>& args) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The live entry for key, after dropping it if it has expired; nullptr if none.
  Entry* Find(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DropExpired() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  RedisReply Set(const std::vector<std::string>& args) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  RedisReply IncrBy(const std::string& key, int64_t delta) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  RedisReply Expire(const std::string& key, absl::Duration ttl) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  RedisReply Ttl(const std::string& key, absl::Duration unit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  RedisReply HashCommand(const std::string& name, const std::vector<std::string>& args)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock clock_;
  mutable absl::Mutex mu_;
  std::map<std::string, Entry> keys_ ABSL_GUARDED_BY(mu_);
  std::vector<PublishedMessage> published_ ABSL_GUARDED_BY(mu_);
  bool unavailable_ ABSL_GUARDED_BY(mu_) = false;
  int64_t command_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace okr::common

#endif  // OKR_COMMON_REDIS_FAKE_REDIS_CLIENT_H_
