// What every service's raw `WatchChanges` handler does the same way: parse the request bytes, turn
// its resume token into the position to continue after, check its kind filter, and frame
// checkpoints in the service's own response message.
#pragma once

#include <google/protobuf/message_lite.h>
#include <google/protobuf/repeated_field.h>
#include <grpcpp/support/byte_buffer.h>

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/changelog/resume_token.h"
#include "okr/common/status/errors.h"

namespace okr::common {

// INVALID_ARGUMENT (reason MALFORMED_REQUEST) when the bytes are not a `message`.
absl::Status ParseRawRequest(const grpc::ByteBuffer& raw, google::protobuf::MessageLite* message);

// Sets `spec.after` from a request's resume token (empty: from now); INVALID_ARGUMENT for a
// token the feed did not issue.
absl::Status SetWatchStart(const std::string& resume_token, WatchSpec& spec);

// The kinds a watcher asked for (empty: all); adds a violation on `kinds[i]` for UNSPECIFIED (0)
// or a number `is_valid` does not know.
absl::flat_hash_set<int> WatchKinds(const google::protobuf::RepeatedField<int>& kinds,
                                    bool (*is_valid)(int), Violations& violations);

// The bytes of a `Response` (a service's WatchChangesResponse) holding a checkpoint at `seq`.
template <typename Response>
std::string FrameCheckpointAs(int64_t seq, absl::Time commit_time, bool caught_up) {
  Response response;
  auto* checkpoint = response.mutable_checkpoint();
  checkpoint->set_resume_token(EncodeResumeToken(seq));
  const int64_t micros = absl::ToUnixMicros(commit_time);
  checkpoint->mutable_commit_time()->set_seconds(micros / 1000000);
  checkpoint->mutable_commit_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  checkpoint->set_caught_up(caught_up);
  return response.SerializeAsString();
}

}  // namespace okr::common
