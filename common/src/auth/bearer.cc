#include "okr/common/auth/bearer.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace okr::common {
namespace {

constexpr std::string_view kScheme = "Bearer";

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool IsB64Token(std::string_view token) {
  const std::size_t body_end = token.find_last_not_of('=');
  if (body_end == std::string_view::npos) return false;  // Empty, or only padding.
  const std::string_view body = token.substr(0, body_end + 1);
  return std::all_of(body.begin(), body.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == '~' || c == '+' || c == '/';
  });
}

}  // namespace

absl::StatusOr<std::string_view> ExtractBearerToken(std::string_view authorization_header) {
  if (authorization_header.empty()) return absl::UnauthenticatedError("missing bearer token");
  if (authorization_header.size() <= kScheme.size() + 1 ||
      !absl::EqualsIgnoreCase(absl::string_view(authorization_header.data(), kScheme.size()),
                              absl::string_view(kScheme.data(), kScheme.size())) ||
      authorization_header[kScheme.size()] != ' ') {
    return absl::UnauthenticatedError("malformed authorization header");
  }
  const std::string_view token = authorization_header.substr(kScheme.size() + 1);
  if (!IsB64Token(token)) return absl::UnauthenticatedError("malformed authorization header");
  return token;
}

}  // namespace okr::common
