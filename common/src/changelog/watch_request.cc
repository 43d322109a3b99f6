#include "okr/common/changelog/watch_request.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::common {

absl::Status ParseRawRequest(const grpc::ByteBuffer& raw, google::protobuf::MessageLite* message) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  const bool dumped = raw.Dump(&slices).ok();
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  if (!dumped || !message->ParseFromString(bytes)) {
    return InvalidArgument("MALFORMED_REQUEST", "the request could not be parsed");
  }
  return absl::OkStatus();
}

absl::Status SetWatchStart(const std::string& resume_token, WatchSpec& spec) {
  if (resume_token.empty()) return absl::OkStatus();
  auto after = DecodeResumeToken(resume_token, "resume_token");
  if (!after.ok()) return after.status();
  spec.after = *after;
  return absl::OkStatus();
}

absl::flat_hash_set<int> WatchKinds(const google::protobuf::RepeatedField<int>& kinds,
                                    bool (*is_valid)(int), Violations& violations) {
  absl::flat_hash_set<int> out;
  for (int i = 0; i < kinds.size(); ++i) {
    const int kind = kinds.Get(i);
    violations.Check(kind > 0 && is_valid(kind), absl::StrCat("kinds[", i, "]"),
                     "must be a known change kind");
    out.insert(kind);
  }
  return out;
}

}  // namespace okr::common
