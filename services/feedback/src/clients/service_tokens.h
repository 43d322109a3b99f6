// Tokens of the feedback service's own identity, one per tenant, for calls that are not made on a
// caller's behalf (manager chains, team members, the goals change feed). Minted with the suite's
// signing key, cached until shortly before they expire.
#pragma once

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/auth/jwt_algorithm.h"

namespace okr::feedback {

struct ServiceTokenOptions {
  common::JwtAlgorithm algorithm = common::JwtAlgorithm::kHs256;
  std::string signing_key;  // HS256 secret or PEM private key
  std::string issuer;
  std::string audience;
  std::string subject = "svc-feedback";
  absl::Duration ttl = absl::Hours(1);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class ServiceTokens {
 public:
  explicit ServiceTokens(ServiceTokenOptions options) : options_(std::move(options)) {}
  virtual ~ServiceTokens() = default;

  // A token for `tenant` with the role service-reader (see docs/feedback-authorization.md).
  virtual absl::StatusOr<std::string> For(const std::string& tenant);

 private:
  const ServiceTokenOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::pair<std::string, absl::Time>> tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::feedback
