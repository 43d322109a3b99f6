// The change feed's operator settings as flags and OKR_* variables, the same in every service.
#pragma once

#include "okr/common/changelog/change_feed.h"
#include "okr/common/config/command_line.h"

namespace okr::common {

// --change-retention, --change-prune-interval, --watch-checkpoint-interval, validated at start-up.
void AddChangeFeedFlags(CommandLine& command_line, ChangeFeedOptions& options);

}  // namespace okr::common
