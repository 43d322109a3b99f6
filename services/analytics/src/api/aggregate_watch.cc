#include "services/analytics/src/api/aggregate_watch.h"

#include <utility>

#include "okr/common/status/errors.h"

namespace okr::analytics {
namespace {

// The figures of an update without what moves with every reading (times, freshness).
std::string FiguresOf(v1::WatchAggregatesResponse response) {
  switch (response.aggregate_case()) {
    case v1::WatchAggregatesResponse::kTeamSummary: {
      v1::TeamSummary& m = *response.mutable_team_summary();
      m.clear_computed_time();
      m.clear_freshness();
      m.mutable_goals()->clear_expected_progress();
      m.mutable_engagement()->clear_time_since_last_check_in();
      return m.SerializeAsString();
    }
    case v1::WatchAggregatesResponse::kCycleSummary: {
      v1::CycleSummary& m = *response.mutable_cycle_summary();
      m.clear_computed_time();
      m.clear_freshness();
      m.mutable_goals()->clear_expected_progress();
      m.mutable_engagement()->clear_time_since_last_check_in();
      return m.SerializeAsString();
    }
    case v1::WatchAggregatesResponse::kObjectiveRollup: {
      v1::ObjectiveRollup& m = *response.mutable_objective_rollup();
      m.clear_computed_time();
      m.clear_freshness();
      m.mutable_subtree()->clear_expected_progress();
      return m.SerializeAsString();
    }
    default:
      return {};
  }
}

v1::FreshnessState StateOf(const v1::WatchAggregatesResponse& r) {
  if (r.has_team_summary()) return r.team_summary().freshness().state();
  if (r.has_cycle_summary()) return r.cycle_summary().freshness().state();
  if (r.has_objective_rollup()) return r.objective_rollup().freshness().state();
  return v1::FRESHNESS_STATE_UNSPECIFIED;
}

}  // namespace

WatchStream::WatchStream(AggregateWatch* hub, std::shared_ptr<TenantModel> model, Reader reader,
                         std::vector<Followed> keys, absl::Duration min_interval)
    : hub_(hub),
      model_(std::move(model)),
      reader_(std::move(reader)),
      min_interval_(min_interval),
      keys_(std::move(keys)) {}

bool WatchStream::Poll(absl::Time now, const FillAggregate& fill) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return false;
  }
  const int64_t generation = model_->generation();
  bool any_left = false;
  for (Followed& f : keys_) {
    if (f.done) continue;
    any_left = true;
    if (now - f.sent_time < min_interval_) continue;
    v1::WatchAggregatesResponse response;
    *response.mutable_key() = f.request_key;
    const absl::Status s = fill(*model_, f.key, reader_, response);
    if (!s.ok()) {
      const bool first = f.sent_time == absl::InfinitePast();
      if (first) {
        End(grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message())));
        return false;
      }
      if (absl::IsNotFound(s) || absl::IsPermissionDenied(s)) {
        // Deleted, or no longer readable: the last message for this key.
        v1::WatchAggregatesResponse last;
        *last.mutable_key() = f.request_key;
        last.set_unavailable(true);
        f.done = true;
        absl::MutexLock lock(&mu_);
        QueueLocked(std::move(last));
      }
      continue;  // a passing error: tried again next tick
    }
    const v1::FreshnessState state = StateOf(response);
    if (generation == f.sent_generation && state == f.sent_state) continue;
    std::string figures = FiguresOf(response);
    f.sent_generation = generation;
    if (figures == f.sent_figures && state == f.sent_state) continue;
    f.sent_figures = std::move(figures);
    f.sent_state = state;
    f.sent_time = now;
    absl::MutexLock lock(&mu_);
    QueueLocked(std::move(response));
  }
  if (!any_left) {
    End(grpc::Status(grpc::StatusCode::NOT_FOUND, "none of the aggregates can be served any more"));
    return false;
  }
  return true;
}

void WatchStream::QueueLocked(v1::WatchAggregatesResponse response) {
  if (finished_) return;
  queue_.push_back(std::move(response));
  if (!writing_) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void WatchStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  queue_.pop_front();
  if (!ok) {
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream is broken"));
    return;
  }
  if (!queue_.empty() && !finished_) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void WatchStream::End(const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  FinishLocked(status);
}

void WatchStream::FinishLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  Finish(status);
}

void WatchStream::OnCancel() { End(grpc::Status::CANCELLED); }

void WatchStream::BeginSetup() {
  absl::MutexLock lock(&mu_);
  in_setup_ = true;
}

bool WatchStream::EndSetup() {
  {
    absl::MutexLock lock(&mu_);
    in_setup_ = false;
    if (!done_) return true;
  }
  delete this;
  return false;
}

void WatchStream::OnDone() {
  hub_->Remove(this);
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
    if (in_setup_) return;  // EndSetup deletes it
  }
  delete this;
}

AggregateWatch::AggregateWatch(FillAggregate fill, absl::Duration tick)
    : fill_(std::move(fill)), tick_(tick), thread_([this] { Loop(); }) {}

AggregateWatch::~AggregateWatch() { Stop(); }

void AggregateWatch::Add(WatchStream* stream) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    stream->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    return;
  }
  streams_.insert(stream);
}

void AggregateWatch::Remove(WatchStream* stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
}

size_t AggregateWatch::size() const {
  absl::MutexLock lock(&mu_);
  return streams_.size();
}

void AggregateWatch::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    for (WatchStream* s : streams_) {
      s->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    }
  }
  if (thread_.joinable()) thread_.join();
}

void AggregateWatch::Loop() {
  while (true) {
    std::vector<WatchStream*> streams;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), tick_);
      if (stopping_) return;
      streams.assign(streams_.begin(), streams_.end());
    }
    const absl::Time now = absl::Now();
    for (WatchStream* s : streams) {
      // A stream is deleted only after Remove, which waits for mu_: hold it while polling.
      absl::MutexLock lock(&mu_);
      if (!streams_.contains(s)) continue;
      s->Poll(now, fill_);
    }
  }
}

}  // namespace okr::analytics
