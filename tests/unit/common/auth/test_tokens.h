// Test fixtures for the auth area: fresh key pairs and hand-built JWTs. Tokens are signed here
// with OpenSSL directly, not with cpp-jwt, so the verifier is checked against an independent
// signer and tests can build tokens the minter would refuse to make.
#ifndef OKR_TESTS_UNIT_COMMON_AUTH_TEST_TOKENS_H_
#define OKR_TESTS_UNIT_COMMON_AUTH_TEST_TOKENS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace okr::common::auth_test {

struct KeyPair {
  std::string private_pem;  // PKCS#8 "BEGIN PRIVATE KEY".
  std::string public_pem;   // SubjectPublicKeyInfo "BEGIN PUBLIC KEY".
};

// Generated once per process and cached: RSA generation is slow under sanitizers.
const KeyPair& Rsa2048();
const KeyPair& OtherRsa2048();
const KeyPair& Rsa1024();
const KeyPair& EcP256();
const KeyPair& OtherEcP256();
const KeyPair& EcSecp256k1();

inline constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-dev";
inline constexpr std::string_view kOtherSecret = "fedcba9876543210fedcba9876543210-dev";
inline constexpr std::string_view kIssuer = "okr-test-issuer";
inline constexpr std::string_view kAudience = "okr-test-audience";
// 2023-11-14T22:13:20Z: every test clock starts here.
inline const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

std::string Base64Url(std::string_view bytes);
std::string Base64UrlDecode(std::string_view text);

// Claims of a token the test verifier accepts at kNow: iss, aud, sub, tenant, roles, iat, exp.
nlohmann::json ValidClaims();
nlohmann::json Header(std::string_view alg);

// "<b64url(header)>.<b64url(claims)>" plus the signature over it.
std::string SignHs256(const nlohmann::json& header, const nlohmann::json& claims,
                      std::string_view secret);
std::string SignWithPrivateKey(std::string_view alg, const nlohmann::json& header,
                               const nlohmann::json& claims, std::string_view private_pem);
// Same, but with raw segment text, for malformed headers or payloads.
std::string SignHs256Raw(std::string_view header_segment, std::string_view payload_segment,
                         std::string_view secret);

}  // namespace okr::common::auth_test

#endif  // OKR_TESTS_UNIT_COMMON_AUTH_TEST_TOKENS_H_
