// The steps every service binary's main() shares, so each main.cc only lists what it composes:
// the token verifier from the auth flags, the database flags, and serving until SIGTERM/SIGINT.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/common/auth/token_verifier.h"
#include "okr/common/config/command_line.h"
#include "okr/common/server/grpc_server.h"
#include "okr/common/server/server_options.h"
#include "okr/common/storage/sqlite_database.h"

namespace okr::common {

// The verifier the auth options describe (key file read, key checked against the algorithm).
absl::StatusOr<TokenVerifierPtr> MakeTokenVerifier(const AuthOptions& options);

// --db, --db-synchronous, --db-readers (OKR_DB, OKR_DB_SYNCHRONOUS, OKR_DB_READERS).
void AddDatabaseFlags(CommandLine& command_line, SqliteDatabaseOptions& options);

// Starts the server, logs where it listens, waits for SIGTERM or SIGINT (call
// BlockShutdownSignals() first thing in main), then shuts down gracefully. Returns the process exit
// code: 0 after a clean shutdown, 1 when the server could not start.
int ServeUntilSignal(const std::string& service, const ServerOptions& options,
                     const std::vector<ServiceRegistration>& services,
                     const std::function<void()>& before_shutdown = {},
                     std::shared_ptr<prometheus::Registry> registry = nullptr);

}  // namespace okr::common
