#include "okr/common/auth/service_tokens.h"

#include "okr/common/auth/token_minter.h"

namespace okr::common {

absl::StatusOr<std::string> ServiceTokens::For(const std::string& tenant) {
  const absl::Time now = options_.clock();
  {
    absl::MutexLock lock(&mu_);
    auto it = tokens_.find(tenant);
    // Renewed at half its life, so a token handed out is valid for at least ttl/2.
    if (it != tokens_.end() && it->second.second > now) return it->second.first;
  }
  common::TokenClaims claims;
  claims.tenant = tenant;
  claims.subject = options_.subject;
  claims.roles = {kServiceReaderRole};
  claims.issuer = options_.issuer;
  claims.audience = options_.audience;
  claims.ttl = options_.ttl;
  auto token = common::MintToken(claims, options_.algorithm, options_.signing_key, now);
  if (!token.ok()) return token.status();
  absl::MutexLock lock(&mu_);
  tokens_[tenant] = {*token, now + options_.ttl / 2};
  return *token;
}

}  // namespace okr::common
