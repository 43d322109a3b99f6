// The options every service binary shares (listening, limits, keepalive, shutdown, logging, auth)
// and their flags / OKR_* environment variables.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "okr/common/config/command_line.h"

namespace okr::common {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";                    // gRPC host:port; port 0 picks a free port
  std::string metrics_listen;                            // Prometheus host:port; empty disables it
  int max_receive_bytes = 4 * 1024 * 1024;               // largest accepted request message
  absl::Duration keepalive_time = absl::Seconds(60);     // ping an idle connection this often
  absl::Duration keepalive_timeout = absl::Seconds(20);  // close it when a ping gets no answer
  absl::Duration max_connection_age = absl::Minutes(30);       // rebalance long-lived clients
  absl::Duration max_connection_age_grace = absl::Minutes(5);  // let calls finish then
  absl::Duration drain_period = absl::Seconds(1);       // NOT_SERVING before we stop accepting
  absl::Duration shutdown_timeout = absl::Seconds(15);  // in-flight calls get this long
  int executor_threads = 4;                             // threads for blocking handler work
  std::string log_level = "info";
  bool test_hooks = false;  // honour x-okr-test-delay-ms; for tests only, never in production
};

struct AuthOptions {
  std::string algorithm = "HS256";  // HS256 (development) | RS256 | ES256
  std::string secret;               // HS256 shared secret, at least 32 bytes
  std::string public_key_file;      // PEM public key for RS256 / ES256
  std::string issuer = "okr-dev";
  std::string audience = "okr-suite";
  absl::Duration leeway = absl::Seconds(30);
};

// Registers the shared flags; defaults for listen and metrics_listen come from `options`.
void AddServerFlags(CommandLine& command_line, ServerOptions& options);
void AddAuthFlags(CommandLine& command_line, AuthOptions& options);

}  // namespace okr::common
