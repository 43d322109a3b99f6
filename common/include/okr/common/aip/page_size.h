// List page sizes as AIP-158 and the API conventions define them: 0 means the default, larger than
// the maximum is coerced, negative is a client error.
#pragma once

#include "absl/status/statusor.h"

namespace okr::common {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// 0 gives kDefaultPageSize, values above kMaxPageSize give kMaxPageSize, negative values give
// INVALID_ARGUMENT (reason INVALID_PAGE_SIZE) with a violation on `page_size`.
absl::StatusOr<int> CoercePageSize(int requested);

}  // namespace okr::common
