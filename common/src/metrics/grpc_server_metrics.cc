#include "okr/common/metrics/grpc_server_metrics.h"

#include <google/protobuf/descriptor.h>

#include <chrono>

#include "absl/strings/str_cat.h"

namespace okr::common {
namespace {

using grpc::experimental::ServerRpcInfo;

const char* TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

// Default buckets of the Go client (prometheus.DefBuckets), as go-grpc-prometheus uses.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const auto* kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

}  // namespace

const char* GrpcCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "Unknown";
  return kNames[code];
}

std::pair<std::string, std::string> SplitFullMethod(const std::string& full_method) {
  if (full_method.size() < 4 || full_method[0] != '/') return {};
  const auto slash = full_method.find('/', 1);
  if (slash == std::string::npos || slash + 1 >= full_method.size()) return {};
  return {full_method.substr(1, slash - 1), full_method.substr(slash + 1)};
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or "
                         "failure.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Histogram of response latency (seconds) of gRPC that had been "
                                  "application-level handled by the server.")
                            .Register(registry)),
      msg_received_(prometheus::BuildCounter()
                        .Name("grpc_server_msg_received_total")
                        .Help("Total number of RPC stream messages received on the server.")
                        .Register(registry)),
      msg_sent_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_sent_total")
                    .Help("Total number of gRPC stream messages sent by the server.")
                    .Register(registry)) {}

GrpcServerMetrics::Method& GrpcServerMetrics::ForMethod(const std::string& full_method,
                                                        const std::string& type) {
  absl::MutexLock lock(&mu_);
  if (auto it = methods_.find(full_method); it != methods_.end()) return *it->second;
  auto [service, method] = SplitFullMethod(full_method);
  // Calls to methods no service defines carry whatever path the client sent: count them in one
  // series so a client cannot create series (and memory) without bound.
  const bool known =
      !service.empty() && google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
                              service + "." + method) != nullptr;
  const std::string key = known ? full_method : absl::StrCat("?", type);
  if (!known) {
    if (auto it = methods_.find(key); it != methods_.end()) return *it->second;
    service = "unknown";
    method = "unknown";
  }
  const prometheus::Labels labels{
      {"grpc_type", type}, {"grpc_service", service}, {"grpc_method", method}};
  auto slot = std::make_unique<Method>(&started_.Add(labels), &msg_received_.Add(labels),
                                       &msg_sent_.Add(labels), type, service, method);
  Method& out = *slot;
  methods_.emplace(key, std::move(slot));
  return out;
}

void GrpcServerMetrics::Handled(Method& method, int code, double seconds) {
  const std::size_t index = code >= 0 && code < static_cast<int>(method.by_code.size())
                                ? static_cast<std::size_t>(code)
                                : 2;  // Unknown.
  const CodeSeries* series = method.by_code[index].load(std::memory_order_acquire);
  if (series == nullptr) {
    absl::MutexLock lock(&mu_);
    const std::string key =
        absl::StrCat(method.type, "/", method.service, "/", method.method, "#", index);
    auto& slot = by_code_[key];
    if (slot == nullptr) {
      const prometheus::Labels labels{{"grpc_type", method.type},
                                      {"grpc_service", method.service},
                                      {"grpc_method", method.method}};
      prometheus::Labels with_code = labels;
      with_code["grpc_code"] = GrpcCodeName(static_cast<int>(index));
      slot = std::make_unique<CodeSeries>(
          CodeSeries{&handled_.Add(with_code), &handling_seconds_.Add(labels, Buckets())});
    }
    series = slot.get();
    method.by_code[index].store(series, std::memory_order_release);
  }
  series->handled->Increment();
  series->seconds->Observe(seconds);
}

CallMetrics::CallMetrics(GrpcServerMetrics* metrics, const ServerRpcInfo& info)
    : metrics_(metrics),
      method_(&metrics->ForMethod(info.method(), TypeName(info.type()))),
      start_(std::chrono::steady_clock::now()) {
  method_->started->Increment();
}

CallMetrics::~CallMetrics() {
  if (!handled_) Finished(static_cast<int>(grpc::StatusCode::CANCELLED));
}

void CallMetrics::Finished(int code) {
  handled_ = true;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  metrics_->Handled(*method_, code, elapsed.count());
}

}  // namespace okr::common
