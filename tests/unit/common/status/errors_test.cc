#include "okr/common/status/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace okr::common {
namespace {

using ::testing::ElementsAre;

TEST(ErrorsTest, ReasonAndViolationsTravelInTheStatus) {
  absl::Status status = InvalidArgument("KEY_RESULT_TARGET_EQUALS_START", "target equals start",
                                        {{"key_result.target_value", "must differ from start"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "target equals start");
  EXPECT_EQ(ErrorReason(status), "KEY_RESULT_TARGET_EQUALS_START");
  EXPECT_THAT(ErrorFieldViolations(status),
              ElementsAre(FieldViolation{"key_result.target_value", "must differ from start"}));
}

TEST(ErrorsTest, PlainStatusGetsItsCodeNameAsReason) {
  EXPECT_EQ(ErrorReason(absl::NotFoundError("x")), "NOT_FOUND");
  EXPECT_EQ(ErrorReason(absl::FailedPreconditionError("x")), "FAILED_PRECONDITION");
  EXPECT_EQ(ErrorReason(absl::OkStatus()), "");
  EXPECT_TRUE(ErrorFieldViolations(absl::InternalError("x")).empty());
}

TEST(ErrorsTest, ViolationsCollectEveryProblem) {
  Violations violations;
  EXPECT_TRUE(violations.Check(true, "a", "fine"));
  EXPECT_FALSE(violations.Check(false, "title", "must not be empty"));
  violations.Add("weight", "must be greater than 0");
  absl::Status status = violations.ToStatus("INVALID_OBJECTIVE", "objective is invalid");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_OBJECTIVE");
  EXPECT_THAT(ErrorFieldViolations(status),
              ElementsAre(FieldViolation{"title", "must not be empty"},
                          FieldViolation{"weight", "must be greater than 0"}));
}

TEST(ErrorsTest, NoViolationsIsOk) { EXPECT_TRUE(Violations().ToStatus("R", "m").ok()); }

TEST(ErrorsTest, GrpcMappingKeepsCodeReasonViolationsAndMetadata) {
  absl::Status status = MakeError(absl::StatusCode::kFailedPrecondition, "CYCLE_CLOSED",
                                  "cycle is closed", {{"cycle", "closed"}}, {{"cycle", "c1"}});
  grpc::Status wire = ToGrpcStatus(status, "goals.okr-suite");
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(wire.error_message(), "cycle is closed");
  EXPECT_FALSE(wire.error_details().empty());

  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(back.message(), "cycle is closed");
  EXPECT_EQ(ErrorReason(back), "CYCLE_CLOSED");
  EXPECT_THAT(ErrorFieldViolations(back), ElementsAre(FieldViolation{"cycle", "closed"}));
  EXPECT_EQ(ErrorMetadata(back).at("cycle"), "c1");
  EXPECT_EQ(ErrorMetadata(back).at("domain"), "goals.okr-suite");
}

TEST(ErrorsTest, EveryCodeMapsToTheSameGrpcCode) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status status(static_cast<absl::StatusCode>(code), "m");
    grpc::Status wire = ToGrpcStatus(status, "d");
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(FromGrpcStatus(wire).code(), status.code());
    EXPECT_FALSE(ErrorReason(FromGrpcStatus(wire)).empty());
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), "d").ok());
}

TEST(ErrorsTest, StatusWithoutDetailsComesBackWithCodeName) {
  absl::Status back = FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  EXPECT_EQ(back.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(back), "UNAVAILABLE");
}

}  // namespace
}  // namespace okr::common
