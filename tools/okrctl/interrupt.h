// Ctrl-C (SIGINT) and SIGTERM for long-running commands (watch, feed tail, ingest): instead of
// killing the process, they cancel the running call so the command can end cleanly (print where a
// feed stopped, how many events were acked). Construct it before any channel is made: it blocks
// the signals in this thread, and gRPC's threads inherit that.
#pragma once

#include <grpcpp/client_context.h>
#include <pthread.h>

#include <atomic>
#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace okr::ctl {

class Interrupt {
 public:
  Interrupt();
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  // What to do on a signal (e.g. cancel a context); replaces the previous action.
  void OnSignal(std::function<void()> action);
  // Whether a signal came.
  bool interrupted() const { return interrupted_.load(); }

 private:
  absl::Mutex mu_;
  std::function<void()> action_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> done_{false};
  sigset_t old_mask_;
  std::thread waiter_;
};

}  // namespace okr::ctl
