#include "services/feedback/src/api/changes.h"

#include "okr/common/aip/proto_time.h"
#include "okr/common/changelog/resume_token.h"
#include "okr/common/changelog/watch_request.h"

namespace okr::feedback {

namespace v1 = ::okr::feedback::v1;

absl::Status ChangeRecorder::AppendFor(const std::string& tenant, const v1::Change& change,
                                       bool goal_private) {
  common::ChangeEntry entry;
  entry.tenant = tenant;
  entry.commit_time = now_;
  entry.kind = change.kind();
  entry.resource = change.resource_name();
  if (goal_private) entry.scope = kPrivateGoalScope;
  entry.payload = change.SerializeAsString();
  return batch_.Append(session_, std::move(entry));
}

std::optional<v1::Change> StoredChange(const common::ChangeEntry& entry) {
  v1::Change change;
  if (!change.ParseFromString(entry.payload)) return std::nullopt;
  return change;
}

std::string FrameChange(const common::ChangeEntry& entry, v1::Change change) {
  change.set_resume_token(common::EncodeResumeToken(entry.seq));
  *change.mutable_commit_time() = common::ToTimestamp(entry.commit_time);
  v1::WatchChangesResponse response;
  *response.mutable_change() = std::move(change);
  return response.SerializeAsString();
}

std::string FrameCheckpoint(int64_t seq, absl::Time commit_time, bool caught_up) {
  return common::FrameCheckpointAs<v1::WatchChangesResponse>(seq, commit_time, caught_up);
}

}  // namespace okr::feedback
