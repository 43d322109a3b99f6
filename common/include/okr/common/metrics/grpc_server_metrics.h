// gRPC server metrics with the go-grpc-prometheus names and labels, fed by a server interceptor, so
// dashboards built for Go services work unchanged.
#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
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
  struct CodeSeries {
    prometheus::Counter* handled;
    prometheus::Histogram* seconds;
  };
  struct Method {
    prometheus::Counter* started;
    prometheus::Counter* msg_received;
    prometheus::Counter* msg_sent;
    std::string type;
    std::string service;
    std::string method;
    // The handled series per status code (0..16), made on first use; read without the lock.
    std::array<std::atomic<const CodeSeries*>, 17> by_code{};
  };
  Method& ForMethod(const std::string& full_method, const std::string& type);

  // Records a finished call with its status code and duration in seconds (a code outside 0..16
  // counts as Unknown).
  void Handled(Method& method, int code, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Counter>& msg_received_;
  prometheus::Family<prometheus::Counter>& msg_sent_;

  absl::Mutex mu_;
  // By full method; every path no service defines shares one entry per type (keyed "?<type>"), so
  // the map does not grow with them.
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::unique_ptr<CodeSeries>> by_code_ ABSL_GUARDED_BY(mu_);
};

// "OK", "InvalidArgument", ...: the names go-grpc-prometheus puts in grpc_code.
const char* GrpcCodeName(int code);

// Splits "/pkg.Service/Method" into service and method; both empty when malformed.
std::pair<std::string, std::string> SplitFullMethod(const std::string& full_method);

// The metrics of one call, for a server interceptor: counted as started when made, then its
// messages, then its end; a call destroyed without a status (the peer went away) counts as
// cancelled.
class CallMetrics {
 public:
  CallMetrics(GrpcServerMetrics* metrics, const grpc::experimental::ServerRpcInfo& info);
  ~CallMetrics();
  CallMetrics(const CallMetrics&) = delete;
  CallMetrics& operator=(const CallMetrics&) = delete;

  void MessageReceived() { method_->msg_received->Increment(); }
  void MessageSent() { method_->msg_sent->Increment(); }
  void Finished(int code);

 private:
  GrpcServerMetrics* metrics_;
  GrpcServerMetrics::Method* method_;
  std::chrono::steady_clock::time_point start_;
  bool handled_ = false;
};

}  // namespace okr::common
