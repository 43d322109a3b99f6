// What the goals end-to-end suites share: one okr-goals process per suite (starting one takes
// seconds; tests keep apart by using tenants of their own) and the reading of error details.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "okr/common/status/errors.h"
#include "tests/support/e2e/service_process.h"
#include "tests/support/temp_dir.h"

namespace okr::e2e {

// The google.rpc.ErrorInfo reason of a failed call.
inline std::string Reason(const grpc::Status& status) {
  return common::ErrorReason(common::FromGrpcStatus(status));
}

// The field paths of the google.rpc.BadRequest violations of a failed call, in order.
inline std::vector<std::string> Fields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : common::ErrorFieldViolations(common::FromGrpcStatus(status))) {
    fields.push_back(v.field);
  }
  return fields;
}

// Base fixture: the suite's okr-goals is started before its first test and stopped after its last.
class GoalsServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test_support::TempDir;
    auto server = test_support::ServiceProcess::Start(
        "goals", dir_->path(), {"--db-synchronous", "normal", "--drain-period", "0s"});
    if (!server.ok()) {
      start_error_ = std::string(server.status().message());
      return;
    }
    server_ = server->release();
    serving_ = server_->WaitServing();
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
    dir_ = nullptr;
    serving_ = false;
    start_error_.clear();
  }

  // Why the server is not serving (empty when it is), with its log.
  static std::string ServerProblem() {
    if (serving_) return "";
    return "okr-goals did not become SERVING: " + start_error_ + "; log:\n" +
           (server_ != nullptr ? server_->Log() : std::string());
  }

  static inline test_support::TempDir* dir_ = nullptr;
  static inline test_support::ServiceProcess* server_ = nullptr;
  static inline bool serving_ = false;
  static inline std::string start_error_;
};

}  // namespace okr::e2e
