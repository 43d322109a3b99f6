// How okrctl reports a failed call: the gRPC code, the message, the ErrorInfo reason and each field
// violation on its own line (or one JSON object), on stderr.
#pragma once

#include <grpcpp/support/status.h>

#include <ostream>
#include <string>
#include <string_view>

#include "tools/okrctl/exit_codes.h"

namespace okr::ctl {

// Prints `status` (not OK) for the action `what` (e.g. "GetObjective") and returns its exit code.
// With `json`, prints {"error": {"code", "message", "reason", "fieldViolations": [...]}}.
ExitCode ReportRpcError(std::ostream& err, std::string_view what, const grpc::Status& status,
                        bool json);

// The error as text lines, without a trailing newline (for tests and summaries).
std::string DescribeRpcError(std::string_view what, const grpc::Status& status);

// A usage error (bad flags or local input): prints "okrctl: <message>" and returns kExitUsage.
ExitCode ReportUsage(std::ostream& err, std::string_view message);

}  // namespace okr::ctl
