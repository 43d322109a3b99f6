// A real okr service binary started for an end-to-end test: its own port, database and log file, a
// channel to it, and tokens it accepts.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.pb.h"
#include "tests/support/process.h"

namespace okr::test_support {

// The JWT settings every service started here is given.
inline constexpr char kE2eSecret[] = "e2e-secret-0123456789abcdef0123456789";
inline constexpr char kE2eIssuer[] = "okr-e2e";
inline constexpr char kE2eAudience[] = "okr-suite";

// A token the services accept (issuer defaults to kE2eIssuer; pass another to be rejected).
std::string E2eToken(const std::string& tenant, const std::string& subject,
                     const std::vector<std::string>& roles, const std::string& issuer = kE2eIssuer);

// The folder of the built binaries: $OKR_BUILD_DIR/bin.
std::string BinDir();

class ServiceProcess {
 public:
  // Starts okr-<name> on a free loopback port with its database `<dir>/<name>.db` and its log in
  // `<dir>/<name>.log`, plus `extra_flags`.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      const std::string& name, const std::string& dir, std::vector<std::string> extra_flags = {});

  // Waits until the process reports SERVING; false when it exits or the time runs out.
  bool WaitServing(absl::Duration timeout = absl::Seconds(30));

  // The health of `service` ("" for the whole server); nullopt when the call fails.
  std::optional<grpc::health::v1::HealthCheckResponse::ServingStatus> Health(
      const std::string& service = "");

  const std::string& name() const { return name_; }
  int port() const { return port_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const { return ReadFile(log_path_); }
  Subprocess& process() { return *process_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::string name_;
  int port_ = 0;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace okr::test_support
