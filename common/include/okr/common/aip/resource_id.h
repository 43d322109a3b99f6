// Server-assigned resource ids: opaque, URL-safe, within AIP-122's `[a-z0-9-]{1,63}`.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace okr::common {

// 20 random characters from [a-z0-9].
std::string NewResourceId();

// 20 characters from [0-9a-z] whose byte order is the order of `now` (microseconds) first, then
// random: ids made later sort later, so an index on the id is also one on creation time.
std::string NewTimeOrderedId(absl::Time now);

}  // namespace okr::common
