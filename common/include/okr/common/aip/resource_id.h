// Resource ids: server-assigned ones (opaque, URL-safe, within AIP-122's `[a-z0-9-]{1,63}`), and
// the ids of people and teams, which the company's own systems choose when they sync the org chart.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace okr::common {

// 20 random characters from [a-z0-9].
std::string NewResourceId();

// 20 characters from [0-9a-z] whose byte order is the order of `now` (microseconds) first, then
// random: ids made later sort later, so an index on the id is also one on creation time.
std::string NewTimeOrderedId(absl::Time now);

// A person or team id as the org directory accepts it: 1 to 128 characters from
// [A-Za-z0-9._-], starting with a letter or digit (e-mail local parts and HR system ids fit).
bool IsOrgId(std::string_view id);

}  // namespace okr::common
