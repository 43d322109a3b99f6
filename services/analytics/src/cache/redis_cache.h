// The second cache level: aggregates in Redis, shared by every analytics replica. Each aggregate is
// a small hash under a key with the tenant as hash tag (one tenant's keys on one Redis Cluster
// slot), stamped with the feed positions its facts are of, so a replica takes only values of
// exactly its own facts. Writes go through on every change and are announced on the tenant's
// channel. Redis is only a cache: every failure is counted and answered as a miss, and after a
// fault the cache stays out of the way for a backoff instead of slowing every read.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/redis/redis_client.h"
#include "services/analytics/src/api/aggregates.h"

namespace okr::analytics {

struct RedisCacheOptions {
  // Values older than this are not used (time-dependent figures move on), as in memory.
  absl::Duration max_age = absl::Seconds(5);
  // Keys expire after ttl plus up to ttl_jitter of it, drawn per write, so keys written together
  // do not expire together.
  absl::Duration ttl = absl::Seconds(60);
  double ttl_jitter = 0.2;
  // After a transport fault the cache is skipped for this long, doubling per fault up to
  // max_backoff; a success resets it.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  // Names this replica in announcements, so it can ignore its own.
  std::string replica_id;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// A peer's announcement that it wrote an aggregate.
struct Announcement {
  std::string replica_id;
  std::string tenant;
  std::string stamp;
  std::string cache_key;
  absl::Time last_read;  // when a reader last asked for it, at the announcing replica
};

class RedisCache {
 public:
  // `reads` serves Find, `writes` serves Put (separate connections, so a burst of write-throughs
  // does not queue reads). Either may be the same client.
  RedisCache(common::RedisClient* reads, common::RedisClient* writes,
             prometheus::Registry* registry, RedisCacheOptions options);

  static std::string KeyFor(const std::string& tenant, const std::string& cache_key);
  // The channel a tenant's announcements go to, and the pattern that matches every tenant's.
  static std::string ChannelFor(const std::string& tenant);
  static constexpr const char* kChannelPattern = "okr:analytics:{*}:written";
  // An announcement from its channel and message; nullopt if either is malformed.
  static std::optional<Announcement> ParseAnnouncement(absl::string_view channel,
                                                       absl::string_view message);

  enum class Lookup { kHit, kMiss, kStale, kUnavailable };
  // The aggregate stored for `key` at exactly `stamp` and younger than max_age at `now`.
  std::shared_ptr<const Aggregate> Find(const std::string& tenant, const AggregateKey& key,
                                        const std::string& stamp, absl::Time now, Lookup* lookup);
  // Writes the aggregate (computed at `stamp`) through and announces it. False when Redis failed
  // or is being skipped.
  bool Put(const std::string& tenant, const AggregateKey& key, const std::string& stamp,
           const Aggregate& aggregate, absl::Time last_read);

  // Not skipping Redis after a fault.
  bool available() const;
  // Whether Redis lost what it held since it was last asked (it restarted empty, or this is the
  // first time); true when it cannot tell.
  bool LostContent();

 private:
  // Whether Redis may be tried now; counts a skip as an error of `op` otherwise.
  bool MayTry(prometheus::Counter* skipped);
  void Failed(prometheus::Counter* errors);
  void Succeeded();
  absl::Duration Ttl();

  common::RedisClient* reads_;
  common::RedisClient* writes_;
  const RedisCacheOptions options_;
  mutable absl::Mutex mu_;
  absl::Time skip_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
  prometheus::Counter* hits_;
  prometheus::Counter* misses_;
  prometheus::Counter* stale_;
  prometheus::Counter* read_errors_;
  prometheus::Counter* write_errors_;
  prometheus::Counter* read_skips_;
  prometheus::Counter* write_skips_;
  prometheus::Counter* writes_done_;
};

// The hash fields of an aggregate (stamp, times, value, private ids) and back. Decode checks the
// value parses as the key's message type.
std::vector<std::string> EncodeAggregateFields(const std::string& stamp,
                                               const Aggregate& aggregate);
std::shared_ptr<const Aggregate> DecodeAggregateFields(const AggregateKey& key,
                                                       const std::vector<std::string>& flat,
                                                       std::string* stamp);

}  // namespace okr::analytics
