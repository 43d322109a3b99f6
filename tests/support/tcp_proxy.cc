#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "tests/support/free_port.h"

namespace okr::test_support {
namespace {

// Bytes read at once, and so the most one delayed chunk holds.
constexpr size_t kChunkBytes = 64 * 1024;
// A target that neither accepts nor refuses within this is treated as refusing.
constexpr absl::Duration kConnectTimeout = absl::Seconds(5);

absl::Status ErrnoError(absl::string_view what, int err) {
  return absl::InternalError(absl::StrCat("TcpProxy: ", what, ": ", std::strerror(err)));
}

// Milliseconds left until deadline, rounded up so that a poll() timing out never wakes early.
int MsUntil(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(
      absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))), INT_MAX));
}

// Makes close() send RST instead of FIN.
void ResetOnClose(int fd) {
  const linger lin{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
}

// Makes the pipe's read end readable for good (it is never read). A full pipe already is.
void Wake(int pipe_write) {
  const char byte = 0;
  while (write(pipe_write, &byte, 1) < 0 && errno == EINTR) {
  }
}

// Waits until fd has one of `events` (or an error) or wake_fd is readable, at most until deadline.
// True only for fd.
bool WaitFor(int fd, short events, int wake_fd, absl::Time deadline = absl::InfiniteFuture()) {
  while (true) {
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int timeout = deadline == absl::InfiniteFuture() ? -1 : MsUntil(deadline);
    const int n = poll(fds, 2, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || fds[1].revents != 0) return false;
    return fds[0].revents != 0;
  }
}

// Sleeps until deadline unless wake_fd becomes readable first. False if woken.
bool SleepUntil(absl::Time deadline, int wake_fd) {
  while (absl::Now() < deadline) {
    pollfd fds[1] = {{wake_fd, POLLIN, 0}};
    const int n = poll(fds, 1, MsUntil(deadline));
    if (n > 0) return false;
    if (n < 0 && errno != EINTR) return false;
  }
  return true;
}

// The proxy's writes come in chunks as they were read; Nagle's algorithm would hold back each
// chunk after the first until an ACK, adding delay the client would not see without the proxy.
void NoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

struct TcpProxy::Connection {
  Connection(int client_fd, bool connect_target, bool blackhole)
      : client(client_fd), connect_upstream(connect_target), blackholed(blackhole) {}

  // Joins the thread (which closes the sockets), then closes the wake pipe it polled.
  ~Connection() {
    if (thread.joinable()) thread.join();
    if (wake_read >= 0) close(wake_read);
    if (wake_write >= 0) close(wake_write);
  }

  // Ends the connection with RST on both sides, waking its threads wherever they wait.
  void Abort() {
    if (!aborted.exchange(true)) Wake(wake_write);
  }

  // The sockets belong to the connection's own threads; other threads only call Abort(), so no
  // descriptor is closed while another thread may still use it.
  const int client;
  int upstream = -1;
  const bool connect_upstream;
  int wake_read = -1;
  int wake_write = -1;
  std::atomic<bool> aborted{false};
  std::atomic<bool> blackholed;
  std::atomic<bool> finished{false};
  std::thread thread;
};

absl::StatusOr<std::unique_ptr<TcpProxy>> TcpProxy::Start(int target_port) {
  if (target_port < 1 || target_port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("TcpProxy: bad target port ", target_port));
  }
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listener < 0) return ErrnoError("socket", errno);
  // Lets the kernel's pick include ports that earlier connections still hold in TIME_WAIT, which
  // tests that reset connections by the hundred leave plenty of.
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = LoopbackAddress(0);
  socklen_t len = sizeof(addr);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listener, SOMAXCONN) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    close(listener);
    return ErrnoError("listen", err);
  }
  int stop_pipe[2];
  if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    const int err = errno;
    close(listener);
    return ErrnoError("pipe", err);
  }
  auto proxy = std::unique_ptr<TcpProxy>(
      new TcpProxy(target_port, listener, ntohs(addr.sin_port), stop_pipe));
  proxy->accept_thread_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

TcpProxy::TcpProxy(int target_port, int listener, int port, const int stop_pipe[2])
    : target_port_(target_port),
      listener_(listener),
      port_(port),
      stop_read_(stop_pipe[0]),
      stop_write_(stop_pipe[1]) {}

TcpProxy::~TcpProxy() {
  Wake(stop_write_);
  accept_thread_.join();
  ResetAll();
  // Clients still in the backlog get RST from the kernel.
  close(listener_);
  close(stop_read_);
  close(stop_write_);
}

void TcpProxy::SetMode(Mode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  mode_ = mode;
  if (mode == Mode::kBlackhole) {
    for (const auto& conn : connections_) conn->blackholed = true;
  }
}

void TcpProxy::SetLatency(absl::Duration latency) {
  latency_ns_ = std::max<int64_t>(0, absl::ToInt64Nanoseconds(latency));
}

void TcpProxy::ResetAll() {
  std::vector<std::unique_ptr<Connection>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(connections_);
  }
  // All at once, then wait: each connection has sent its RSTs when its thread has ended.
  for (const auto& conn : all) conn->Abort();
  all.clear();
}

void TcpProxy::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) {
      // EAGAIN or ECONNABORTED: the client left before we got to it. Anything else (out of
      // descriptors) would make poll() return at once again; back off instead of spinning.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR) {
        SleepUntil(absl::Now() + absl::Milliseconds(10), stop_read_);
      }
      continue;
    }
    ++accepted_;
    std::vector<std::unique_ptr<Connection>> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Reaped here so that a long test does not pile up ended connections.
      auto ended = std::stable_partition(connections_.begin(), connections_.end(),
                                         [](const auto& conn) { return !conn->finished; });
      std::move(ended, connections_.end(), std::back_inserter(done));
      connections_.erase(ended, connections_.end());
      // Under mu_, so that SetMode(kBlackhole) also marks a connection admitted just before.
      Admit(client);
    }
    done.clear();  // Joins threads that have ended already.
  }
}

void TcpProxy::Admit(int client) {
  if (mode_ == Mode::kRefuse) {
    ResetOnClose(client);
    close(client);
    return;
  }
  const bool blackhole = mode_ == Mode::kBlackhole;
  auto conn = std::make_unique<Connection>(client, /*connect_target=*/!blackhole, blackhole);
  int wake[2];
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    ResetOnClose(client);
    close(client);
    return;
  }
  conn->wake_read = wake[0];
  conn->wake_write = wake[1];
  NoDelay(client);
  ++open_;
  conn->thread = std::thread([this, c = conn.get()] { Serve(*c); });
  connections_.push_back(std::move(conn));
}

void TcpProxy::Serve(Connection& conn) {
  if (conn.connect_upstream) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd >= 0) {
      const sockaddr_in addr = LoopbackAddress(target_port_);
      int err = 0;
      // EINTR: the connect goes on in the background, as with EINPROGRESS.
      if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        err = errno;
        if (err == EINPROGRESS || err == EINTR) {
          err = ETIMEDOUT;
          if (WaitFor(fd, POLLOUT, conn.wake_read, absl::Now() + kConnectTimeout)) {
            socklen_t len = sizeof(err);
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
          }
        }
      }
      if (err == 0) {
        NoDelay(fd);
        conn.upstream = fd;
      } else {
        close(fd);
      }
    }
    // The client sees what it would from a target that refused it.
    if (conn.upstream < 0) conn.Abort();
  }

  if (conn.upstream >= 0) {
    std::thread back(
        [&] { EndDirection(conn, Pump(conn, conn.upstream, conn.client), conn.client); });
    EndDirection(conn, Pump(conn, conn.client, conn.upstream), conn.upstream);
    back.join();
  } else if (!conn.aborted) {
    Pump(conn, conn.client, -1);  // Blackholed from the start: nothing to forward to.
  }

  if (conn.aborted) {
    ResetOnClose(conn.client);
    if (conn.upstream >= 0) ResetOnClose(conn.upstream);
  }
  close(conn.client);
  if (conn.upstream >= 0) close(conn.upstream);
  --open_;
  conn.finished = true;
}

TcpProxy::PumpEnd TcpProxy::Pump(Connection& conn, int src, int dst) {
  std::string buf(kChunkBytes, '\0');
  while (true) {
    if (!WaitFor(src, POLLIN, conn.wake_read)) return PumpEnd::kAborted;
    const ssize_t n = recv(src, buf.data(), buf.size(), 0);
    if (n == 0) return PumpEnd::kEof;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return PumpEnd::kError;
    }
    if (conn.blackholed) continue;
    const int64_t latency_ns = latency_ns_.load();
    if (latency_ns > 0 &&
        !SleepUntil(absl::Now() + absl::Nanoseconds(latency_ns), conn.wake_read)) {
      return PumpEnd::kAborted;
    }
    // Blackholed while the chunk waited: a hung peer would not have sent it either.
    if (conn.blackholed) continue;
    const char* data = buf.data();
    size_t left = static_cast<size_t>(n);
    while (left > 0) {
      const ssize_t sent = send(dst, data, left, MSG_NOSIGNAL);
      if (sent > 0) {
        data += sent;
        left -= static_cast<size_t>(sent);
      } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!WaitFor(dst, POLLOUT, conn.wake_read)) return PumpEnd::kAborted;
      } else if (sent < 0 && errno != EINTR) {
        return PumpEnd::kError;
      }
    }
  }
}

void TcpProxy::EndDirection(Connection& conn, PumpEnd end, int dst) {
  // A blackholed connection passes nothing on, its end included: the other direction goes on
  // until its own side closes, or ResetAll or the destructor comes.
  if (conn.blackholed) return;
  if (end == PumpEnd::kEof) {
    shutdown(dst, SHUT_WR);
  } else if (end == PumpEnd::kError) {
    conn.Abort();
  }
}

}  // namespace okr::test_support
