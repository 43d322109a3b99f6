// Looks up a unary RPC by name among the protos linked into the binary and encodes text-format
// requests for it, so one load generator can drive any method without generated stubs.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/status/statusor.h"

namespace okr::bench {

struct UnaryMethod {
  // "/package.Service/Method", as sent on the wire.
  std::string path;
  const google::protobuf::Descriptor* request_type = nullptr;
  const google::protobuf::Descriptor* response_type = nullptr;
};

// `name` is "package.Service/Method" (a leading '/' is allowed). NOT_FOUND when the service or
// method is not in the generated pool; INVALID_ARGUMENT for a streaming method.
absl::StatusOr<UnaryMethod> FindUnaryMethod(const std::string& name);

// Parses `text` (protobuf text format) as `type` and returns the binary encoding. INVALID_ARGUMENT
// with the parser's messages when the text does not parse.
absl::StatusOr<std::string> EncodeTextRequest(const google::protobuf::Descriptor* type,
                                              const std::string& text);

// Whether `bytes` parse as `type` (used to check that answers are what the method returns).
bool ParsesAs(const google::protobuf::Descriptor* type, const std::string& bytes);

}  // namespace okr::bench
