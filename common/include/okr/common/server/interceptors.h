// The server's call interceptor: gives every call a request id and trace context (visible to
// handlers through RequestContextFor), writes one JSON access line per finished RPC (at info) and
// feeds the grpc_server_* metrics.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include "okr/common/logging/log.h"
#include "okr/common/metrics/grpc_server_metrics.h"

namespace okr::common {

// Request headers the suite reads or sets.
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceparentHeader[] = "traceparent";
// "<trace_id>-<span_id>" set by the call interceptor (whatever a client sent under this name
// is replaced), so that a handler logs under the same trace and span as the access line.
inline constexpr char kServerTraceHeader[] = "okr-server-trace";

class CallInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  GrpcServerMetrics* metrics_;
};

// The request context of a call, as the call interceptor established it.
RequestContext RequestContextFor(const grpc::ServerContextBase& context);

}  // namespace okr::common
