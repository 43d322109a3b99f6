// Where handlers run blocking work (database, Redis) so no gRPC callback thread ever waits on I/O.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace okr::common {

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `task` later on another thread. After Shutdown, tasks run inline on the caller's thread so
  // a late completion still finishes its RPC.
  virtual void Schedule(absl::AnyInvocable<void() &&> task) = 0;
};
using ExecutorPtr = std::unique_ptr<Executor>;

// A fixed pool of threads taking tasks from one queue in FIFO order.
class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(size_t threads);
  ~ThreadPool() override;

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Schedule(absl::AnyInvocable<void() &&> task) override;

  // Runs every queued task, then stops the threads. Idempotent.
  void Shutdown();

  size_t QueuedForTest();

 private:
  void Work();

  absl::Mutex join_mu_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace okr::common
