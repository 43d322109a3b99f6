#include "okr/common/redis/hiredis_client.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <utility>

#include "absl/strings/str_cat.h"

namespace okr::common {
namespace {

timeval TimeoutTimeval(absl::Duration d) {
  // A zero timeval means "no timeout" to the kernel; a timeout must never become that.
  return absl::ToTimeval(std::max(d, absl::Milliseconds(1)));
}

// hiredis writes with write(2), so a peer that went away raises SIGPIPE, which would kill the
// process. Blocking it on this thread for the round trip and discarding one it raised keeps the
// fault an error return (EPIPE) without changing the process's signal disposition.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedSigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};

// hiredis reports a socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) as an I/O error with errno EAGAIN.
// (ETIMEDOUT is keepalive giving up on a dead peer: unavailable, not slow.)
bool IsTimeout(int saved_errno) { return saved_errno == EAGAIN || saved_errno == EWOULDBLOCK; }

absl::Status ValidateCommand(const std::vector<std::string>& args) {
  if (args.empty()) return absl::InvalidArgumentError("redis: empty command");
  return absl::OkStatus();
}

}  // namespace

void HiredisClient::ContextDeleter::operator()(redisContext* context) const { redisFree(context); }

HiredisClient::HiredisClient(RedisOptions options, Clock clock)
    : options_(std::move(options)), clock_(std::move(clock)) {}

HiredisClient::~HiredisClient() = default;

std::string HiredisClient::Endpoint() const {
  return absl::StrCat(options_.host, ":", options_.port);
}

absl::Status HiredisClient::EnsureConnected() {
  if (context_ != nullptr) return absl::OkStatus();
  const absl::Time now = clock_();
  if (now < next_attempt_) {
    return absl::UnavailableError(
        absl::StrCat("redis ", Endpoint(), ": not connected, next reconnect attempt in ",
                     absl::FormatDuration(next_attempt_ - now),
                     " (last error: ", last_connect_error_.message(), ")"));
  }
  ++connect_attempts_;
  ContextPtr context(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                             TimeoutTimeval(options_.connect_timeout)));
  absl::Status failure;
  if (context == nullptr) {
    failure = absl::UnavailableError(
        absl::StrCat("redis ", Endpoint(), ": connect failed: cannot allocate a context"));
  } else if (context->err != 0) {
    failure = absl::UnavailableError(
        absl::StrCat("redis ", Endpoint(), ": connect failed: ", context->errstr));
  } else if (redisSetTimeout(context.get(), TimeoutTimeval(options_.command_timeout)) != REDIS_OK) {
    failure = absl::UnavailableError(
        absl::StrCat("redis ", Endpoint(), ": cannot set timeouts: ", context->errstr));
  }
  if (!failure.ok()) {
    backoff_ = std::min(backoff_ == absl::ZeroDuration() ? options_.initial_backoff : backoff_ * 2,
                        options_.max_backoff);
    // Counted from the end of the attempt, which may itself have taken connect_timeout.
    next_attempt_ = clock_() + backoff_;
    last_connect_error_ = failure;
    return failure;
  }
  // Lets the kernel notice a peer that vanished while the connection sat idle.
  redisEnableKeepAlive(context.get());
  context_ = std::move(context);
  backoff_ = absl::ZeroDuration();
  next_attempt_ = absl::InfinitePast();
  last_connect_error_ = absl::OkStatus();
  return absl::OkStatus();
}

absl::Status HiredisClient::DropConnection(int saved_errno, const char* during) {
  const int err = context_->err;
  const std::string errstr = context_->errstr;
  context_.reset();
  const std::string where = absl::StrCat("redis ", Endpoint(), ": ");
  if (err == REDIS_ERR_IO && IsTimeout(saved_errno)) {
    return absl::DeadlineExceededError(absl::StrCat(where, "timed out after ",
                                                    absl::FormatDuration(options_.command_timeout),
                                                    " ", during, "; connection dropped"));
  }
  if (err == REDIS_ERR_EOF) {
    return absl::UnavailableError(absl::StrCat(where, "connection closed by the server ", during));
  }
  return absl::UnavailableError(absl::StrCat(where, errstr.empty() ? "connection error" : errstr,
                                             " ", during, "; connection dropped"));
}

absl::StatusOr<std::vector<RedisReply>> HiredisClient::RoundTrip(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::vector<std::string>& command : commands) {
    argv.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      // Part of the pipeline may sit in the output buffer: the connection cannot be reused.
      return DropConnection(errno, "while queueing a command");
    }
  }
  ScopedSigpipeBlock no_sigpipe;
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) {
      const int saved_errno = errno;
      if (raw != nullptr) freeReplyObject(raw);
      return DropConnection(saved_errno, "while waiting for a reply");
    }
    std::unique_ptr<void, ReplyDeleter> reply(raw);
    if (reply == nullptr) return DropConnection(0, "while waiting for a reply (none came)");
    replies.push_back(RedisReplyFromHiredis(*static_cast<const redisReply*>(reply.get())));
  }
  return replies;
}

absl::StatusOr<RedisReply> HiredisClient::Command(std::vector<std::string> args) {
  if (absl::Status valid = ValidateCommand(args); !valid.ok()) return valid;
  absl::MutexLock lock(&mu_);
  if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
  std::vector<std::vector<std::string>> commands;
  commands.push_back(std::move(args));
  absl::StatusOr<std::vector<RedisReply>> replies = RoundTrip(commands);
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::StatusOr<std::vector<RedisReply>> HiredisClient::Pipeline(
    std::vector<std::vector<std::string>> commands) {
  for (const std::vector<std::string>& command : commands) {
    if (absl::Status valid = ValidateCommand(command); !valid.ok()) return valid;
  }
  if (commands.empty()) return std::vector<RedisReply>();
  absl::MutexLock lock(&mu_);
  if (absl::Status connected = EnsureConnected(); !connected.ok()) return connected;
  return RoundTrip(commands);
}

absl::Status HiredisClient::Ping() {
  absl::StatusOr<RedisReply> reply = Command({"PING"});
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) {
    return absl::UnavailableError(absl::StrCat("redis ", Endpoint(), ": PING: ", reply->str()));
  }
  if (reply->kind() != RedisReply::Kind::kStatus || reply->str() != "PONG") {
    return absl::InternalError(
        absl::StrCat("redis ", Endpoint(), ": unexpected reply to PING: ", reply->DebugString()));
  }
  return absl::OkStatus();
}

int64_t HiredisClient::ConnectAttemptsForTest() const {
  absl::MutexLock lock(&mu_);
  return connect_attempts_;
}

absl::Duration HiredisClient::CurrentBackoffForTest() const {
  absl::MutexLock lock(&mu_);
  return backoff_;
}

}  // namespace okr::common
