// How okrctl reports a failed call: one exit code per class of gRPC code, and the error as text
// (code, message, `reason:` line, one `field` line per violation) or as one JSON object, read from
// the google.rpc.Status details a server sends.
#include "tools/okrctl/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace okr::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A status as a server sends it: google.rpc.Status in the binary details, with an ErrorInfo and
// a BadRequest when `reason` and `violations` are given.
grpc::Status ServerStatus(grpc::StatusCode code, const std::string& message,
                          const std::string& reason,
                          const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  if (!reason.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("goals.okr-suite");
    details.add_details()->PackFrom(info);
  }
  if (!violations.empty()) {
    google::rpc::BadRequest bad;
    for (const auto& [field, description] : violations) {
      auto* v = bad.add_field_violations();
      v->set_field(field);
      v->set_description(description);
    }
    details.add_details()->PackFrom(bad);
  }
  return grpc::Status(code, message, details.SerializeAsString());
}

TEST(OkrctlExitCodeTest, OneCodePerClassOfFailure) {
  using grpc::StatusCode;
  const std::vector<std::pair<StatusCode, int>> expected = {
      {StatusCode::OK, 0},
      {StatusCode::INVALID_ARGUMENT, 2},
      {StatusCode::OUT_OF_RANGE, 2},
      {StatusCode::NOT_FOUND, 3},
      {StatusCode::PERMISSION_DENIED, 4},
      {StatusCode::UNAUTHENTICATED, 4},
      {StatusCode::UNAVAILABLE, 5},
      {StatusCode::DEADLINE_EXCEEDED, 5},
      {StatusCode::ALREADY_EXISTS, 6},
      {StatusCode::ABORTED, 6},
      {StatusCode::FAILED_PRECONDITION, 6},
      {StatusCode::CANCELLED, 1},
      {StatusCode::UNKNOWN, 1},
      {StatusCode::RESOURCE_EXHAUSTED, 1},
      {StatusCode::UNIMPLEMENTED, 1},
      {StatusCode::INTERNAL, 1},
      {StatusCode::DATA_LOSS, 1},
  };
  for (const auto& [code, exit_code] : expected) {
    EXPECT_EQ(static_cast<int>(ExitCodeFor(code)), exit_code) << "gRPC code " << code;
  }
}

TEST(OkrctlRpcErrorTest, TextHasCodeMessageReasonAndEveryFieldViolation) {
  const grpc::Status status = ServerStatus(
      grpc::StatusCode::INVALID_ARGUMENT, "the objective is not valid", "INVALID_OBJECTIVE",
      {{"objective.title", "is required"}, {"objective.cycle", "must be cycles/{cycle}"}});
  EXPECT_EQ(DescribeRpcError("CreateObjective", status),
            "okrctl: CreateObjective failed: INVALID_ARGUMENT: the objective is not valid\n"
            "  reason: INVALID_OBJECTIVE\n"
            "  field objective.title: is required\n"
            "  field objective.cycle: must be cycles/{cycle}");
}

TEST(OkrctlRpcErrorTest, ReasonWithoutViolations) {
  const grpc::Status status = ServerStatus(grpc::StatusCode::NOT_FOUND, "no objective objectives/x",
                                           "OBJECTIVE_NOT_FOUND", {});
  EXPECT_EQ(DescribeRpcError("GetObjective", status),
            "okrctl: GetObjective failed: NOT_FOUND: no objective objectives/x\n"
            "  reason: OBJECTIVE_NOT_FOUND");
}

TEST(OkrctlRpcErrorTest, StatusWithoutDetailsIsOneLine) {
  // What a transport failure looks like: no details, so no reason line.
  const grpc::Status status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses");
  EXPECT_EQ(DescribeRpcError("ListCycles", status),
            "okrctl: ListCycles failed: UNAVAILABLE: failed to connect to all addresses");
}

TEST(OkrctlRpcErrorTest, ReportPrintsTheTextOnItsStreamAndReturnsTheExitCode) {
  const grpc::Status status =
      ServerStatus(grpc::StatusCode::PERMISSION_DENIED, "creating cycles needs the 'admin' role",
                   "CYCLE_WRITE_DENIED", {});
  std::ostringstream err;
  EXPECT_EQ(ReportRpcError(err, "CreateCycle", status, /*json=*/false), kExitPermission);
  EXPECT_EQ(err.str(), DescribeRpcError("CreateCycle", status) + "\n");
  EXPECT_THAT(err.str(), HasSubstr("reason: CYCLE_WRITE_DENIED"));
}

TEST(OkrctlRpcErrorTest, JsonReportIsOneObjectWithEveryPart) {
  const grpc::Status status =
      ServerStatus(grpc::StatusCode::FAILED_PRECONDITION, "the manager links would form a cycle",
                   "MANAGER_CYCLE",
                   {{"people[0].manager", "would make a cycle: a -> b -> a"},
                    {"people[1].manager", "would make a cycle: a -> b -> a"}});
  std::ostringstream err;
  EXPECT_EQ(ReportRpcError(err, "BatchUpsertPeople", status, /*json=*/true), kExitConflict);
  const std::string text = err.str();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line: " << text;
  const nlohmann::json parsed = nlohmann::json::parse(text);
  const nlohmann::json& e = parsed.at("error");
  EXPECT_EQ(e.at("call"), "BatchUpsertPeople");
  EXPECT_EQ(e.at("code"), "FAILED_PRECONDITION");
  EXPECT_EQ(e.at("message"), "the manager links would form a cycle");
  EXPECT_EQ(e.at("reason"), "MANAGER_CYCLE");
  const nlohmann::json& v = e.at("fieldViolations");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].at("field"), "people[0].manager");
  EXPECT_EQ(v[0].at("description"), "would make a cycle: a -> b -> a");
  EXPECT_EQ(v[1].at("field"), "people[1].manager");
}

TEST(OkrctlRpcErrorTest, JsonReportWithoutDetailsHasAnEmptyViolationList) {
  std::ostringstream err;
  EXPECT_EQ(ReportRpcError(err, "GetCycle",
                           grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
                           /*json=*/true),
            kExitUnavailable);
  const nlohmann::json e = nlohmann::json::parse(err.str()).at("error");
  EXPECT_EQ(e.at("code"), "DEADLINE_EXCEEDED");
  EXPECT_TRUE(e.at("fieldViolations").is_array());
  EXPECT_TRUE(e.at("fieldViolations").empty());
}

TEST(OkrctlRpcErrorTest, UsageErrorIsOneLineAndExitCodeTwo) {
  std::ostringstream err;
  EXPECT_EQ(ReportUsage(err, "--start must be a date such as 2027-01-01"), kExitUsage);
  EXPECT_EQ(err.str(), "okrctl: --start must be a date such as 2027-01-01\n");
  EXPECT_THAT(err.str(), Not(HasSubstr("failed")));
}

}  // namespace
}  // namespace okr::ctl
