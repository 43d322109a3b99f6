// Child processes for tests: servers and service binaries started, signalled and reaped with
// bounded waits, so a misbehaving child can fail a test but never hang it.
#ifndef OKR_TESTS_SUPPORT_PROCESS_H_
#define OKR_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace okr::test_support {

// One child process. The child runs in its own process group, so signals aimed at it (or a
// terminal's Ctrl-C aimed at the test) do not cross over, and the destructor can kill everything
// the child started. Not thread-safe: one thread owns a Subprocess.
class Subprocess {
 public:
  // Starts argv[0] (looked up in PATH if it has no slash) with argv. The child inherits this
  // process's environment with extra_env set on top (same name: extra_env wins). With log_path,
  // stdout and stderr are appended to that file; otherwise they are inherited. Fails with
  // INVALID_ARGUMENT on an empty argv and with NOT_FOUND or INTERNAL if the program cannot be run.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      std::vector<std::string> argv,
      std::vector<std::pair<std::string, std::string>> extra_env = {}, std::string log_path = "");

  // Kills the child's whole process group with SIGKILL and reaps it if it has not been reaped.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Sends sig to the child (not its group). FAILED_PRECONDITION once the child has been reaped.
  absl::Status Signal(int sig);

  // Waits up to timeout for the child to end. Returns its exit code, or 128 + signal number if a
  // signal ended it (as a shell reports it); DEADLINE_EXCEEDED if it is still running. Once the
  // child has ended, every later call returns the same code at once.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // True while the child has not ended (reaps it if it has).
  bool Running();

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  // Reaps the child if it has ended, without blocking.
  void Poll();

  pid_t pid_;
  std::optional<int> exit_code_;
};

// The whole content of a file, or an empty string if it cannot be read (for logs in test output).
std::string ReadFile(const std::string& path);

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_PROCESS_H_
