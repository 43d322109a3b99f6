// Text limits as the APIs state them: lengths in Unicode code points of valid UTF-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace okr::common {

// The number of code points of `text`, or nullopt when it is not valid UTF-8.
std::optional<size_t> CodePoints(std::string_view text);

// True when `text` is valid UTF-8 of `min` to `max` code points.
bool LengthWithin(std::string_view text, size_t min, size_t max);

// `text` without surrounding ASCII whitespace.
std::string Trimmed(std::string_view text);

}  // namespace okr::common
