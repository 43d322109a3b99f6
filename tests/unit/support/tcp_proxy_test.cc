#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/free_port.h"

namespace okr::test_support {
namespace {

constexpr absl::Duration kIoTimeout = absl::Seconds(5);
// How long a fault may take to show on a client: generous, for a noisy 2-core machine.
constexpr absl::Duration kNoticeWithin = absl::Seconds(2);

int MsUntil(absl::Time deadline) {
  return std::max<int>(0, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now())));
}

bool WaitUntil(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Echoes every byte back on each connection, and counts how connections ended. Its sockets poll
// with a short timeout so that the destructor never waits on a client.
class EchoServer {
 public:
  EchoServer() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = LoopbackAddress(0);
    socklen_t len = sizeof(addr);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listener_, SOMAXCONN) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "echo server: " << std::strerror(errno);
      return;
    }
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~EchoServer() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    for (std::thread& t : connections_) t.join();
    if (listener_ >= 0) close(listener_);
  }

  int port() const { return port_; }
  int accepted() const { return accepted_; }
  // Connections that ended, and those of them that ended with an error (RST) rather than EOF.
  int ended() const { return ended_; }
  int resets() const { return resets_; }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (poll(&p, 1, 20) != 1) continue;
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) continue;
      ++accepted_;
      connections_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    bool reset = false;
    char buf[16384];
    while (!stop_) {
      pollfd in{fd, POLLIN, 0};
      if (poll(&in, 1, 20) != 1) continue;
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        reset = true;
        break;
      }
      ssize_t done = 0;
      while (done < n && !stop_ && !reset) {
        const ssize_t sent = send(fd, buf + done, static_cast<size_t>(n - done), MSG_NOSIGNAL);
        if (sent > 0) {
          done += sent;
        } else if (errno == EAGAIN || errno == EINTR) {
          pollfd out{fd, POLLOUT, 0};
          poll(&out, 1, 20);
        } else {
          reset = true;
        }
      }
      if (reset) break;
    }
    close(fd);
    if (reset) ++resets_;
    ++ended_;
  }

  int listener_ = -1;
  int port_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> ended_{0};
  std::atomic<int> resets_{0};
  std::vector<std::thread> connections_;  // Only the accept thread adds, before it is joined.
  std::thread accept_thread_;
};

// A connected blocking client socket, closed when leaving scope.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    const sockaddr_in addr = LoopbackAddress(port);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
      ADD_FAILURE() << "connect to " << port << ": " << std::strerror(errno);
    }
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// What one recv() got after waiting for the socket to become readable.
struct ReadOutcome {
  bool timed_out = false;
  ssize_t n = 0;  // recv()'s result: -1 with `error` set.
  int error = 0;
  std::string data;
};

ReadOutcome ReadOnce(int fd, absl::Duration timeout) {
  ReadOutcome out;
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) {
    out.timed_out = true;
    return out;
  }
  char buf[4096];
  out.n = recv(fd, buf, sizeof(buf), 0);
  if (out.n < 0) out.error = errno;
  if (out.n > 0) out.data.assign(buf, static_cast<size_t>(out.n));
  return out;
}

// Reads until `size` bytes have come, the peer closes, or timeout passes; returns what came.
std::string ReadUpTo(int fd, size_t size, absl::Duration timeout, bool* eof = nullptr) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string got;
  std::vector<char> buf(256 * 1024);
  while (got.size() < size) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, MsUntil(deadline)) != 1) break;
    const ssize_t n = recv(fd, buf.data(), std::min(buf.size(), size - got.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (eof != nullptr) *eof = n == 0;
      break;
    }
    got.append(buf.data(), static_cast<size_t>(n));
  }
  return got;
}

// Sends msg and returns what comes back of the same length within kIoTimeout.
std::string RoundTrip(int fd, const std::string& msg) {
  if (!SendAll(fd, msg)) return "<send failed: " + std::string(std::strerror(errno)) + ">";
  return ReadUpTo(fd, msg.size(), kIoTimeout);
}

// Expects the client's next read to fail with ECONNRESET within kNoticeWithin.
void ExpectReset(int fd) {
  const ReadOutcome read = ReadOnce(fd, kNoticeWithin);
  EXPECT_FALSE(read.timed_out) << "no reset within " << kNoticeWithin;
  EXPECT_EQ(read.n, -1) << "read got " << read.n << " bytes";
  EXPECT_EQ(read.error, ECONNRESET) << std::strerror(read.error);
}

class TcpProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(echo_.port(), 0);
    absl::StatusOr<std::unique_ptr<TcpProxy>> proxy = TcpProxy::Start(echo_.port());
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = *std::move(proxy);
  }

  EchoServer echo_;
  std::unique_ptr<TcpProxy> proxy_;  // Declared last: stops before the echo server.
};

TEST_F(TcpProxyTest, ForwardsBothWaysAndPassesOnTheClose) {
  ASSERT_GT(proxy_->port(), 0);
  EXPECT_NE(proxy_->port(), echo_.port());
  {
    Client client(proxy_->port());
    EXPECT_EQ(RoundTrip(client.fd(), "hello"), "hello");
    EXPECT_EQ(RoundTrip(client.fd(), "world, again"), "world, again");
    EXPECT_EQ(proxy_->accepted(), 1);
    EXPECT_EQ(proxy_->open_connections(), 1);
    EXPECT_EQ(echo_.accepted(), 1);
  }
  // The client's FIN reaches the server, whose FIN ends the proxy's connection.
  EXPECT_TRUE(WaitUntil([&] { return echo_.ended() == 1; }, kNoticeWithin));
  EXPECT_EQ(echo_.resets(), 0);
  EXPECT_TRUE(WaitUntil([&] { return proxy_->open_connections() == 0; }, kNoticeWithin));
}

TEST_F(TcpProxyTest, ForwardsMegabytesByteForByteAndHalfCloses) {
  std::string data(3 * 1024 * 1024 + 17, '\0');
  std::mt19937 random(42);
  for (char& c : data) c = static_cast<char>(random());

  Client client(proxy_->port());
  // Writes and reads at once: the echo comes back while the rest is still being sent.
  std::atomic<bool> sent{false};
  std::thread writer([&] {
    sent = SendAll(client.fd(), data);
    shutdown(client.fd(), SHUT_WR);
  });
  bool eof = false;
  const std::string got = ReadUpTo(client.fd(), data.size() + 1, absl::Seconds(30), &eof);
  shutdown(client.fd(), SHUT_RDWR);  // Unblocks the writer if the transfer got stuck.
  writer.join();

  EXPECT_TRUE(sent);
  // The client's half-close went through to the server, and the server's close came back.
  EXPECT_TRUE(eof);
  ASSERT_EQ(got.size(), data.size());
  const auto [at, unused] = std::mismatch(data.begin(), data.end(), got.begin());
  EXPECT_TRUE(at == data.end()) << "first differing byte at " << (at - data.begin());
}

TEST_F(TcpProxyTest, LatencyDelaysEachDirection) {
  Client client(proxy_->port());
  ASSERT_EQ(RoundTrip(client.fd(), "warm-up"), "warm-up");

  constexpr absl::Duration kLatency = absl::Milliseconds(250);
  proxy_->SetLatency(kLatency);
  absl::Time start = absl::Now();
  EXPECT_EQ(RoundTrip(client.fd(), "slow"), "slow");
  absl::Duration took = absl::Now() - start;
  // The request and the echo each wait once.
  EXPECT_GE(took, 2 * kLatency);
  EXPECT_LT(took, 2 * kLatency + kNoticeWithin);

  proxy_->SetLatency(absl::ZeroDuration());
  start = absl::Now();
  EXPECT_EQ(RoundTrip(client.fd(), "fast"), "fast");
  took = absl::Now() - start;
  EXPECT_LT(took, kLatency);
}

TEST_F(TcpProxyTest, ResetAllResetsBothSidesAndNewConnectionsStillWork) {
  Client client(proxy_->port());
  ASSERT_EQ(RoundTrip(client.fd(), "before"), "before");
  ASSERT_EQ(echo_.accepted(), 1);

  const absl::Time start = absl::Now();
  proxy_->ResetAll();
  EXPECT_EQ(proxy_->open_connections(), 0);  // ResetAll returns once they are closed.
  ExpectReset(client.fd());
  EXPECT_LT(absl::Now() - start, kNoticeWithin);
  EXPECT_TRUE(WaitUntil([&] { return echo_.resets() == 1; }, kNoticeWithin))
      << "the server side was not reset";

  Client fresh(proxy_->port());
  EXPECT_EQ(RoundTrip(fresh.fd(), "after"), "after");
  EXPECT_EQ(proxy_->accepted(), 2);
  EXPECT_EQ(proxy_->open_connections(), 1);
}

TEST_F(TcpProxyTest, BlackholeAcceptsAndReadsButForwardsNothing) {
  proxy_->SetMode(TcpProxy::Mode::kBlackhole);
  {
    Client client(proxy_->port());
    EXPECT_TRUE(SendAll(client.fd(), "anyone there?"));
    const ReadOutcome read = ReadOnce(client.fd(), absl::Milliseconds(200));
    // No data and no close either: poll() saw nothing at all.
    EXPECT_TRUE(read.timed_out) << "read got " << read.n;
    EXPECT_EQ(proxy_->accepted(), 1);
    EXPECT_EQ(proxy_->open_connections(), 1);
    EXPECT_EQ(echo_.accepted(), 0) << "a blackholed connection reached the server";
  }
  // The proxy keeps reading, so it notices the client leave.
  EXPECT_TRUE(WaitUntil([&] { return proxy_->open_connections() == 0; }, kNoticeWithin));

  proxy_->SetMode(TcpProxy::Mode::kForward);
  Client client(proxy_->port());
  EXPECT_EQ(RoundTrip(client.fd(), "back"), "back");
}

TEST_F(TcpProxyTest, BlackholeHangsOpenConnectionsUntilTheyClose) {
  Client client(proxy_->port());
  ASSERT_EQ(RoundTrip(client.fd(), "before"), "before");

  proxy_->SetMode(TcpProxy::Mode::kBlackhole);
  EXPECT_TRUE(SendAll(client.fd(), "lost"));
  EXPECT_TRUE(ReadOnce(client.fd(), absl::Milliseconds(200)).timed_out);

  // Back to forwarding, the old connection stays hung (it dropped "lost"); new ones work.
  proxy_->SetMode(TcpProxy::Mode::kForward);
  EXPECT_TRUE(SendAll(client.fd(), "still lost"));
  EXPECT_TRUE(ReadOnce(client.fd(), absl::Milliseconds(200)).timed_out);
  Client fresh(proxy_->port());
  EXPECT_EQ(RoundTrip(fresh.fd(), "new"), "new");
}

TEST_F(TcpProxyTest, RefuseResetsNewConnectionsAndSparesOpenOnes) {
  Client existing(proxy_->port());
  ASSERT_EQ(RoundTrip(existing.fd(), "before"), "before");

  proxy_->SetMode(TcpProxy::Mode::kRefuse);
  {
    Client refused(proxy_->port());
    ExpectReset(refused.fd());
  }
  EXPECT_EQ(proxy_->accepted(), 2);
  EXPECT_EQ(proxy_->open_connections(), 1);
  EXPECT_EQ(echo_.accepted(), 1) << "a refused connection reached the server";
  EXPECT_EQ(RoundTrip(existing.fd(), "still here"), "still here");

  proxy_->SetMode(TcpProxy::Mode::kForward);
  Client fresh(proxy_->port());
  EXPECT_EQ(RoundTrip(fresh.fd(), "after"), "after");
}

TEST(TcpProxyTargetTest, TargetNotListeningResetsTheClient) {
  absl::StatusOr<std::unique_ptr<TcpProxy>> proxy = TcpProxy::Start(PickFreePort());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  Client client((*proxy)->port());
  ExpectReset(client.fd());
  EXPECT_TRUE(WaitUntil([&] { return (*proxy)->open_connections() == 0; }, kNoticeWithin));
}

TEST(TcpProxyTargetTest, RejectsBadTargetPort) {
  EXPECT_EQ(TcpProxy::Start(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TcpProxy::Start(65536).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TcpProxyTest, DestructorIsPromptWithConnectionsOpenAndStuck) {
  // Idle, in the middle of nothing.
  Client idle(proxy_->port());
  ASSERT_EQ(RoundTrip(idle.fd(), "idle"), "idle");

  // Never reads its echo: once the buffers on the way fill, the proxy waits to write to it.
  Client stuck(proxy_->port());
  const std::string block(64 * 1024, 'x');
  for (int sent = 0; sent < 1024; ++sent) {  // At most 64 MiB.
    pollfd p{stuck.fd(), POLLOUT, 0};
    if (poll(&p, 1, 300) != 1) break;  // Nothing drains any more.
    if (send(stuck.fd(), block.data(), block.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
        errno != EAGAIN) {
      break;
    }
  }

  // A chunk waiting out a long latency.
  proxy_->SetLatency(absl::Seconds(30));
  Client delayed(proxy_->port());
  ASSERT_TRUE(SendAll(delayed.fd(), "later"));

  // Blackholed from the start.
  proxy_->SetMode(TcpProxy::Mode::kBlackhole);
  Client hung(proxy_->port());
  ASSERT_TRUE(SendAll(hung.fd(), "hello?"));
  ASSERT_TRUE(WaitUntil([&] { return proxy_->open_connections() == 4; }, kNoticeWithin));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // Lets the proxy read the data.

  const absl::Time start = absl::Now();
  proxy_.reset();
  EXPECT_LT(absl::Now() - start, kNoticeWithin);
  ExpectReset(idle.fd());
  ExpectReset(delayed.fd());
  ExpectReset(hung.fd());
}

}  // namespace
}  // namespace okr::test_support
