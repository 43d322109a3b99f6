#include "okr/common/changelog/change_feed_flags.h"

namespace okr::common {

void AddChangeFeedFlags(CommandLine& command_line, ChangeFeedOptions& options) {
  CLI::App& app = command_line.app();
  AddDurationOption(app, "--change-retention", &options.retention,
                    "how long the change feed keeps changes; an older resume token is "
                    "OUT_OF_RANGE (at least 1 second; 7 days by default)",
                    "OKR_CHANGE_RETENTION");
  AddDurationOption(app, "--change-prune-interval", &options.prune_interval,
                    "how often changes older than the retention are deleted",
                    "OKR_CHANGE_PRUNE_INTERVAL");
  AddDurationOption(app, "--watch-checkpoint-interval", &options.checkpoint_interval,
                    "a watcher sent nothing for this long gets a checkpoint",
                    "OKR_WATCH_CHECKPOINT_INTERVAL");
  command_line.AddValidation([&options] {
    if (options.retention < absl::Seconds(1) || options.prune_interval <= absl::ZeroDuration() ||
        options.checkpoint_interval < absl::Milliseconds(100)) {
      return absl::InvalidArgumentError(
          "--change-retention must be at least 1s, --change-prune-interval positive and "
          "--watch-checkpoint-interval at least 100ms");
    }
    return absl::OkStatus();
  });
}

}  // namespace okr::common
