#include "tests/support/e2e/service_process.h"

#include <cstdlib>

#include "grpc/health/v1/health.grpc.pb.h"
#include "okr/common/auth/token_minter.h"

namespace okr::test_support {

std::string E2eToken(const std::string& tenant, const std::string& subject,
                     const std::vector<std::string>& roles, const std::string& issuer) {
  common::TokenClaims claims;
  claims.tenant = tenant;
  claims.subject = subject;
  claims.roles = roles;
  claims.issuer = issuer;
  claims.audience = kE2eAudience;
  claims.ttl = absl::Minutes(10);
  auto token = common::MintToken(claims, common::JwtAlgorithm::kHs256, kE2eSecret, absl::Now());
  return token.ok() ? *token : std::string();
}

namespace {

// The port from the service's `"msg":"serving"` log line, once it appears after byte `from` (the
// log is appended to: a restarted service's earlier lines name a port that is gone).
absl::StatusOr<int> WaitForServingPort(Subprocess& process, const std::string& log_path,
                                       size_t from, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    const std::string log = ReadFile(log_path);
    const size_t at = log.size() > from ? log.find("\"msg\":\"serving\"", from) : std::string::npos;
    if (at != std::string::npos) {
      const size_t newline = log.rfind('\n', at);
      const size_t line_start = newline == std::string::npos ? 0 : newline + 1;
      const size_t line_end = log.find('\n', at);
      const size_t port_at = log.find("\"port\":", line_start);
      if (port_at != std::string::npos && port_at < line_end) {
        return std::atoi(log.c_str() + port_at + 7);
      }
    }
    if (!process.Running()) {
      return absl::FailedPreconditionError("the service exited before serving; log:\n" + log);
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError("the service did not log its port in time; log:\n" +
                                     ReadFile(log_path));
}

}  // namespace

std::string BinDir() {
  const char* dir = std::getenv("OKR_BUILD_DIR");
  return std::string(dir != nullptr ? dir : ".") + "/bin";
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    const std::string& name, const std::string& dir, std::vector<std::string> extra_flags) {
  auto service = std::make_unique<ServiceProcess>();
  service->name_ = name;
  service->log_path_ = dir + "/" + name + ".log";
  // Port 0: the service binds a free port itself and logs it, so no other process can take the
  // port between choosing and binding it (as with picking a free port first).
  std::vector<std::string> argv = {BinDir() + "/okr-" + name, "--listen", "127.0.0.1:0", "--db",
                                   dir + "/" + name + ".db"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  const size_t log_before = ReadFile(service->log_path_).size();
  auto process = Subprocess::Start(argv,
                                   {{"OKR_JWT_SECRET", kE2eSecret},
                                    {"OKR_JWT_ISSUER", kE2eIssuer},
                                    {"OKR_JWT_AUDIENCE", kE2eAudience}},
                                   service->log_path_);
  if (!process.ok()) return process.status();
  service->process_ = *std::move(process);
  auto port =
      WaitForServingPort(*service->process_, service->log_path_, log_before, absl::Seconds(30));
  if (!port.ok()) return port.status();
  service->port_ = *port;
  const std::string address = "127.0.0.1:" + std::to_string(service->port_);
  // The first attempts are refused while the process starts; retry soon rather than after gRPC's
  // default one-second reconnect backoff.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  service->channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  return service;
}

std::optional<grpc::health::v1::HealthCheckResponse::ServingStatus> ServiceProcess::Health(
    const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  // Waiting for the channel inside the call keeps this thread polling the connection attempt; a
  // fail-fast call would leave it to gRPC's backup poller, which looks only every 5 s.
  context.set_wait_for_ready(true);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) return std::nullopt;
  return response.status();
}

bool ServiceProcess::WaitServing(absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    if (!process_->Running()) return false;
    if (Health() == grpc::health::v1::HealthCheckResponse::SERVING) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

}  // namespace okr::test_support
