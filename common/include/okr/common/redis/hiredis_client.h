// HiredisClient: the RedisClient over one hiredis connection, with timeouts and reconnect backoff.
#ifndef OKR_COMMON_REDIS_HIREDIS_CLIENT_H_
#define OKR_COMMON_REDIS_HIREDIS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/common/redis/redis_client.h"
#include "okr/common/redis/redis_reply.h"

struct redisContext;  // hiredis

namespace okr::common {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Bounds establishing a TCP connection.
  absl::Duration connect_timeout = absl::Milliseconds(500);
  // Bounds each send and each wait for reply bytes (a pipeline may wait once per reply).
  absl::Duration command_timeout = absl::Milliseconds(500);
  // Wait after the first failed connect before the next attempt; doubles per failure up to
  // max_backoff.
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Thread-safe: one mutex serializes all calls on the single connection, so concurrent callers
// wait for each other (each call is bounded by the timeouts). Use one client per worker thread
// where throughput matters.
//
// Connects lazily, on the first call; construction never fails or blocks, even with Redis down.
// A transport fault (timeout, reset, EOF, protocol error) drops the connection, and the next call
// reconnects. While reconnecting fails, attempts are spaced by exponential backoff: calls in
// between fail at once with UNAVAILABLE instead of waiting for a connect timeout each. A successful
// connect resets the backoff.
class HiredisClient final : public RedisClient {
 public:
  using Clock = std::function<absl::Time()>;

  // clock decides when the next reconnect attempt is due; inject one to test backoff.
  explicit HiredisClient(RedisOptions options, Clock clock = absl::Now);
  ~HiredisClient() override;
  HiredisClient(const HiredisClient&) = delete;
  HiredisClient& operator=(const HiredisClient&) = delete;

  absl::StatusOr<RedisReply> Command(std::vector<std::string> args) override;
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      std::vector<std::vector<std::string>> commands) override;

  // PING: OK on PONG; UNAVAILABLE on an error reply (e.g. LOADING) or a transport fault.
  absl::Status Ping();

  // Connection attempts made so far (successful or not).
  int64_t ConnectAttemptsForTest() const ABSL_LOCKS_EXCLUDED(mu_);
  // The wait that follows the latest failed attempt; zero when connected or never failed.
  absl::Duration CurrentBackoffForTest() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

  // Connected context, or the reason there is none (connect failed or backing off).
  absl::Status EnsureConnected() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sends the commands and reads their replies; drops the connection on a transport fault.
  absl::StatusOr<std::vector<RedisReply>> RoundTrip(
      const std::vector<std::vector<std::string>>& commands) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Turns the context's error (with errno as the failed call left it) into a status and drops the
  // connection: after a fault its stream position is unknown.
  absl::Status DropConnection(int saved_errno, const char* during)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Endpoint() const;

  const RedisOptions options_;
  const Clock clock_;

  mutable absl::Mutex mu_;
  ContextPtr context_ ABSL_GUARDED_BY(mu_);
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  absl::Time next_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Status last_connect_error_ ABSL_GUARDED_BY(mu_);
  int64_t connect_attempts_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace okr::common

#endif  // OKR_COMMON_REDIS_HIREDIS_CLIENT_H_
