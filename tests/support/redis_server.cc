#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/support/free_port.h"

namespace okr::test_support {
namespace {

constexpr absl::Duration kReadyTimeout = absl::Seconds(5);
constexpr absl::Duration kStopTimeout = absl::Seconds(5);

std::string ServerBinary() {
  const char* env = std::getenv("OKR_REDIS_SERVER");
  return (env != nullptr && env[0] != '\0') ? env : "/usr/bin/redis-server";
}

// Closes the descriptor when leaving scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int RemainingMs(absl::Time deadline) {
  return std::max<int>(0, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now())));
}

// True once `reply` holds one whole RESP reply of the simple kinds a probe gets: a line (+, -, :)
// or a bulk string.
bool CompleteReply(const std::string& reply) {
  const size_t line_end = reply.find("\r\n");
  if (line_end == std::string::npos) return false;
  if (reply[0] != '$') return true;
  int64_t length = 0;
  if (!absl::SimpleAtoi(reply.substr(1, line_end - 1), &length) || length < 0) return true;
  return reply.size() >= line_end + 2 + static_cast<size_t>(length) + 2;
}

// Sends one inline command over a fresh loopback connection and returns the raw reply.
absl::StatusOr<std::string> Exchange(int port, const std::string& request, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr = LoopbackAddress(port);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(absl::StrCat("connect: ", std::strerror(errno)));
    }
    pollfd p{fd.get(), POLLOUT, 0};
    if (poll(&p, 1, RemainingMs(deadline)) != 1) {
      return absl::DeadlineExceededError("connect timed out");
    }
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return absl::UnavailableError(absl::StrCat("connect: ", std::strerror(err)));
  }
  const std::string line = request + "\r\n";
  size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
    } else {
      pollfd p{fd.get(), POLLOUT, 0};
      if (poll(&p, 1, RemainingMs(deadline)) != 1) return absl::DeadlineExceededError("send");
    }
  }
  std::string reply;
  while (!CompleteReply(reply)) {
    pollfd p{fd.get(), POLLIN, 0};
    if (poll(&p, 1, RemainingMs(deadline)) != 1) {
      return absl::DeadlineExceededError(absl::StrCat("no reply to ", request));
    }
    char buf[4096];
    const ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
    if (n == 0) return absl::UnavailableError("connection closed before the reply");
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
    }
    reply.append(buf, static_cast<size_t>(n));
  }
  return reply;
}

absl::Status PingOnce(int port, absl::Duration timeout) {
  absl::StatusOr<std::string> reply = Exchange(port, "PING", timeout);
  if (!reply.ok()) return reply.status();
  if (!absl::StartsWith(*reply, "+PONG")) {
    return absl::UnavailableError(absl::StrCat("unexpected reply to PING: ", *reply));
  }
  return absl::OkStatus();
}

// Ready means answering, and answering from our child: a server that another test left on the
// port would answer PING too, while ours fails to bind.
absl::Status ProbeReady(int port, pid_t pid, absl::Duration timeout) {
  absl::StatusOr<std::string> reply = Exchange(port, "INFO server", timeout);
  if (!reply.ok()) return reply.status();
  if (!absl::StartsWith(*reply, "$")) {
    return absl::UnavailableError(absl::StrCat("unexpected reply to INFO: ", *reply));
  }
  if (!absl::StrContains(*reply, absl::StrCat("\r\nprocess_id:", pid, "\r\n"))) {
    return absl::UnavailableError(absl::StrCat("port ", port, " is served by another process"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(int port) {
  const int attempts = port == 0 ? 3 : 1;
  absl::Status last;
  for (int i = 0; i < attempts; ++i) {
    auto server = std::unique_ptr<RedisServer>(new RedisServer(port == 0 ? PickFreePort() : port));
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

RedisServer::~RedisServer() { Stop().IgnoreError(); }

absl::Status RedisServer::Launch() {
  const std::string port = std::to_string(port_);
  auto process = Subprocess::Start({ServerBinary(), "--port", port, "--bind", "127.0.0.1", "--save",
                                    "", "--appendonly", "no", "--dir", dir_.path(),
                                    // Lets tests slow the server down with DEBUG SLEEP.
                                    "--enable-debug-command", "local"},
                                   {}, log_path());
  if (!process.ok()) return process.status();
  process_ = *std::move(process);

  const absl::Time deadline = absl::Now() + kReadyTimeout;
  absl::Status probe;
  while (absl::Now() < deadline) {
    if (!process_->Running()) {
      const absl::StatusOr<int> code = process_->Wait(absl::ZeroDuration());
      return absl::UnavailableError(absl::StrCat("redis-server on port ", port_,
                                                 " exited with code ", code.value_or(-1),
                                                 " while starting; log:\n", ReadFile(log_path())));
    }
    probe = ProbeReady(port_, process_->pid(), absl::Milliseconds(200));
    if (probe.ok()) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  process_.reset();  // Kills it.
  return absl::DeadlineExceededError(absl::StrCat(
      "redis-server on port ", port_, " was not ready within ", absl::FormatDuration(kReadyTimeout),
      " (", probe.message(), "); log:\n", ReadFile(log_path())));
}

absl::Status RedisServer::Stop() {
  if (process_ == nullptr) return absl::OkStatus();
  if (process_->Running()) {
    process_->Signal(SIGTERM).IgnoreError();
    // A paused server would keep SIGTERM pending forever.
    process_->Signal(SIGCONT).IgnoreError();
    if (!process_->Wait(kStopTimeout).ok()) {
      process_->Signal(SIGKILL).IgnoreError();
      absl::StatusOr<int> killed = process_->Wait(kStopTimeout);
      if (!killed.ok()) return killed.status();
    }
  }
  process_.reset();
  return absl::OkStatus();
}

absl::Status RedisServer::Restart() {
  if (absl::Status stopped = Stop(); !stopped.ok()) return stopped;
  return Launch();
}

absl::Status RedisServer::Pause() {
  if (process_ == nullptr) return absl::FailedPreconditionError("redis-server is not running");
  return process_->Signal(SIGSTOP);
}

absl::Status RedisServer::Resume() {
  if (process_ == nullptr) return absl::FailedPreconditionError("redis-server is not running");
  return process_->Signal(SIGCONT);
}

absl::Status RedisServer::Ping(absl::Duration timeout) const { return PingOnce(port_, timeout); }

}  // namespace okr::test_support
