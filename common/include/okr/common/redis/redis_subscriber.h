// RedisSubscriber: Redis pub/sub (PSUBSCRIBE) on its own connection and thread, resubscribing by
// itself after a fault.
#ifndef OKR_COMMON_REDIS_REDIS_SUBSCRIBER_H_
#define OKR_COMMON_REDIS_REDIS_SUBSCRIBER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "okr/common/redis/hiredis_client.h"

namespace okr::common {

// Receives messages published on channels matching patterns, on its own connection and thread.
//
// Pub/sub keeps no history: whatever is published while the subscriber is disconnected is lost, so
// users treat messages as hints and resynchronise in OnSubscribed, which runs each time the
// subscription is (re)established.
//
// Faults: a transport fault (reset, EOF, protocol error, an error reply to PSUBSCRIBE) or a server
// that does not confirm the PSUBSCRIBE within options.command_timeout drops the connection; the
// thread then waits the backoff (options.initial_backoff, doubling per failed attempt up to
// options.max_backoff, back to initial_backoff after a successful subscription) and reconnects.
// Once subscribed, a silent server is indistinguishable from a quiet channel: a hung server is
// noticed only when it closes the connection (or TCP keepalive gives up on a vanished peer).
//
// Start, Stop, subscribed, subscriptions and last_error are thread-safe. Handler and OnSubscribed
// run on the subscriber's thread, one at a time; they must not throw, must not call Stop or
// destroy the subscriber, and should return quickly (messages queue up meanwhile).
class RedisSubscriber {
 public:
  // channel and message are binary-safe.
  using Handler = std::function<void(const std::string& channel, const std::string& message)>;
  // Called on the subscriber's thread each time the subscription is (re)established, after the
  // PSUBSCRIBE is confirmed: messages published while it was disconnected are lost (pub/sub has no
  // history), so users resynchronise here.
  using OnSubscribed = std::function<void()>;

  // patterns are Redis glob patterns (binary-safe); an empty list subscribes to nothing and Start
  // does nothing. Constructing never connects.
  RedisSubscriber(RedisOptions options, std::vector<std::string> patterns, Handler handler,
                  OnSubscribed on_subscribed = {});
  ~RedisSubscriber();  // Stop()
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // Starts the thread; never blocks on Redis, even if it is down. Only the first call does
  // anything (also after Stop: a stopped subscriber stays stopped).
  void Start() ABSL_LOCKS_EXCLUDED(lifecycle_mu_);
  // Ends the subscription and joins the thread. Prompt (about 100 ms) whether Redis is up, down,
  // hung or the thread is backing off; the exception is a connect in flight to an unreachable
  // host, which can hold it up to options.connect_timeout (a connect on loopback or to a live host
  // answers at once). Idempotent; fine without Start.
  void Stop() ABSL_LOCKS_EXCLUDED(lifecycle_mu_);

  // Currently subscribed: the latest PSUBSCRIBE was confirmed and the connection has not failed
  // since.
  bool subscribed() const;
  // Times the subscription was established so far.
  int64_t subscriptions() const;
  // Why the latest connection ended or attempt failed (e.g. UNAVAILABLE for a refused connect or
  // EOF, DEADLINE_EXCEEDED for an unconfirmed PSUBSCRIBE); OK before any fault.
  absl::Status last_error() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The thread: sessions separated by the backoff, until Stop.
  void Run();
  // One connection: connect, PSUBSCRIBE, deliver messages until a fault (returned) or Stop (OK).
  absl::Status RunSession();
  std::string Endpoint() const;

  const RedisOptions options_;
  const std::vector<std::string> patterns_;
  const Handler handler_;
  const OnSubscribed on_subscribed_;

  // Serializes Start and Stop; the thread never takes it, so Stop may join while holding it.
  absl::Mutex lifecycle_mu_;
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
  bool started_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  // Notified once, by Stop; the thread polls it between short waits and sleeps on it in backoff.
  absl::Notification stop_;

  std::atomic<bool> subscribed_{false};
  std::atomic<int64_t> subscriptions_{0};
  mutable absl::Mutex mu_;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::common

#endif  // OKR_COMMON_REDIS_REDIS_SUBSCRIBER_H_
