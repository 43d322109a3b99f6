// The JWS algorithms okr accepts (one per key) and start-up checks that a key fits its algorithm.
// Shared by the verifier, the token minter and the command-line tool.
#ifndef OKR_COMMON_AUTH_JWT_ALGORITHM_H_
#define OKR_COMMON_AUTH_JWT_ALGORITHM_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace okr::common {

enum class JwtAlgorithm {
  kHs256,  // HMAC-SHA256 with a shared secret: development only.
  kRs256,  // RSASSA-PKCS1-v1_5 with SHA-256, RSA key of at least 2048 bits.
  kEs256,  // ECDSA on P-256 with SHA-256.
};

// Shorter secrets make HS256 tokens guessable offline (RFC 7518 section 3.2).
inline constexpr std::size_t kMinHs256SecretBytes = 32;
inline constexpr int kMinRsaKeyBits = 2048;

// The JWS "alg" value, e.g. "HS256".
std::string_view JwtAlgorithmName(JwtAlgorithm algorithm);

// Parses "HS256", "RS256" or "ES256" (exact case, as in the JWS header); INVALID_ARGUMENT
// otherwise.
absl::StatusOr<JwtAlgorithm> ParseJwtAlgorithm(std::string_view name);

// INVALID_ARGUMENT unless `key` can verify tokens of `algorithm`: an HS256 secret of at least
// kMinHs256SecretBytes that is not PEM text, or a PEM public key ("BEGIN PUBLIC KEY") of the
// algorithm's type (RSA >= kMinRsaKeyBits for RS256, EC P-256 for ES256).
absl::Status CheckVerificationKey(JwtAlgorithm algorithm, std::string_view key);

// As CheckVerificationKey, for the key that signs: the HS256 secret, or a PEM private key.
absl::Status CheckSigningKey(JwtAlgorithm algorithm, std::string_view key);

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_JWT_ALGORITHM_H_
