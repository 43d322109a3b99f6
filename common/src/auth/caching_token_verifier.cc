#include "okr/common/auth/caching_token_verifier.h"

#include "absl/hash/hash.h"

namespace okr::common {

CachingTokenVerifier::CachingTokenVerifier(TokenVerifierPtr inner, size_t capacity, Clock clock)
    : inner_(std::move(inner)),
      shard_capacity_(std::max<size_t>(1, capacity / kShards)),
      clock_(std::move(clock)) {}

absl::StatusOr<Principal> CachingTokenVerifier::Verify(std::string_view token) const {
  const std::string key(token);
  Shard& shard = shards_[absl::Hash<std::string>{}(key) % kShards];
  const absl::Time now = clock_();
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.entries.find(key);
    if (it != shard.entries.end()) {
      if (now < it->second.expires) return it->second;
      shard.entries.erase(it);
    }
  }
  auto principal = inner_->Verify(token);
  if (!principal.ok()) return principal;
  // Only principals that expire are kept (a verifier that gives no expiry is asked every time).
  if (principal->expires != absl::InfiniteFuture() && now < principal->expires) {
    absl::MutexLock lock(&shard.mu);
    if (shard.entries.size() >= shard_capacity_) shard.entries.clear();
    shard.entries.insert_or_assign(key, *principal);
  }
  return principal;
}

}  // namespace okr::common
