// The boundary between transport and identity: turns a bearer token into a Principal.
// Servers depend on this interface so tests can substitute MockTokenVerifier.
#ifndef OKR_COMMON_AUTH_TOKEN_VERIFIER_H_
#define OKR_COMMON_AUTH_TOKEN_VERIFIER_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "okr/common/auth/principal.h"

namespace okr::common {

class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;

  // Returns the token's principal, or UNAUTHENTICATED with a short message that is safe to send
  // to the caller. Must be safe to call from many threads at once and must not throw.
  virtual absl::StatusOr<Principal> Verify(std::string_view token) const = 0;
};

using TokenVerifierPtr = std::unique_ptr<TokenVerifier>;

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_TOKEN_VERIFIER_H_
