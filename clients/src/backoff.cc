#include "okr/clients/backoff.h"

#include <algorithm>
#include <cstdint>

namespace okr::clients {

absl::Status ValidateBackoff(absl::Duration initial, absl::Duration max) {
  if (initial <= absl::ZeroDuration() || max < initial) {
    return absl::InvalidArgumentError("backoff must satisfy 0 < initial_backoff <= max_backoff");
  }
  return absl::OkStatus();
}

absl::Duration Backoff::Next() {
  const absl::Duration d = current_;
  current_ = std::min(current_ * 2, max_);
  const int64_t half = absl::ToInt64Nanoseconds(d / 2);
  return d / 2 + absl::Nanoseconds(absl::Uniform<int64_t>(absl::IntervalClosed, gen_, 0, half));
}

}  // namespace okr::clients
