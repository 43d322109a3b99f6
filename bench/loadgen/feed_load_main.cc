// okr-feed-load: change-feed fan-out under write load. Opens N GoalsService.WatchChanges followers
// (no resume token, every kind) on okr-goals, then drives committed changes with IngestProgress
// metric-key events (each applied event commits several changes: the check-in, the key result's
// progress, its objective's roll-up, ...) and measures, for every change at every follower, the
// delivery lag: the follower's receive wall time minus Change.commit_time. Prints one JSON line.
//   okr-feed-load --target 127.0.0.1:50051 --token "$ADMIN_JWT" --ingest-token "$INGEST_JWT"
//     --followers 100 --changes-per-s 10000 --metric-keys bench.m0,bench.m1 --duration 10s
// The key results must exist and be bound to the metric keys (okr-goals-seed --metric-keys).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/loadgen/bench_support.h"
#include "bench/loadgen/ingest_driver.h"
#include "nlohmann/json.hpp"
#include "okr/common/config/command_line.h"
#include "okr/goals/v1/goals_service.pb.h"

namespace okr::bench {
namespace {

namespace goals = okr::goals::v1;
using google::protobuf::internal::WireFormatLite;

constexpr char kWatchMethod[] = "/okr.goals.v1.GoalsService/WatchChanges";
constexpr absl::Duration kConnectTimeout = absl::Seconds(30);
constexpr absl::Duration kFirstCheckpointTimeout = absl::Seconds(20);
// Changes per applied event assumed before calibration: check-in, key result progress, objective
// roll-up.
constexpr double kInitialChangesPerEvent = 3.0;
// Calibration writes at this share of the guessed rate, and reads this many check-ins.
constexpr double kCalibrationLoad = 0.2;
constexpr int64_t kCalibrationCheckIns = 100;

struct Config {
  std::string target;
  std::string token;
  std::string ingest_token;
  std::string metric_keys = "bench.metric";
  std::string modes = "increment";
  int followers = 100;
  int max_batch = 0;
  int channels = 0;
  double changes_per_s = 10000;
  double events_per_s = 0;
  int key_results_per_key = 1;
  int writer_streams = 2;
  int writer_batch = 10;
  int writer_window = 1000;
  int server_pid = 0;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(4);
  absl::Duration drain_timeout = absl::Seconds(10);
};

// The fields of one WatchChangesResponse that the lag needs, read straight from the wire: a full
// parse of every change (payloads are whole resources) would cost the client more CPU than the
// 100 followers x 10k changes/s it must keep up with.
struct Decoded {
  bool change = false;
  bool checkpoint = false;
  int kind = 0;
  bool has_commit_time = false;
  int64_t commit_seconds = 0;
  int32_t commit_nanos = 0;
};

bool DecodeTimestamp(google::protobuf::io::CodedInputStream* in, Decoded* out) {
  while (const uint32_t tag = in->ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    if (field == 1 && WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t seconds = 0;
      if (!in->ReadVarint64(&seconds)) return false;
      out->commit_seconds = static_cast<int64_t>(seconds);
    } else if (field == 2 &&
               WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      uint32_t nanos = 0;
      if (!in->ReadVarint32(&nanos)) return false;
      out->commit_nanos = static_cast<int32_t>(nanos);
    } else if (!WireFormatLite::SkipField(in, tag)) {
      return false;
    }
  }
  out->has_commit_time = true;
  return true;
}

bool DecodeChange(google::protobuf::io::CodedInputStream* in, Decoded* out) {
  while (const uint32_t tag = in->ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto wire_type = WireFormatLite::GetTagWireType(tag);
    if (field == 2 && wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!in->ReadVarint32(&length)) return false;
      const auto limit = in->PushLimit(static_cast<int>(length));
      if (!DecodeTimestamp(in, out) || !in->ConsumedEntireMessage()) return false;
      in->PopLimit(limit);
    } else if (field == 3 && wire_type == WireFormatLite::WIRETYPE_VARINT) {
      uint32_t kind = 0;
      if (!in->ReadVarint32(&kind)) return false;
      out->kind = static_cast<int>(kind);
    } else if (!WireFormatLite::SkipField(in, tag)) {
      return false;
    }
  }
  return true;
}

// One length-delimited Change at the stream's position, appended to `out`.
bool DecodeOneChange(google::protobuf::io::CodedInputStream* in, std::vector<Decoded>* out) {
  uint32_t length = 0;
  if (!in->ReadVarint32(&length)) return false;
  const auto limit = in->PushLimit(static_cast<int>(length));
  Decoded d;
  d.change = true;
  if (!DecodeChange(in, &d) || !in->ConsumedEntireMessage()) return false;
  in->PopLimit(limit);
  out->push_back(d);
  return true;
}

// A WatchChangesResponse: one change (field 1), a batch of them (field 3, WatchChangesBatch
// whose field 1 repeats Change) or a checkpoint (field 2, reported in `checkpoint`).
bool DecodeWatchResponse(google::protobuf::io::ZeroCopyInputStream* stream,
                         std::vector<Decoded>* out, bool* checkpoint) {
  google::protobuf::io::CodedInputStream in(stream);
  while (const uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const bool delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (delimited && field == 1) {
      if (!DecodeOneChange(&in, out)) return false;
    } else if (delimited && field == 3) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return false;
      const auto limit = in.PushLimit(static_cast<int>(length));
      while (const uint32_t inner = in.ReadTag()) {
        if (WireFormatLite::GetTagFieldNumber(inner) == 1 &&
            WireFormatLite::GetTagWireType(inner) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
          if (!DecodeOneChange(&in, out)) return false;
        } else if (!WireFormatLite::SkipField(&in, inner)) {
          return false;
        }
      }
      if (!in.ConsumedEntireMessage()) return false;
      in.PopLimit(limit);
    } else {
      if (field == 2) *checkpoint = true;
      if (!WireFormatLite::SkipField(&in, tag)) return false;
    }
  }
  return in.ConsumedEntireMessage();
}

// The hand-written decoder against the generated parser, on a change with a large payload.
absl::Status CheckDecoder() {
  goals::WatchChangesResponse response;
  goals::Change* change = response.mutable_change();
  change->set_resume_token("token-123");
  change->mutable_commit_time()->set_seconds(1795000000);
  change->mutable_commit_time()->set_nanos(123456789);
  change->set_kind(goals::CHANGE_KIND_KEY_RESULT_PROGRESS_CHANGED);
  change->set_resource_name("objectives/o1/keyResults/k1");
  change->mutable_key_result()->set_title(std::string(300, 't'));
  change->mutable_changed_fields()->add_paths("progress");
  goals::WatchChangesResponse batch;
  *batch.mutable_batch()->add_changes() = *change;
  *batch.mutable_batch()->add_changes() = *change;
  for (const auto& [message, count] :
       {std::pair<const goals::WatchChangesResponse*, size_t>{&response, 1}, {&batch, 2}}) {
    std::string bytes = message->SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    grpc::ProtoBufferReader reader(&buffer);
    std::vector<Decoded> decoded;
    bool checkpoint = false;
    if (!DecodeWatchResponse(&reader, &decoded, &checkpoint) || checkpoint ||
        decoded.size() != count) {
      return absl::InternalError("the WatchChangesResponse decoder disagrees with protobuf");
    }
    for (const Decoded& d : decoded) {
      if (d.kind != goals::CHANGE_KIND_KEY_RESULT_PROGRESS_CHANGED ||
          d.commit_seconds != 1795000000 || d.commit_nanos != 123456789) {
        return absl::InternalError("the WatchChangesResponse decoder disagrees with protobuf");
      }
    }
  }
  return absl::OkStatus();
}

class Fleet;

// One WatchChanges stream, driven as a generic bidi call (one request, then reads: the same
// frames as a server-streaming call). Only the read callback touches the tally, and reads of one
// call never overlap.
class Follower final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  struct Tally {
    std::vector<uint32_t> lags_us;  // Changes received in the window.
    int64_t in_window = 0;
    int64_t negative_lags = 0;  // Received "before" their commit time (clock step): counted as 0.
    int64_t undecodable = 0;
    std::map<int, int64_t> kinds;
  };

  Follower(Fleet* fleet, std::shared_ptr<grpc::Channel> channel, const std::string& token,
           const std::string& request)
      : fleet_(fleet), stub_(std::move(channel)) {
    if (!token.empty()) context_.AddMetadata("authorization", "Bearer " + token);
    grpc::Slice slice(request);
    request_ = grpc::ByteBuffer(&slice, 1);
    tally_.lags_us.reserve(1 << 17);
  }

  void Open() {
    stub_.PrepareBidiStreamingCall(&context_, kWatchMethod, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&read_);
    StartCall();
  }

  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  int64_t total_changes() const { return total_changes_.load(std::memory_order_relaxed); }
  int64_t total_check_ins() const { return total_check_ins_.load(std::memory_order_relaxed); }
  Tally& tally() { return tally_; }
  bool done() const { return done_.load(std::memory_order_acquire); }
  // Valid once done().
  const grpc::Status& status() const { return status_; }

 private:
  Fleet* const fleet_;
  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer read_;
  bool first_checkpoint_ = false;
  std::atomic<int64_t> total_changes_{0};
  std::atomic<int64_t> total_check_ins_{0};
  std::atomic<bool> done_{false};
  Tally tally_;
  grpc::Status status_;
};

// The followers and what they share: the measurement window and the count of streams that are
// live (first checkpoint) or ended.
class Fleet {
 public:
  // Set once the followers are live, while they read.
  void SetMeasurement(SteadyClock::time_point start, SteadyClock::time_point end) {
    measure_start_.store(start.time_since_epoch().count(), std::memory_order_relaxed);
    measure_end_.store(end.time_since_epoch().count(), std::memory_order_relaxed);
  }

  bool InWindow(SteadyClock::time_point now) const {
    const auto ticks = now.time_since_epoch().count();
    return ticks >= measure_start_.load(std::memory_order_relaxed) &&
           ticks < measure_end_.load(std::memory_order_relaxed);
  }

  void OnFirstCheckpoint() {
    absl::MutexLock lock(&mu_);
    ++live_;
  }

  void OnDone() {
    absl::MutexLock lock(&mu_);
    ++done_;
  }

  // Waits until `count` followers are live or ended; false at the timeout.
  bool AwaitLive(int count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto ready = [this, count]()
                     ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return live_ + done_ >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  }

  void AwaitDone(int count) {
    absl::MutexLock lock(&mu_);
    auto ready = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_ >= count; };
    mu_.Await(absl::Condition(&ready));
  }

 private:
  std::atomic<SteadyClock::rep> measure_start_{std::numeric_limits<SteadyClock::rep>::max()};
  std::atomic<SteadyClock::rep> measure_end_{std::numeric_limits<SteadyClock::rep>::max()};
  absl::Mutex mu_;
  int live_ ABSL_GUARDED_BY(mu_) = 0;
  int done_ ABSL_GUARDED_BY(mu_) = 0;
};

void Follower::OnReadDone(bool ok) {
  const absl::Time wall = absl::Now();
  const SteadyClock::time_point now = SteadyClock::now();
  if (!ok) return;  // The stream ended; OnDone follows.
  std::vector<Decoded> changes;
  bool checkpoint = false;
  bool parsed = false;
  {
    grpc::ProtoBufferReader reader(&read_);
    parsed = DecodeWatchResponse(&reader, &changes, &checkpoint);
  }
  read_.Clear();
  if (!parsed) {
    ++tally_.undecodable;
  } else if (checkpoint) {
    if (!first_checkpoint_) {
      first_checkpoint_ = true;
      fleet_->OnFirstCheckpoint();
    }
  }
  for (const Decoded& decoded : parsed ? changes : std::vector<Decoded>()) {
    total_changes_.fetch_add(1, std::memory_order_relaxed);
    if (decoded.kind == goals::CHANGE_KIND_CHECK_IN_CREATED) {
      total_check_ins_.fetch_add(1, std::memory_order_relaxed);
    }
    if (fleet_->InWindow(now)) {
      ++tally_.in_window;
      ++tally_.kinds[decoded.kind];
      const absl::Time commit =
          absl::FromUnixSeconds(decoded.commit_seconds) + absl::Nanoseconds(decoded.commit_nanos);
      const int64_t micros = absl::ToInt64Microseconds(wall - commit);
      if (micros < 0) ++tally_.negative_lags;
      tally_.lags_us.push_back(static_cast<uint32_t>(
          std::clamp<int64_t>(micros, 0, std::numeric_limits<uint32_t>::max())));
    }
  }
  StartRead(&read_);
}

void Follower::OnDone(const grpc::Status& status) {
  status_ = status;
  done_.store(true, std::memory_order_release);
  fleet_->OnDone();
}

int Fail(const std::string& message) {
  std::cerr << "okr-feed-load: " << message << "\n";
  return 1;
}

double Round1(double value) { return std::round(value * 10.0) / 10.0; }

int Run(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Config config;
  common::CommandLine command_line(
      "okr-feed-load",
      "WatchChanges fan-out under IngestProgress write load; prints one JSON line:\n"
      "{bench, followers, changes_per_s, lag_p50_ms, lag_p99_ms, max_lag_ms, ...}.\n"
      "changes_per_s is the mean over followers of changes received in the window after the\n"
      "warm-up; lag = receive wall time - Change.commit_time, over every change at every "
      "follower.");
  CLI::App& app = command_line.app();
  app.add_option("--target", config.target, "okr-goals host:port")->required();
  app.add_option("--token", config.token,
                 "JWT of the followers (one that may read every change, e.g. role admin)")
      ->envname("OKR_FEED_TOKEN");
  app.add_option("--ingest-token", config.ingest_token, "JWT with the ingest role, for the writer")
      ->envname("OKR_INGEST_TOKEN");
  app.add_option("--max-batch", config.max_batch,
                 "WatchChangesRequest.max_batch_size (0: one change per message)");
  app.add_option("--followers", config.followers, "WatchChanges streams")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--channels", config.channels,
                 "connections the followers are spread over (0: one per follower)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_option("--changes-per-s", config.changes_per_s,
                 "committed changes per second to aim for: the writer's event rate is calibrated "
                 "from the changes one follower receives per acknowledged event (see --warmup)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--events-per-s", config.events_per_s,
                 "fixed writer rate in events per second instead of --changes-per-s")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--writer-streams", config.writer_streams, "IngestProgress streams")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--writer-batch", config.writer_batch, "events per IngestProgress request")
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  app.add_option("--writer-window", config.writer_window, "most unanswered events per stream")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--metric-keys", config.metric_keys,
                 "comma-separated metric keys the events address in turn (bound to key results, "
                 "e.g. by okr-goals-seed --metric-keys)")
      ->capture_default_str();
  app.add_option("--key-results-per-key", config.key_results_per_key,
                 "key results bound to each metric key (each applied event records one check-in "
                 "on each): calibrates changes per event")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--modes", config.modes,
                 "increment (+1 and -1 alternate per key, so every event moves progress), mix or "
                 "set")
      ->check(CLI::IsMember({"mix", "set", "increment"}))
      ->capture_default_str();
  app.add_option("--server-pid", config.server_pid,
                 "also report this (local) server process's CPU use over the window")
      ->check(CLI::PositiveNumber);
  common::AddDurationOption(app, "--duration", &config.duration, "measurement window", "");
  common::AddDurationOption(app, "--warmup", &config.warmup,
                            "writes before the window (during the first half, at a fifth of the "
                            "guessed rate, the rate is calibrated)",
                            "");
  common::AddDurationOption(app, "--drain-timeout", &config.drain_timeout,
                            "after the window, how long to wait for the writer's answers and for "
                            "every follower to receive every change",
                            "");
  command_line.AddValidation([&config] {
    if (config.duration <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--duration must be positive");
    }
    if (config.changes_per_s <= 0 && config.events_per_s <= 0) {
      return absl::InvalidArgumentError("give --changes-per-s or --events-per-s");
    }
    return common::ValidateHostPort("--target", config.target);
  });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  if (absl::Status checked = CheckDecoder(); !checked.ok()) {
    return Fail(std::string(checked.message()));
  }

  // Followers first, each live (first checkpoint) before any write, so every follower should see
  // every change the writer commits.
  const int channel_count = config.channels == 0 ? config.followers : config.channels;
  const std::vector<std::shared_ptr<grpc::Channel>> follower_channels =
      MakeChannels(config.target, channel_count);
  if (absl::Status connected = WaitConnected(follower_channels, kConnectTimeout); !connected.ok()) {
    return Fail(absl::StrCat(config.target, ": ", connected.message()));
  }
  goals::WatchChangesRequest watch;
  watch.set_max_batch_size(config.max_batch);
  const std::string watch_request = watch.SerializeAsString();
  Fleet fleet;
  std::vector<std::unique_ptr<Follower>> followers;
  for (int i = 0; i < config.followers; ++i) {
    followers.push_back(std::make_unique<Follower>(
        &fleet, follower_channels[static_cast<std::size_t>(i) % follower_channels.size()],
        config.token, watch_request));
  }
  for (auto& follower : followers) follower->Open();
  auto stop_followers = [&followers, &fleet] {
    for (auto& follower : followers) follower->Cancel();
    fleet.AwaitDone(static_cast<int>(followers.size()));
  };
  const bool live = fleet.AwaitLive(config.followers, kFirstCheckpointTimeout);
  // A follower that already ended got an error: the stream does not end on its own.
  for (auto& follower : followers) {
    if (follower->done()) {
      const grpc::Status status = follower->status();
      stop_followers();
      return Fail(absl::StrCat("a follower's WatchChanges ended before any write: ",
                               StatusCodeName(status.error_code()), ": ", status.error_message()));
    }
  }
  if (!live) {
    stop_followers();
    return Fail(absl::StrCat("not every follower got its first checkpoint within ",
                             absl::FormatDuration(kFirstCheckpointTimeout)));
  }

  IngestOptions options;
  options.method_path = kGoalsIngestMethod;
  options.token = config.ingest_token;
  options.streams = config.writer_streams;
  options.batch = config.writer_batch;
  options.window = config.writer_window;
  options.metric_keys = absl::StrSplit(config.metric_keys, ',', absl::SkipEmpty());
  if (options.metric_keys.empty()) {
    stop_followers();
    return Fail("--metric-keys names no key");
  }
  options.modes = config.modes == "set"   ? EventModes::kSet
                  : config.modes == "mix" ? EventModes::kMix
                                          : EventModes::kIncrement;
  options.id_prefix = absl::StrCat("fl", absl::ToUnixMicros(absl::Now()), "p", getpid());
  options.source = "okr-feed-load";
  const std::vector<std::shared_ptr<grpc::Channel>> writer_channels =
      MakeChannels(config.target, config.writer_streams);
  if (absl::Status connected = WaitConnected(writer_channels, kConnectTimeout); !connected.ok()) {
    stop_followers();
    return Fail(absl::StrCat(config.target, ": ", connected.message()));
  }

  const bool calibrate = config.events_per_s <= 0;
  double rate = calibrate ? kCalibrationLoad * config.changes_per_s / kInitialChangesPerEvent
                          : config.events_per_s;
  auto writer = std::make_unique<IngestDriver>(options, writer_channels);
  writer->SetRate(rate);
  if (absl::Status started = writer->Start(); !started.ok()) {
    writer.reset();
    stop_followers();
    return Fail(absl::StrCat("writer: ", started.message()));
  }

  // Calibration: every applied event records exactly one check-in per key result bound to its
  // key, so changes per event = (changes / CHECK_IN_CREATED) at a follower x key results per key.
  // The ratio at one follower does not depend on how far it lags behind the writer.
  absl::SleepFor(config.warmup / 2);
  const absl::Time calibration_deadline = absl::Now() + config.drain_timeout;
  while (followers[0]->total_check_ins() < kCalibrationCheckIns &&
         absl::Now() < calibration_deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  const int64_t check_ins = followers[0]->total_check_ins();
  const int64_t changes = followers[0]->total_changes();
  const double changes_per_event = check_ins > 0 ? static_cast<double>(changes) /
                                                       static_cast<double>(check_ins) *
                                                       config.key_results_per_key
                                                 : 0.0;
  if (calibrate) {
    if (changes_per_event <= 0) {
      const int64_t acked = writer->acked_total();
      writer.reset();
      stop_followers();
      return Fail(absl::StrCat("calibration: ", acked,
                               " events acknowledged but follower 0 received ", changes,
                               " changes and no check-in; are the metric keys bound to key "
                               "results of an ACTIVE cycle?"));
    }
    rate = config.changes_per_s / changes_per_event;
  }
  const SteadyClock::time_point measure_start =
      SteadyClock::now() + absl::ToChronoNanoseconds(config.warmup / 2);
  const SteadyClock::time_point measure_end =
      measure_start + absl::ToChronoNanoseconds(config.duration);
  fleet.SetMeasurement(measure_start, measure_end);
  writer->SetMeasurement(measure_start, measure_end);
  writer->SetRate(rate);

  std::this_thread::sleep_until(measure_start);
  const absl::StatusOr<double> client_cpu_start = ReadProcCpuSeconds(static_cast<int>(getpid()));
  absl::StatusOr<double> server_cpu_start = absl::UnknownError("no --server-pid");
  if (config.server_pid > 0) server_cpu_start = ReadProcCpuSeconds(config.server_pid);
  std::this_thread::sleep_until(measure_end);
  const absl::StatusOr<double> client_cpu_end = ReadProcCpuSeconds(static_cast<int>(getpid()));
  absl::StatusOr<double> server_cpu_end = absl::UnknownError("no --server-pid");
  if (config.server_pid > 0) server_cpu_end = ReadProcCpuSeconds(config.server_pid);

  // Let the writer's answers and the followers' last changes arrive, so the totals compare.
  const absl::Time drain_deadline = absl::Now() + config.drain_timeout;
  writer->Finish(config.drain_timeout);
  const IngestTally written = writer->Collect();
  int64_t settled_max = -1;
  while (absl::Now() < drain_deadline) {
    int64_t low = std::numeric_limits<int64_t>::max();
    int64_t high = 0;
    for (auto& follower : followers) {
      low = std::min(low, follower->total_changes());
      high = std::max(high, follower->total_changes());
    }
    if (low == high && high == settled_max) break;
    settled_max = low == high ? high : -1;
    absl::SleepFor(absl::Milliseconds(200));
  }
  stop_followers();

  // Merge.
  std::vector<uint32_t> lags;
  int64_t in_window_total = 0;
  int64_t in_window_min = std::numeric_limits<int64_t>::max();
  int64_t negative_lags = 0;
  int64_t undecodable = 0;
  int64_t total_max = 0;
  std::map<std::string, int64_t> follower_errors;
  std::string first_follower_error;
  for (auto& follower : followers) total_max = std::max(total_max, follower->total_changes());
  int followers_complete = 0;
  int64_t missing = 0;
  std::map<std::string, int64_t> kinds;
  for (auto& follower : followers) {
    Follower::Tally& tally = follower->tally();
    lags.insert(lags.end(), tally.lags_us.begin(), tally.lags_us.end());
    in_window_total += tally.in_window;
    in_window_min = std::min(in_window_min, tally.in_window);
    negative_lags += tally.negative_lags;
    undecodable += tally.undecodable;
    if (follower.get() == followers[0].get()) {
      for (const auto& [kind, count] : tally.kinds) {
        kinds[goals::ChangeKind_IsValid(kind)
                  ? goals::ChangeKind_Name(static_cast<goals::ChangeKind>(kind))
                  : absl::StrCat("KIND_", kind)] += count;
      }
    }
    if (follower->total_changes() == total_max) ++followers_complete;
    missing += total_max - follower->total_changes();
    // Every follower is cancelled at the end; any other end is an error.
    const grpc::Status& status = follower->status();
    if (status.error_code() != grpc::StatusCode::CANCELLED) {
      ++follower_errors[StatusCodeName(status.error_code())];
      if (first_follower_error.empty()) {
        first_follower_error =
            absl::StrCat(StatusCodeName(status.error_code()), ": ", status.error_message());
      }
    }
  }
  std::sort(lags.begin(), lags.end());
  const double seconds = absl::ToDoubleSeconds(config.duration);
  int64_t writer_stream_errors = 0;
  for (const auto& [code, count] : written.stream_errors) writer_stream_errors += count;

  nlohmann::ordered_json line;
  line["bench"] = "feed";
  line["followers"] = config.followers;
  line["max_batch"] = config.max_batch;
  line["changes_per_s"] = Round1(static_cast<double>(in_window_total) / config.followers / seconds);
  line["lag_p50_ms"] = MicrosToMillis(PercentileOf(lags, 0.50));
  line["lag_p99_ms"] = MicrosToMillis(PercentileOf(lags, 0.99));
  line["max_lag_ms"] = MicrosToMillis(lags.empty() ? 0 : lags.back());
  line["lag_p90_ms"] = MicrosToMillis(PercentileOf(lags, 0.90));
  line["lag_p999_ms"] = MicrosToMillis(PercentileOf(lags, 0.999));
  line["changes_per_s_min_follower"] = Round1(static_cast<double>(in_window_min) / seconds);
  line["target_changes_per_s"] = calibrate ? config.changes_per_s : 0.0;
  line["events_per_s"] = Round1(static_cast<double>(written.acked_in_window) / seconds);
  line["writer_rate"] = Round1(rate);
  line["changes_per_event"] = std::round(changes_per_event * 100.0) / 100.0;
  line["writer_ack_p99_ms"] = MicrosToMillis(PercentileOf(written.ack_latencies_us, 0.99));
  line["writer_errors"] = written.rejected_total + writer_stream_errors + written.unknown_answers;
  line["writer_event_errors"] = written.event_errors;
  line["changes_total_per_follower"] = total_max;
  line["followers_complete"] = followers_complete;
  line["changes_missing"] = missing;
  line["follower_errors"] = follower_errors;
  line["negative_lags"] = negative_lags;
  line["undecodable"] = undecodable;
  line["kinds_follower0"] = kinds;
  line["seconds"] = seconds;
  line["channels"] = channel_count;
  if (client_cpu_start.ok() && client_cpu_end.ok()) {
    line["client_cpu_cores"] =
        std::round((*client_cpu_end - *client_cpu_start) / seconds * 100.0) / 100.0;
  }
  if (config.server_pid > 0 && server_cpu_start.ok() && server_cpu_end.ok()) {
    line["server_cpu_cores"] =
        std::round((*server_cpu_end - *server_cpu_start) / seconds * 100.0) / 100.0;
  }
  std::cout << line.dump() << std::endl;
  if (!written.first_error.empty()) {
    std::cerr << "okr-feed-load: writer's first error: " << written.first_error << "\n";
  }
  if (!first_follower_error.empty()) {
    std::cerr << "okr-feed-load: a follower ended with " << first_follower_error << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace okr::bench

int main(int argc, char** argv) {
  try {
    return okr::bench::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "okr-feed-load: internal error: " << e.what() << "\n";
    return 1;
  }
}
