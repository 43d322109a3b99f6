// The access-log interceptor: gives every call a request id and trace context (visible to handlers
// through RequestContextFor) and writes one JSON line per finished RPC.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include "okr/common/logging/log.h"

namespace okr::common {

// Request headers the suite reads or sets.
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceparentHeader[] = "traceparent";
// "<trace_id>-<span_id>" set by the access-log interceptor (whatever a client sent under this name
// is replaced), so that a handler logs under the same trace and span as the access line.
inline constexpr char kServerTraceHeader[] = "okr-server-trace";

class AccessLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// The request context of a call, as the access-log interceptor established it.
RequestContext RequestContextFor(const grpc::ServerContextBase& context);

}  // namespace okr::common
