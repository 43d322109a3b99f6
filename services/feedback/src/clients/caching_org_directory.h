// OrgDirectory decorator that remembers people and manager chains per tenant for a TTL, forgets a
// tenant's entries when the goals change feed reports an org change, and, while the goals service
// cannot be reached, keeps answering from entries up to `serve_stale_for` past their TTL (counted
// in okr_feedback_org_cache_total{result="stale"}).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/feedback/src/clients/org_directory.h"

namespace okr::feedback {

struct OrgCacheOptions {
  // How long an answer is used without asking again. With the change feed followed, an org change
  // reaches the cache well before (about a second); the TTL bounds staleness when the feed is
  // down.
  absl::Duration ttl = absl::Seconds(30);
  // How far past its TTL an entry may still answer while the goals service is unreachable.
  absl::Duration serve_stale_for = absl::Minutes(5);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Called with the tenant before every miss is fetched (so the tenant's org changes get
  // followed); must be cheap and thread-safe.
  std::function<void(const std::string& tenant)> on_miss;
};

struct OrgCacheStats {
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t stale = 0;
  int64_t invalidations = 0;
};

class CachingOrgDirectory final : public OrgDirectory {
 public:
  // `inner` must outlive the cache; `registry` may be null (no metrics).
  CachingOrgDirectory(OrgDirectory* inner, OrgCacheOptions options,
                      prometheus::Registry* registry = nullptr);

  absl::StatusOr<PersonFacts> GetPerson(const std::string& tenant,
                                        const std::string& person) override;
  absl::StatusOr<std::vector<std::string>> ManagerChain(const std::string& tenant,
                                                        const std::string& person) override;
  // Not cached: asked only when a review cycle is created.
  absl::StatusOr<std::vector<std::string>> TeamMembers(const std::string& tenant,
                                                       const std::string& team) override {
    return inner_->TeamMembers(tenant, team);
  }

  // Marks everything known about `tenant` out of date (an org change in its feed, or a feed
  // reset): the next lookup asks goals again. While goals is unreachable, an out-of-date entry
  // still answers within `serve_stale_for` past its TTL, as an expired one does.
  void InvalidateTenant(const std::string& tenant);
  // InvalidateTenant for every tenant.
  void InvalidateAll();

  OrgCacheStats stats() const;

 private:
  template <typename T>
  struct Entry {
    T value;
    absl::Time fetched;
    bool invalidated = false;
  };
  struct TenantEntries {
    absl::flat_hash_map<std::string, Entry<PersonFacts>> people;
    absl::flat_hash_map<std::string, Entry<std::vector<std::string>>> chains;
    // Bumped by every invalidation: an answer fetched across one is not stored.
    uint64_t generation = 0;
  };
  template <typename T, typename Fetch>
  absl::StatusOr<T> Lookup(const std::string& tenant, const std::string& key,
                           absl::flat_hash_map<std::string, Entry<T>> TenantEntries::*map,
                           Fetch fetch);
  void Count(prometheus::Counter* counter, int64_t OrgCacheStats::*field);
  // Marks the entries out of date and drops those too old to be served stale; needs mu_.
  void MarkOutOfDate(TenantEntries& entries, absl::Time now);

  OrgDirectory* inner_;
  const OrgCacheOptions options_;
  prometheus::Counter* hit_counter_ = nullptr;
  prometheus::Counter* miss_counter_ = nullptr;
  prometheus::Counter* stale_counter_ = nullptr;
  prometheus::Counter* invalidation_counter_ = nullptr;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, TenantEntries> tenants_ ABSL_GUARDED_BY(mu_);
  OrgCacheStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::feedback
