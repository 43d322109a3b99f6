#include "services/analytics/src/cache/memory_cache.h"

#include "absl/strings/str_cat.h"

namespace okr::analytics {

std::shared_ptr<const Aggregate> MemoryCache::Find(const std::string& tenant,
                                                   const std::string& key, int64_t generation,
                                                   absl::Time now) const {
  const std::string full = absl::StrCat(tenant, "\n", key);
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(full);
  if (it == entries_.end()) return nullptr;
  const Aggregate& a = *it->second;
  if (a.generation != generation || now - a.computed_time > max_age_) return nullptr;
  return it->second;
}

void MemoryCache::Put(const std::string& tenant, const std::string& key,
                      std::shared_ptr<const Aggregate> aggregate) {
  std::string full = absl::StrCat(tenant, "\n", key);
  absl::MutexLock lock(&mu_);
  // Bounded: when full, start over (entries are cheap to compute again, and a full cache of
  // distinct keys means most are cold anyway).
  if (entries_.size() >= max_entries_ && !entries_.contains(full)) entries_.clear();
  entries_[std::move(full)] = std::move(aggregate);
}

size_t MemoryCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace okr::analytics
