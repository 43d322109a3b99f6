#include "services/analytics/src/cache/aggregate_source.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace okr::analytics {
namespace {

constexpr size_t kMaxHotKeys = 100'000;

}  // namespace

std::string AggregateSource::Stamp(const TenantModel::Version& version) const {
  return version.stamp.empty() ? "" : absl::StrCat(version.stamp, "/", config_stamp_);
}

AggregateSource::AggregateSource(TenantFeeds* feeds, RedisCache* redis,
                                 prometheus::Registry* registry, AggregateSourceOptions options)
    : feeds_(feeds),
      redis_(redis),
      options_(std::move(options)),
      memory_(options_.memory_max_age, options_.memory_max_entries),
      // Replicas configured differently compute different figures from the same facts, and a
      // new release may compute or encode them differently: both are part of the stamp.
      config_stamp_(absl::StrFormat("v1:%.17g,%.17g,%.17g,%d", options_.figures.commit_edge,
                                    options_.figures.target_edge, options_.figures.stretch_edge,
                                    options_.figures.min_author_count)) {
  auto& reads = prometheus::BuildCounter()
                    .Name("okr_analytics_aggregate_reads_total")
                    .Help(
                        "Aggregates served, by where they came from (state: computed from "
                        "analytics' own facts, also when Redis failed)")
                    .Register(*registry);
  from_memory_ = &reads.Add({{"source", "memory"}});
  from_redis_ = &reads.Add({{"source", "redis"}});
  computed_ = &reads.Add({{"source", "state"}});
  refreshed_count_ = &prometheus::BuildCounter()
                          .Name("okr_analytics_aggregates_refreshed_total")
                          .Help("Hot aggregates brought up to date after a change, before a read")
                          .Register(*registry)
                          .Add({});
  auto& peers = prometheus::BuildCounter()
                    .Name("okr_analytics_peer_announcements_total")
                    .Help(
                        "Aggregates other replicas wrote to Redis: taken into memory at once "
                        "(same facts here) or noted to keep current")
                    .Register(*registry);
  peer_taken_ = &peers.Add({{"result", "taken"}});
  peer_noted_ = &peers.Add({{"result", "noted"}});
  repopulated_ = &prometheus::BuildCounter()
                      .Name("okr_analytics_redis_repopulated_total")
                      .Help("Hot aggregates written to Redis again after it restarted or failed")
                      .Register(*registry)
                      .Add({});
}

AggregateSource::~AggregateSource() { Stop(); }

void AggregateSource::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AggregateSource::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void AggregateSource::Touch(const std::string& tenant, const AggregateKey& key, absl::Time when) {
  const int64_t micros = absl::ToUnixMicros(when);
  const std::string cache_key = key.CacheKey();
  auto raise = [micros](Hot& hot) {
    int64_t seen = hot.last_read_micros.load(std::memory_order_relaxed);
    while (seen < micros &&
           !hot.last_read_micros.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
    }
  };
  {
    absl::ReaderMutexLock lock(&hot_mu_);
    auto t = hot_.find(tenant);
    if (t != hot_.end()) {
      auto k = t->second.find(cache_key);
      if (k != t->second.end()) {
        raise(*k->second);
        return;
      }
    }
  }
  absl::MutexLock lock(&hot_mu_);
  auto& keys = hot_[tenant];
  auto& slot = keys[cache_key];
  if (slot == nullptr) {
    if (hot_count_ >= kMaxHotKeys) {
      // Still served; just not refreshed ahead of reads.
      keys.erase(cache_key);
      if (keys.empty()) hot_.erase(tenant);
      return;
    }
    ++hot_count_;
    slot = std::make_unique<Hot>();
    slot->key = key;
  }
  raise(*slot);
}

absl::Time AggregateSource::LastRead(const std::string& tenant,
                                     const std::string& cache_key) const {
  absl::ReaderMutexLock lock(&hot_mu_);
  auto t = hot_.find(tenant);
  if (t == hot_.end()) return absl::InfinitePast();
  auto k = t->second.find(cache_key);
  if (k == t->second.end()) return absl::InfinitePast();
  return absl::FromUnixMicros(k->second->last_read_micros.load(std::memory_order_relaxed));
}

std::shared_ptr<const Aggregate> AggregateSource::FromMemory(TenantModel& model,
                                                             const AggregateKey& key) {
  const absl::Time now = options_.clock();
  auto hit = memory_.Find(model.tenant(), key.CacheKey(), model.generation(), now);
  if (hit != nullptr) {
    from_memory_->Increment();
    Touch(model.tenant(), key, now);
  }
  return hit;
}

std::shared_ptr<const Aggregate> AggregateSource::Compute(TenantModel& model,
                                                          const AggregateKey& key,
                                                          absl::Status* error, std::string* stamp) {
  const absl::Time now = options_.clock();
  TenantModel::Version version;
  // The version is read under the state's read lock: the facts are exactly those of it.
  auto fresh = model.Read([&](const TenantState& state) {
    version = model.version();
    return ComputeAggregate(state, key, now, options_.figures);
  });
  if (!fresh.ok()) {
    *error = fresh.status();
    return nullptr;
  }
  fresh->generation = version.generation;
  *stamp = Stamp(version);
  auto shared = std::make_shared<const Aggregate>(*std::move(fresh));
  memory_.Put(model.tenant(), key.CacheKey(), shared);
  return shared;
}

absl::StatusOr<std::shared_ptr<const Aggregate>> AggregateSource::Current(TenantModel& model,
                                                                          const AggregateKey& key,
                                                                          v1::ValueSource* source,
                                                                          bool use_redis) {
  const absl::Time now = options_.clock();
  const std::string cache_key = key.CacheKey();
  const TenantModel::Version version = model.version();
  if (auto hit = memory_.Find(model.tenant(), cache_key, version.generation, now)) {
    from_memory_->Increment();
    Touch(model.tenant(), key, now);
    *source = v1::VALUE_SOURCE_MEMORY;
    return hit;
  }
  if (redis_ != nullptr && use_redis) {
    RedisCache::Lookup lookup;
    if (auto stored = redis_->Find(model.tenant(), key, Stamp(version), now, &lookup)) {
      auto copy = std::make_shared<Aggregate>(*stored);
      copy->generation = version.generation;
      memory_.Put(model.tenant(), cache_key, copy);
      from_redis_->Increment();
      Touch(model.tenant(), key, now);
      *source = v1::VALUE_SOURCE_CACHE;
      return copy;
    }
  }
  absl::Status error;
  std::string stamp;
  auto computed = Compute(model, key, &error, &stamp);
  // Unknown subjects never become hot: only what exists is kept current.
  if (computed == nullptr) return error;
  computed_->Increment();
  Touch(model.tenant(), key, now);
  *source = v1::VALUE_SOURCE_STATE;
  if (redis_ != nullptr && !stamp.empty()) {
    QueueWrite({model.tenant(), key, stamp, computed, now});
  }
  return computed;
}

void AggregateSource::QueueWrite(Write write) {
  absl::MutexLock lock(&writes_mu_);
  // Bounded: with Redis slow the oldest writes are dropped (the next change writes again).
  if (writes_.size() >= 10'000) writes_.pop_front();
  writes_.push_back(std::move(write));
}

void AggregateSource::OnAnnouncement(const Announcement& a) {
  auto key = AggregateKey::FromCacheKey(a.cache_key);
  if (!key.ok()) return;
  std::shared_ptr<TenantModel> model = feeds_->Find(a.tenant);
  if (model == nullptr || !model->ready()) return;
  Touch(a.tenant, *key, a.last_read);
  const TenantModel::Version version = model->version();
  const absl::Time now = options_.clock();
  if (redis_ == nullptr || Stamp(version) != a.stamp ||
      memory_.Find(a.tenant, a.cache_key, version.generation, now) != nullptr) {
    // Not of these facts (yet): the refresh after this replica's next change takes it.
    peer_noted_->Increment();
    return;
  }
  RedisCache::Lookup lookup;
  if (auto stored = redis_->Find(a.tenant, *key, Stamp(version), now, &lookup)) {
    auto copy = std::make_shared<Aggregate>(*stored);
    copy->generation = version.generation;
    memory_.Put(a.tenant, a.cache_key, copy);
    peer_taken_->Increment();
  } else {
    peer_noted_->Increment();
  }
}

void AggregateSource::Run() {
  while (!stop_.WaitForNotificationWithTimeout(options_.tick)) RefreshOnce();
}

void AggregateSource::WriteQueued(absl::Time now) {
  std::deque<Write> writes;
  {
    absl::MutexLock lock(&writes_mu_);
    writes.swap(writes_);
  }
  if (redis_ == nullptr || writes.empty()) return;
  // The latest per aggregate, and only while it can still be used.
  absl::flat_hash_map<std::string, const Write*> latest;
  for (const Write& w : writes) latest[absl::StrCat(w.tenant, "\n", w.key.CacheKey())] = &w;
  bool failed = false;
  for (const auto& [unused, w] : latest) {
    if (stop_.HasBeenNotified()) return;
    if (now - w->aggregate->computed_time > options_.memory_max_age) continue;
    if (!redis_->Put(w->tenant, w->key, w->stamp, *w->aggregate, w->last_read)) failed = true;
  }
  // What could not be written is written again once Redis answers.
  if (failed) Repopulate();
}

void AggregateSource::SweepCold(absl::Time now) {
  if (now - last_sweep_ < absl::Seconds(1)) return;
  last_sweep_ = now;
  absl::MutexLock lock(&hot_mu_);
  for (auto t = hot_.begin(); t != hot_.end();) {
    auto& keys = t->second;
    for (auto k = keys.begin(); k != keys.end();) {
      const absl::Time read =
          absl::FromUnixMicros(k->second->last_read_micros.load(std::memory_order_relaxed));
      if (now - read > options_.hot_window) {
        keys.erase(k++);
        --hot_count_;
      } else {
        ++k;
      }
    }
    if (keys.empty()) {
      refreshed_.erase(t->first);
      hot_.erase(t++);
    } else {
      ++t;
    }
  }
}

void AggregateSource::RefreshOnce() {
  const absl::Time now = options_.clock();
  WriteQueued(now);
  SweepCold(now);
  const bool repopulate =
      redis_ != nullptr && repopulate_.load(std::memory_order_acquire) && redis_->available();
  if (repopulate) repopulate_.store(false, std::memory_order_release);
  std::vector<std::string> tenants;
  {
    absl::ReaderMutexLock lock(&hot_mu_);
    for (const auto& [tenant, unused] : hot_) tenants.push_back(tenant);
  }
  bool repopulate_failed = false;
  for (const std::string& tenant : tenants) {
    std::shared_ptr<TenantModel> model = feeds_->Find(tenant);
    if (model == nullptr || !model->ready()) continue;
    TenantRefresh& r = refreshed_[tenant];
    const TenantModel::Version version = model->version();
    const bool changed = version.generation != r.generation;
    if (!repopulate && (!changed || now - r.at < options_.refresh_interval)) continue;
    r.generation = version.generation;
    r.at = now;
    // Only a changed tenant's hot keys are copied out.
    std::vector<std::pair<AggregateKey, absl::Time>> keys;
    {
      absl::ReaderMutexLock lock(&hot_mu_);
      auto t = hot_.find(tenant);
      if (t == hot_.end()) continue;
      for (const auto& [unused, hot] : t->second) {
        const absl::Time read =
            absl::FromUnixMicros(hot->last_read_micros.load(std::memory_order_relaxed));
        if (now - read <= options_.hot_window) keys.emplace_back(hot->key, read);
      }
    }
    const std::string stamp = Stamp(version);
    for (const auto& [key, last_read] : keys) {
      if (stop_.HasBeenNotified()) return;
      const std::string cache_key = key.CacheKey();
      auto current = memory_.Find(tenant, cache_key, version.generation, now);
      if (current != nullptr) {
        // Current already (read since the change, or taken from a peer).
        if (repopulate && !stamp.empty()) {
          if (redis_->Put(tenant, key, stamp, *current, last_read)) {
            repopulated_->Increment();
          } else {
            repopulate_failed = true;
          }
        }
        continue;
      }
      if (redis_ != nullptr) {
        RedisCache::Lookup lookup;
        if (auto stored = redis_->Find(tenant, key, stamp, now, &lookup)) {
          auto copy = std::make_shared<Aggregate>(*stored);
          copy->generation = version.generation;
          memory_.Put(tenant, cache_key, copy);
          refreshed_count_->Increment();
          continue;
        }
      }
      absl::Status error;
      std::string computed_stamp;
      auto computed = Compute(*model, key, &error, &computed_stamp);
      if (computed == nullptr) continue;  // the subject went away; its readers learn it
      refreshed_count_->Increment();
      if (redis_ != nullptr && !computed_stamp.empty() &&
          !redis_->Put(tenant, key, computed_stamp, *computed, last_read)) {
        repopulate_failed = true;
      }
    }
  }
  if (repopulate_failed) Repopulate();
}

}  // namespace okr::analytics
