// TokenVerifier for JWS-signed JWTs: one pinned algorithm and key, issuer, audience and time
// claims checked with a small leeway, okr's own claims (tenant, sub, roles) turned into a
// Principal.
#ifndef OKR_COMMON_AUTH_JWT_VERIFIER_H_
#define OKR_COMMON_AUTH_JWT_VERIFIER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/auth/jwt_algorithm.h"
#include "okr/common/auth/principal.h"
#include "okr/common/auth/token_verifier.h"

namespace okr::common {

struct JwtVerifierOptions {
  using Algorithm = JwtAlgorithm;

  // The only algorithm accepted: a token whose header names any other (including "none") is
  // rejected, which is what defeats algorithm-confusion attacks.
  Algorithm algorithm = Algorithm::kHs256;
  // HS256: the shared secret. RS256/ES256: the PEM public key ("-----BEGIN PUBLIC KEY-----").
  std::string key;
  // Required values of the "iss" and "aud" claims ("aud" may be a string or an array).
  std::string issuer;
  std::string audience;
  // Tolerated clock skew between the issuer and us, applied to exp, nbf and iat. At most 5 min.
  absl::Duration leeway = absl::Seconds(30);
};

// Rejection messages are short and stable, e.g. "token expired", "token audience mismatch", and
// never echo token content. Every rejection is UNAUTHENTICATED. cpp-jwt checks only the
// signature; the claims, including exp/nbf/iat against the injected clock, are checked here
// because cpp-jwt reads the system clock (see jwt_verifier.cc).
class JwtVerifier : public TokenVerifier {
 public:
  // Must be callable from many threads at once.
  using Clock = std::function<absl::Time()>;

  // Checks the configuration (INVALID_ARGUMENT on a short or missing secret, a PEM that is not a
  // public key of the algorithm's type, a missing issuer or audience, a bad leeway), so that a
  // misconfigured service fails at start-up rather than on its first request.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(JwtVerifierOptions options,
                                                             Clock clock = &absl::Now);

  absl::StatusOr<Principal> Verify(std::string_view token) const override;

 private:
  JwtVerifier(JwtVerifierOptions options, Clock clock);

  absl::StatusOr<Principal> VerifyOrThrow(std::string_view token) const;

  const JwtVerifierOptions options_;
  const Clock clock_;
};

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_JWT_VERIFIER_H_
