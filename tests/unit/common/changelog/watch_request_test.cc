#include "okr/common/changelog/watch_request.h"

#include <google/protobuf/field_mask.pb.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

bool KnownKind(int kind) { return kind >= 1 && kind <= 3; }

TEST(WatchRequestTest, ParseRawRequestReadsTheMessageAndRejectsGarbage) {
  google::protobuf::FieldMask sent;
  sent.add_paths("a.b");
  const std::string bytes = sent.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer raw(&slice, 1);
  google::protobuf::FieldMask got;
  ASSERT_TRUE(ParseRawRequest(raw, &got).ok());
  EXPECT_EQ(got.paths(0), "a.b");

  grpc::Slice junk(std::string("\xFF\xFF\xFF", 3));
  grpc::ByteBuffer bad(&junk, 1);
  absl::Status status = ParseRawRequest(bad, &got);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "MALFORMED_REQUEST");
}

TEST(WatchRequestTest, SetWatchStartTakesTheTokensPositionOrNow) {
  WatchSpec spec;
  ASSERT_TRUE(SetWatchStart("", spec).ok());
  EXPECT_FALSE(spec.after.has_value());
  ASSERT_TRUE(SetWatchStart(EncodeResumeToken(42), spec).ok());
  ASSERT_TRUE(spec.after.has_value());
  EXPECT_EQ(*spec.after, 42);
  absl::Status status = SetWatchStart("not-a-token", spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(WatchRequestTest, WatchKindsNamesEachUnknownKind) {
  google::protobuf::RepeatedField<int> kinds;
  kinds.Add(2);
  kinds.Add(0);
  kinds.Add(9);
  kinds.Add(2);
  Violations violations;
  auto set = WatchKinds(kinds, &KnownKind, violations);
  EXPECT_EQ(set.size(), 3u);
  absl::Status status = violations.ToStatus("INVALID_FILTER", "bad");
  auto fields = ErrorFieldViolations(status);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].field, "kinds[1]");
  EXPECT_EQ(fields[1].field, "kinds[2]");

  Violations none;
  google::protobuf::RepeatedField<int> empty;
  EXPECT_TRUE(WatchKinds(empty, &KnownKind, none).empty());
  EXPECT_TRUE(none.ToStatus("INVALID_FILTER", "bad").ok());
}

}  // namespace
}  // namespace okr::common
