#include "okr/common/auth/jwt_verifier.h"

#include <jwt/jwt.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/common/auth/test_tokens.h"

namespace okr::common {
namespace {

using auth_test::Base64Url;
using auth_test::Header;
using auth_test::kAudience;
using auth_test::kIssuer;
using auth_test::kNow;
using auth_test::kOtherSecret;
using auth_test::kSecret;
using auth_test::SignHs256;
using auth_test::SignHs256Raw;
using auth_test::SignWithPrivateKey;
using auth_test::ValidClaims;
using Algorithm = JwtVerifierOptions::Algorithm;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

MATCHER_P(IsUnauthenticated, message, "") {
  return arg.status().code() == absl::StatusCode::kUnauthenticated &&
         arg.status().message() == message;
}

class JwtVerifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<JwtVerifier> MakeVerifier(Algorithm algorithm, std::string key) {
    JwtVerifierOptions options;
    options.algorithm = algorithm;
    options.key = std::move(key);
    options.issuer = std::string(kIssuer);
    options.audience = std::string(kAudience);
    options.leeway = absl::Seconds(30);
    auto verifier = JwtVerifier::Create(std::move(options), [this] { return now_; });
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return verifier.ok() ? *std::move(verifier) : nullptr;
  }

  std::unique_ptr<JwtVerifier> Hs256() {
    return MakeVerifier(Algorithm::kHs256, std::string(kSecret));
  }

  absl::StatusOr<Principal> VerifyHs256(const nlohmann::json& claims) {
    return Hs256()->Verify(SignHs256(Header("HS256"), claims, kSecret));
  }

  absl::Time now_ = kNow;
};

TEST_F(JwtVerifierTest, ValidTokenYieldsPrincipal) {
  absl::StatusOr<Principal> principal = VerifyHs256(ValidClaims());
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant, "acme");
  EXPECT_EQ(principal->subject, "user-42");
  EXPECT_THAT(principal->roles, ElementsAre("member", "manager"));
}

TEST_F(JwtVerifierTest, ExpiredTokenIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Minutes(10));
  claims["iat"] = absl::ToUnixSeconds(kNow - absl::Hours(1));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token expired"));
}

TEST_F(JwtVerifierTest, TokenExpiresWhenTheClockPassesExp) {
  auto verifier = Hs256();
  const std::string token = SignHs256(Header("HS256"), ValidClaims(), kSecret);
  ASSERT_TRUE(verifier->Verify(token).ok());
  now_ = kNow + absl::Hours(2);
  EXPECT_THAT(verifier->Verify(token), IsUnauthenticated("token expired"));
}

TEST_F(JwtVerifierTest, NotYetValidTokenIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["nbf"] = absl::ToUnixSeconds(kNow + absl::Minutes(10));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token not yet valid"));
}

TEST_F(JwtVerifierTest, TokenIssuedInTheFutureIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Minutes(10));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token issued in the future"));
}

TEST_F(JwtVerifierTest, ExpiryWithinLeewayIsAcceptedAndBeyondIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["iat"] = absl::ToUnixSeconds(kNow - absl::Hours(1));
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Seconds(29));  // Leeway is 30 s.
  EXPECT_TRUE(VerifyHs256(claims).ok());
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Seconds(30));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token expired"));
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Seconds(31));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token expired"));
}

TEST_F(JwtVerifierTest, NotBeforeWithinLeewayIsAcceptedAndBeyondIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["nbf"] = absl::ToUnixSeconds(kNow + absl::Seconds(30));
  EXPECT_TRUE(VerifyHs256(claims).ok());
  claims["nbf"] = absl::ToUnixSeconds(kNow + absl::Seconds(31));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token not yet valid"));
}

TEST_F(JwtVerifierTest, IssuedAtWithinLeewayIsAccepted) {
  nlohmann::json claims = ValidClaims();
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Seconds(30));
  EXPECT_TRUE(VerifyHs256(claims).ok());
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Seconds(31));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token issued in the future"));
}

TEST_F(JwtVerifierTest, FractionalTimesAreHonoured) {
  nlohmann::json claims = ValidClaims();
  claims["exp"] = absl::ToDoubleSeconds(kNow - absl::UnixEpoch()) - 29.5;
  EXPECT_TRUE(VerifyHs256(claims).ok());
  claims["exp"] = absl::ToDoubleSeconds(kNow - absl::UnixEpoch()) - 30.5;
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token expired"));
}

TEST_F(JwtVerifierTest, MissingOrNonNumericTimeClaimsAreRejected) {
  nlohmann::json claims = ValidClaims();
  claims.erase("exp");
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token expiry missing"));
  claims["exp"] = std::to_string(absl::ToUnixSeconds(kNow + absl::Hours(1)));
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token expiry invalid"));
  claims = ValidClaims();
  claims["nbf"] = "yesterday";
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token not-before invalid"));
  claims = ValidClaims();
  claims["iat"] = nullptr;
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token issued-at invalid"));
}

TEST_F(JwtVerifierTest, WrongAudienceIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["aud"] = "some-other-service";
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token audience mismatch"));
  claims["aud"] = {"some-other-service", "another"};
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token audience mismatch"));
  claims.erase("aud");
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token audience mismatch"));
  claims["aud"] = 7;
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token audience mismatch"));
}

TEST_F(JwtVerifierTest, AudienceArrayContainingOursIsAccepted) {
  nlohmann::json claims = ValidClaims();
  claims["aud"] = {"some-other-service", kAudience};
  EXPECT_TRUE(VerifyHs256(claims).ok());
}

TEST_F(JwtVerifierTest, WrongIssuerIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims["iss"] = "https://evil.example";
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token issuer mismatch"));
  claims.erase("iss");
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token issuer mismatch"));
  claims["iss"] = {kIssuer};
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token issuer mismatch"));
}

TEST_F(JwtVerifierTest, MissingTenantIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims.erase("tenant");
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token tenant missing"));
  claims["tenant"] = "";
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token tenant missing"));
  claims["tenant"] = 42;
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token tenant missing"));
}

TEST_F(JwtVerifierTest, MissingSubjectIsRejected) {
  nlohmann::json claims = ValidClaims();
  claims.erase("sub");
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token subject missing"));
  claims["sub"] = "";
  EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token subject missing"));
}

TEST_F(JwtVerifierTest, AbsentRolesMeanNoRoles) {
  nlohmann::json claims = ValidClaims();
  claims.erase("roles");
  absl::StatusOr<Principal> principal = VerifyHs256(claims);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_THAT(principal->roles, IsEmpty());
  claims["roles"] = nlohmann::json::array();
  principal = VerifyHs256(claims);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_THAT(principal->roles, IsEmpty());
}

TEST_F(JwtVerifierTest, RolesThatAreNotAnArrayOfStringsAreRejected) {
  nlohmann::json claims = ValidClaims();
  for (const nlohmann::json& roles :
       {nlohmann::json("admin"), nlohmann::json(nullptr), nlohmann::json({{"admin", true}}),
        nlohmann::json({"admin", 1}), nlohmann::json({"admin", ""})}) {
    claims["roles"] = roles;
    EXPECT_THAT(VerifyHs256(claims), IsUnauthenticated("token roles invalid")) << roles.dump();
  }
}

TEST_F(JwtVerifierTest, TokenSignedWithAnotherSecretIsRejected) {
  EXPECT_THAT(Hs256()->Verify(SignHs256(Header("HS256"), ValidClaims(), kOtherSecret)),
              IsUnauthenticated("token signature invalid"));
}

TEST_F(JwtVerifierTest, TamperedPayloadIsRejected) {
  const std::string token = SignHs256(Header("HS256"), ValidClaims(), kSecret);
  nlohmann::json claims = ValidClaims();
  claims["tenant"] = "globex";
  const std::string header = token.substr(0, token.find('.'));
  const std::string signature = token.substr(token.rfind('.') + 1);
  const std::string forged = absl::StrCat(header, ".", Base64Url(claims.dump()), ".", signature);
  EXPECT_THAT(Hs256()->Verify(forged), IsUnauthenticated("token signature invalid"));
}

TEST_F(JwtVerifierTest, AlgNoneIsRejected) {
  auto verifier = Hs256();
  const std::string unsigned_token = absl::StrCat(Base64Url(R"({"alg":"none","typ":"JWT"})"), ".",
                                                  Base64Url(ValidClaims().dump()), ".");
  EXPECT_THAT(verifier->Verify(unsigned_token), IsUnauthenticated("malformed token"));
  for (const char* alg : {"none", "None", "NONE"}) {
    // With a signature segment present, it is the algorithm check that stops it.
    EXPECT_THAT(verifier->Verify(SignHs256(Header(alg), ValidClaims(), kSecret)),
                IsUnauthenticated("token algorithm not allowed"))
        << alg;
  }
}

TEST_F(JwtVerifierTest, AlgorithmNameIsMatchedExactly) {
  auto verifier = Hs256();
  for (const char* alg : {"hs256", "HS384", "HS512", "RS256", "ES256", ""}) {
    EXPECT_THAT(verifier->Verify(SignHs256(Header(alg), ValidClaims(), kSecret)),
                IsUnauthenticated("token algorithm not allowed"))
        << alg;
  }
  nlohmann::json header = Header("HS256");
  header["alg"] = std::string("HS256\0x", 7);  // cpp-jwt's strcasecmp would stop at the NUL.
  EXPECT_THAT(verifier->Verify(SignHs256(header, ValidClaims(), kSecret)),
              IsUnauthenticated("token algorithm not allowed"));
  header.erase("alg");
  EXPECT_THAT(verifier->Verify(SignHs256(header, ValidClaims(), kSecret)),
              IsUnauthenticated("token algorithm not allowed"));
}

// The classic confusion attack: the RS256 public key is public, so an attacker HMACs a token
// with the PEM text as the secret and relabels it HS256, hoping the verifier feeds its "key" to
// HMAC. Pinning RS256 must stop it.
TEST_F(JwtVerifierTest, Hs256TokenSignedWithThePublicKeyIsRejectedByRs256Verifier) {
  const std::string& public_pem = auth_test::Rsa2048().public_pem;
  nlohmann::json claims = ValidClaims();
  claims["exp"] = 4'102'444'800;  // 2100-01-01: cpp-jwt below reads the real clock.
  const std::string forged = SignHs256(Header("HS256"), claims, public_pem);

  // Control: the forgery is a real attack: cpp-jwt configured with both algorithms and the PEM
  // as its one key (the setup STACK_NOTES warns about) accepts it.
  std::error_code ec;
  jwt::decode(forged, jwt::params::algorithms({"RS256", "HS256"}), ec,
              jwt::params::secret(public_pem), jwt::params::verify(true));
  ASSERT_FALSE(ec) << ec.message();

  auto verifier = MakeVerifier(Algorithm::kRs256, public_pem);
  EXPECT_THAT(verifier->Verify(forged), IsUnauthenticated("token algorithm not allowed"));
}

TEST_F(JwtVerifierTest, GarbageHeaderIsRejected) {
  auto verifier = Hs256();
  const std::string payload = Base64Url(ValidClaims().dump());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "malformed token"},
      {R"(["alg","HS256"])", "malformed token"},
      {R"("HS256")", "malformed token"},
      {"42", "malformed token"},
      {R"({"alg":"HS256")", "malformed token"},
      {"\xff\xfe{\"alg\":\"HS256\"}", "malformed token"},  // Not UTF-8.
      {R"({"alg":256})", "token algorithm not allowed"},
      {R"({"alg":null})", "token algorithm not allowed"},
      {R"({"alg":["HS256"]})", "token algorithm not allowed"},
      {"{}", "token algorithm not allowed"},
  };
  for (const auto& [header, message] : cases) {
    EXPECT_THAT(verifier->Verify(SignHs256Raw(Base64Url(header), payload, kSecret)),
                IsUnauthenticated(message))
        << header;
  }
}

TEST_F(JwtVerifierTest, MalformedTokensAreRejectedWithoutThrowing) {
  auto verifier = Hs256();
  const std::string valid = SignHs256(Header("HS256"), ValidClaims(), kSecret);
  const std::vector<std::string> tokens = {
      "",
      "garbage",
      "a.b",
      "...",
      "a..c",
      valid + ".extra",
      valid + "=",
      "Bearer " + valid,
      valid.substr(0, valid.rfind('.') + 1),  // Empty signature.
      // Bytes >= 0x80 would index cpp-jwt's base64 table out of range.
      "\xe2\x82\xac\xe2\x82\xac.\xe2\x82\xac.\xff\xff",
      std::string(valid).replace(3, 1, "\x80"),
      std::string("eyJ\0hbGci.e30.abcd", 18),
      "a.b.c",  // Segment lengths of 1 mod 4 cannot be base64.
      std::string(9000, 'a') + ".e30.abcd",
  };
  for (const std::string& token : tokens) {
    EXPECT_THAT(verifier->Verify(token), IsUnauthenticated("malformed token")) << token;
  }
}

TEST_F(JwtVerifierTest, MalformedPayloadIsRejectedAfterSignatureCheck) {
  auto verifier = Hs256();
  const std::string header = Base64Url(Header("HS256").dump());
  for (const std::string& payload :
       {Base64Url("not json"), Base64Url("[1,2]"), Base64Url("\"x\""), Base64Url("null")}) {
    EXPECT_THAT(verifier->Verify(SignHs256Raw(header, payload, kSecret)),
                IsUnauthenticated("malformed token"))
        << payload;
  }
}

TEST_F(JwtVerifierTest, EverySingleCharacterChangeIsRejected) {
  auto verifier = Hs256();
  const std::string token = SignHs256(Header("HS256"), ValidClaims(), kSecret);
  ASSERT_TRUE(verifier->Verify(token).ok());
  int checked = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char replacement : {'A', 'x', '-', '.', '\x9f'}) {
      if (token[i] == replacement) continue;
      std::string mutated = token;
      mutated[i] = replacement;
      EXPECT_EQ(verifier->Verify(mutated).status().code(), absl::StatusCode::kUnauthenticated)
          << "position " << i << " replaced by " << replacement;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST_F(JwtVerifierTest, CriticalHeaderExtensionsAreRejected) {
  nlohmann::json header = Header("HS256");
  header["crit"] = {"exp"};
  EXPECT_THAT(Hs256()->Verify(SignHs256(header, ValidClaims(), kSecret)),
              IsUnauthenticated("token header not supported"));
}

TEST_F(JwtVerifierTest, TypeOtherThanJwtIsRejectedAndAbsentTypeIsAccepted) {
  nlohmann::json header = Header("HS256");
  header["typ"] = "JWE";
  EXPECT_THAT(Hs256()->Verify(SignHs256(header, ValidClaims(), kSecret)),
              IsUnauthenticated("token type not supported"));
  header.erase("typ");
  EXPECT_TRUE(Hs256()->Verify(SignHs256(header, ValidClaims(), kSecret)).ok());
}

TEST_F(JwtVerifierTest, RejectionsDoNotEchoTokenContent) {
  nlohmann::json claims = ValidClaims();
  claims["aud"] = "secret-audience-name";
  claims["tenant"] = "secret-tenant-name";
  absl::StatusOr<Principal> result = VerifyHs256(claims);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), Not(::testing::HasSubstr("secret")));
}

TEST_F(JwtVerifierTest, ValidRs256Token) {
  auto verifier = MakeVerifier(Algorithm::kRs256, auth_test::Rsa2048().public_pem);
  absl::StatusOr<Principal> principal = verifier->Verify(SignWithPrivateKey(
      "RS256", Header("RS256"), ValidClaims(), auth_test::Rsa2048().private_pem));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant, "acme");
}

TEST_F(JwtVerifierTest, Rs256TokenFromAnotherKeyIsRejected) {
  auto verifier = MakeVerifier(Algorithm::kRs256, auth_test::Rsa2048().public_pem);
  EXPECT_THAT(verifier->Verify(SignWithPrivateKey("RS256", Header("RS256"), ValidClaims(),
                                                  auth_test::OtherRsa2048().private_pem)),
              IsUnauthenticated("token signature invalid"));
}

TEST_F(JwtVerifierTest, ValidEs256Token) {
  auto verifier = MakeVerifier(Algorithm::kEs256, auth_test::EcP256().public_pem);
  absl::StatusOr<Principal> principal = verifier->Verify(
      SignWithPrivateKey("ES256", Header("ES256"), ValidClaims(), auth_test::EcP256().private_pem));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "user-42");
}

TEST_F(JwtVerifierTest, Es256TamperedPayloadIsRejected) {
  auto verifier = MakeVerifier(Algorithm::kEs256, auth_test::EcP256().public_pem);
  const std::string token =
      SignWithPrivateKey("ES256", Header("ES256"), ValidClaims(), auth_test::EcP256().private_pem);
  nlohmann::json claims = ValidClaims();
  claims["roles"] = {"admin"};
  const std::string forged = absl::StrCat(token.substr(0, token.find('.')), ".",
                                          Base64Url(claims.dump()), token.substr(token.rfind('.')));
  EXPECT_THAT(verifier->Verify(forged), IsUnauthenticated("token signature invalid"));
}

TEST_F(JwtVerifierTest, Es256TokenFromAnotherKeyOrWithDerSignatureIsRejected) {
  auto verifier = MakeVerifier(Algorithm::kEs256, auth_test::EcP256().public_pem);
  EXPECT_THAT(verifier->Verify(SignWithPrivateKey("ES256", Header("ES256"), ValidClaims(),
                                                  auth_test::OtherEcP256().private_pem)),
              IsUnauthenticated("token signature invalid"));
  // "XS256" keeps the DER signature the way OpenSSL returns it; JWS wants raw r||s.
  EXPECT_THAT(verifier->Verify(SignWithPrivateKey("XS256", Header("ES256"), ValidClaims(),
                                                  auth_test::EcP256().private_pem)),
              IsUnauthenticated("token signature invalid"));
}

TEST_F(JwtVerifierTest, VerifierRejectsTokensOfTheOtherAsymmetricAlgorithm) {
  auto rs256 = MakeVerifier(Algorithm::kRs256, auth_test::Rsa2048().public_pem);
  auto es256 = MakeVerifier(Algorithm::kEs256, auth_test::EcP256().public_pem);
  EXPECT_THAT(rs256->Verify(SignWithPrivateKey("ES256", Header("ES256"), ValidClaims(),
                                               auth_test::EcP256().private_pem)),
              IsUnauthenticated("token algorithm not allowed"));
  EXPECT_THAT(es256->Verify(SignWithPrivateKey("RS256", Header("RS256"), ValidClaims(),
                                               auth_test::Rsa2048().private_pem)),
              IsUnauthenticated("token algorithm not allowed"));
  // An RS256 signature relabelled ES256 still fails the signature check.
  EXPECT_THAT(es256->Verify(SignWithPrivateKey("RS256", Header("ES256"), ValidClaims(),
                                               auth_test::Rsa2048().private_pem)),
              IsUnauthenticated("token signature invalid"));
}

class JwtVerifierCreateTest : public ::testing::Test {
 protected:
  static JwtVerifierOptions Options(Algorithm algorithm, std::string key) {
    JwtVerifierOptions options;
    options.algorithm = algorithm;
    options.key = std::move(key);
    options.issuer = std::string(kIssuer);
    options.audience = std::string(kAudience);
    return options;
  }
  static absl::Status CreateStatus(JwtVerifierOptions options) {
    return JwtVerifier::Create(std::move(options)).status();
  }
};

MATCHER_P(IsInvalidArgument, substring, "") {
  return arg.code() == absl::StatusCode::kInvalidArgument &&
         absl::StrContains(arg.message(), substring);
}

TEST_F(JwtVerifierCreateTest, AcceptsValidConfigurations) {
  EXPECT_TRUE(CreateStatus(Options(Algorithm::kHs256, std::string(kSecret))).ok());
  EXPECT_TRUE(CreateStatus(Options(Algorithm::kRs256, auth_test::Rsa2048().public_pem)).ok());
  EXPECT_TRUE(CreateStatus(Options(Algorithm::kEs256, auth_test::EcP256().public_pem)).ok());
}

TEST_F(JwtVerifierCreateTest, RejectsEmptyOrShortSecret) {
  EXPECT_THAT(CreateStatus(Options(Algorithm::kHs256, "")), IsInvalidArgument("needs a secret"));
  EXPECT_THAT(CreateStatus(Options(Algorithm::kHs256, std::string(31, 'k'))),
              IsInvalidArgument("at least 32 bytes"));
  EXPECT_TRUE(CreateStatus(Options(Algorithm::kHs256, std::string(32, 'k'))).ok());
}

TEST_F(JwtVerifierCreateTest, RejectsPemKeyAsHs256Secret) {
  EXPECT_THAT(CreateStatus(Options(Algorithm::kHs256, auth_test::Rsa2048().public_pem)),
              IsInvalidArgument("must not be a PEM key"));
}

TEST_F(JwtVerifierCreateTest, RejectsMissingIssuerOrAudience) {
  JwtVerifierOptions options = Options(Algorithm::kHs256, std::string(kSecret));
  options.issuer.clear();
  EXPECT_THAT(CreateStatus(options), IsInvalidArgument("issuer"));
  options = Options(Algorithm::kHs256, std::string(kSecret));
  options.audience.clear();
  EXPECT_THAT(CreateStatus(options), IsInvalidArgument("audience"));
}

TEST_F(JwtVerifierCreateTest, RejectsLeewayOutOfRange) {
  JwtVerifierOptions options = Options(Algorithm::kHs256, std::string(kSecret));
  options.leeway = -absl::Seconds(1);
  EXPECT_THAT(CreateStatus(options), IsInvalidArgument("leeway"));
  options.leeway = absl::Minutes(6);
  EXPECT_THAT(CreateStatus(options), IsInvalidArgument("leeway"));
  options.leeway = absl::ZeroDuration();
  EXPECT_TRUE(CreateStatus(options).ok());
}

TEST_F(JwtVerifierCreateTest, RejectsUnparsablePem) {
  for (Algorithm algorithm : {Algorithm::kRs256, Algorithm::kEs256}) {
    EXPECT_THAT(CreateStatus(Options(algorithm, "")), IsInvalidArgument("needs a PEM public key"));
    EXPECT_THAT(CreateStatus(Options(algorithm, std::string(kSecret))),
                IsInvalidArgument("not a readable"));
    EXPECT_THAT(CreateStatus(Options(algorithm,
                                     "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                     "-----END PUBLIC KEY-----\n")),
                IsInvalidArgument("not a readable"));
  }
}

TEST_F(JwtVerifierCreateTest, RejectsPrivateKeyAsVerificationKey) {
  EXPECT_THAT(CreateStatus(Options(Algorithm::kRs256, auth_test::Rsa2048().private_pem)),
              IsInvalidArgument("must be a public key"));
}

TEST_F(JwtVerifierCreateTest, RejectsKeyOfTheWrongType) {
  EXPECT_THAT(CreateStatus(Options(Algorithm::kRs256, auth_test::EcP256().public_pem)),
              IsInvalidArgument("needs an RSA key"));
  EXPECT_THAT(CreateStatus(Options(Algorithm::kEs256, auth_test::Rsa2048().public_pem)),
              IsInvalidArgument("P-256"));
  EXPECT_THAT(CreateStatus(Options(Algorithm::kEs256, auth_test::EcSecp256k1().public_pem)),
              IsInvalidArgument("P-256"));
}

TEST_F(JwtVerifierCreateTest, RejectsShortRsaKey) {
  EXPECT_THAT(CreateStatus(Options(Algorithm::kRs256, auth_test::Rsa1024().public_pem)),
              IsInvalidArgument("at least 2048 bits"));
}

TEST_F(JwtVerifierCreateTest, RejectsMissingClock) {
  EXPECT_THAT(
      JwtVerifier::Create(Options(Algorithm::kHs256, std::string(kSecret)), nullptr).status(),
      IsInvalidArgument("clock"));
}

}  // namespace
}  // namespace okr::common
