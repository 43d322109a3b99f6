#include "services/analytics/src/feeds/tenant_feeds.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "okr/common/logging/log.h"
#include "services/analytics/src/feeds/change_ops.h"
#include "services/analytics/src/feeds/fact_codec.h"

namespace okr::analytics {

struct TenantFeeds::Following {
  explicit Following(std::string t) : tenant(t), model(std::make_shared<TenantModel>(t)) {}

  const std::string tenant;
  const std::shared_ptr<TenantModel> model;
  std::thread threads[2];
  std::atomic<int64_t> applied_micros[2] = {INT64_MIN, INT64_MIN};
  std::atomic<bool> rebuilding[2] = {false, false};
  std::atomic<bool> positioned[2] = {false, false};

  absl::Mutex mu;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  // The running followers, for Stop and for their live state.
  clients::FeedFollower* goals ABSL_GUARDED_BY(mu) = nullptr;
  clients::FeedbackFeedFollower* feedback ABSL_GUARDED_BY(mu) = nullptr;
};

// The follower's ResumeTokenStore over analytics' database. A handled batch's token is written
// with its facts (FactStore::Apply); the follower's Save of that same token is then a no-op.
class TenantFeeds::PositionStore final : public clients::ResumeTokenStore {
 public:
  PositionStore(FactStore* store, Following* following, Feed feed)
      : store_(store), following_(following), feed_(feed) {}

  absl::StatusOr<std::string> Load() override {
    auto token = store_->Position(following_->tenant, feed_);
    if (token.ok() && !token->empty()) Positioned();
    return token;
  }

  absl::Status Save(absl::string_view token) override {
    {
      absl::MutexLock lock(&mu_);
      if (token == written_) return absl::OkStatus();
    }
    if (absl::Status s = store_->SavePosition(following_->tenant, feed_, std::string(token));
        !s.ok()) {
      return s;
    }
    Written(std::string(token));
    return absl::OkStatus();
  }

  void Written(std::string token) {
    {
      absl::MutexLock lock(&mu_);
      written_ = std::move(token);
    }
    Positioned();
  }

 private:
  void Positioned() {
    following_->positioned[static_cast<int>(feed_)] = true;
    if (following_->positioned[0] && following_->positioned[1]) following_->model->set_ready();
  }

  FactStore* store_;
  Following* following_;
  const Feed feed_;
  absl::Mutex mu_;
  std::string written_ ABSL_GUARDED_BY(mu_);
};

TenantFeeds::TenantFeeds(FactStore* store, common::ServiceTokens* tokens, FeedsOptions options)
    : store_(store), tokens_(tokens), options_(std::move(options)) {}

TenantFeeds::~TenantFeeds() { Stop(); }

absl::Status TenantFeeds::Start() {
  auto tenants = store_->Tenants();
  if (!tenants.ok()) return tenants.status();
  for (const std::string& tenant : *tenants) {
    if (absl::Status s = Follow(tenant, true); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<TenantModel>> TenantFeeds::Ensure(const std::string& tenant) {
  if (auto model = Find(tenant)) return model;
  if (absl::Status s = store_->AddTenant(tenant); !s.ok()) return s;
  if (absl::Status s = Follow(tenant, false); !s.ok()) return s;
  return Find(tenant);
}

std::shared_ptr<TenantModel> TenantFeeds::Find(const std::string& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second->model;
}

std::vector<std::string> TenantFeeds::Tenants() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [tenant, unused] : tenants_) out.push_back(tenant);
  return out;
}

FeedStatus TenantFeeds::Status(const std::string& tenant, Feed feed) const {
  FeedStatus status;
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return status;
  Following& f = *it->second;
  const int i = static_cast<int>(feed);
  status.rebuilding = f.rebuilding[i];
  const int64_t micros = f.applied_micros[i];
  if (micros != INT64_MIN) status.applied_commit_time = absl::FromUnixMicros(micros);
  absl::MutexLock follower_lock(&f.mu);
  if (feed == Feed::kGoals && f.goals != nullptr) status.live = f.goals->stats().caught_up;
  if (feed == Feed::kFeedback && f.feedback != nullptr) {
    status.live = f.feedback->stats().caught_up;
  }
  return status;
}

absl::Status TenantFeeds::Follow(const std::string& tenant, bool load) {
  auto following = std::make_unique<Following>(tenant);
  Following* f = following.get();
  if (load) {
    absl::MutexLock apply(&f->model->apply_mutex());
    if (absl::Status s = Reload(f); !s.ok()) return s;
  }
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return absl::UnavailableError("analytics is shutting down");
    if (tenants_.contains(tenant)) return absl::OkStatus();
    tenants_[tenant] = std::move(following);
  }
  f->threads[0] = std::thread([this, f] { Run<clients::GoalsFeed>(f, Feed::kGoals); });
  f->threads[1] = std::thread([this, f] { Run<clients::FeedbackFeed>(f, Feed::kFeedback); });
  return absl::OkStatus();
}

absl::Status TenantFeeds::Reload(Following* f) {
  auto state = std::make_unique<TenantState>();
  FactsDigest digest;
  absl::Status s = store_->Load(
      f->tenant, [&](FactKind kind, const std::string& id, const std::string& payload) {
        digest.Put(kind, id, payload);
        return PutFact(*state, kind, payload);
      });
  if (!s.ok()) return s;
  f->model->Swap(std::move(state), std::move(digest));
  return absl::OkStatus();
}

absl::Status TenantFeeds::Rebuild(Following* f, Feed feed) {
  const int i = static_cast<int>(feed);
  f->rebuilding[i] = true;
  const absl::Time start = absl::Now();
  absl::Status result = [&]() -> absl::Status {
    auto token = tokens_->For(f->tenant);
    if (!token.ok()) return token.status();
    auto puts = feed == Feed::kGoals
                    ? SnapshotGoals(options_.goals, *token, options_.snapshot)
                    : SnapshotFeedback(options_.feedback, *token, options_.snapshot);
    if (!puts.ok()) return puts.status();
    absl::MutexLock apply(&f->model->apply_mutex());
    if (absl::Status s = store_->Replace(f->tenant, feed, *puts); !s.ok()) return s;
    return Reload(f);
  }();
  f->rebuilding[i] = false;
  if (result.ok()) {
    common::LogInfo("rebuilt from a snapshot",
                    {{"tenant", f->tenant},
                     {"feed", FeedName(feed)},
                     {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
  }
  return result;
}

template <typename FeedTraits>
void TenantFeeds::Run(Following* f, Feed feed) {
  const int i = static_cast<int>(feed);
  auto position = std::make_shared<PositionStore>(store_, f, feed);
  while (true) {
    {
      absl::MutexLock lock(&f->mu);
      if (f->stopping) return;
    }
    absl::Status result;
    auto token = tokens_->For(f->tenant);
    if (!token.ok()) {
      result = token.status();
    } else {
      clients::BasicFeedFollowerOptions<FeedTraits> o;
      o.channel = feed == Feed::kGoals ? options_.goals : options_.feedback;
      o.bearer_token = *token;
      o.store = position;
      if constexpr (std::is_same_v<FeedTraits, clients::GoalsFeed>) {
        o.request.set_max_batch_size(options_.max_batch_size);
      }
      o.initial_backoff = options_.initial_backoff;
      o.max_backoff = options_.max_backoff;
      o.reset_without_token = true;
      o.on_reset = [this, f, feed](const absl::Status&) { return Rebuild(f, feed); };
      o.batch_handler = [this, f, feed, i,
                         position](absl::Span<const typename FeedTraits::Change* const> changes) {
        std::vector<FactOp> ops;
        for (const auto* change : changes) AppendOps(*change, ops);
        const std::string& last = changes.back()->resume_token();
        absl::MutexLock apply(&f->model->apply_mutex());
        auto applied = store_->Apply(f->tenant, feed, std::move(ops), last);
        if (!applied.ok()) {
          // Delivered again after a backoff: nothing was written.
          return absl::UnavailableError(
              absl::StrCat("cannot store changes: ", applied.status().message()));
        }
        position->Written(last);
        if (absl::Status s = f->model->Apply(*applied); !s.ok()) {
          common::LogError("a stored fact does not parse",
                           {{"tenant", f->tenant}, {"error", std::string(s.message())}});
        }
        const auto& t = changes.back()->commit_time();
        f->applied_micros[i] = t.seconds() * 1'000'000 + t.nanos() / 1000;
        return absl::OkStatus();
      };
      auto follower = clients::BasicFeedFollower<FeedTraits>::Create(std::move(o));
      if (!follower.ok()) {
        result = follower.status();
      } else {
        {
          absl::MutexLock lock(&f->mu);
          if (f->stopping) return;
          if constexpr (std::is_same_v<FeedTraits, clients::GoalsFeed>) {
            f->goals = follower->get();
          } else {
            f->feedback = follower->get();
          }
        }
        result = (*follower)->Run();
        absl::MutexLock lock(&f->mu);
        if constexpr (std::is_same_v<FeedTraits, clients::GoalsFeed>) {
          f->goals = nullptr;
        } else {
          f->feedback = nullptr;
        }
      }
    }
    absl::MutexLock lock(&f->mu);
    if (f->stopping) return;
    // Permanent for one follower (an expired service token, a rebuild that failed): a new one,
    // with a new token, after a pause.
    common::LogWarn("change feed follower ended; starting again",
                    {{"tenant", f->tenant},
                     {"feed", FeedName(feed)},
                     {"error", std::string(result.message())}});
    f->mu.AwaitWithTimeout(absl::Condition(&f->stopping), absl::Seconds(1));
  }
}

void TenantFeeds::Stop() {
  std::vector<Following*> all;
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    for (auto& [tenant, f] : tenants_) all.push_back(f.get());
  }
  for (Following* f : all) {
    absl::MutexLock lock(&f->mu);
    f->stopping = true;
    if (f->goals != nullptr) f->goals->Stop();
    if (f->feedback != nullptr) f->feedback->Stop();
  }
  for (Following* f : all) {
    for (std::thread& t : f->threads) {
      if (t.joinable()) t.join();
    }
  }
}

}  // namespace okr::analytics
