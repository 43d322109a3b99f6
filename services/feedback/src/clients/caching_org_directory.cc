#include "services/feedback/src/clients/caching_org_directory.h"

#include <optional>

namespace okr::feedback {

CachingOrgDirectory::CachingOrgDirectory(OrgDirectory* inner, OrgCacheOptions options,
                                         prometheus::Registry* registry)
    : inner_(inner), options_(std::move(options)) {
  if (registry == nullptr) return;
  auto& family = prometheus::BuildCounter()
                     .Name("okr_feedback_org_cache_total")
                     .Help(
                         "Org directory lookups by outcome: hit, miss (asked goals), stale "
                         "(answered past the TTL because goals was unreachable), invalidation")
                     .Register(*registry);
  hit_counter_ = &family.Add({{"result", "hit"}});
  miss_counter_ = &family.Add({{"result", "miss"}});
  stale_counter_ = &family.Add({{"result", "stale"}});
  invalidation_counter_ = &family.Add({{"result", "invalidation"}});
}

void CachingOrgDirectory::Count(prometheus::Counter* counter, int64_t OrgCacheStats::*field) {
  if (counter != nullptr) counter->Increment();
  absl::MutexLock lock(&mu_);
  ++(stats_.*field);
}

template <typename T, typename Fetch>
absl::StatusOr<T> CachingOrgDirectory::Lookup(
    const std::string& tenant, const std::string& key,
    absl::flat_hash_map<std::string, Entry<T>> TenantEntries::*map, Fetch fetch) {
  const absl::Time now = options_.clock();
  std::optional<Entry<T>> cached;
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    TenantEntries& entries = tenants_[tenant];
    generation = entries.generation;
    auto it = (entries.*map).find(key);
    if (it != (entries.*map).end()) {
      if (!it->second.invalidated && now - it->second.fetched < options_.ttl) {
        ++stats_.hits;
        if (hit_counter_ != nullptr) hit_counter_->Increment();
        return it->second.value;
      }
      cached = it->second;
    }
  }
  Count(miss_counter_, &OrgCacheStats::misses);
  if (options_.on_miss) options_.on_miss(tenant);
  absl::StatusOr<T> fresh = fetch();
  if (fresh.ok()) {
    absl::MutexLock lock(&mu_);
    TenantEntries& entries = tenants_[tenant];
    if (entries.generation == generation) (entries.*map)[key] = Entry<T>{*fresh, now};
    return fresh;
  }
  if (absl::IsUnavailable(fresh.status()) && cached.has_value() &&
      now - cached->fetched < options_.ttl + options_.serve_stale_for) {
    Count(stale_counter_, &OrgCacheStats::stale);
    return cached->value;
  }
  if (absl::IsNotFound(fresh.status())) {
    absl::MutexLock lock(&mu_);
    (tenants_[tenant].*map).erase(key);
  }
  return fresh.status();
}

absl::StatusOr<PersonFacts> CachingOrgDirectory::GetPerson(const std::string& tenant,
                                                           const std::string& person) {
  return Lookup<PersonFacts>(tenant, person, &TenantEntries::people,
                             [&] { return inner_->GetPerson(tenant, person); });
}

absl::StatusOr<std::vector<std::string>> CachingOrgDirectory::ManagerChain(
    const std::string& tenant, const std::string& person) {
  return Lookup<std::vector<std::string>>(tenant, person, &TenantEntries::chains,
                                          [&] { return inner_->ManagerChain(tenant, person); });
}

void CachingOrgDirectory::MarkOutOfDate(TenantEntries& entries, absl::Time now) {
  const absl::Duration keep = options_.ttl + options_.serve_stale_for;
  auto mark = [&](auto& map) {
    absl::erase_if(map, [&](const auto& item) { return now - item.second.fetched >= keep; });
    for (auto& [key, entry] : map) entry.invalidated = true;
  };
  mark(entries.people);
  mark(entries.chains);
  ++entries.generation;
}

void CachingOrgDirectory::InvalidateTenant(const std::string& tenant) {
  if (invalidation_counter_ != nullptr) invalidation_counter_->Increment();
  const absl::Time now = options_.clock();
  absl::MutexLock lock(&mu_);
  ++stats_.invalidations;
  MarkOutOfDate(tenants_[tenant], now);
}

void CachingOrgDirectory::InvalidateAll() {
  if (invalidation_counter_ != nullptr) invalidation_counter_->Increment();
  const absl::Time now = options_.clock();
  absl::MutexLock lock(&mu_);
  ++stats_.invalidations;
  for (auto& [tenant, entries] : tenants_) MarkOutOfDate(entries, now);
}

OrgCacheStats CachingOrgDirectory::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace okr::feedback
