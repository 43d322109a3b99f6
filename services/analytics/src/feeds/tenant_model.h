// One tenant's in-memory read model: its facts (a function of what is committed in analytics'
// database, never ahead of it), a generation that moves on every change, so cached figures know
// when they are out of date, and a digest of the facts, which names the same facts in every
// replica (the version stamp of values shared through Redis). Readers share it; one writer at a
// time changes it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/analytics/src/domain/tenant_state.h"
#include "services/analytics/src/feeds/facts_digest.h"
#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {

class TenantModel {
 public:
  explicit TenantModel(std::string tenant)
      : tenant_(std::move(tenant)), state_(std::make_unique<TenantState>()) {}

  const std::string& tenant() const { return tenant_; }

  // Runs `fn(state)` under the read lock and returns what it returns.
  template <typename Fn>
  auto Read(Fn&& fn) const {
    absl::ReaderMutexLock lock(&mu_);
    return fn(static_cast<const TenantState&>(*state_));
  }

  // Moves on with every applied change; read it before computing from the state, so a figure is
  // never labelled newer than the facts it came from.
  int64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Held by whoever changes the facts (database, then memory), so changes from the two feeds
  // and rebuilds reach both in the same order.
  absl::Mutex& apply_mutex() { return apply_mu_; }

  // The generation and the digest of the facts at it, read together (under Read, they are those
  // of the state being read).
  struct Version {
    int64_t generation = 0;
    std::string stamp;
  };
  Version version() const;

  // Applies committed ops (puts and deletes) to the facts.
  absl::Status Apply(const std::vector<FactOp>& ops);
  // Replaces the facts with a state loaded from the database (a rebuild), and its digest.
  void Swap(std::unique_ptr<TenantState> state, FactsDigest digest);

  // Ready once both feeds have a position and the facts of it (loaded or rebuilt).
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  void set_ready() { ready_.store(true, std::memory_order_release); }

 private:
  const std::string tenant_;
  absl::Mutex apply_mu_;
  mutable absl::Mutex mu_;
  std::unique_ptr<TenantState> state_ ABSL_GUARDED_BY(mu_);
  FactsDigest digest_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> generation_{0};
  mutable absl::Mutex version_mu_;
  std::string stamp_ ABSL_GUARDED_BY(version_mu_);
  bool broken_ ABSL_GUARDED_BY(version_mu_) = false;
  std::atomic<bool> ready_{false};
};

}  // namespace okr::analytics
