#include "okr/common/server/service_main.h"

#include <signal.h>
#include <string.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "okr/common/auth/caching_token_verifier.h"
#include "okr/common/auth/jwt_verifier.h"
#include "okr/common/logging/log.h"

namespace okr::common {

absl::StatusOr<TokenVerifierPtr> MakeTokenVerifier(const AuthOptions& options) {
  auto algorithm = ParseJwtAlgorithm(options.algorithm);
  if (!algorithm.ok()) return algorithm.status();
  JwtVerifierOptions verifier;
  verifier.algorithm = *algorithm;
  verifier.issuer = options.issuer;
  verifier.audience = options.audience;
  verifier.leeway = options.leeway;
  if (*algorithm == JwtAlgorithm::kHs256) {
    verifier.key = options.secret;
  } else {
    std::ifstream file(options.public_key_file);
    std::stringstream text;
    text << file.rdbuf();
    if (!file.good() && !file.eof()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read --jwt-public-key-file '", options.public_key_file, "'"));
    }
    verifier.key = text.str();
  }
  auto created = JwtVerifier::Create(std::move(verifier));
  if (!created.ok()) return created.status();
  // Clients send the same token on every call: verify it once, until it expires.
  return TokenVerifierPtr(std::make_unique<CachingTokenVerifier>(*std::move(created)));
}

void AddDatabaseFlags(CommandLine& command_line, SqliteDatabaseOptions& options) {
  CLI::App& app = command_line.app();
  app.add_option("--db", options.path, "SQLite database file (created if missing)")
      ->envname("OKR_DB");
  app.add_option_function<std::string>(
         "--db-synchronous",
         [&options](const std::string& value) {
           options.synchronous =
               value == "normal" ? SqliteSynchronous::kNormal : SqliteSynchronous::kFull;
         },
         "full: no acknowledged write is lost on power loss; normal: faster, may lose the last "
         "writes on power loss (never on a process crash)")
      ->envname("OKR_DB_SYNCHRONOUS")
      ->default_str("full")
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--db-readers", options.readers, "read connections")
      ->envname("OKR_DB_READERS")
      ->check(CLI::Range(1, 64));
  command_line.AddValidation([&options] {
    if (!options.path.empty() && options.path != ":memory:") return absl::OkStatus();
    return absl::InvalidArgumentError("--db must name a file");
  });
}

int ServeUntilSignal(const std::string& service, const ServerOptions& options,
                     const std::vector<ServiceRegistration>& services,
                     const std::function<void()>& before_shutdown,
                     std::shared_ptr<prometheus::Registry> registry) {
  auto server = GrpcServer::Start(options, services, std::move(registry));
  if (!server.ok()) {
    LogError("cannot start", {{"error", std::string(server.status().message())}});
    return 1;
  }
  nlohmann::json names = nlohmann::json::array();
  for (const auto& registration : services) names.push_back(registration.name);
  LogInfo("serving", {{"binary", service},
                      {"port", (*server)->port()},
                      {"metrics_port", (*server)->metrics_port()},
                      {"services", names}});
  const int signal_number = WaitForShutdownSignal();
  LogInfo("signal received", {{"signal", strsignal(signal_number)}});
  if (before_shutdown) before_shutdown();
  (*server)->Shutdown();
  return 0;
}

}  // namespace okr::common
