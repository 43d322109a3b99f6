#include "okr/common/auth/token_minter.h"

#include <openssl/err.h>

#include <cstdint>
#include <exception>
#include <jwt/jwt.hpp>
#include <system_error>

#include "absl/status/status.h"

namespace okr::common {
namespace {

jwt::algorithm ToCppJwt(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHs256:
      return jwt::algorithm::HS256;
    case JwtAlgorithm::kRs256:
      return jwt::algorithm::RS256;
    case JwtAlgorithm::kEs256:
      return jwt::algorithm::ES256;
  }
  return jwt::algorithm::UNKN;
}

absl::StatusOr<std::string> Sign(const TokenClaims& claims, JwtAlgorithm algorithm,
                                 std::string_view key, absl::Time now) {
  jwt::jwt_object token{jwt::params::algorithm(ToCppJwt(algorithm)), jwt::params::secret(key)};
  token.add_claim("iss", claims.issuer)
      .add_claim("aud", claims.audience)
      .add_claim("sub", claims.subject)
      .add_claim("tenant", claims.tenant)
      .add_claim("roles", claims.roles)
      .add_claim("iat", absl::ToUnixSeconds(now))
      .add_claim("exp", absl::ToUnixSeconds(now + claims.ttl));
  if (claims.not_before.has_value()) {
    token.add_claim("nbf", absl::ToUnixSeconds(now + *claims.not_before));
  }
  std::error_code ec;
  std::string signed_token = token.signature(ec);
  if (ec) return absl::InternalError("signing the token failed");
  return signed_token;
}

}  // namespace

absl::StatusOr<std::string> MintToken(const TokenClaims& claims, JwtAlgorithm algorithm,
                                      std::string_view key, absl::Time now) {
  if (claims.tenant.empty()) return absl::InvalidArgumentError("tenant must be set");
  if (claims.subject.empty()) return absl::InvalidArgumentError("subject must be set");
  if (claims.issuer.empty()) return absl::InvalidArgumentError("issuer must be set");
  if (claims.audience.empty()) return absl::InvalidArgumentError("audience must be set");
  for (const std::string& role : claims.roles) {
    if (role.empty()) return absl::InvalidArgumentError("roles must not be empty strings");
  }
  if (claims.ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("ttl must be positive");
  if (now == absl::InfiniteFuture() || now == absl::InfinitePast()) {
    return absl::InvalidArgumentError("now must be a finite time");
  }
  if (absl::Status status = CheckSigningKey(algorithm, key); !status.ok()) return status;

  absl::StatusOr<std::string> token = absl::InternalError("signing the token failed");
  try {
    token = Sign(claims, algorithm, key, now);
  } catch (const std::exception&) {
    token = absl::InternalError("signing the token failed");
  }
  if (!token.ok()) ERR_clear_error();
  return token;
}

}  // namespace okr::common
