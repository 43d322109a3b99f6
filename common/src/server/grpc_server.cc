#include "okr/common/server/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "okr/common/logging/log.h"
#include "okr/common/server/interceptors.h"

namespace okr::common {
namespace {

int Millis(absl::Duration d) {
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d), INT32_MAX));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, const std::vector<ServiceRegistration>& services,
    std::shared_ptr<prometheus::Registry> registry) {
  std::unique_ptr<GrpcServer> self(new GrpcServer());
  self->options_ = options;
  self->registry_ =
      registry != nullptr ? std::move(registry) : std::make_shared<prometheus::Registry>();
  self->grpc_metrics_ = std::make_unique<GrpcServerMetrics>(*self->registry_);

  grpc::EnableDefaultHealthCheckService(true);
  // The default health service does not use generated C++ messages, so its descriptor would be
  // missing from reflection and tools such as buf curl could not list or call it. Touching the
  // generated descriptor links it into the binary's pool.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &self->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Let clients ping as often as every 10 s without being closed for "too many pings".
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Millis(options.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             Millis(options.max_connection_age_grace));
  for (const auto& registration : services) {
    builder.RegisterService(registration.service);
    self->names_.push_back(registration.name);
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<CallInterceptorFactory>(self->grpc_metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(creators));

  self->server_ = builder.BuildAndStart();
  if (self->server_ == nullptr || self->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen, " (in use or not a local address?)"));
  }
  auto* health = self->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  for (const auto& name : self->names_) health->SetServingStatus(name, true);

  if (!options.metrics_listen.empty()) {
    auto metrics = MetricsHttpServer::Start(options.metrics_listen, self->registry_);
    if (!metrics.ok()) {
      self->server_->Shutdown();
      return metrics.status();
    }
    self->metrics_ = *std::move(metrics);
  }
  return self;
}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  // Health first, so balancers stop sending while we still answer what is already on its way.
  server_->GetHealthCheckService()->Shutdown();
  LogInfo("shutdown started",
          {{"drain_ms", absl::ToInt64Milliseconds(options_.drain_period)},
           {"timeout_ms", absl::ToInt64Milliseconds(options_.shutdown_timeout)}});
  absl::SleepFor(options_.drain_period);
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.shutdown_timeout);
  server_->Shutdown(deadline);
  server_->Wait();
  LogInfo("shutdown complete");
}

void GrpcServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

}  // namespace okr::common
