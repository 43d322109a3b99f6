// Backoff: the reconnect delays of the stream clients (exponential, capped, jittered).
#ifndef OKR_CLIENTS_BACKOFF_H_
#define OKR_CLIENTS_BACKOFF_H_

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace okr::clients {

// INVALID_ARGUMENT unless 0 < initial <= max.
absl::Status ValidateBackoff(absl::Duration initial, absl::Duration max);

// Delays for consecutive failed attempts: the n-th is drawn uniformly from [d/2, d] with
// d = min(initial * 2^n, max), so that many clients cut off together do not return together.
// Not thread-safe.
class Backoff {
 public:
  Backoff(absl::Duration initial, absl::Duration max) : initial_(initial), max_(max) {}

  absl::Duration Next();
  // After a healthy attempt: the next delay is short again.
  void Reset() { current_ = initial_; }

 private:
  const absl::Duration initial_;
  const absl::Duration max_;
  absl::Duration current_ = initial_;
  absl::BitGen gen_;
};

}  // namespace okr::clients

#endif  // OKR_CLIENTS_BACKOFF_H_
