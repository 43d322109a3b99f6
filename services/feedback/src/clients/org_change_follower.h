// Follows the goals change feed of each tenant the org cache has been asked about, and forgets
// that tenant's cached people and chains whenever a person or team changes there. The position is
// kept per tenant in the feedback database (FeedPositionStore), so a restart resumes it.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "okr/clients/feed_follower.h"
#include "okr/common/auth/service_tokens.h"
#include "okr/common/storage/database.h"
#include "services/feedback/src/clients/caching_org_directory.h"

namespace okr::feedback {

class OrgChangeFollower {
 public:
  // Every pointer must outlive the follower.
  OrgChangeFollower(std::shared_ptr<grpc::Channel> goals, common::ServiceTokens* tokens,
                    common::Database* database, CachingOrgDirectory* cache)
      : goals_(std::move(goals)), tokens_(tokens), database_(database), cache_(cache) {}
  ~OrgChangeFollower() { Stop(); }

  // Starts following the tenants whose position is stored (a restarted service).
  absl::Status Start();
  // Starts following `tenant` unless it is followed already. Thread-safe, cheap when followed.
  void Follow(const std::string& tenant);
  // Stops every follower and joins their threads. Idempotent.
  void Stop();

  // Tenants followed, and how many org changes were applied (for tests and metrics).
  size_t followed() const;

 private:
  struct Tenant {
    std::unique_ptr<clients::FeedFollower> follower;
    std::thread thread;
  };

  std::shared_ptr<grpc::Channel> goals_;
  common::ServiceTokens* tokens_;
  common::Database* database_;
  CachingOrgDirectory* cache_;

  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, std::unique_ptr<Tenant>> tenants_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::feedback
