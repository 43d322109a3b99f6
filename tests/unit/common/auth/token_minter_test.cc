#include "okr/common/auth/token_minter.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/auth/jwt_verifier.h"
#include "tests/unit/common/auth/test_tokens.h"

namespace okr::common {
namespace {

using auth_test::kNow;
using auth_test::kSecret;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TokenClaims SampleClaims() {
  TokenClaims claims;
  claims.tenant = "acme";
  claims.subject = "alice";
  claims.roles = {"admin", "member"};
  claims.issuer = "okr-dev";
  claims.audience = "okr-suite";
  claims.ttl = absl::Hours(1);
  return claims;
}

// Decodes one segment with the test's own base64 decoder, not cpp-jwt's.
nlohmann::json Segment(const std::string& token, int index) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  EXPECT_EQ(parts.size(), 3u);
  return nlohmann::json::parse(
      auth_test::Base64UrlDecode(parts.at(static_cast<std::size_t>(index))));
}

absl::StatusOr<Principal> VerifyMinted(JwtAlgorithm algorithm, const std::string& verify_key,
                                       const std::string& token, absl::Time now) {
  JwtVerifierOptions options;
  options.algorithm = algorithm;
  options.key = verify_key;
  options.issuer = "okr-dev";
  options.audience = "okr-suite";
  auto verifier = JwtVerifier::Create(options, [now] { return now; });
  if (!verifier.ok()) return verifier.status();
  return (*verifier)->Verify(token);
}

TEST(MintTokenTest, WritesTheClaimsTheVerifierReads) {
  absl::StatusOr<std::string> token =
      MintToken(SampleClaims(), JwtAlgorithm::kHs256, kSecret, kNow);
  ASSERT_TRUE(token.ok()) << token.status();
  const nlohmann::json header = Segment(*token, 0);
  EXPECT_EQ(header.at("alg"), "HS256");
  EXPECT_EQ(header.at("typ"), "JWT");
  const nlohmann::json claims = Segment(*token, 1);
  EXPECT_EQ(claims.at("iss"), "okr-dev");
  EXPECT_EQ(claims.at("aud"), "okr-suite");
  EXPECT_EQ(claims.at("sub"), "alice");
  EXPECT_EQ(claims.at("tenant"), "acme");
  EXPECT_EQ(claims.at("roles"), nlohmann::json({"admin", "member"}));
  EXPECT_EQ(claims.at("iat"), absl::ToUnixSeconds(kNow));
  EXPECT_EQ(claims.at("exp"), absl::ToUnixSeconds(kNow + absl::Hours(1)));
  EXPECT_FALSE(claims.contains("nbf"));
}

TEST(MintTokenTest, NotBeforeOffsetSetsNbf) {
  TokenClaims claims = SampleClaims();
  claims.not_before = absl::Minutes(5);
  absl::StatusOr<std::string> token = MintToken(claims, JwtAlgorithm::kHs256, kSecret, kNow);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(Segment(*token, 1).at("nbf"), absl::ToUnixSeconds(kNow + absl::Minutes(5)));
  // Usable only once nbf (less the 30 s leeway) has passed.
  EXPECT_EQ(VerifyMinted(JwtAlgorithm::kHs256, std::string(kSecret), *token, kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(
      VerifyMinted(JwtAlgorithm::kHs256, std::string(kSecret), *token, kNow + absl::Minutes(5))
          .ok());
}

TEST(MintTokenTest, EmptyRolesAreWrittenAsAnEmptyArray) {
  TokenClaims claims = SampleClaims();
  claims.roles.clear();
  absl::StatusOr<std::string> token = MintToken(claims, JwtAlgorithm::kHs256, kSecret, kNow);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(Segment(*token, 1).at("roles"), nlohmann::json::array());
}

TEST(MintTokenTest, TokensOfEveryAlgorithmVerify) {
  struct Case {
    JwtAlgorithm algorithm;
    std::string signing_key;
    std::string verify_key;
  };
  const std::vector<Case> cases = {
      {JwtAlgorithm::kHs256, std::string(kSecret), std::string(kSecret)},
      {JwtAlgorithm::kRs256, auth_test::Rsa2048().private_pem, auth_test::Rsa2048().public_pem},
      {JwtAlgorithm::kEs256, auth_test::EcP256().private_pem, auth_test::EcP256().public_pem},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(JwtAlgorithmName(c.algorithm));
    absl::StatusOr<std::string> token = MintToken(SampleClaims(), c.algorithm, c.signing_key, kNow);
    ASSERT_TRUE(token.ok()) << token.status();
    EXPECT_EQ(Segment(*token, 0).at("alg"), JwtAlgorithmName(c.algorithm));
    absl::StatusOr<Principal> principal =
        VerifyMinted(c.algorithm, c.verify_key, *token, kNow + absl::Minutes(59));
    ASSERT_TRUE(principal.ok()) << principal.status();
    EXPECT_EQ(principal->tenant, "acme");
    EXPECT_EQ(principal->subject, "alice");
    EXPECT_THAT(principal->roles, ElementsAre("admin", "member"));
    EXPECT_EQ(VerifyMinted(c.algorithm, c.verify_key, *token, kNow + absl::Minutes(61))
                  .status()
                  .message(),
              "token expired");
  }
}

TEST(MintTokenTest, RejectsIncompleteClaims) {
  const auto mint = [](const TokenClaims& claims) {
    return MintToken(claims, JwtAlgorithm::kHs256, kSecret, kNow).status();
  };
  TokenClaims claims = SampleClaims();
  claims.tenant.clear();
  EXPECT_THAT(mint(claims).message(), HasSubstr("tenant"));
  claims = SampleClaims();
  claims.subject.clear();
  EXPECT_THAT(mint(claims).message(), HasSubstr("subject"));
  claims = SampleClaims();
  claims.issuer.clear();
  EXPECT_THAT(mint(claims).message(), HasSubstr("issuer"));
  claims = SampleClaims();
  claims.audience.clear();
  EXPECT_THAT(mint(claims).message(), HasSubstr("audience"));
  claims = SampleClaims();
  claims.roles = {"admin", ""};
  EXPECT_THAT(mint(claims).message(), HasSubstr("roles"));
  claims = SampleClaims();
  claims.ttl = absl::ZeroDuration();
  EXPECT_THAT(mint(claims).message(), HasSubstr("ttl"));
  EXPECT_EQ(mint(claims).code(), absl::StatusCode::kInvalidArgument);
}

TEST(MintTokenTest, RejectsKeysThatDoNotFitTheAlgorithm) {
  const TokenClaims claims = SampleClaims();
  EXPECT_THAT(MintToken(claims, JwtAlgorithm::kHs256, "short", kNow).status().message(),
              HasSubstr("at least 32 bytes"));
  EXPECT_THAT(MintToken(claims, JwtAlgorithm::kRs256, auth_test::Rsa2048().public_pem, kNow)
                  .status()
                  .message(),
              HasSubstr("not a readable unencrypted PEM private key"));
  EXPECT_THAT(MintToken(claims, JwtAlgorithm::kRs256, auth_test::EcP256().private_pem, kNow)
                  .status()
                  .message(),
              HasSubstr("RSA"));
  EXPECT_THAT(MintToken(claims, JwtAlgorithm::kEs256, auth_test::Rsa2048().private_pem, kNow)
                  .status()
                  .message(),
              HasSubstr("P-256"));
  EXPECT_THAT(MintToken(claims, JwtAlgorithm::kEs256, auth_test::EcSecp256k1().private_pem, kNow)
                  .status()
                  .message(),
              HasSubstr("P-256"));
}

}  // namespace
}  // namespace okr::common
