// What every service binary composes before its own services: flags and environment, logging, the
// token verifier, its database, the executor and the RPC runtime; then serving until SIGTERM.
#pragma once

#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "okr/common/auth/service_tokens.h"
#include "okr/common/auth/token_verifier.h"
#include "okr/common/config/command_line.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/grpc_server.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/server/server_options.h"
#include "okr/common/storage/sqlite_database.h"

namespace okr::common {

class ServiceBinary {
 public:
  // `name` is the short service name ("goals"): the binary is okr-<name>, its logs say
  // service=<name>, its errors carry the domain <name>.okr-suite, its database defaults to
  // okr-<name>.db. Construct it first thing in main(): it blocks SIGTERM and SIGINT before any
  // thread starts so that Serve() can wait for them.
  ServiceBinary(std::string name, std::string description, std::string default_listen);
  ~ServiceBinary();

  // For the binary's own flags and their validation, before Init.
  CommandLine& command_line() { return command_line_; }
  SqliteDatabaseOptions& database_options() { return database_options_; }

  // Adds a host:port flag with its environment variable, validated at start-up.
  void AddAddressFlag(const std::string& flag, const std::string& env, std::string* value,
                      const std::string& description);

  // Adds --page-token-secret (OKR_PAGE_TOKEN_SECRET), validated at start-up: the key that seals
  // list page tokens; empty gives a random key per process.
  void AddPageTokenSecretFlag(std::string* secret);

  // Adds --service-signing-key-file (OKR_SERVICE_SIGNING_KEY_FILE): the PEM private key of the
  // service's own tokens to other services with RS256/ES256 (see ServiceTokenOptionsFor).
  void AddServiceSigningKeyFlag(std::string* file);

  // Parses flags, starts logging, builds the token verifier and opens the database. Returns an
  // exit code when the process must stop: 0 after --help, 2 for bad configuration, 1 when the
  // database cannot be opened.
  std::optional<int> Init(int argc, const char* const* argv);

  // The options the service's own tokens (subject e.g. "svc-feedback") are minted with, from
  // the verifier's settings: with HS256 the shared secret signs them, otherwise the PEM private
  // key in `signing_key_file` (whose public key the other services verify). INVALID_ARGUMENT when
  // no usable key is there. Valid after a successful Init.
  absl::StatusOr<ServiceTokenOptions> ServiceTokenOptionsFor(
      std::string subject, const std::string& signing_key_file) const;

  // Valid after a successful Init.
  Database& database() { return *database_; }
  RpcRuntime& runtime() { return *runtime_; }
  // The token settings, for a service that mints its own service-identity tokens.
  const AuthOptions& auth_options() const { return auth_options_; }
  const ServerOptions& server_options() const { return server_options_; }
  // Where the service registers its own metric families; served with the gRPC ones.
  prometheus::Registry& metrics_registry() { return *registry_; }

  // Serves until SIGTERM or SIGINT, shuts down gracefully, finishes the executor's work and closes
  // the database. Returns the process exit code.
  // `before_shutdown` runs when the signal came, before the server stops taking calls (e.g. to
  // end long-lived streams at once instead of at the shutdown deadline).
  int Serve(const std::vector<ServiceRegistration>& services,
            const std::function<void()>& before_shutdown = {});

 private:
  std::string name_;
  CommandLine command_line_;
  ServerOptions server_options_;
  AuthOptions auth_options_;
  SqliteDatabaseOptions database_options_;
  TokenVerifierPtr verifier_;
  std::unique_ptr<SqliteDatabase> database_;
  std::unique_ptr<ThreadPool> executor_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
};

}  // namespace okr::common
