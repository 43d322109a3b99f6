// IngestDriver: drives IngestProgress-shaped bidi streams (okr-goals' ProgressIngestService or the
// echo ceiling, same bytes on the wire) with batches of metric-key events, paced or as fast as the
// flow-control window allows, and measures acknowledgement latency per event. Shared by
// okr-ingest-load and okr-feed-load (its writer).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace okr::bench {

using SteadyClock = std::chrono::steady_clock;

inline constexpr char kGoalsIngestMethod[] = "/okr.goals.v1.ProgressIngestService/IngestProgress";
inline constexpr char kEchoIngestMethod[] = "/okr.bench.v1.IngestEchoService/IngestProgress";

// How events combine with the key results' values. kIncrement alternates +1 and -1 per key so
// values (and with them progress) keep moving without drifting; kMix alternates SET and INCREMENT.
enum class EventModes { kMix, kSet, kIncrement };

struct IngestOptions {
  std::string method_path = kGoalsIngestMethod;
  std::string token;  // Sent as "authorization: Bearer <token>" when not empty.
  int streams = 4;
  int batch = 100;    // Events per request (at most the window).
  int window = 1000;  // Unanswered events per stream; lowered to the server's max_unacked_events.
  std::vector<std::string> metric_keys = {"bench.metric"};
  EventModes modes = EventModes::kMix;
  std::string id_prefix;  // Makes event ids unique across runs against one server.
  std::string source = "okr-ingest-load";
  absl::Duration first_response_timeout = absl::Seconds(5);
};

// Figures over the measurement window (acks received inside it), plus whole-run totals.
struct IngestTally {
  std::vector<uint32_t> ack_latencies_us;  // One per event acknowledged in the window.
  int64_t acked_in_window = 0;
  int64_t rejected_in_window = 0;
  int64_t sent_in_window = 0;
  int64_t sent_total = 0;
  int64_t acked_total = 0;
  int64_t rejected_total = 0;
  int64_t unknown_answers = 0;    // Ids this client never sent, or answered twice.
  int64_t unanswered_at_end = 0;  // Sent but neither acked nor rejected when the streams ended.
  std::map<std::string, int64_t> event_errors;   // Per-event rejections by reason.
  std::map<std::string, int64_t> stream_errors;  // Streams that ended with an error, by code.
  std::string first_error;
  int server_window = 0;  // max_unacked_events of the first response (0: none seen).
  int streams_without_first_response = 0;
};

class IngestStream;

class IngestDriver {
 public:
  // `channels` are used in turn by the streams.
  IngestDriver(IngestOptions options, std::vector<std::shared_ptr<grpc::Channel>> channels);
  ~IngestDriver();
  IngestDriver(const IngestDriver&) = delete;
  IngestDriver& operator=(const IngestDriver&) = delete;

  // Sets the window over which acknowledgements are counted (none until this is called). May be
  // called while running.
  void SetMeasurement(SteadyClock::time_point start, SteadyClock::time_point end);

  // Total events per second over all streams; 0 means as fast as the windows allow, negative
  // pauses sending. May be changed while running.
  void SetRate(double events_per_s);

  // Opens the streams and waits (up to `first_response_timeout`) for each one's first response;
  // sending starts on each stream as soon as it has it (or at the timeout). An error when a stream
  // ended before its first response (e.g. UNAUTHENTICATED, UNIMPLEMENTED).
  absl::Status Start();

  // Stops sending, half-closes every stream and waits for the answers to every event sent and the
  // streams' ends; after `timeout` the streams still open are cancelled.
  void Finish(absl::Duration timeout);

  // Events acknowledged so far, over the whole run (for calibration while running).
  int64_t acked_total() const { return acked_total_.load(std::memory_order_relaxed); }

  // Merged figures; call after Finish.
  IngestTally Collect();

 private:
  friend class IngestStream;

  // Takes up to `wanted` events of send budget; returns how many may be sent (0 when paced and
  // the budget is spent).
  int TakeBudget(int wanted);
  void Pace();
  void OnStreamDone();

  const IngestOptions options_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<IngestStream>> streams_;
  bool InWindow(SteadyClock::time_point now) const;

  std::atomic<SteadyClock::rep> measure_start_{std::numeric_limits<SteadyClock::rep>::max()};
  std::atomic<SteadyClock::rep> measure_end_{std::numeric_limits<SteadyClock::rep>::max()};
  std::atomic<double> rate_{0};
  // Paced mode: events the schedule has allowed so far, and events taken from that budget.
  std::atomic<int64_t> allowed_{0};
  std::atomic<int64_t> taken_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> acked_total_{0};
  std::thread pacer_;
  absl::Mutex mu_;
  int done_streams_ ABSL_GUARDED_BY(mu_) = 0;
  int first_responses_ ABSL_GUARDED_BY(mu_) = 0;
};

// The value at `fraction` (0..1) of sorted samples, nearest rank; 0 when empty.
uint32_t PercentileOf(const std::vector<uint32_t>& sorted, double fraction);

// Microseconds to milliseconds, rounded to 0.01 ms, for the JSON lines.
double MicrosToMillis(double micros);

}  // namespace okr::bench
