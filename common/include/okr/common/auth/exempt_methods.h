// RPCs that need no bearer token: health checks (probes carry no credentials) and reflection.
#ifndef OKR_COMMON_AUTH_EXEMPT_METHODS_H_
#define OKR_COMMON_AUTH_EXEMPT_METHODS_H_

#include <string_view>

namespace okr::common {

// `full_method` is gRPC's "/package.Service/Method". True for grpc.health.v1.Health and for
// both grpc.reflection.v1 and v1alpha ServerReflection.
bool IsExemptFromAuth(std::string_view full_method);

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_EXEMPT_METHODS_H_
