// A loopback TCP proxy for tests that puts network faults between a client and a server: added
// latency, a hung peer (blackhole), refused connections and connections reset mid-stream.
#ifndef OKR_TESTS_SUPPORT_TCP_PROXY_H_
#define OKR_TESTS_SUPPORT_TCP_PROXY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace okr::test_support {

// Forwards TCP connections from a free 127.0.0.1 port to 127.0.0.1:target_port, and injects faults
// on command: point the code under test at port() instead of the server's port. All methods are
// thread-safe, so a test can break connections while the code under test is in the middle of a
// call. Each connection costs up to two threads.
class TcpProxy {
 public:
  enum class Mode {
    // Bytes pass both ways; a close (FIN) or reset (RST) from one side is passed on to the other.
    // A connection whose target refuses it is reset.
    kForward,
    // A hung peer, or a network that drops everything: connections stay open and are read from,
    // but nothing is forwarded either way, not even a close. New connections are accepted and
    // never reach the target. A connection open when blackholing starts, or opened during it,
    // stays blackholed until it closes, even after the mode changes back: the bytes it dropped
    // would leave its streams corrupt.
    kBlackhole,
    // New connections are accepted and at once closed with RST, as by a server that crashed
    // after listening. Open connections are untouched.
    kRefuse,
  };

  // Listens on a free loopback port, in kForward mode without latency. INVALID_ARGUMENT for a
  // port outside 1..65535; INTERNAL if the listener cannot be set up. The target need not be
  // listening yet: each connection connects to it when it is accepted.
  static absl::StatusOr<std::unique_ptr<TcpProxy>> Start(int target_port);

  // Stops accepting, resets every open connection (as ResetAll) and joins all threads. Never
  // waits on a peer, so it returns promptly even with stuck or blackholed connections.
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // Where clients connect.
  int port() const { return port_; }

  void SetMode(Mode mode);

  // Delay added to every chunk forwarded in either direction (zero, the default, for none). A
  // chunk is what one read returned, up to 64 KiB; each waits in turn, so order is kept and a
  // direction moves at most one chunk per latency. Applies to chunks read from now on.
  void SetLatency(absl::Duration latency);

  // Closes every open connection now with RST on both sides (the client and the target each see
  // ECONNRESET). Returns once they are closed; new connections are handled as the mode says.
  void ResetAll();

  // Connections accepted so far, refused ones included.
  int64_t accepted() const { return accepted_.load(); }
  // Connections currently open (refused ones never are).
  int open_connections() const { return open_.load(); }

 private:
  struct Connection;
  enum class PumpEnd { kEof, kError, kAborted };

  TcpProxy(int target_port, int listener, int port, const int stop_pipe[2]);
  void AcceptLoop();
  // Starts serving an accepted client socket as the mode says. Requires mu_.
  void Admit(int client);
  // Runs on the connection's thread until the connection ends, then closes its sockets.
  void Serve(Connection& conn);
  // Copies src to dst (dst -1: drops everything) until src ends or the connection is aborted.
  PumpEnd Pump(Connection& conn, int src, int dst);
  // What a direction's end does to the rest of the connection.
  static void EndDirection(Connection& conn, PumpEnd end, int dst);

  const int target_port_;
  const int listener_;
  const int port_;
  // Written to once to stop the accept thread.
  const int stop_read_;
  const int stop_write_;

  std::atomic<int64_t> latency_ns_{0};
  std::atomic<int64_t> accepted_{0};
  std::atomic<int> open_{0};

  // std::mutex rather than absl::Mutex: okr_test_support does not link absl::synchronization.
  std::mutex mu_;
  Mode mode_ = Mode::kForward;                            // Guarded by mu_.
  std::vector<std::unique_ptr<Connection>> connections_;  // Guarded by mu_.

  std::thread accept_thread_;
};

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_TCP_PROXY_H_
