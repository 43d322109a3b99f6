// The first cache level: computed aggregates in this process, looked up on the gRPC thread. An
// entry is used only while its tenant's generation is the one it was computed at and it is
// younger than the maximum age (time-dependent figures such as expected progress move on).
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/analytics/src/api/aggregates.h"

namespace okr::analytics {

class MemoryCache {
 public:
  MemoryCache(absl::Duration max_age, size_t max_entries)
      : max_age_(max_age), max_entries_(max_entries) {}

  // The entry if it is still valid for `generation` at `now`.
  std::shared_ptr<const Aggregate> Find(const std::string& tenant, const std::string& key,
                                        int64_t generation, absl::Time now) const;
  void Put(const std::string& tenant, const std::string& key,
           std::shared_ptr<const Aggregate> aggregate);
  size_t size() const;

 private:
  const absl::Duration max_age_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Aggregate>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::analytics
