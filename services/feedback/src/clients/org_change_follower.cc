#include "services/feedback/src/clients/org_change_follower.h"

#include "okr/common/logging/log.h"
#include "services/feedback/src/store/feed_position_store.h"

namespace okr::feedback {
namespace {

namespace goals = ::okr::goals::v1;

constexpr char kGoalsFeed[] = "goals";

// The stored position, plus one thing: the first position saved after a start without one means
// the stream is now live, so what the cache learnt before it may predate changes the stream will
// never deliver; the tenant's entries are forgotten then, once.
class InvalidatingStore final : public clients::ResumeTokenStore {
 public:
  InvalidatingStore(common::Database* database, std::string tenant, CachingOrgDirectory* cache)
      : inner_(database, kGoalsFeed, tenant), tenant_(std::move(tenant)), cache_(cache) {}

  absl::StatusOr<std::string> Load() override { return inner_.Load(); }
  absl::Status Save(absl::string_view token) override {
    absl::Status s = inner_.Save(token);
    if (s.ok() && !saved_once_.exchange(true)) cache_->InvalidateTenant(tenant_);
    return s;
  }

 private:
  FeedPositionStore inner_;
  const std::string tenant_;
  CachingOrgDirectory* cache_;
  std::atomic<bool> saved_once_{false};
};

}  // namespace

absl::Status OrgChangeFollower::Start() {
  std::vector<std::string> tenants;
  absl::Status s = database_->Read([&](common::SqlSession& session) {
    return session.Query("SELECT tenant FROM feed_positions WHERE feed = ?",
                         {std::string(kGoalsFeed)}, [&](const common::SqlRow& row) {
                           tenants.push_back(row.GetString(0));
                           return absl::OkStatus();
                         });
  });
  if (!s.ok()) return s;
  for (const std::string& tenant : tenants) Follow(tenant);
  return absl::OkStatus();
}

void OrgChangeFollower::Follow(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  if (stopped_ || tenants_.contains(tenant)) return;
  auto token = tokens_->For(tenant);
  if (!token.ok()) {
    common::LogError("cannot follow the goals feed: no service token",
                     {{"error", std::string(token.status().message())}});
    return;
  }
  clients::FeedFollowerOptions options;
  options.channel = goals_;
  options.bearer_token = *token;
  for (goals::ChangeKind kind :
       {goals::CHANGE_KIND_PERSON_CREATED, goals::CHANGE_KIND_PERSON_UPDATED,
        goals::CHANGE_KIND_TEAM_CREATED, goals::CHANGE_KIND_TEAM_UPDATED}) {
    options.request.add_kinds(kind);
  }
  options.request.set_max_batch_size(100);
  options.store = std::make_shared<InvalidatingStore>(database_, tenant, cache_);
  CachingOrgDirectory* cache = cache_;
  options.handler = [cache, tenant](const goals::Change&) {
    cache->InvalidateTenant(tenant);
    return absl::OkStatus();
  };
  options.on_reset = [cache, tenant](const absl::Status&) {
    cache->InvalidateTenant(tenant);
    return absl::OkStatus();
  };
  auto follower = clients::FeedFollower::Create(std::move(options));
  if (!follower.ok()) {
    common::LogError("cannot follow the goals feed",
                     {{"error", std::string(follower.status().message())}});
    return;
  }
  auto entry = std::make_unique<Tenant>();
  entry->follower = *std::move(follower);
  clients::FeedFollower* f = entry->follower.get();
  entry->thread = std::thread([f, tenant] {
    absl::Status s = f->Run();
    if (!s.ok()) {
      // Permanent (e.g. our identity is refused): the TTL alone bounds staleness from now on.
      common::LogError("following the goals feed stopped",
                       {{"tenant", tenant}, {"error", std::string(s.message())}});
    }
  });
  tenants_[tenant] = std::move(entry);
}

void OrgChangeFollower::Stop() {
  absl::flat_hash_map<std::string, std::unique_ptr<Tenant>> tenants;
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    tenants.swap(tenants_);
  }
  for (auto& [name, t] : tenants) t->follower->Stop();
  for (auto& [name, t] : tenants) {
    if (t->thread.joinable()) t->thread.join();
  }
}

size_t OrgChangeFollower::followed() const {
  absl::MutexLock lock(&mu_);
  return tenants_.size();
}

}  // namespace okr::feedback
