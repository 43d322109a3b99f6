// The feedback service's change feed entries: each write appends the full (unredacted) change to
// the change log in its own transaction; a watcher is sent it redacted for what they may read
// (watch_rpcs.cc), never the anonymous author or another person's private notes.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/storage/session.h"
#include "okr/feedback/v1/change.pb.h"
#include "okr/feedback/v1/feedback_service.pb.h"

namespace okr::feedback {

class ChangeRecorder {
 public:
  ChangeRecorder(common::SqlSession& session, common::ChangeBatch& batch, std::string tenant,
                 absl::Time now)
      : session_(session), batch_(batch), tenant_(std::move(tenant)), now_(now) {}

  // Appends `change` (kind, resource_name, actor, changed_fields and the full payload set; the
  // position and commit time are the log's) for the write's tenant. `goal_private`: the goal the
  // payload links to is PRIVATE, so the feed shows the link only to those who linked it.
  absl::Status Append(const ::okr::feedback::v1::Change& change, bool goal_private = false) {
    return AppendFor(tenant_, change, goal_private);
  }
  // The same for a write made by the server across tenants.
  absl::Status AppendFor(const std::string& tenant, const ::okr::feedback::v1::Change& change,
                         bool goal_private = false);

 private:
  common::SqlSession& session_;
  common::ChangeBatch& batch_;
  const std::string tenant_;
  const absl::Time now_;
};

// The entry's scope when its payload links a PRIVATE goal.
inline constexpr char kPrivateGoalScope[] = "private-goal";

// The stored change of an entry.
std::optional<::okr::feedback::v1::Change> StoredChange(const common::ChangeEntry& entry);

// The stream message for `change` at `entry`'s position (resume token and commit time added).
std::string FrameChange(const common::ChangeEntry& entry, ::okr::feedback::v1::Change change);
std::string FrameCheckpoint(int64_t seq, absl::Time commit_time, bool caught_up);

}  // namespace okr::feedback
