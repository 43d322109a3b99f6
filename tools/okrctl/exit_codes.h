// okrctl's exit codes: one per class of failure, so scripts can tell them apart.
#pragma once

#include <grpcpp/support/status.h>

namespace okr::ctl {

enum ExitCode : int {
  kExitOk = 0,
  // Anything not named below, and partial failures (an import or ingest with failed rows).
  kExitFailed = 1,
  // Bad command line or local input, and the server's INVALID_ARGUMENT and OUT_OF_RANGE.
  kExitUsage = 2,
  kExitNotFound = 3,
  // PERMISSION_DENIED and UNAUTHENTICATED.
  kExitPermission = 4,
  // UNAVAILABLE and DEADLINE_EXCEEDED: worth retrying.
  kExitUnavailable = 5,
  // ALREADY_EXISTS, ABORTED (a stale etag) and FAILED_PRECONDITION (the resource's state).
  kExitConflict = 6,
};

// The exit code for a failed call.
ExitCode ExitCodeFor(grpc::StatusCode code);

}  // namespace okr::ctl
