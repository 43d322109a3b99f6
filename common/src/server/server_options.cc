#include "okr/common/server/server_options.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "okr/common/logging/log.h"

namespace okr::common {

void AddServerFlags(CommandLine& command_line, ServerOptions& options) {
  CLI::App& app = command_line.app();
  app.add_option("--listen", options.listen, "gRPC listen address host:port (port 0: any free)")
      ->envname("OKR_LISTEN");
  app.add_option("--metrics-listen", options.metrics_listen,
                 "Prometheus /metrics address host:port; empty disables")
      ->envname("OKR_METRICS_LISTEN");
  app.add_option("--max-receive-bytes", options.max_receive_bytes,
                 "largest accepted request message in bytes")
      ->envname("OKR_MAX_RECEIVE_BYTES")
      ->check(CLI::Range(1024, 64 * 1024 * 1024));
  AddDurationOption(app, "--keepalive-time", &options.keepalive_time,
                    "interval of keepalive pings on idle connections", "OKR_KEEPALIVE_TIME");
  AddDurationOption(app, "--keepalive-timeout", &options.keepalive_timeout,
                    "close a connection whose keepalive ping is not answered in this time",
                    "OKR_KEEPALIVE_TIMEOUT");
  AddDurationOption(app, "--max-connection-age", &options.max_connection_age,
                    "close connections older than this so clients rebalance",
                    "OKR_MAX_CONNECTION_AGE");
  AddDurationOption(app, "--max-connection-age-grace", &options.max_connection_age_grace,
                    "time calls get to finish on a connection closed for age",
                    "OKR_MAX_CONNECTION_AGE_GRACE");
  AddDurationOption(app, "--drain-period", &options.drain_period,
                    "on SIGTERM, report NOT_SERVING this long before refusing new calls",
                    "OKR_DRAIN_PERIOD");
  AddDurationOption(app, "--shutdown-timeout", &options.shutdown_timeout,
                    "on SIGTERM, time in-flight calls get to finish before they are cancelled",
                    "OKR_SHUTDOWN_TIMEOUT");
  app.add_option("--executor-threads", options.executor_threads,
                 "threads running blocking handler work (database, Redis)")
      ->envname("OKR_EXECUTOR_THREADS")
      ->check(CLI::Range(1, 256));
  app.add_option("--log-level", options.log_level,
                 "trace, debug, info, warn, error, critical or off")
      ->envname("OKR_LOG_LEVEL");
  app.add_flag("--test-hooks", options.test_hooks,
               "tests only: honour the x-okr-test-delay-ms request header")
      ->envname("OKR_TEST_HOOKS");

  command_line.AddValidation([&options] { return ValidateHostPort("--listen", options.listen); });
  command_line.AddValidation([&options] {
    if (options.metrics_listen.empty()) return absl::OkStatus();
    return ValidateHostPort("--metrics-listen", options.metrics_listen);
  });
  command_line.AddValidation([&options] {
    if (ParseLogLevel(options.log_level).has_value()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("--log-level: '", options.log_level,
                     "' is not one of trace, debug, info, warn, error, critical, off"));
  });
  command_line.AddValidation([&options] {
    if (options.keepalive_timeout < options.keepalive_time) return absl::OkStatus();
    return absl::InvalidArgumentError("--keepalive-timeout must be shorter than --keepalive-time");
  });
}

void AddAuthFlags(CommandLine& command_line, AuthOptions& options) {
  CLI::App& app = command_line.app();
  app.add_option("--jwt-algorithm", options.algorithm,
                 "JWT algorithm: HS256 (shared secret, development), RS256 or ES256")
      ->envname("OKR_JWT_ALGORITHM")
      ->check(CLI::IsMember({"HS256", "RS256", "ES256"}));
  app.add_option("--jwt-secret", options.secret, "HS256 shared secret (at least 32 bytes)")
      ->envname("OKR_JWT_SECRET");
  app.add_option("--jwt-public-key-file", options.public_key_file,
                 "PEM public key verifying RS256/ES256 tokens")
      ->envname("OKR_JWT_PUBLIC_KEY_FILE");
  app.add_option("--jwt-issuer", options.issuer, "required iss claim")->envname("OKR_JWT_ISSUER");
  app.add_option("--jwt-audience", options.audience, "required aud claim")
      ->envname("OKR_JWT_AUDIENCE");
  AddDurationOption(app, "--jwt-leeway", &options.leeway, "clock skew allowed on exp, nbf and iat",
                    "OKR_JWT_LEEWAY");
  command_line.AddValidation([&options] {
    if (options.algorithm == "HS256") {
      if (options.secret.size() < 32) {
        return absl::InvalidArgumentError(
            "--jwt-secret (OKR_JWT_SECRET) must hold at least 32 bytes when "
            "--jwt-algorithm is HS256");
      }
      if (!options.public_key_file.empty()) {
        return absl::InvalidArgumentError(
            "--jwt-public-key-file is for RS256/ES256; HS256 uses --jwt-secret");
      }
      return absl::OkStatus();
    }
    if (!options.secret.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--jwt-secret must be empty with ", options.algorithm,
                       ": one algorithm per key (use --jwt-public-key-file)"));
    }
    std::ifstream file(options.public_key_file);
    if (options.public_key_file.empty() || !file.good()) {
      return absl::InvalidArgumentError(absl::StrCat("--jwt-public-key-file: cannot read '",
                                                     options.public_key_file, "' (needed for ",
                                                     options.algorithm, ")"));
    }
    return absl::OkStatus();
  });
}

}  // namespace okr::common
