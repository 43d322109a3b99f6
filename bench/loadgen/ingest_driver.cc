#include "bench/loadgen/ingest_driver.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/loadgen/bench_support.h"
#include "okr/goals/v1/progress_ingest_service.pb.h"

namespace okr::bench {
namespace {

namespace goals = okr::goals::v1;

constexpr auto kPaceTick = std::chrono::milliseconds(1);
// Paced mode: budget not used (the windows were full) is kept for at most this long, so a stall
// is caught up on, but not with an unbounded burst.
constexpr double kMaxBacklogSeconds = 0.1;

// "<prefix>-<stream>-<request>-<index>" -> request.
bool ParseRequestNumber(const std::string& id, uint64_t* request) {
  const std::size_t last = id.rfind('-');
  if (last == std::string::npos || last == 0) return false;
  const std::size_t before = id.rfind('-', last - 1);
  if (before == std::string::npos) return false;
  return absl::SimpleAtoi(absl::string_view(id).substr(before + 1, last - before - 1), request);
}

}  // namespace

// One stream. Callbacks of one stream may run concurrently (a read and a write), so its state is
// under its own mutex; the driver's budget and counters are atomics.
class IngestStream final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  IngestStream(IngestDriver* driver, int index, std::shared_ptr<grpc::Channel> channel)
      : driver_(driver),
        index_(index),
        stub_(std::move(channel)),
        id_prefix_(absl::StrCat(driver->options_.id_prefix, "-", index, "-")),
        window_(driver->options_.window) {
    if (!driver->options_.token.empty()) {
      context_.AddMetadata("authorization", "Bearer " + driver->options_.token);
    }
    tally_.ack_latencies_us.reserve(1 << 16);
  }

  void Open() {
    stub_.PrepareBidiStreamingCall(&context_, driver_->options_.method_path, grpc::StubOptions(),
                                   this);
    StartRead(&read_buffer_);
    StartCall();
  }

  // Starts sending without a first response (the server did not send one in time).
  void StartWithoutFirstResponse() {
    absl::MutexLock lock(&mu_);
    if (started_) return;
    started_ = true;
    ++tally_.streams_without_first_response;
    TrySendLocked();
  }

  // Called by the pacer when new budget is available.
  void Kick() {
    absl::MutexLock lock(&mu_);
    TrySendLocked();
  }

  void StopSending() {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    MaybeHalfCloseLocked();
  }

  void Cancel() { context_.TryCancel(); }

  bool got_first_response() {
    absl::MutexLock lock(&mu_);
    return got_first_;
  }

  IngestTally TakeTally() {
    absl::MutexLock lock(&mu_);
    for (const auto& [request, pending] : pending_) tally_.unanswered_at_end += pending.remaining;
    return std::move(tally_);
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      // The stream broke; OnDone reports why.
      broken_ = true;
      return;
    }
    if (stopping_) {
      MaybeHalfCloseLocked();
    } else {
      TrySendLocked();
    }
  }

  void OnWritesDoneDone(bool /*ok*/) override {}

  void OnReadDone(bool ok) override {
    const SteadyClock::time_point now = SteadyClock::now();
    if (!ok) return;  // The server ended the stream; OnDone follows.
    response_.Clear();
    const grpc::Status parsed =
        grpc::SerializationTraits<goals::IngestProgressResponse>::Deserialize(&read_buffer_,
                                                                              &response_);
    bool first = false;
    {
      absl::MutexLock lock(&mu_);
      if (!parsed.ok()) {
        NoteErrorLocked("BAD_RESPONSE", "a response does not parse as IngestProgressResponse");
      } else {
        if (!got_first_) {
          got_first_ = true;
          first = true;
          tally_.server_window = response_.max_unacked_events();
          if (response_.max_unacked_events() > 0) {
            window_ = std::min(window_, response_.max_unacked_events());
          }
          started_ = true;
        }
        const bool in_window = driver_->InWindow(now);
        for (const std::string& id : response_.acked_event_ids()) {
          Answer(id, now, in_window, /*acked=*/true);
        }
        for (const goals::ProgressEventError& error : response_.errors()) {
          Answer(error.event_id(), now, in_window, /*acked=*/false);
          ++tally_.event_errors[error.reason().empty() ? absl::StrCat("CODE_", error.code())
                                                       : error.reason()];
          if (tally_.first_error.empty()) {
            tally_.first_error = absl::StrCat("event ", error.event_id(), ": ", error.reason(),
                                              ": ", error.message());
          }
        }
        driver_->acked_total_.fetch_add(response_.acked_event_ids_size(),
                                        std::memory_order_relaxed);
        if (stopping_) {
          MaybeHalfCloseLocked();
        } else {
          TrySendLocked();
        }
      }
    }
    if (first) {
      absl::MutexLock lock(&driver_->mu_);
      ++driver_->first_responses_;
    }
    StartRead(&read_buffer_);
  }

  void OnDone(const grpc::Status& status) override {
    {
      absl::MutexLock lock(&mu_);
      // A stream the client cancelled after its deadline is reported by unanswered_at_end.
      if (!status.ok() && !(cancelled_by_us_ && status.error_code() == grpc::CANCELLED)) {
        ++tally_.stream_errors[StatusCodeName(status.error_code())];
        if (tally_.first_error.empty()) {
          tally_.first_error =
              absl::StrCat("stream ", index_, ": ", StatusCodeName(status.error_code()), ": ",
                           status.error_message());
        }
      }
      done_ = true;
      end_status_ = status;
    }
    driver_->OnStreamDone();
  }

  void MarkCancelled() {
    absl::MutexLock lock(&mu_);
    cancelled_by_us_ = true;
  }

  bool done() {
    absl::MutexLock lock(&mu_);
    return done_;
  }

  grpc::Status end_status() {
    absl::MutexLock lock(&mu_);
    return end_status_;
  }

 private:
  struct Pending {
    SteadyClock::time_point sent;
    int remaining = 0;
  };

  void Answer(const std::string& id, SteadyClock::time_point now, bool in_window, bool acked)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    uint64_t request = 0;
    auto it = ParseRequestNumber(id, &request) && id.compare(0, id_prefix_.size(), id_prefix_) == 0
                  ? pending_.find(request)
                  : pending_.end();
    if (it == pending_.end()) {
      ++tally_.unknown_answers;
      return;
    }
    --unanswered_;
    if (acked) {
      ++tally_.acked_total;
      if (in_window) {
        ++tally_.acked_in_window;
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(now - it->second.sent).count();
        tally_.ack_latencies_us.push_back(static_cast<uint32_t>(
            std::clamp<int64_t>(micros, 0, std::numeric_limits<uint32_t>::max())));
      }
    } else {
      ++tally_.rejected_total;
      if (in_window) ++tally_.rejected_in_window;
    }
    if (--it->second.remaining == 0) pending_.erase(it);
  }

  void NoteErrorLocked(const std::string& code, const std::string& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++tally_.stream_errors[code];
    if (tally_.first_error.empty()) tally_.first_error = code + ": " + message;
  }

  void TrySendLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!started_ || writing_ || stopping_ || broken_ || done_) return;
    const int room = std::min(driver_->options_.batch, window_ - unanswered_);
    if (room <= 0) return;
    // Paced: wait until a whole batch is due, unless the window has room for less than one.
    const int wanted = std::min(driver_->options_.batch, window_);
    if (room < wanted) return;
    const int count = driver_->TakeBudget(wanted);
    if (count <= 0) return;
    SendLocked(count);
  }

  void SendLocked(int count) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const IngestOptions& options = driver_->options_;
    const uint64_t number = next_request_++;
    const absl::Time observed = absl::Now();
    const int64_t seconds = absl::ToUnixSeconds(observed);
    const auto nanos =
        static_cast<int32_t>((observed - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1));
    request_.Clear();
    const std::string request_prefix = absl::StrCat(id_prefix_, number, "-");
    const auto keys = static_cast<uint64_t>(options.metric_keys.size());
    for (int i = 0; i < count; ++i) {
      // Streams start at different keys, and each key's events alternate in mode and sign.
      const uint64_t event = next_event_++ + static_cast<uint64_t>(index_);
      const uint64_t turn = event / keys;
      goals::ProgressEvent* out = request_.add_events();
      out->set_event_id(absl::StrCat(request_prefix, i));
      out->set_metric_key(options.metric_keys[event % keys]);
      bool increment = false;
      switch (options.modes) {
        case EventModes::kIncrement:
          increment = true;
          break;
        case EventModes::kSet:
          break;
        case EventModes::kMix:
          increment = turn % 2 == 1;
          break;
      }
      if (increment) {
        out->set_mode(goals::PROGRESS_MODE_INCREMENT);
        out->set_value(options.modes == EventModes::kIncrement && turn % 2 == 1 ? -1.0 : 1.0);
      } else {
        out->set_mode(goals::PROGRESS_MODE_SET);
        out->set_value(static_cast<double>(10 + turn % 80));
      }
      out->mutable_observed_at()->set_seconds(seconds);
      out->mutable_observed_at()->set_nanos(nanos);
      out->set_source(options.source);
    }
    std::string bytes;
    request_.SerializeToString(&bytes);
    grpc::Slice slice(std::move(bytes));
    write_buffer_ = grpc::ByteBuffer(&slice, 1);
    const SteadyClock::time_point now = SteadyClock::now();
    pending_[number] = Pending{now, count};
    unanswered_ += count;
    tally_.sent_total += count;
    if (driver_->InWindow(now)) {
      tally_.sent_in_window += count;
    }
    writing_ = true;
    StartWrite(&write_buffer_);
  }

  void MaybeHalfCloseLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (half_closed_ || writing_ || broken_ || done_) return;
    half_closed_ = true;
    StartWritesDone();
  }

  IngestDriver* const driver_;
  const int index_;
  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  const std::string id_prefix_;
  grpc::ByteBuffer read_buffer_;            // Owned by the read in flight.
  goals::IngestProgressResponse response_;  // Only touched by the read callback.
  absl::Mutex mu_;
  grpc::ByteBuffer write_buffer_ ABSL_GUARDED_BY(mu_);
  goals::IngestProgressRequest request_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, Pending> pending_ ABSL_GUARDED_BY(mu_);
  int window_ ABSL_GUARDED_BY(mu_);
  int unanswered_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_request_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_event_ ABSL_GUARDED_BY(mu_) = 0;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool got_first_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool half_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_by_us_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status end_status_ ABSL_GUARDED_BY(mu_);
  IngestTally tally_ ABSL_GUARDED_BY(mu_);
};

IngestDriver::IngestDriver(IngestOptions options,
                           std::vector<std::shared_ptr<grpc::Channel>> channels)
    : options_(std::move(options)), channels_(std::move(channels)) {}

IngestDriver::~IngestDriver() {
  // The streams must outlive their callbacks.
  Finish(absl::Seconds(5));
}

void IngestDriver::SetMeasurement(SteadyClock::time_point start, SteadyClock::time_point end) {
  measure_start_.store(start.time_since_epoch().count(), std::memory_order_relaxed);
  measure_end_.store(end.time_since_epoch().count(), std::memory_order_relaxed);
}

bool IngestDriver::InWindow(SteadyClock::time_point now) const {
  const auto ticks = now.time_since_epoch().count();
  return ticks >= measure_start_.load(std::memory_order_relaxed) &&
         ticks < measure_end_.load(std::memory_order_relaxed);
}

void IngestDriver::SetRate(double events_per_s) { rate_.store(events_per_s); }

int IngestDriver::TakeBudget(int wanted) {
  if (stopping_.load(std::memory_order_relaxed)) return 0;
  const double rate = rate_.load(std::memory_order_relaxed);
  if (rate < 0) return 0;  // Paused.
  if (rate == 0) return wanted;
  int64_t taken = taken_.load(std::memory_order_relaxed);
  while (true) {
    const int64_t allowed = allowed_.load(std::memory_order_relaxed);
    if (allowed - taken < wanted) return 0;
    if (taken_.compare_exchange_weak(taken, taken + wanted, std::memory_order_relaxed)) {
      return wanted;
    }
  }
}

void IngestDriver::Pace() {
  SteadyClock::time_point last = SteadyClock::now();
  double fraction = 0;  // Budget below one event, carried to the next tick.
  while (!stopping_.load()) {
    std::this_thread::sleep_until(last + kPaceTick);
    const SteadyClock::time_point now = SteadyClock::now();
    const double rate = rate_.load();
    const double seconds = std::chrono::duration<double>(now - last).count();
    last = now;
    if (rate < 0) continue;  // Paused.
    if (rate == 0) {
      for (auto& stream : streams_) stream->Kick();
      continue;
    }
    fraction += rate * seconds;
    const auto whole = static_cast<int64_t>(fraction);
    fraction -= static_cast<double>(whole);
    const int64_t taken = taken_.load();
    const auto cap = std::max<int64_t>(static_cast<int64_t>(rate * kMaxBacklogSeconds),
                                       int64_t{options_.batch} * options_.streams);
    allowed_.store(std::min(allowed_.load() + whole, taken + cap));
    for (auto& stream : streams_) stream->Kick();
  }
}

absl::Status IngestDriver::Start() {
  for (int i = 0; i < options_.streams; ++i) {
    streams_.push_back(std::make_unique<IngestStream>(
        this, i, channels_[static_cast<std::size_t>(i) % channels_.size()]));
  }
  for (auto& stream : streams_) stream->Open();
  const int total = options_.streams;
  {
    absl::MutexLock lock(&mu_);
    auto ready = [this, total]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return first_responses_ + done_streams_ >= total;
    };
    mu_.AwaitWithTimeout(absl::Condition(&ready), options_.first_response_timeout);
  }
  for (auto& stream : streams_) {
    if (stream->done() && !stream->got_first_response()) {
      const grpc::Status status = stream->end_status();
      const absl::Status error = absl::UnavailableError(absl::StrCat(
          "the stream ended before its first response: ", StatusCodeName(status.error_code()), ": ",
          status.error_message()));
      Finish(absl::Seconds(5));
      return error;
    }
  }
  for (auto& stream : streams_) {
    if (!stream->got_first_response()) stream->StartWithoutFirstResponse();
  }
  pacer_ = std::thread([this] { Pace(); });
  return absl::OkStatus();
}

void IngestDriver::OnStreamDone() {
  absl::MutexLock lock(&mu_);
  ++done_streams_;
}

void IngestDriver::Finish(absl::Duration timeout) {
  stopping_ = true;
  if (pacer_.joinable()) pacer_.join();
  for (auto& stream : streams_) stream->StopSending();
  const auto total = static_cast<int>(streams_.size());
  absl::MutexLock lock(&mu_);
  auto all_done = [this, total]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_streams_ >= total; };
  if (!mu_.AwaitWithTimeout(absl::Condition(&all_done), timeout)) {
    mu_.Unlock();
    for (auto& stream : streams_) {
      stream->MarkCancelled();
      stream->Cancel();
    }
    mu_.Lock();
    // Cancelled calls always end; the streams must outlive their callbacks.
    mu_.Await(absl::Condition(&all_done));
  }
}

IngestTally IngestDriver::Collect() {
  IngestTally total;
  for (auto& stream : streams_) {
    IngestTally tally = stream->TakeTally();
    total.ack_latencies_us.insert(total.ack_latencies_us.end(), tally.ack_latencies_us.begin(),
                                  tally.ack_latencies_us.end());
    total.acked_in_window += tally.acked_in_window;
    total.rejected_in_window += tally.rejected_in_window;
    total.sent_in_window += tally.sent_in_window;
    total.sent_total += tally.sent_total;
    total.acked_total += tally.acked_total;
    total.rejected_total += tally.rejected_total;
    total.unknown_answers += tally.unknown_answers;
    total.unanswered_at_end += tally.unanswered_at_end;
    for (const auto& [reason, count] : tally.event_errors) total.event_errors[reason] += count;
    for (const auto& [code, count] : tally.stream_errors) total.stream_errors[code] += count;
    if (total.first_error.empty()) total.first_error = tally.first_error;
    if (total.server_window == 0) total.server_window = tally.server_window;
    total.streams_without_first_response += tally.streams_without_first_response;
  }
  std::sort(total.ack_latencies_us.begin(), total.ack_latencies_us.end());
  return total;
}

uint32_t PercentileOf(const std::vector<uint32_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

double MicrosToMillis(double micros) { return std::round(micros / 10.0) / 100.0; }

}  // namespace okr::bench
