// The API's text limits (common/aip/text.h), as the feedback rules spell them.
#pragma once

#include "okr/common/aip/text.h"

namespace okr::feedback {

using common::CodePoints;
using common::LengthWithin;
using common::Trimmed;

}  // namespace okr::feedback
