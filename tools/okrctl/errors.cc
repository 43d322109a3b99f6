#include "tools/okrctl/errors.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "okr/common/status/string_view.h"

using okr::common::Sv;

namespace okr::ctl {

ExitCode ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitUsage;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return kExitPermission;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return kExitConflict;
    default:
      return kExitFailed;
  }
}

namespace {

std::string CodeName(grpc::StatusCode code) {
  return std::string(absl::StatusCodeToString(static_cast<absl::StatusCode>(code)));
}

}  // namespace

std::string DescribeRpcError(std::string_view what, const grpc::Status& status) {
  const absl::Status parsed = common::FromGrpcStatus(status);
  std::string out = absl::StrCat("okrctl: ", Sv(what), " failed: ", CodeName(status.error_code()),
                                 ": ", status.error_message());
  const std::string reason = common::ErrorReason(parsed);
  if (!reason.empty() && reason != CodeName(status.error_code())) {
    absl::StrAppend(&out, "\n  reason: ", reason);
  }
  for (const common::FieldViolation& v : common::ErrorFieldViolations(parsed)) {
    absl::StrAppend(&out, "\n  field ", v.field, ": ", v.description);
  }
  return out;
}

ExitCode ReportRpcError(std::ostream& err, std::string_view what, const grpc::Status& status,
                        bool json) {
  if (!json) {
    err << DescribeRpcError(what, status) << "\n";
    return ExitCodeFor(status.error_code());
  }
  const absl::Status parsed = common::FromGrpcStatus(status);
  nlohmann::json violations = nlohmann::json::array();
  for (const common::FieldViolation& v : common::ErrorFieldViolations(parsed)) {
    violations.push_back({{"field", v.field}, {"description", v.description}});
  }
  nlohmann::json error = {{"call", std::string(what)},
                          {"code", CodeName(status.error_code())},
                          {"message", status.error_message()},
                          {"reason", common::ErrorReason(parsed)},
                          {"fieldViolations", violations}};
  err << nlohmann::json{{"error", error}}.dump() << "\n";
  return ExitCodeFor(status.error_code());
}

ExitCode ReportUsage(std::ostream& err, std::string_view message) {
  err << "okrctl: " << message << "\n";
  return kExitUsage;
}

}  // namespace okr::ctl
