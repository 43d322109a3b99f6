// gRPC server metrics with the go-grpc-prometheus names and labels, fed by a server interceptor, so
// dashboards built for Go services work unchanged.
#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace okr::common {

// The metric families for one server, registered in `registry`.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  // The series of one method (labels grpc_type, grpc_service, grpc_method); created on first use
  // and cached, so the per-call cost is one map lookup. A method unknown to the generated
  // descriptor pool is counted as grpc_service="unknown", grpc_method="unknown".
  struct Method {
    prometheus::Counter* started;
    prometheus::Counter* msg_received;
    prometheus::Counter* msg_sent;
    std::string type;
    std::string service;
    std::string method;
  };
  Method& ForMethod(const std::string& full_method, const std::string& type);

  // Records a finished call with its status code and duration in seconds.
  void Handled(const Method& method, int code, double seconds);

 private:
  struct CodeSeries {
    prometheus::Counter* handled;
    prometheus::Histogram* seconds;
  };

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Counter>& msg_received_;
  prometheus::Family<prometheus::Counter>& msg_sent_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, CodeSeries> by_code_ ABSL_GUARDED_BY(mu_);
};

// "OK", "InvalidArgument", ...: the names go-grpc-prometheus puts in grpc_code.
const char* GrpcCodeName(int code);

// Splits "/pkg.Service/Method" into service and method; both empty when malformed.
std::pair<std::string, std::string> SplitFullMethod(const std::string& full_method);

// Creates one MetricsInterceptor per call.
class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  GrpcServerMetrics* metrics_;
};

}  // namespace okr::common
