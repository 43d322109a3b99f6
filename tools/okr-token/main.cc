// okr-token: mints a development JWT that the services accept, and prints it on stdout.
//   okr-token --tenant acme --subject alice --roles admin,member   (secret from OKR_JWT_SECRET)
// Bad input prints what is wrong on stderr and exits with status 2.

// GCC 12 at -O2 reports a false -Wnull-dereference inside CLI11's inlined string helpers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/common/auth/jwt_algorithm.h"
#include "okr/common/auth/token_minter.h"

namespace {

constexpr int kUsageError = 2;
constexpr std::streamsize kMaxKeyFileBytes = std::streamsize{64} * 1024;

int Fail(const std::string& message) {
  std::cerr << "okr-token: " << message << "\n";
  return kUsageError;
}

int Fail(const absl::Status& status) { return Fail(static_cast<std::string>(status.message())); }

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("cannot open --private-key-file " + path);
  std::string contents(static_cast<std::size_t>(kMaxKeyFileBytes) + 1, '\0');
  in.read(contents.data(), kMaxKeyFileBytes + 1);
  if (in.bad()) return absl::InvalidArgumentError("cannot read --private-key-file " + path);
  if (in.gcount() > kMaxKeyFileBytes) {
    return absl::InvalidArgumentError("--private-key-file is too large to be a PEM key");
  }
  contents.resize(static_cast<std::size_t>(in.gcount()));
  return contents;
}

absl::StatusOr<absl::Duration> ParseFlagDuration(std::string_view flag, const std::string& text) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError(
        std::string(flag) + " must be a duration such as 30m or 12h, got \"" + text + "\"");
  }
  return duration;
}

int Run(int argc, char** argv) {
  CLI::App app{"Mint a development JWT for okr-suite services and print it on stdout.",
               "okr-token"};
  okr::common::TokenClaims claims;
  claims.issuer = "okr-dev";
  claims.audience = "okr-suite";
  std::string ttl_text = "12h";
  std::string not_before_text;
  std::string algorithm_text = "HS256";
  std::string secret;
  std::string private_key_file;

  app.add_option("--tenant", claims.tenant, "Tenant the token acts in")->required();
  app.add_option("--subject", claims.subject, "Subject (user id) of the token")->required();
  app.add_option("--roles", claims.roles, "Comma-separated roles, e.g. admin,member")
      ->delimiter(',');
  app.add_option("--issuer", claims.issuer, "iss claim")
      ->envname("OKR_JWT_ISSUER")
      ->capture_default_str();
  app.add_option("--audience", claims.audience, "aud claim")
      ->envname("OKR_JWT_AUDIENCE")
      ->capture_default_str();
  app.add_option("--ttl", ttl_text, "Lifetime, e.g. 30m, 1h, 12h")->capture_default_str();
  app.add_option("--not-before", not_before_text,
                 "Optional nbf offset from now, e.g. 5m or -1m (no nbf claim when absent)");
  app.add_option("--algorithm", algorithm_text, "HS256, RS256 or ES256")
      ->check(CLI::IsMember({"HS256", "RS256", "ES256"}))
      ->capture_default_str();
  app.add_option("--secret", secret,
                 "HS256 shared secret, at least 32 bytes (prefer the environment variable: "
                 "command lines are visible to other users)")
      ->envname("OKR_JWT_SECRET");
  app.add_option("--private-key-file", private_key_file,
                 "PEM private key for RS256 (RSA >= 2048 bits) or ES256 (P-256)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // Prints help to stdout, or the error to stderr.
    return code == 0 ? 0 : kUsageError;
  }

  const absl::StatusOr<okr::common::JwtAlgorithm> algorithm =
      okr::common::ParseJwtAlgorithm(algorithm_text);
  if (!algorithm.ok()) return Fail(algorithm.status());
  const absl::StatusOr<absl::Duration> ttl = ParseFlagDuration("--ttl", ttl_text);
  if (!ttl.ok()) return Fail(ttl.status());
  claims.ttl = *ttl;
  if (!not_before_text.empty()) {
    const absl::StatusOr<absl::Duration> not_before =
        ParseFlagDuration("--not-before", not_before_text);
    if (!not_before.ok()) return Fail(not_before.status());
    claims.not_before = *not_before;
  }

  std::string key;
  if (*algorithm == okr::common::JwtAlgorithm::kHs256) {
    if (!private_key_file.empty()) {
      return Fail("--private-key-file is for RS256/ES256; HS256 uses --secret or OKR_JWT_SECRET");
    }
    if (secret.empty()) return Fail("HS256 needs --secret or OKR_JWT_SECRET");
    key = secret;
  } else {
    if (private_key_file.empty()) return Fail(algorithm_text + " needs --private-key-file");
    absl::StatusOr<std::string> pem = ReadKeyFile(private_key_file);
    if (!pem.ok()) return Fail(pem.status());
    key = *std::move(pem);
  }

  const absl::StatusOr<std::string> token =
      okr::common::MintToken(claims, *algorithm, key, absl::Now());
  if (!token.ok()) return Fail(token.status());
  std::cout << *token << "\n";
  return std::cout.flush() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "okr-token: internal error: " << e.what() << "\n";
    return 1;
  }
}
