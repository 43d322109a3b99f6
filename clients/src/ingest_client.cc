#include "okr/clients/ingest_client.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "okr/clients/backoff.h"

namespace okr::clients {
namespace {

using okr::goals::v1::IngestProgressRequest;
using okr::goals::v1::IngestProgressResponse;
using okr::goals::v1::ProgressEvent;
using okr::goals::v1::ProgressEventError;

constexpr int kMaxEventsPerRequest = 500;
// The server's documented default, for a response that does not state its window.
constexpr int kDefaultWindow = 1000;
// After a failed write the call is over and the reader sees the end at once; this only bounds the
// wait should the transport never report it.
constexpr absl::Duration kReaderGrace = absl::Seconds(5);

// Codes that no retry with the same token and events can cure.
bool IsPermanent(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED ||
         code == grpc::StatusCode::INVALID_ARGUMENT || code == grpc::StatusCode::UNIMPLEMENTED;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IngestClient>> IngestClient::Create(IngestClientOptions options) {
  if (options.channel == nullptr) return absl::InvalidArgumentError("IngestClient: no channel");
  if (options.max_events_per_request < 1 || options.max_events_per_request > kMaxEventsPerRequest) {
    return absl::InvalidArgumentError(
        absl::StrCat("IngestClient: max_events_per_request must be 1 to ", kMaxEventsPerRequest));
  }
  if (options.max_pending_events < 1) {
    return absl::InvalidArgumentError("IngestClient: max_pending_events must be at least 1");
  }
  if (absl::Status s = ValidateBackoff(options.initial_backoff, options.max_backoff); !s.ok()) {
    return s;
  }
  std::unique_ptr<IngestClient> client(new IngestClient(std::move(options)));
  client->connection_thread_ = std::thread([c = client.get()] { c->ConnectionLoop(); });
  return client;
}

IngestClient::IngestClient(IngestClientOptions options)
    : options_(std::move(options)),
      stub_(okr::goals::v1::ProgressIngestService::NewStub(options_.channel)) {}

IngestClient::~IngestClient() { Close(); }

absl::Status IngestClient::Send(ProgressEvent event, absl::Duration timeout) {
  if (!IsValidEventId(event.event_id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_id must be 1 to 128 characters from [A-Za-z0-9._:-], got \"",
                     event.event_id(), "\""));
  }
  absl::MutexLock lock(&mu_);
  // A pending id needs no room: it is not queued again.
  auto room = [this, &event]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closing_ || !permanent_error_.ok() || pending_.size() < options_.max_pending_events ||
           seq_by_id_.contains(event.event_id());
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&room), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("IngestClient: ", pending_.size(), " events unanswered, no room"));
  }
  if (!permanent_error_.ok()) return permanent_error_;
  if (closing_) return absl::FailedPreconditionError("IngestClient is closed");
  if (seq_by_id_.contains(event.event_id())) return absl::OkStatus();
  const uint64_t seq = next_seq_++;
  seq_by_id_.emplace(event.event_id(), seq);
  pending_.emplace(seq, Pending{std::move(event)});
  unsent_.push_back(seq);
  return absl::OkStatus();
}

absl::Status IngestClient::Flush(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  const uint64_t end = next_seq_;
  auto answered = [this, end]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pending_.empty() || pending_.begin()->first >= end;
  };
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return answered() || closing_ || !permanent_error_.ok();
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("IngestClient: ", pending_.size(), " events still unanswered"));
  }
  if (!permanent_error_.ok()) return permanent_error_;
  if (answered()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("IngestClient closed with ", pending_.size(), " events unanswered"));
}

void IngestClient::Close() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  absl::MutexLock lock(&close_mu_);
  if (connection_thread_.joinable()) connection_thread_.join();
}

IngestClientStats IngestClient::stats() const {
  absl::MutexLock lock(&mu_);
  IngestClientStats stats = stats_;
  stats.pending = static_cast<int64_t>(pending_.size());
  return stats;
}

std::vector<ProgressEvent> IngestClient::Unanswered() const {
  absl::MutexLock lock(&mu_);
  std::vector<ProgressEvent> events;
  events.reserve(pending_.size());
  for (const auto& [seq, pending] : pending_) events.push_back(pending.event);
  return events;
}

void IngestClient::ConnectionLoop() {
  Backoff backoff(options_.initial_backoff, options_.max_backoff);
  bool first = true;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (closing_) return;
      if (!first) ++stats_.reconnects;
    }
    first = false;
    const absl::Time started = absl::Now();
    const StreamEnd end = RunStream(*stub_);
    {
      absl::MutexLock lock(&mu_);
      // Everything unanswered goes out again, in its original order, on the next stream.
      window_ = 0;
      in_flight_ = 0;
      stream_done_ = false;
      unsent_.clear();
      for (auto& [seq, pending] : pending_) {
        pending.on_stream = false;
        unsent_.push_back(seq);
      }
      if (closing_) return;
      if (IsPermanent(end.status.error_code())) {
        permanent_error_ = absl::Status(
            static_cast<absl::StatusCode>(end.status.error_code()),
            absl::StrCat("IngestProgress stream refused: ", end.status.error_message()));
        return;
      }
    }
    // A stream that made progress (or lived long) was healthy: start the backoff over.
    if (end.answered_any || absl::Now() - started >= options_.max_backoff) backoff.Reset();
    const absl::Duration delay = backoff.Next();
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&closing_), delay);
  }
}

IngestClient::StreamEnd IngestClient::RunStream(okr::goals::v1::ProgressIngestService::Stub& stub) {
  StreamEnd end;
  grpc::ClientContext context;
  if (!options_.bearer_token.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", options_.bearer_token));
  }
  {
    absl::MutexLock lock(&mu_);
    if (closing_) {
      end.status = grpc::Status(grpc::StatusCode::CANCELLED, "closed");
      return end;
    }
    // Published before the call starts so Close can cancel it; a context cancelled before the
    // call starts cancels the call as soon as it exists.
    context_ = &context;
  }
  auto stream = stub.IngestProgress(&context);
  std::thread reader([&] { ReadAnswers(stream.get(), &end.answered_any); });

  IngestProgressRequest request;
  while (NextBatch(&request)) {
    if (!stream->Write(request)) break;
  }
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(&stream_done_), kReaderGrace)) context.TryCancel();
  }
  reader.join();
  {
    absl::MutexLock lock(&mu_);
    context_ = nullptr;
  }
  end.status = stream->Finish();
  return end;
}

bool IngestClient::NextBatch(IngestProgressRequest* request) {
  request->Clear();
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closing_ || stream_done_ || (window_ > 0 && in_flight_ < window_ && !unsent_.empty());
  };
  while (request->events_size() == 0) {
    mu_.Await(absl::Condition(&ready));
    if (closing_ || stream_done_) return false;
    int room = std::min(window_ - in_flight_, options_.max_events_per_request);
    while (room > 0 && !unsent_.empty()) {
      const uint64_t seq = unsent_.front();
      unsent_.pop_front();
      auto it = pending_.find(seq);
      if (it == pending_.end() || it->second.on_stream) continue;
      Pending& pending = it->second;
      if (pending.sends > 0) ++stats_.resent;
      ++pending.sends;
      pending.on_stream = true;
      ++in_flight_;
      --room;
      *request->add_events() = pending.event;
    }
  }
  return true;
}

void IngestClient::ReadAnswers(
    grpc::ClientReaderWriter<IngestProgressRequest, IngestProgressResponse>* stream,
    bool* answered_any) {
  IngestProgressResponse response;
  while (stream->Read(&response)) {
    // Answers are matched under the lock, reported without it, then removed, so that Flush only
    // returns once the callbacks for its events have run. Only this thread removes events, and the
    // connection thread resets them only after joining it, so they cannot vanish in between.
    std::vector<std::pair<uint64_t, const std::string*>> acked;
    std::vector<std::pair<uint64_t, const ProgressEventError*>> rejected;
    {
      absl::MutexLock lock(&mu_);
      if (response.max_unacked_events() > 0) {
        window_ = response.max_unacked_events();
      } else if (window_ == 0) {
        window_ = kDefaultWindow;
      }
      absl::flat_hash_set<uint64_t> seen;
      auto match = [&](const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> uint64_t {
        auto it = seq_by_id_.find(id);
        if (it == seq_by_id_.end()) return 0;
        auto p = pending_.find(it->second);
        // An answer for an event not written on this stream (or answered twice) is stale.
        if (p == pending_.end() || !p->second.on_stream || !seen.insert(it->second).second) {
          return 0;
        }
        return it->second;
      };
      for (const std::string& id : response.acked_event_ids()) {
        if (uint64_t seq = match(id); seq != 0) acked.emplace_back(seq, &id);
      }
      for (const ProgressEventError& error : response.errors()) {
        if (uint64_t seq = match(error.event_id()); seq != 0) rejected.emplace_back(seq, &error);
      }
    }
    if (options_.on_ack) {
      for (const auto& [seq, id] : acked) options_.on_ack(*id);
    }
    if (options_.on_error) {
      for (const auto& [seq, error] : rejected) options_.on_error(*error);
    }
    absl::MutexLock lock(&mu_);
    auto answer = [this](uint64_t seq) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      auto it = pending_.find(seq);
      seq_by_id_.erase(it->second.event.event_id());
      pending_.erase(it);
      --in_flight_;
    };
    for (const auto& [seq, id] : acked) answer(seq);
    for (const auto& [seq, error] : rejected) answer(seq);
    stats_.acked += static_cast<int64_t>(acked.size());
    stats_.rejected += static_cast<int64_t>(rejected.size());
    if (!acked.empty() || !rejected.empty()) *answered_any = true;
  }
  absl::MutexLock lock(&mu_);
  stream_done_ = true;
}

bool IsValidEventId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

}  // namespace okr::clients
