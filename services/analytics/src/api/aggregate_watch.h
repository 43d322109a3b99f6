// WatchAggregates: the streams that follow aggregates, and the one thread that keeps them
// current. Each tick it looks at every stream's aggregates: one whose tenant changed (or whose
// freshness state changed) and whose minimum interval has passed is taken from the memory cache
// (computed there once per change, shared by every stream that follows it) and sent when what
// the reader would see differs from what was sent last.
#pragma once

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/analytics/v1/analytics_service.pb.h"
#include "services/analytics/src/api/aggregates.h"
#include "services/analytics/src/domain/reader.h"
#include "services/analytics/src/feeds/tenant_model.h"

namespace okr::analytics {

class AggregateWatch;

// What a stream needs from the service: the current value of one aggregate for its reader, in
// `out` (the response's oneof set), or the error the matching Get would answer.
using FillAggregate =
    std::function<absl::Status(TenantModel& model, const AggregateKey& key, const Reader& reader,
                               v1::WatchAggregatesResponse& out)>;

class WatchStream final : public grpc::ServerWriteReactor<v1::WatchAggregatesResponse> {
 public:
  struct Followed {
    v1::AggregateKey request_key;  // as the client gave it
    AggregateKey key;
    int64_t sent_generation = -1;
    v1::FreshnessState sent_state = v1::FRESHNESS_STATE_UNSPECIFIED;
    std::string sent_figures;  // what was sent, without times and freshness
    absl::Time sent_time = absl::InfinitePast();
    bool done = false;
  };

  WatchStream(AggregateWatch* hub, std::shared_ptr<TenantModel> model, Reader reader,
              std::vector<Followed> keys, absl::Duration min_interval);

  // For a stream made before its tenant was ready: set once, before AggregateWatch::Add.
  void SetModel(std::shared_ptr<TenantModel> model) { model_ = std::move(model); }

  // Around setup work on another thread before Add: while it runs, OnDone leaves the stream to
  // it. EndSetup returns false (and has deleted the stream) when the call ended meanwhile.
  void BeginSetup();
  bool EndSetup();

  // Sends what changed (all of it on the first call). False once the stream is over.
  bool Poll(absl::Time now, const FillAggregate& fill);
  void End(const grpc::Status& status);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void QueueLocked(v1::WatchAggregatesResponse response) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  AggregateWatch* const hub_;
  std::shared_ptr<TenantModel> model_;
  const Reader reader_;
  const absl::Duration min_interval_;
  std::vector<Followed> keys_;  // only the hub's thread touches these

  absl::Mutex mu_;
  std::deque<v1::WatchAggregatesResponse> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool in_setup_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

class AggregateWatch {
 public:
  AggregateWatch(FillAggregate fill, absl::Duration tick = absl::Milliseconds(20));
  ~AggregateWatch();

  // Starts following: the first values are sent at the next tick.
  void Add(WatchStream* stream);
  // Called from WatchStream::OnDone.
  void Remove(WatchStream* stream);
  // Ends every stream with UNAVAILABLE (shutdown) and stops the thread.
  void Stop();
  size_t size() const;

 private:
  void Loop();

  const FillAggregate fill_;
  const absl::Duration tick_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<WatchStream*> streams_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace okr::analytics
