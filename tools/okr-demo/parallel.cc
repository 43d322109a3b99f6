#include "tools/okr-demo/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace okr::demo {

absl::Status ParallelFor(size_t n, int concurrency,
                         const std::function<absl::Status(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  size_t first_failed = n;
  absl::Status first_error;
  auto run = [&] {
    while (!failed.load()) {
      const size_t i = next.fetch_add(1);
      if (i >= n) return;
      absl::Status s = work(i);
      if (s.ok()) continue;
      absl::MutexLock lock(&mu);
      if (i < first_failed) {
        first_failed = i;
        first_error = std::move(s);
      }
      failed.store(true);
    }
  };
  const size_t threads = std::min(n, static_cast<size_t>(std::max(1, concurrency)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
  return first_error;
}

}  // namespace okr::demo
