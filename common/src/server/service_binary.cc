#include "okr/common/server/service_binary.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/logging/log.h"
#include "okr/common/server/service_main.h"

namespace okr::common {

ServiceBinary::ServiceBinary(std::string name, std::string description, std::string default_listen)
    : name_(std::move(name)), command_line_("okr-" + name_, std::move(description)) {
  BlockShutdownSignals();
#ifdef NDEBUG
  // Debian's Abseil is built with mutex deadlock detection on, which every lock in gRPC and here
  // pays for (a few percent of a call's CPU). It is a debugging aid: debug and sanitizer builds
  // keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  server_options_.listen = std::move(default_listen);
  database_options_.path = "okr-" + name_ + ".db";
  AddServerFlags(command_line_, server_options_);
  AddAuthFlags(command_line_, auth_options_);
  AddDatabaseFlags(command_line_, database_options_);
}

ServiceBinary::~ServiceBinary() {
  if (executor_ != nullptr) executor_->Shutdown();
  if (database_ != nullptr) database_->Close();
}

void ServiceBinary::AddAddressFlag(const std::string& flag, const std::string& env,
                                   std::string* value, const std::string& description) {
  command_line_.app().add_option(flag, *value, description)->envname(env);
  command_line_.AddValidation([flag, value] { return ValidateHostPort(flag, *value); });
}

absl::StatusOr<ServiceTokenOptions> ServiceBinary::ServiceTokenOptionsFor(
    std::string subject, const std::string& signing_key_file) const {
  const AuthOptions& auth = auth_options_;
  auto algorithm = ParseJwtAlgorithm(auth.algorithm);
  if (!algorithm.ok()) return algorithm.status();
  ServiceTokenOptions options;
  options.algorithm = *algorithm;
  options.issuer = auth.issuer;
  options.audience = auth.audience;
  options.subject = std::move(subject);
  if (*algorithm == JwtAlgorithm::kHs256) {
    options.signing_key = auth.secret;
  } else {
    std::ifstream in(signing_key_file);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the service signing key file '", signing_key_file, "'"));
    }
    std::stringstream key;
    key << in.rdbuf();
    options.signing_key = key.str();
  }
  if (absl::Status s = CheckSigningKey(*algorithm, options.signing_key); !s.ok()) return s;
  return options;
}

void ServiceBinary::AddServiceSigningKeyFlag(std::string* file) {
  command_line_.app()
      .add_option("--service-signing-key-file", *file,
                  "PEM private key for the service's own tokens to other services "
                  "(RS256/ES256); with HS256 the --jwt-secret signs them")
      ->envname("OKR_SERVICE_SIGNING_KEY_FILE");
}

void ServiceBinary::AddPageTokenSecretFlag(std::string* secret) {
  command_line_.app()
      .add_option("--page-token-secret", *secret,
                  "key that seals list page tokens (at least 32 bytes; replicas must share it); "
                  "empty: a random key per process, so tokens do not survive a restart")
      ->envname("OKR_PAGE_TOKEN_SECRET");
  command_line_.AddValidation([secret] {
    if (secret->empty() || secret->size() >= 32) return absl::OkStatus();
    return absl::InvalidArgumentError("--page-token-secret must be at least 32 bytes");
  });
}

std::optional<int> ServiceBinary::Init(int argc, const char* const* argv) {
  if (auto exit_code = command_line_.Parse(argc, argv)) return exit_code;
  InitLogging(name_, *ParseLogLevel(server_options_.log_level));

  auto verifier = MakeTokenVerifier(auth_options_);
  if (!verifier.ok()) {
    std::cerr << "okr-" << name_ << ": configuration error: " << verifier.status().message()
              << "\n";
    return kConfigErrorExitCode;
  }
  verifier_ = *std::move(verifier);
  auto database = SqliteDatabase::Open(database_options_);
  if (!database.ok()) {
    LogError("cannot open database", {{"path", database_options_.path},
                                      {"error", std::string(database.status().message())}});
    return 1;
  }
  database_ = *std::move(database);
  executor_ = std::make_unique<ThreadPool>(static_cast<size_t>(server_options_.executor_threads));
  runtime_ = std::make_unique<RpcRuntime>(executor_.get(), verifier_.get(), name_ + ".okr-suite",
                                          server_options_.test_hooks);
  return std::nullopt;
}

int ServiceBinary::Serve(const std::vector<ServiceRegistration>& services,
                         const std::function<void()>& before_shutdown) {
  const int exit_code =
      ServeUntilSignal(name_, server_options_, services, before_shutdown, registry_);
  executor_->Shutdown();
  database_->Close();
  return exit_code;
}

}  // namespace okr::common
