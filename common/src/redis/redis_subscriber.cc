#include "okr/common/redis/redis_subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/common/redis/redis_reply.h"

namespace okr::common {
namespace {

// How long the thread waits on the socket before looking at Stop again: bounds Stop's latency.
constexpr absl::Duration kPollSlice = absl::Milliseconds(100);

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};

timeval TimeoutTimeval(absl::Duration d) {
  // A zero timeval means "no timeout" to the kernel; a timeout must never become that.
  return absl::ToTimeval(std::max(d, absl::Milliseconds(1)));
}

// poll(2) takes whole milliseconds; rounding up keeps a short remainder from becoming a busy loop.
int PollTimeoutMs(absl::Duration d) {
  return static_cast<int>(
      std::max<int64_t>(0, absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)))));
}

// The context's error (set by the failed hiredis call) as a status.
absl::Status ContextError(const redisContext& context, const std::string& where,
                          const char* during) {
  if (context.err == REDIS_ERR_EOF) {
    return absl::UnavailableError(absl::StrCat(where, "connection closed by the server ", during));
  }
  return absl::UnavailableError(absl::StrCat(
      where, context.errstr[0] == '\0' ? "connection error" : context.errstr, " ", during));
}

}  // namespace

RedisSubscriber::RedisSubscriber(RedisOptions options, std::vector<std::string> patterns,
                                 Handler handler, OnSubscribed on_subscribed)
    : options_(std::move(options)),
      patterns_(std::move(patterns)),
      handler_(std::move(handler)),
      on_subscribed_(std::move(on_subscribed)) {}

RedisSubscriber::~RedisSubscriber() { Stop(); }

std::string RedisSubscriber::Endpoint() const {
  return absl::StrCat(options_.host, ":", options_.port);
}

void RedisSubscriber::Start() {
  absl::MutexLock lock(&lifecycle_mu_);
  // PSUBSCRIBE without patterns is a syntax error: the thread would only retry it forever.
  if (started_ || patterns_.empty()) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void RedisSubscriber::Stop() {
  absl::MutexLock lock(&lifecycle_mu_);
  // A Start after Stop must not start a thread that could only stop again.
  started_ = true;
  // Notify may be called only once.
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

bool RedisSubscriber::subscribed() const { return subscribed_.load(std::memory_order_acquire); }

int64_t RedisSubscriber::subscriptions() const {
  return subscriptions_.load(std::memory_order_acquire);
}

absl::Status RedisSubscriber::last_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

void RedisSubscriber::Run() {
  // hiredis writes with write(2), so a server that went away raises SIGPIPE, which would kill the
  // process. The kernel raises it on the writing thread: blocking it on this thread for good keeps
  // the fault an error return (EPIPE) without touching the process's signal disposition, and one
  // left pending is discarded when the thread ends.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

  absl::Duration backoff = absl::ZeroDuration();
  while (!stop_.HasBeenNotified()) {
    const int64_t subscriptions_before = subscriptions();
    absl::Status fault = RunSession();
    subscribed_.store(false, std::memory_order_release);
    // RunSession returns OK only when stopping; a fault racing with Stop does not matter.
    if (stop_.HasBeenNotified()) break;
    {
      absl::MutexLock lock(&mu_);
      last_error_ = std::move(fault);
    }
    // A connection that got subscribed worked: the next failure starts the backoff over.
    if (subscriptions() != subscriptions_before) backoff = absl::ZeroDuration();
    backoff = std::min(backoff == absl::ZeroDuration() ? options_.initial_backoff : backoff * 2,
                       options_.max_backoff);
    // Interruptible, so Stop does not wait out a long backoff.
    stop_.WaitForNotificationWithTimeout(backoff);
  }
}

absl::Status RedisSubscriber::RunSession() {
  const std::string where = absl::StrCat("redis ", Endpoint(), ": ");
  ContextPtr context(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                             TimeoutTimeval(options_.connect_timeout)));
  if (context == nullptr) {
    return absl::UnavailableError(absl::StrCat(where, "connect failed: cannot allocate a context"));
  }
  if (context->err != 0) {
    return absl::UnavailableError(absl::StrCat(where, "connect failed: ", context->errstr));
  }
  // Bounds the blocking write of the PSUBSCRIBE, should the send buffer be full (it is empty on a
  // fresh connection, so a hung server is caught by the confirmation deadline instead). The receive
  // timeout this sets too is never hit: reads start only once poll() has seen bytes or EOF. A read
  // that timed out would leave a hiredis 0.14 context unusable.
  if (redisSetTimeout(context.get(), TimeoutTimeval(options_.command_timeout)) != REDIS_OK) {
    return absl::UnavailableError(absl::StrCat(where, "cannot set timeouts: ", context->errstr));
  }
  // Lets the kernel notice a peer that vanished while the channels were quiet.
  redisEnableKeepAlive(context.get());

  std::vector<const char*> argv = {"PSUBSCRIBE"};
  std::vector<size_t> lengths = {std::strlen("PSUBSCRIBE")};
  for (const std::string& pattern : patterns_) {
    argv.push_back(pattern.data());
    lengths.push_back(pattern.size());
  }
  if (redisAppendCommandArgv(context.get(), static_cast<int>(argv.size()), argv.data(),
                             lengths.data()) != REDIS_OK) {
    return ContextError(*context, where, "while queueing PSUBSCRIBE");
  }
  // A server that accepts the connection but never answers (hung, or paused) must count as a fault,
  // or the subscriber would wait for it forever while believing itself connected.
  const absl::Time confirm_deadline = absl::Now() + options_.command_timeout;
  for (int done = 0; done == 0;) {
    if (stop_.HasBeenNotified()) return absl::OkStatus();
    if (redisBufferWrite(context.get(), &done) != REDIS_OK) {
      return ContextError(*context, where, "while sending PSUBSCRIBE");
    }
  }

  // Redis confirms each pattern with its own "psubscribe" reply, in order.
  size_t confirmed = 0;
  bool established = false;
  while (true) {
    // One read may have brought several replies: hand them all out before waiting again.
    while (true) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(context.get(), &raw) != REDIS_OK) {
        if (raw != nullptr) freeReplyObject(raw);
        return ContextError(*context, where, "while parsing a reply");
      }
      if (raw == nullptr) break;  // Needs more bytes.
      std::unique_ptr<void, ReplyDeleter> owned(raw);
      const RedisReply reply = RedisReplyFromHiredis(*static_cast<const redisReply*>(raw));
      if (reply.is_error()) {
        // In subscribed mode only the PSUBSCRIBE itself can be answered with an error (e.g.
        // NOPERM).
        return absl::UnavailableError(
            absl::StrCat(where, "PSUBSCRIBE refused: ", reply.str(), "; connection dropped"));
      }
      if (reply.kind() != RedisReply::Kind::kArray || reply.elements().empty()) {
        // Not a push: the stream is not what this reader thinks it is.
        return absl::UnavailableError(absl::StrCat(where, "unexpected reply in subscribed mode: ",
                                                   reply.DebugString(), "; connection dropped"));
      }
      const std::vector<RedisReply>& parts = reply.elements();
      const std::string& kind = parts[0].str();
      if (kind == "pmessage" && parts.size() == 4) {
        handler_(parts[2].str(), parts[3].str());
      } else if (kind == "psubscribe") {
        ++confirmed;
        if (!established && confirmed >= patterns_.size()) {
          established = true;
          // Published before on_subscribed runs, so it observes itself as subscribed.
          subscribed_.store(true, std::memory_order_release);
          subscriptions_.fetch_add(1, std::memory_order_acq_rel);
          if (on_subscribed_) on_subscribed_();
        }
      }
      // Other pushes (none is expected without other commands) carry nothing for the handler.

      // A flood of messages must not hold Stop up.
      if (stop_.HasBeenNotified()) return absl::OkStatus();
    }
    if (stop_.HasBeenNotified()) return absl::OkStatus();

    absl::Duration wait = kPollSlice;
    if (!established) {
      const absl::Duration left = confirm_deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::DeadlineExceededError(
            absl::StrCat(where, "PSUBSCRIBE not confirmed within ",
                         absl::FormatDuration(options_.command_timeout), "; connection dropped"));
      }
      wait = std::min(wait, left);
    }
    pollfd ready{context->fd, POLLIN, 0};
    const int n = poll(&ready, 1, PollTimeoutMs(wait));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat(where, "poll: ", std::strerror(errno)));
    }
    if (n == 0) continue;
    // Also on POLLHUP or POLLERR: the read then reports the EOF or the socket's error.
    if (redisBufferRead(context.get()) != REDIS_OK) {
      return ContextError(*context, where, "while waiting for messages");
    }
  }
}

}  // namespace okr::common
