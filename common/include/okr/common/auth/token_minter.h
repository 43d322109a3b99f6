// Signs okr JWTs: development tokens from the okr-token tool, and test fixtures.
// Production tokens come from the identity provider; this exists so the suite runs without one.
#ifndef OKR_COMMON_AUTH_TOKEN_MINTER_H_
#define OKR_COMMON_AUTH_TOKEN_MINTER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/auth/jwt_algorithm.h"

namespace okr::common {

struct TokenClaims {
  std::string tenant;
  std::string subject;
  std::vector<std::string> roles;
  std::string issuer;
  std::string audience;
  absl::Duration ttl = absl::Hours(12);  // exp = now + ttl; must be positive.
  // nbf = now + *not_before when set (may be negative); no nbf claim otherwise.
  std::optional<absl::Duration> not_before;
};

// Returns the compact JWS (header.payload.signature) with claims iss, aud, sub, tenant, roles,
// iat = now, exp and optionally nbf, all times in whole seconds. `key` is the HS256 secret or
// a PEM private key; it is checked with CheckSigningKey. INVALID_ARGUMENT on bad input.
absl::StatusOr<std::string> MintToken(const TokenClaims& claims, JwtAlgorithm algorithm,
                                      std::string_view key, absl::Time now);

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_TOKEN_MINTER_H_
