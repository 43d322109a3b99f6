// Resume tokens of a change feed: an opaque, versioned spelling of a log position.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace okr::common {

std::string EncodeResumeToken(int64_t seq);

// The position a token names; INVALID_ARGUMENT (reason INVALID_RESUME_TOKEN, field `field`) for
// anything EncodeResumeToken did not produce.
absl::StatusOr<int64_t> DecodeResumeToken(std::string_view token, std::string_view field);

}  // namespace okr::common
