// The field checks validation.cc and key_result_validation.cc share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "okr/common/status/errors.h"

namespace okr::goals::checks {

// Descriptions and notes: at most this many code points.
inline constexpr size_t kMaxLongText = 10000;

// Trims surrounding whitespace and checks 1..max code points; returns the trimmed text.
std::string RequiredText(std::string_view text, size_t max, const std::string& field,
                         common::Violations& violations);
// Checks at most `max` code points.
void OptionalText(std::string_view text, size_t max, const std::string& field,
                  common::Violations& violations);
// Finite, > 0 and <= domain::kMaxWeight.
bool ValidWeight(double w);
// A proto enum value in 0..max.
bool ValidEnum(int value, int max);

}  // namespace okr::goals::checks
