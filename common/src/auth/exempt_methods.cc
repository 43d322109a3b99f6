#include "okr/common/auth/exempt_methods.h"

#include <array>

namespace okr::common {

bool IsExemptFromAuth(std::string_view full_method) {
  // Prefixes end in '/' so that "/grpc.health.v1.HealthX/..." does not slip through.
  static constexpr std::array<std::string_view, 3> kExemptServices = {
      "/grpc.health.v1.Health/",
      "/grpc.reflection.v1.ServerReflection/",
      "/grpc.reflection.v1alpha.ServerReflection/",
  };
  for (std::string_view prefix : kExemptServices) {
    if (full_method.size() > prefix.size() && full_method.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace okr::common
