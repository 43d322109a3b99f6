// Builds and runs a grpc::Server the same way for every service: health per service name,
// reflection, limits, keepalive, interceptors for access logs and metrics, and graceful shutdown.
#pragma once

#include <grpcpp/server.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/metrics/grpc_server_metrics.h"
#include "okr/common/metrics/metrics_http_server.h"
#include "okr/common/server/server_options.h"

namespace okr::common {

// A service to serve and the full name health reports it under, e.g. "okr.goals.v1.GoalsService".
struct ServiceRegistration {
  grpc::Service* service;
  std::string name;
};

class GrpcServer {
 public:
  // Starts serving. Every registered name (and "", the whole server) reports SERVING.
  // `registry` holds the service's own metric families too (null: a registry of its own); the
  // metrics port serves it.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, const std::vector<ServiceRegistration>& services,
      std::shared_ptr<prometheus::Registry> registry = nullptr);

  ~GrpcServer();

  int port() const { return port_; }
  int metrics_port() const { return metrics_ != nullptr ? metrics_->port() : 0; }
  prometheus::Registry& registry() { return *registry_; }

  // Graceful stop: health turns NOT_SERVING, new calls are still taken for the drain period (so
  // load balancers and Kubernetes see the change first), then in-flight calls get up to the
  // shutdown timeout before they are cancelled. Idempotent; returns when the server has stopped.
  void Shutdown();

  // Blocks until the server has stopped.
  void Wait();

 private:
  GrpcServer() = default;

  ServerOptions options_;
  std::vector<std::string> names_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<GrpcServerMetrics> grpc_metrics_;
  std::unique_ptr<MetricsHttpServer> metrics_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards. Call first
// thing in main(), before any thread exists, then WaitForShutdownSignal().
void BlockShutdownSignals();

// Waits for SIGTERM or SIGINT (blocked by BlockShutdownSignals) and returns its number.
int WaitForShutdownSignal();

}  // namespace okr::common
