// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// absl::StrCat and friends do not take a std::string_view: Sv() bridges the two without a copy.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace okr::common {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace okr::common
