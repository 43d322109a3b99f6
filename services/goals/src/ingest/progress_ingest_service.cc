#include "services/goals/src/ingest/progress_ingest_service.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/logging/log.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/ingest/events.h"

namespace okr::goals {

namespace v1 = ::okr::goals::v1;

// One ingest stream. Reads a request, checks its events, queues one write for the ones that pass
// and reads the next request while fewer than max_unacked_events are unanswered; answers are
// merged into one pending response while a write to the client is in flight. Owned by itself (and
// by the writes it queued) until gRPC is done with it.
class IngestStream final
    : public grpc::ServerBidiReactor<v1::IngestProgressRequest, v1::IngestProgressResponse>,
      public std::enable_shared_from_this<IngestStream> {
 public:
  IngestStream(ProgressIngestService* service, common::Principal principal)
      : service_(service), principal_(std::move(principal)) {}

  void Begin() {
    self_ = shared_from_this();
    absl::MutexLock lock(&mu_);
    pending_.set_max_unacked_events(service_->options_.max_unacked_events);
    has_pending_ = true;
    WriteLocked();
    reading_ = true;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::shared_ptr<v1::IngestProgressRequest> request;
    std::vector<const v1::ProgressEvent*> valid;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (finished_) return;
      if (!ok) {
        half_closed_ = true;
        MaybeEndLocked();
        return;
      }
      if (absl::Status s = CheckRequest(request_); !s.ok()) {
        FinishLocked(service_->runtime_->ToGrpc(s));
        return;
      }
      // The request moves into the write; the next read fills a fresh one.
      request = std::make_shared<v1::IngestProgressRequest>(std::move(request_));
      request_.Clear();
      const absl::Time now = absl::Now();
      for (const v1::ProgressEvent& event : request->events()) {
        if (auto error = CheckEvent(event, now)) {
          AnswerLocked(event.event_id(), &*error);
        } else {
          valid.push_back(&event);
        }
      }
      unanswered_ += static_cast<int>(valid.size());
      // No read until this request's write is queued: requests are written in the order read.
      applying_ = true;
      if (has_pending_) WriteLocked();
    }
    // Outside the lock: a write refused up front is answered on this thread.
    if (!valid.empty()) Apply(request, std::move(valid));
    absl::MutexLock lock(&mu_);
    applying_ = false;
    MaybeReadLocked();
    MaybeEndLocked();
  }

  // Protocol errors end the whole stream.
  absl::Status CheckRequest(const v1::IngestProgressRequest& request) const {
    const auto& events = request.events();
    const int max_events = service_->options_.max_events_per_request;
    if (events.empty() || events.size() > max_events) {
      return common::InvalidArgument(
          "INVALID_BATCH", absl::StrCat("a request carries 1 to ", max_events, " events"),
          {{"events", absl::StrCat("must hold 1 to ", max_events, " events")}});
    }
    absl::flat_hash_set<std::string> ids;
    for (int i = 0; i < events.size(); ++i) {
      if (events[i].event_id().empty() || !ids.insert(events[i].event_id()).second) {
        return common::InvalidArgument("INVALID_BATCH",
                                       "every event carries an event_id, unique within its request",
                                       {{absl::StrCat("events[", i, "].event_id"),
                                         "must be set and unique within the request"}});
      }
    }
    return absl::OkStatus();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    in_flight_.Clear();
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream is broken"));
      return;
    }
    if (has_pending_) {
      WriteLocked();
    } else {
      MaybeEndLocked();
    }
    MaybeReadLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    service_->Unregister(this, principal_.tenant);
    std::shared_ptr<IngestStream> last;
    absl::MutexLock lock(&mu_);
    last = std::move(self_);
  }

 private:
  void Apply(std::shared_ptr<v1::IngestProgressRequest> request,
             std::vector<const v1::ProgressEvent*> events) {
    auto outcomes = std::make_shared<std::vector<EventOutcome>>();
    const int count = static_cast<int>(events.size());
    std::shared_ptr<IngestStream> self = shared_from_this();
    service_->goals_->WriteAs(
        principal_,
        [request, events = std::move(events), outcomes](GoalsWrite& w) {
          outcomes->clear();
          return ApplyEvents(w, events, *outcomes);
        },
        [self, outcomes, count](absl::Status status) { self->Applied(status, *outcomes, count); });
  }

  // On the writer thread, after the events' transaction committed (or failed).
  void Applied(const absl::Status& status, const std::vector<EventOutcome>& outcomes, int count) {
    absl::MutexLock lock(&mu_);
    unanswered_ -= count;
    if (finished_) return;
    if (!status.ok()) {
      // Nothing of the write is durable: the client resends its unanswered events.
      common::LogError("ingest write failed", {{"error", std::string(status.message())}});
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "storing the events failed: reconnect and send them again"));
      return;
    }
    for (const EventOutcome& outcome : outcomes) {
      AnswerLocked(outcome.event_id, outcome.error ? &*outcome.error : nullptr);
    }
    MaybeReadLocked();
    if (has_pending_) WriteLocked();
    MaybeEndLocked();
  }

  void AnswerLocked(const std::string& id, const EventError* error)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    has_pending_ = true;
    if (error == nullptr) {
      pending_.add_acked_event_ids(id);
      return;
    }
    v1::ProgressEventError* e = pending_.add_errors();
    e->set_event_id(id);
    e->set_code(static_cast<int>(error->code));
    e->set_reason(error->reason);
    e->set_message(error->message);
    e->set_field(error->field);
  }

  // Answers held in memory: queued for the client or being sent.
  int HeldAnswersLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pending_.acked_event_ids_size() + pending_.errors_size() +
           (writing_ ? in_flight_.acked_event_ids_size() + in_flight_.errors_size() : 0);
  }

  void MaybeReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || reading_ || half_closed_ || applying_) return;
    // Flow control: events in writes and answers the client has not taken count alike, so a
    // client that does not read its answers stops being read.
    if (unanswered_ + HeldAnswersLocked() >= service_->options_.max_unacked_events) return;
    reading_ = true;
    StartRead(&request_);
  }

  void WriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_ || !has_pending_) return;
    pending_.set_max_unacked_events(service_->options_.max_unacked_events);
    in_flight_ = std::move(pending_);
    pending_.Clear();
    has_pending_ = false;
    writing_ = true;
    StartWrite(&in_flight_);
  }

  // After the client half-closed: ends the stream once every event is answered and sent.
  void MaybeEndLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!half_closed_ || unanswered_ > 0 || writing_ || has_pending_ || reading_ || applying_) {
      return;
    }
    FinishLocked(grpc::Status::OK);
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

 public:
  void End(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    FinishLocked(status);
  }

 private:
  ProgressIngestService* service_;
  const common::Principal principal_;

  absl::Mutex mu_;
  std::shared_ptr<IngestStream> self_ ABSL_GUARDED_BY(mu_);
  v1::IngestProgressRequest request_;  // filled by the one outstanding read
  v1::IngestProgressResponse pending_ ABSL_GUARDED_BY(mu_);
  v1::IngestProgressResponse in_flight_ ABSL_GUARDED_BY(mu_);
  bool has_pending_ ABSL_GUARDED_BY(mu_) = false;
  int unanswered_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool applying_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool half_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

grpc::ServerBidiReactor<v1::IngestProgressRequest, v1::IngestProgressResponse>*
ProgressIngestService::IngestProgress(grpc::CallbackServerContext* context) {
  using Finished =
      common::internal::FinishedBidiReactor<v1::IngestProgressRequest, v1::IngestProgressResponse>;
  auto principal = runtime_->Authenticate(*context);
  if (!principal.ok()) return new Finished(runtime_->ToGrpc(principal.status()));
  if (!principal->HasRole(kIngestRole)) {
    return new Finished(runtime_->ToGrpc(common::PermissionDenied(
        "INGEST_ROLE_REQUIRED", "streaming progress events needs the 'ingest' role")));
  }
  auto stream = std::make_shared<IngestStream>(this, *principal);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      return new Finished(
          grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    }
    int& open = open_per_tenant_[principal->tenant];
    if (open >= options_.max_streams_per_tenant) {
      return new Finished(runtime_->ToGrpc(common::MakeError(
          absl::StatusCode::kResourceExhausted, "TOO_MANY_STREAMS",
          absl::StrCat("a tenant may have at most ", options_.max_streams_per_tenant,
                       " ingest streams open at once"))));
    }
    ++open;
    streams_.emplace(stream.get(), stream);
  }
  stream->Begin();
  return stream.get();
}

void ProgressIngestService::Unregister(const IngestStream* stream, const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
  auto it = open_per_tenant_.find(tenant);
  if (it != open_per_tenant_.end() && --it->second <= 0) open_per_tenant_.erase(it);
}

void ProgressIngestService::Stop() {
  std::vector<std::shared_ptr<IngestStream>> open;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (auto& [key, weak] : streams_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  // Events already in a write are committed or not; the client resends what was not answered.
  for (auto& s : open) {
    s->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
}

}  // namespace okr::goals
