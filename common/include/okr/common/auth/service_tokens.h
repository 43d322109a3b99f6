// Tokens of a service's own identity (role service-reader), one per tenant, for calls it makes
// to another service on nobody's behalf (manager chains, change feeds, roll-up reads). Minted with
// the suite's signing key, cached until half their life is over.
#pragma once

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/auth/jwt_algorithm.h"

namespace okr::common {

// A service identity of the tenant: reads what an administrator reads (goals, feedback; see
// their authorization docs), never writes as a person, and is never shown anonymous authors.
inline constexpr char kServiceReaderRole[] = "service-reader";

struct ServiceTokenOptions {
  JwtAlgorithm algorithm = JwtAlgorithm::kHs256;
  std::string signing_key;  // HS256 secret or PEM private key
  std::string issuer;
  std::string audience;
  std::string subject;  // e.g. "svc-feedback"
  absl::Duration ttl = absl::Hours(1);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class ServiceTokens {
 public:
  explicit ServiceTokens(ServiceTokenOptions options) : options_(std::move(options)) {}
  virtual ~ServiceTokens() = default;

  // A token for `tenant` with the role service-reader.
  virtual absl::StatusOr<std::string> For(const std::string& tenant);

  const ServiceTokenOptions& options() const { return options_; }

 private:
  const ServiceTokenOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::pair<std::string, absl::Time>> tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::common
