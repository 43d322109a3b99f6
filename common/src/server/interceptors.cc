#include "okr/common/server/interceptors.h"

#include <chrono>

#include "okr/common/metrics/grpc_server_metrics.h"

namespace okr::common {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string_view Find(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                      std::string_view key) {
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return {};
  return {it->second.data(), it->second.size()};
}

// One interceptor per call does both jobs (each interceptor costs an allocation and a pass over
// every batch of the call).
class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info, GrpcServerMetrics* metrics)
      : info_(info), metrics_(metrics, *info), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      metrics_.MessageReceived();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      metrics_.MessageSent();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      request_ =
          MakeRequestContext(Find(*metadata, kRequestIdHeader), Find(*metadata, kTraceparentHeader),
                             info_->method(), info_->server_context()->peer());
      // Handlers read the context from the call's metadata; the strings live as long as this
      // interceptor, which lives as long as the call.
      server_trace_ = request_.trace_id + "-" + request_.span_id;
      metadata->erase(grpc::string_ref(kServerTraceHeader));
      metadata->erase(grpc::string_ref(kRequestIdHeader));
      metadata->emplace(grpc::string_ref(kRequestIdHeader), grpc::string_ref(request_.request_id));
      metadata->emplace(grpc::string_ref(kServerTraceHeader), grpc::string_ref(server_trace_));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_.request_id);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      metrics_.Finished(static_cast<int>(status.error_code()));
      if (LogEnabled(spdlog::level::info)) {
        const std::chrono::duration<double, std::milli> elapsed =
            std::chrono::steady_clock::now() - start_;
        nlohmann::json fields = {{"code", GrpcCodeName(status.error_code())},
                                 {"duration_ms", elapsed.count()},
                                 {"peer", request_.peer}};
        if (!status.ok()) fields["error"] = status.error_message();
        LogInfo("rpc", fields, &request_);
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  CallMetrics metrics_;
  std::chrono::steady_clock::time_point start_;
  RequestContext request_;
  std::string server_trace_;
};

}  // namespace

grpc::experimental::Interceptor* CallInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallInterceptor(info, metrics_);
}

RequestContext RequestContextFor(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  // The interceptor's request id, trace and span are the call's: taken as they are, without
  // drawing new ones (MakeRequestContext would start a new span).
  std::string_view server_trace = Find(metadata, kServerTraceHeader);
  std::string_view request_id = Find(metadata, kRequestIdHeader);
  RequestContext out;
  if (server_trace.size() == 32 + 1 + 16 && server_trace[32] == '-' && !request_id.empty()) {
    out.request_id = std::string(request_id);
    out.trace_id = std::string(server_trace.substr(0, 32));
    out.span_id = std::string(server_trace.substr(33));
    if (auto parent = ParseTraceparent(Find(metadata, kTraceparentHeader))) {
      out.parent_span_id = std::move(parent->parent_id);
    }
  } else {
    out = MakeRequestContext(request_id, Find(metadata, kTraceparentHeader));
  }
  out.peer = context.peer();
  return out;
}

}  // namespace okr::common
