// CachingTokenVerifier: remembers tokens another verifier accepted, until they expire, so a client
// that sends the same bearer token on every call pays for parsing and signature checks once.
#pragma once

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/auth/token_verifier.h"

namespace okr::common {

class CachingTokenVerifier final : public TokenVerifier {
 public:
  using Clock = std::function<absl::Time()>;

  // Caches at most `capacity` accepted tokens (the cache is emptied when it is full, so a flood of
  // distinct tokens costs memory once, never more). Rejections are never cached.
  CachingTokenVerifier(
      TokenVerifierPtr inner, size_t capacity = 10000, Clock clock = [] { return absl::Now(); });

  // The cached principal while now is before its `expires`; else the inner verifier's answer.
  absl::StatusOr<Principal> Verify(std::string_view token) const override;

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Principal> entries ABSL_GUARDED_BY(mu);
  };

  const TokenVerifierPtr inner_;
  const size_t shard_capacity_;
  const Clock clock_;
  mutable Shard shards_[kShards];
};

}  // namespace okr::common
