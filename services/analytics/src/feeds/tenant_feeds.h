// Follows the goals and feedback change feeds of every tenant analytics serves, keeping each
// tenant's facts in analytics' database (with the feed positions, in the same transactions) and
// in its in-memory model. A tenant is followed from its first read on, and again after every
// restart (the tenants are stored).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/clients/feed_follower.h"
#include "okr/common/auth/service_tokens.h"
#include "services/analytics/src/feeds/snapshot.h"
#include "services/analytics/src/feeds/tenant_model.h"
#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {

struct FeedsOptions {
  std::shared_ptr<grpc::Channel> goals;
  std::shared_ptr<grpc::Channel> feedback;
  SnapshotOptions snapshot;
  // Changes per message of the goals feed (applied in one transaction).
  int max_batch_size = 500;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
};

// Where one feed of one tenant stands.
struct FeedStatus {
  bool live = false;        // connected and caught up: every delivered change is applied
  bool rebuilding = false;  // a snapshot is being taken
  absl::Time applied_commit_time = absl::InfinitePast();  // of the last applied change
};

class TenantFeeds {
 public:
  TenantFeeds(FactStore* store, common::ServiceTokens* tokens, FeedsOptions options);
  ~TenantFeeds();

  // Loads and follows every stored tenant.
  absl::Status Start();
  // The tenant's model, followed from now on if it was not (its first read).
  absl::StatusOr<std::shared_ptr<TenantModel>> Ensure(const std::string& tenant);
  std::shared_ptr<TenantModel> Find(const std::string& tenant) const;
  // The tenants followed so far.
  std::vector<std::string> Tenants() const;
  FeedStatus Status(const std::string& tenant, Feed feed) const;
  // Ends every follower (their streams are cancelled) and joins their threads.
  void Stop();

 private:
  struct Following;
  class PositionStore;

  absl::Status Follow(const std::string& tenant, bool load);
  // The body of one feed's thread.
  template <typename FeedTraits>
  void Run(Following* following, Feed feed);
  absl::Status Rebuild(Following* following, Feed feed);
  absl::Status Reload(Following* following);

  FactStore* store_;
  common::ServiceTokens* tokens_;
  const FeedsOptions options_;
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, std::unique_ptr<Following>> tenants_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::analytics
