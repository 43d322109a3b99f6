// Domain errors as absl::Status with stable reasons and field violations, and the one mapping from
// them to grpc::Status with google.rpc details (ErrorInfo, BadRequest).
#pragma once

#include <grpcpp/support/status.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace okr::common {

// One bad field of a request: `field` is a path such as "objective.key_results[2].target_value".
struct FieldViolation {
  std::string field;
  std::string description;

  bool operator==(const FieldViolation&) const = default;
};

// Builds an error carrying a stable machine-readable `reason` (UPPER_SNAKE_CASE, e.g.
// "KEY_RESULT_TARGET_EQUALS_START"), optional field violations and optional metadata.
absl::Status MakeError(absl::StatusCode code, std::string_view reason, std::string_view message,
                       const std::vector<FieldViolation>& violations = {},
                       const std::map<std::string, std::string>& metadata = {});

// Shorthands for the codes domain code uses most.
absl::Status InvalidArgument(std::string_view reason, std::string_view message,
                             const std::vector<FieldViolation>& violations = {});
absl::Status NotFound(std::string_view reason, std::string_view message);
absl::Status FailedPrecondition(std::string_view reason, std::string_view message);
absl::Status PermissionDenied(std::string_view reason, std::string_view message);
absl::Status Unauthenticated(std::string_view reason, std::string_view message);

// The stable reason of an error: the one given to MakeError, else the code's name (e.g.
// "NOT_FOUND").
std::string ErrorReason(const absl::Status& status);

// The field violations attached to an error (empty when there are none).
std::vector<FieldViolation> ErrorFieldViolations(const absl::Status& status);

// The metadata attached to an error.
std::map<std::string, std::string> ErrorMetadata(const absl::Status& status);

// Collects field violations while a request is validated, then yields one INVALID_ARGUMENT error
// holding all of them, so a caller sees every problem at once.
class Violations {
 public:
  void Add(std::string field, std::string description);
  // Adds a violation when `ok` is false; returns `ok`.
  bool Check(bool ok, std::string field, std::string description);
  bool empty() const { return items_.empty(); }
  const std::vector<FieldViolation>& items() const { return items_; }
  // OK when nothing was added, else INVALID_ARGUMENT with `reason` and every violation.
  absl::Status ToStatus(std::string_view reason, std::string_view message) const;

 private:
  std::vector<FieldViolation> items_;
};

// The single place where domain errors become gRPC statuses. `domain` is the ErrorInfo domain (the
// service, e.g. "goals.okr-suite"). Every non-OK status carries a google.rpc.ErrorInfo with a
// reason; violations become google.rpc.BadRequest.
grpc::Status ToGrpcStatus(const absl::Status& status, std::string_view domain);

// The inverse, for clients and tests: code, message, reason, violations and metadata come back.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace okr::common
