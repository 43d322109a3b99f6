// A real redis-server per test, on a free loopback port with a throwaway data directory.
#ifndef OKR_TESTS_SUPPORT_REDIS_SERVER_H_
#define OKR_TESTS_SUPPORT_REDIS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace okr::test_support {

// Runs redis-server (the binary named by $OKR_REDIS_SERVER, else /usr/bin/redis-server) bound to
// 127.0.0.1 without persistence, DEBUG allowed (for DEBUG SLEEP). Start and Restart return only
// once the started process answers (INFO names its pid), or fail after 5 s with the server's log in
// the message. Not thread-safe.
class RedisServer {
 public:
  // port 0 picks a free port (retrying with another one if the pick was taken meanwhile).
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(int port = 0);

  // Stops the server if it still runs.
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  // The server's working directory; its log is log_path().
  const std::string& dir() const { return dir_.path(); }
  std::string log_path() const { return dir_.path() + "/redis.log"; }

  // SIGTERM, then SIGKILL if it has not ended after 5 s. OK if it was not running.
  absl::Status Stop();
  // Starts the server again on the same port (stopping it first if it runs). Data is not kept.
  absl::Status Restart();

  // Freezes the server with SIGSTOP: the kernel still accepts connections, nothing is answered,
  // as with a hung server. Resume() undoes it.
  absl::Status Pause();
  absl::Status Resume();

  // One PING over a fresh raw connection, expecting +PONG within timeout.
  absl::Status Ping(absl::Duration timeout = absl::Seconds(1)) const;

 private:
  explicit RedisServer(int port) : port_(port) {}
  // Starts the process on port_ and waits until it answers.
  absl::Status Launch();

  TempDir dir_;
  int port_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_REDIS_SERVER_H_
