// Runs independent calls on a few threads: the loader's RPCs are independent within a step (one
// key result's check-ins, one person's feedback), and the server's group commit only pays off
// when many writes are in flight at once.
#ifndef OKR_TOOLS_OKR_DEMO_PARALLEL_H_
#define OKR_TOOLS_OKR_DEMO_PARALLEL_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"

namespace okr::demo {

// Calls work(i) for every i in [0, n) on up to `concurrency` threads. After the first error no new
// item starts; the error of the lowest failed index among those that ran is returned.
absl::Status ParallelFor(size_t n, int concurrency,
                         const std::function<absl::Status(size_t)>& work);

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_PARALLEL_H_
