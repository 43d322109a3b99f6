// Where an aggregate comes from: the memory cache, else Redis (a value another replica, or this
// one, computed from exactly the same facts), else computed from the tenant's model, and then
// kept in memory and written through to Redis. Aggregates read lately are "hot": when their
// tenant changes, a background thread brings them up to date in memory and in Redis before the
// next reader asks, and peers' announcements make them hot here too, so the replicas' memory
// stays in step. After Redis lost its content or failed writes, the hot aggregates are written
// again (repopulation).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "okr/analytics/v1/aggregates.pb.h"
#include "services/analytics/src/api/aggregates.h"
#include "services/analytics/src/cache/memory_cache.h"
#include "services/analytics/src/cache/redis_cache.h"
#include "services/analytics/src/feeds/tenant_feeds.h"

namespace okr::analytics {

struct AggregateSourceOptions {
  FiguresConfig figures;
  absl::Duration memory_max_age = absl::Seconds(5);
  size_t memory_max_entries = 100'000;
  // Aggregates read within this window are kept current when their tenant changes.
  absl::Duration hot_window = absl::Seconds(60);
  // A changed tenant's hot aggregates are refreshed at most this often.
  absl::Duration refresh_interval = absl::Milliseconds(50);
  absl::Duration tick = absl::Milliseconds(10);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class AggregateSource {
 public:
  // `redis` may be null (no second level).
  AggregateSource(TenantFeeds* feeds, RedisCache* redis, prometheus::Registry* registry,
                  AggregateSourceOptions options);
  ~AggregateSource();

  // Starts and stops the refresh thread.
  void Start();
  void Stop();

  // From memory only, never blocking on I/O (for the gRPC thread); null if not there.
  std::shared_ptr<const Aggregate> FromMemory(TenantModel& model, const AggregateKey& key);
  // Memory, then Redis (unless `use_redis` is false: for callers holding a lock others wait on),
  // then computed; `source` says which. Only aggregates that exist become hot.
  absl::StatusOr<std::shared_ptr<const Aggregate>> Current(TenantModel& model,
                                                           const AggregateKey& key,
                                                           v1::ValueSource* source,
                                                           bool use_redis = true);

  // A replica wrote an aggregate to Redis (from the subscriber's thread).
  void OnAnnouncement(const Announcement& announcement);
  // Redis may have lost what it held (it restarted, or writes failed): write the hot aggregates
  // again once it answers.
  void Repopulate() { repopulate_.store(true, std::memory_order_release); }

  const MemoryCache& memory() const { return memory_; }
  const FiguresConfig& figures() const { return options_.figures; }

 private:
  struct Hot {
    AggregateKey key;
    std::atomic<int64_t> last_read_micros{0};
  };
  struct Write {
    std::string tenant;
    AggregateKey key;
    std::string stamp;
    std::shared_ptr<const Aggregate> aggregate;
    absl::Time last_read;
  };
  struct TenantRefresh {
    int64_t generation = -1;
    absl::Time at = absl::InfinitePast();
  };

  // Marks the aggregate read at `when`; returns when it was last read before.
  void Touch(const std::string& tenant, const AggregateKey& key, absl::Time when);
  absl::Time LastRead(const std::string& tenant, const std::string& cache_key) const;
  std::shared_ptr<const Aggregate> Compute(TenantModel& model, const AggregateKey& key,
                                           absl::Status* error, std::string* stamp);
  void QueueWrite(Write write);
  // What values computed at `version` are stamped with: the facts' digest and the figures'
  // configuration; empty when the digest is not known.
  std::string Stamp(const TenantModel::Version& version) const;
  void Run();
  // Writes what reads computed: the latest value per aggregate, if still young enough.
  void WriteQueued(absl::Time now);
  // Drops aggregates not read within the hot window (at most once a second).
  void SweepCold(absl::Time now);
  // One pass: queued writes, then the hot aggregates of changed tenants (all of them when
  // repopulating).
  void RefreshOnce();

  TenantFeeds* feeds_;
  RedisCache* redis_;
  const AggregateSourceOptions options_;
  MemoryCache memory_;
  const std::string config_stamp_;

  mutable absl::Mutex hot_mu_;
  // tenant -> cache key -> hot aggregate
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, std::unique_ptr<Hot>>> hot_
      ABSL_GUARDED_BY(hot_mu_);
  size_t hot_count_ ABSL_GUARDED_BY(hot_mu_) = 0;

  absl::Mutex writes_mu_;
  std::deque<Write> writes_ ABSL_GUARDED_BY(writes_mu_);

  // Only the refresh thread touches these.
  absl::flat_hash_map<std::string, TenantRefresh> refreshed_;
  absl::Time last_sweep_ = absl::InfinitePast();

  std::atomic<bool> repopulate_{false};
  absl::Notification stop_;
  std::thread thread_;

  prometheus::Counter* from_memory_;
  prometheus::Counter* from_redis_;
  prometheus::Counter* computed_;
  prometheus::Counter* refreshed_count_;
  prometheus::Counter* peer_taken_;
  prometheus::Counter* peer_noted_;
  prometheus::Counter* repopulated_;
};

}  // namespace okr::analytics
