// Reads the credential out of an HTTP/gRPC "authorization" header value (RFC 6750 bearer scheme).
#ifndef OKR_COMMON_AUTH_BEARER_H_
#define OKR_COMMON_AUTH_BEARER_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace okr::common {

// "Bearer <token>": scheme matched case-insensitively, exactly one space, a non-empty token made
// of RFC 6750 token characters. An empty header (absent metadata) is UNAUTHENTICATED
// "missing bearer token"; anything else malformed is UNAUTHENTICATED "malformed authorization
// header". The result views into `authorization_header`.
absl::StatusOr<std::string_view> ExtractBearerToken(std::string_view authorization_header);

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_BEARER_H_
