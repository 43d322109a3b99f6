// `okrctl token mint`: a development token the local suite accepts (HS256 with the suite's secret,
// or RS256/ES256 with a private key).
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "okr/common/auth/jwt_algorithm.h"
#include "okr/common/auth/token_minter.h"
#include "tools/okrctl/commands/commands.h"

namespace okr::ctl {
namespace {

struct MintOptions {
  okr::common::TokenClaims claims;
  std::string ttl = "12h";
  std::string algorithm = "HS256";
  std::string secret;
  std::string secret_file;
  std::string private_key_file;
};

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

int Mint(Session& session, MintOptions& o) {
  auto algorithm = okr::common::ParseJwtAlgorithm(o.algorithm);
  if (!algorithm.ok()) return session.Usage(std::string(algorithm.status().message()));
  if (!absl::ParseDuration(o.ttl, &o.claims.ttl) || o.claims.ttl <= absl::ZeroDuration()) {
    return session.Usage("--ttl must be a positive duration such as 12h");
  }
  std::string key;
  if (*algorithm == okr::common::JwtAlgorithm::kHs256) {
    key = o.secret;
    std::string file = o.secret_file;
    if (key.empty() && file.empty() && access(".state/local/jwt-secret", R_OK) == 0) {
      file = ".state/local/jwt-secret";
    }
    if (key.empty() && !file.empty()) {
      if (!ReadAll(file, &key)) return session.Usage("cannot read --secret-file " + file);
      key = std::string(absl::StripAsciiWhitespace(key));
    }
    if (key.empty()) return session.Usage("HS256 needs --secret, --secret-file or OKR_JWT_SECRET");
  } else {
    if (o.private_key_file.empty()) return session.Usage(o.algorithm + " needs --private-key-file");
    if (!ReadAll(o.private_key_file, &key)) {
      return session.Usage("cannot read --private-key-file " + o.private_key_file);
    }
  }
  auto token = okr::common::MintToken(o.claims, *algorithm, key, absl::Now());
  if (!token.ok()) return session.Usage(std::string(token.status().message()));
  if (session.json()) {
    session.out() << nlohmann::json{{"token", *token}}.dump() << "\n";
  } else {
    session.out() << *token << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddTokenCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* token = app.add_subcommand("token", "Development tokens");
  token->require_subcommand(1);
  auto o = std::make_shared<MintOptions>();
  o->claims.issuer = "okr-dev";
  o->claims.audience = "okr-suite";
  CLI::App* mint = token->add_subcommand("mint", "Mint a token the suite accepts and print it");
  mint->add_option("--tenant", o->claims.tenant, "Tenant the token acts in")
      ->envname("OKR_TENANT")
      ->default_val("demo")
      ->capture_default_str();
  mint->add_option("--subject,--as", o->claims.subject, "Person id the caller acts as")->required();
  mint->add_option("--roles", o->claims.roles, "Roles, e.g. admin,ingest,hr")->delimiter(',');
  mint->add_option("--ttl", o->ttl, "Lifetime")->capture_default_str();
  mint->add_option("--issuer", o->claims.issuer, "iss claim")
      ->envname("OKR_JWT_ISSUER")
      ->capture_default_str();
  mint->add_option("--audience", o->claims.audience, "aud claim")
      ->envname("OKR_JWT_AUDIENCE")
      ->capture_default_str();
  mint->add_option("--algorithm", o->algorithm, "HS256, RS256 or ES256")
      ->check(CLI::IsMember({"HS256", "RS256", "ES256"}))
      ->capture_default_str();
  mint->add_option("--secret", o->secret, "HS256 secret (prefer OKR_JWT_SECRET)")
      ->envname("OKR_JWT_SECRET");
  mint->add_option(
      "--secret-file", o->secret_file,
      "File holding the HS256 secret (default: .state/local/jwt-secret when it exists)");
  mint->add_option("--private-key-file", o->private_key_file, "PEM key for RS256/ES256");
  mint->callback(Runner(session, exit_code, [&session, o] { return Mint(session, *o); }));
}

}  // namespace okr::ctl
