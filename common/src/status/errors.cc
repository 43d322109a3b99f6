// Error payloads travel inside absl::Status as serialized google.rpc messages, keyed by their type
// URLs, so the mapping to gRPC details is a copy rather than a translation.
#include "okr/common/status/errors.h"

#include <grpcpp/support/error_details.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace okr::common {
namespace {

constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

template <typename Message>
std::optional<Message> Payload(const absl::Status& status, const char* url) {
  absl::optional<absl::Cord> cord = status.GetPayload(url);
  if (!cord.has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(std::string(*cord))) return std::nullopt;
  return message;
}

std::string CodeName(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);
  for (char& c : name) c = c == ' ' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
  return name;
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, std::string_view reason, std::string_view message,
                       const std::vector<FieldViolation>& violations,
                       const std::map<std::string, std::string>& metadata) {
  absl::Status status(code, std::string(message));
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason.empty() ? CodeName(code) : reason));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const FieldViolation& v : violations) {
      auto* out = bad_request.add_field_violations();
      out->set_field(v.field);
      out->set_description(v.description);
    }
    status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
  }
  return status;
}

absl::Status InvalidArgument(std::string_view reason, std::string_view message,
                             const std::vector<FieldViolation>& violations) {
  return MakeError(absl::StatusCode::kInvalidArgument, reason, message, violations);
}
absl::Status NotFound(std::string_view reason, std::string_view message) {
  return MakeError(absl::StatusCode::kNotFound, reason, message);
}
absl::Status FailedPrecondition(std::string_view reason, std::string_view message) {
  return MakeError(absl::StatusCode::kFailedPrecondition, reason, message);
}
absl::Status PermissionDenied(std::string_view reason, std::string_view message) {
  return MakeError(absl::StatusCode::kPermissionDenied, reason, message);
}
absl::Status Unauthenticated(std::string_view reason, std::string_view message) {
  return MakeError(absl::StatusCode::kUnauthenticated, reason, message);
}

std::string ErrorReason(const absl::Status& status) {
  if (status.ok()) return "";
  auto info = Payload<google::rpc::ErrorInfo>(status, kErrorInfoUrl);
  if (info.has_value() && !info->reason().empty()) return info->reason();
  return CodeName(status.code());
}

std::vector<FieldViolation> ErrorFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto bad_request = Payload<google::rpc::BadRequest>(status, kBadRequestUrl);
  if (!bad_request.has_value()) return out;
  for (const auto& v : bad_request->field_violations()) out.push_back({v.field(), v.description()});
  return out;
}

std::map<std::string, std::string> ErrorMetadata(const absl::Status& status) {
  std::map<std::string, std::string> out;
  auto info = Payload<google::rpc::ErrorInfo>(status, kErrorInfoUrl);
  if (info.has_value()) out.insert(info->metadata().begin(), info->metadata().end());
  return out;
}

void Violations::Add(std::string field, std::string description) {
  items_.push_back({std::move(field), std::move(description)});
}

bool Violations::Check(bool ok, std::string field, std::string description) {
  if (!ok) Add(std::move(field), std::move(description));
  return ok;
}

absl::Status Violations::ToStatus(std::string_view reason, std::string_view message) const {
  if (items_.empty()) return absl::OkStatus();
  return InvalidArgument(reason, message, items_);
}

grpc::Status ToGrpcStatus(const absl::Status& status, std::string_view domain) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));
  google::rpc::ErrorInfo info =
      Payload<google::rpc::ErrorInfo>(status, kErrorInfoUrl).value_or(google::rpc::ErrorInfo());
  if (info.reason().empty()) info.set_reason(CodeName(status.code()));
  info.set_domain(std::string(domain));
  proto.add_details()->PackFrom(info);
  if (auto bad_request = Payload<google::rpc::BadRequest>(status, kBadRequestUrl)) {
    proto.add_details()->PackFrom(*bad_request);
  }
  grpc::Status out;
  if (!grpc::SetErrorDetails(proto, &out).ok()) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                        std::string(status.message()));
  }
  return out;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  google::rpc::Status proto;
  if (!grpc::ExtractErrorDetails(status, &proto).ok()) {
    return absl::Status(code, status.error_message());
  }
  std::string reason;
  std::map<std::string, std::string> metadata;
  std::vector<FieldViolation> violations;
  for (const auto& detail : proto.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    if (detail.UnpackTo(&info)) {
      reason = info.reason();
      metadata.insert(info.metadata().begin(), info.metadata().end());
      metadata["domain"] = info.domain();
    } else if (detail.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        violations.push_back({v.field(), v.description()});
      }
    }
  }
  return MakeError(code, reason, status.error_message(), violations, metadata);
}

}  // namespace okr::common
