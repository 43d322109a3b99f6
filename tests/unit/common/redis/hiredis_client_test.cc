// HiredisClient against loopback ports without a Redis behind them: nothing listening, a listener
// that never answers, a listener whose backlog is full. The real server is in the integration
// tests.
#include "okr/common/redis/hiredis_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/free_port.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

// A TCP listener that never accepts or reads: the kernel completes handshakes while the backlog has
// room, so clients connect and then wait forever for replies, as with a hung server.
class SilentListener {
 public:
  SilentListener(int port, int backlog) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr = test_support::LoopbackAddress(port);
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
          listen(fd_, backlog) == 0;
  }
  ~SilentListener() {
    for (int fd : clients_) close(fd);
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return ok_; }

  // Opens connections nobody accepts, until the accept queue is full.
  void FillBacklog(int port, int connections) {
    for (int i = 0; i < connections; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      sockaddr_in addr = test_support::LoopbackAddress(port);
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      clients_.push_back(fd);
    }
    // Let the handshakes that can complete do so.
    usleep(50'000);
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::vector<int> clients_;
};

class HiredisClientTest : public ::testing::Test {
 protected:
  RedisOptions Options() const {
    RedisOptions options;
    options.port = port_;
    options.connect_timeout = absl::Milliseconds(200);
    options.command_timeout = absl::Milliseconds(200);
    options.initial_backoff = absl::Milliseconds(50);
    options.max_backoff = absl::Milliseconds(400);
    return options;
  }
  HiredisClient::Clock FakeClock() {
    return [this] { return now_; };
  }

  const int port_ = test_support::PickFreePort();  // Nothing listens here unless a test says so.
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
};

TEST_F(HiredisClientTest, ConstructionDoesNotConnect) {
  HiredisClient client(Options(), FakeClock());
  EXPECT_EQ(client.ConnectAttemptsForTest(), 0);
}

TEST_F(HiredisClientTest, ConnectionRefusedIsUnavailableAtOnce) {
  HiredisClient client(Options());
  const absl::Time start = absl::Now();
  absl::StatusOr<RedisReply> reply = client.Command({"PING"});
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", port_)));
  EXPECT_THAT(reply.status().message(), HasSubstr("refused"));
  EXPECT_LT(took, absl::Milliseconds(100));
  EXPECT_EQ(client.Ping().code(), absl::StatusCode::kUnavailable);
}

TEST_F(HiredisClientTest, ReconnectAttemptsBackOffExponentiallyUpToTheCap) {
  HiredisClient client(Options(), FakeClock());
  // Waits after each failed attempt: doubling from initial_backoff, capped at max_backoff.
  const std::vector<absl::Duration> expected = {absl::Milliseconds(50), absl::Milliseconds(100),
                                                absl::Milliseconds(200), absl::Milliseconds(400),
                                                absl::Milliseconds(400)};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(client.Command({"PING"}).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(client.ConnectAttemptsForTest(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(client.CurrentBackoffForTest(), expected[i]);

    // Until the backoff has passed, calls fail without trying to connect.
    now_ += expected[i] - absl::Milliseconds(1);
    absl::StatusOr<RedisReply> early = client.Command({"PING"});
    EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(early.status().message(), HasSubstr("next reconnect attempt in 1ms"));
    EXPECT_THAT(early.status().message(), HasSubstr("refused"));
    EXPECT_EQ(client.Pipeline({{"PING"}}).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(client.ConnectAttemptsForTest(), static_cast<int64_t>(i + 1));
    now_ += absl::Milliseconds(1);
  }
}

TEST_F(HiredisClientTest, SuccessfulConnectResetsBackoff) {
  HiredisClient client(Options(), FakeClock());
  EXPECT_FALSE(client.Command({"PING"}).ok());
  now_ += absl::Milliseconds(50);
  EXPECT_FALSE(client.Command({"PING"}).ok());
  EXPECT_EQ(client.CurrentBackoffForTest(), absl::Milliseconds(100));

  {
    SilentListener listener(port_, 16);
    ASSERT_TRUE(listener.ok());
    now_ += absl::Milliseconds(100);
    // Connects, then gets no reply.
    EXPECT_EQ(client.Command({"PING"}).status().code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_EQ(client.ConnectAttemptsForTest(), 3);
    EXPECT_EQ(client.CurrentBackoffForTest(), absl::ZeroDuration());
  }
  // Losing a working connection allows one attempt at once; failing that starts over at
  // initial_backoff.
  EXPECT_EQ(client.Command({"PING"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client.ConnectAttemptsForTest(), 4);
  EXPECT_EQ(client.CurrentBackoffForTest(), absl::Milliseconds(50));
}

TEST_F(HiredisClientTest, CommandTimeoutBoundsAServerThatNeverAnswers) {
  SilentListener listener(port_, 16);
  ASSERT_TRUE(listener.ok());
  HiredisClient client(Options());
  for (int i = 0; i < 2; ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::vector<RedisReply>> replies = client.Pipeline({{"PING"}, {"PING"}});
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(replies.status().code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_THAT(replies.status().message(), HasSubstr("timed out after 200ms"));
    EXPECT_GE(took, absl::Milliseconds(190));
    EXPECT_LT(took, absl::Milliseconds(600));
  }
  // Each timeout dropped the connection; each call made a new one.
  EXPECT_EQ(client.ConnectAttemptsForTest(), 2);
}

TEST_F(HiredisClientTest, ConnectTimeoutBoundsAConnectNobodyCompletes) {
  // With the accept queue full, the kernel drops new SYNs: the connect hangs until its timeout.
  SilentListener listener(port_, 0);
  ASSERT_TRUE(listener.ok());
  listener.FillBacklog(port_, 3);
  HiredisClient client(Options());
  const absl::Time start = absl::Now();
  absl::StatusOr<RedisReply> reply = client.Command({"PING"});
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
  EXPECT_THAT(reply.status().message(), HasSubstr("connect failed"));
  EXPECT_GE(took, absl::Milliseconds(190));
  EXPECT_LT(took, absl::Milliseconds(600));
}

TEST_F(HiredisClientTest, EmptyCommandsAreRejectedWithoutConnecting) {
  HiredisClient client(Options(), FakeClock());
  EXPECT_EQ(client.Command({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Pipeline({{"PING"}, {}}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::vector<RedisReply>> none = client.Pipeline({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(client.ConnectAttemptsForTest(), 0);
}

}  // namespace
}  // namespace okr::common
