// Resource names in analytics requests (the goals service's names).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace okr::analytics {

// The id in `name`, which must be `<collection>/{id}` (`collection` e.g. "teams"); INVALID_ARGUMENT
// with reason INVALID_NAME and a violation of `field` otherwise.
absl::StatusOr<std::string> IdFromName(std::string_view collection, const std::string& name,
                                       std::string_view field);

}  // namespace okr::analytics
