// okr-ingest-load: drives IngestProgress streams (okr-goals, or the echo ceiling in
// okr-echo-server, which takes the same bytes) with batches of metric-key events, as fast as the
// flow-control windows allow or at a given rate, and prints one JSON line with the events
// acknowledged per second and the acknowledgement latency measured after a warm-up.
//   okr-ingest-load --target 127.0.0.1:50051 --method goals --token "$INGEST_JWT" --streams 4
//     --batch 100 --window 1000 --duration 10s --metric-keys bench.m0,bench.m1 --server-pid 1234
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/loadgen/bench_support.h"
#include "bench/loadgen/ingest_driver.h"
#include "nlohmann/json.hpp"
#include "okr/common/config/command_line.h"

namespace okr::bench {
namespace {

constexpr absl::Duration kConnectTimeout = absl::Seconds(10);

struct Config {
  std::string target;
  std::string method = "goals";
  std::string token;
  std::string metric_keys = "bench.metric";
  std::string modes = "mix";
  std::string id_prefix;
  std::string bench = "ingest";
  int streams = 4;
  int channels = 0;
  int batch = 100;
  int window = 1000;
  double rate = 0;
  int server_pid = 0;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration drain_timeout = absl::Seconds(30);
};

int Fail(const std::string& message) {
  std::cerr << "okr-ingest-load: " << message << "\n";
  return 1;
}

double Round1(double value) { return std::round(value * 10.0) / 10.0; }

int Run(int argc, char** argv) {
  // Debian's Abseil records lock order on every absl::Mutex lock; the client's CPU should go to
  // the streams.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Config config;
  common::CommandLine command_line(
      "okr-ingest-load",
      "Drives IngestProgress streams with metric-key events and prints one JSON line:\n"
      "{bench, method, events_per_s, ack_p50_ms, ack_p99_ms, errors, ...}.\n"
      "events_per_s counts events acknowledged in the window after the warm-up; an event's ack\n"
      "latency runs from sending the request that carried it to reading its id in\n"
      "acked_event_ids. errors counts rejected events and streams that ended with an error.");
  CLI::App& app = command_line.app();
  app.add_option("--target", config.target, "server host:port")->required();
  app.add_option("--method", config.method,
                 "goals (okr.goals.v1.ProgressIngestService/IngestProgress) or echo "
                 "(okr.bench.v1.IngestEchoService/IngestProgress in okr-echo-server)")
      ->check(CLI::IsMember({"goals", "echo"}))
      ->capture_default_str();
  app.add_option("--token", config.token,
                 "JWT with the ingest role, sent as 'authorization: Bearer <token>'")
      ->envname("OKR_INGEST_TOKEN");
  app.add_option("--streams", config.streams, "streams, sending concurrently")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--channels", config.channels,
                 "connections the streams are spread over (0: one per stream)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--batch", config.batch, "events per request (the contract allows 1 to 500)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--window", config.window,
                 "most unanswered events per stream; the server's max_unacked_events (first "
                 "response) when smaller")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("--rate", config.rate,
                 "total events per second over all streams; 0: as fast as the windows allow")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--metric-keys", config.metric_keys,
                 "comma-separated metric keys the events address in turn")
      ->capture_default_str();
  app.add_option("--modes", config.modes,
                 "mix (SET and INCREMENT alternate per key), set, or increment (+1 and -1 "
                 "alternate per key)")
      ->check(CLI::IsMember({"mix", "set", "increment"}))
      ->capture_default_str();
  app.add_option("--id-prefix", config.id_prefix,
                 "event id prefix ([A-Za-z0-9._:]); default: derived from the clock, so runs "
                 "against one server never reuse ids (a reused id is acknowledged, not applied)");
  app.add_option("--bench", config.bench, "name in the output line")->capture_default_str();
  app.add_option("--server-pid", config.server_pid,
                 "also report this (local) server process's CPU time per event in the window")
      ->check(CLI::PositiveNumber);
  common::AddDurationOption(app, "--duration", &config.duration, "measurement window", "");
  common::AddDurationOption(app, "--warmup", &config.warmup, "load before the window, not counted",
                            "");
  common::AddDurationOption(app, "--drain-timeout", &config.drain_timeout,
                            "after the window, how long to wait for the answers to every event "
                            "sent before cancelling the streams",
                            "");
  command_line.AddValidation([&config] {
    if (config.duration <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--duration must be positive");
    }
    if (config.id_prefix.find('-') != std::string::npos) {
      return absl::InvalidArgumentError("--id-prefix must not contain '-'");
    }
    return common::ValidateHostPort("--target", config.target);
  });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;

  IngestOptions options;
  options.method_path = config.method == "echo" ? kEchoIngestMethod : kGoalsIngestMethod;
  options.token = config.token;
  options.streams = config.streams;
  options.batch = config.batch;
  options.window = config.window;
  options.metric_keys = absl::StrSplit(config.metric_keys, ',', absl::SkipEmpty());
  if (options.metric_keys.empty()) return Fail("--metric-keys names no key");
  options.modes = config.modes == "set"         ? EventModes::kSet
                  : config.modes == "increment" ? EventModes::kIncrement
                                                : EventModes::kMix;
  options.id_prefix = config.id_prefix.empty()
                          ? absl::StrCat("il", absl::ToUnixMicros(absl::Now()), "p", getpid())
                          : config.id_prefix;

  const int channel_count = config.channels == 0 ? config.streams : config.channels;
  const std::vector<std::shared_ptr<grpc::Channel>> channels =
      MakeChannels(config.target, channel_count);
  if (absl::Status connected = WaitConnected(channels, kConnectTimeout); !connected.ok()) {
    return Fail(absl::StrCat(config.target, ": ", connected.message()));
  }

  IngestDriver driver(options, channels);
  driver.SetRate(config.rate);
  // The window starts after the warm-up counted from the streams' opening.
  const SteadyClock::time_point measure_start =
      SteadyClock::now() + absl::ToChronoNanoseconds(config.warmup);
  const SteadyClock::time_point measure_end =
      measure_start + absl::ToChronoNanoseconds(config.duration);
  driver.SetMeasurement(measure_start, measure_end);
  if (absl::Status started = driver.Start(); !started.ok()) {
    return Fail(std::string(started.message()));
  }

  // CPU time of this process and of the server over the window.
  const int self = static_cast<int>(getpid());
  std::this_thread::sleep_until(measure_start);
  const absl::StatusOr<double> client_cpu_start = ReadProcCpuSeconds(self);
  absl::StatusOr<double> server_cpu_start = absl::UnknownError("no --server-pid");
  if (config.server_pid > 0) server_cpu_start = ReadProcCpuSeconds(config.server_pid);
  std::this_thread::sleep_until(measure_end);
  const absl::StatusOr<double> client_cpu_end = ReadProcCpuSeconds(self);
  absl::StatusOr<double> server_cpu_end = absl::UnknownError("no --server-pid");
  if (config.server_pid > 0) server_cpu_end = ReadProcCpuSeconds(config.server_pid);
  driver.Finish(config.drain_timeout);
  const IngestTally tally = driver.Collect();

  const double seconds = absl::ToDoubleSeconds(config.duration);
  int64_t stream_errors = 0;
  for (const auto& [code, count] : tally.stream_errors) stream_errors += count;
  const std::vector<uint32_t>& latencies = tally.ack_latencies_us;

  nlohmann::ordered_json line;
  line["bench"] = config.bench;
  line["method"] = config.method;
  line["events_per_s"] = Round1(static_cast<double>(tally.acked_in_window) / seconds);
  line["ack_p50_ms"] = MicrosToMillis(PercentileOf(latencies, 0.50));
  line["ack_p99_ms"] = MicrosToMillis(PercentileOf(latencies, 0.99));
  line["errors"] = tally.rejected_total + stream_errors + tally.unknown_answers;
  line["ack_p90_ms"] = MicrosToMillis(PercentileOf(latencies, 0.90));
  line["ack_p999_ms"] = MicrosToMillis(PercentileOf(latencies, 0.999));
  line["ack_max_ms"] = MicrosToMillis(latencies.empty() ? 0 : latencies.back());
  line["rate"] = config.rate;
  line["sent_per_s"] = Round1(static_cast<double>(tally.sent_in_window) / seconds);
  line["streams"] = config.streams;
  line["channels"] = channel_count;
  line["batch"] = config.batch;
  line["window"] = config.window;
  line["server_max_unacked"] = tally.server_window;
  line["metric_keys"] = options.metric_keys.size();
  line["modes"] = config.modes;
  line["seconds"] = seconds;
  line["events_sent"] = tally.sent_total;
  line["events_acked"] = tally.acked_total;
  line["events_rejected"] = tally.rejected_total;
  line["events_unanswered"] = tally.unanswered_at_end;
  line["unknown_answers"] = tally.unknown_answers;
  line["event_errors"] = tally.event_errors;
  line["stream_errors"] = tally.stream_errors;
  line["streams_without_first_response"] = tally.streams_without_first_response;
  const int64_t events = tally.acked_in_window + tally.rejected_in_window;
  auto per_event_us = [events](const absl::StatusOr<double>& start,
                               const absl::StatusOr<double>& end) -> nlohmann::ordered_json {
    if (!start.ok() || !end.ok() || events == 0) return nullptr;
    return std::round((*end - *start) * 1e6 / static_cast<double>(events) * 100.0) / 100.0;
  };
  line["client_cpu_us_per_event"] = per_event_us(client_cpu_start, client_cpu_end);
  if (config.server_pid > 0) {
    if (!server_cpu_start.ok() || !server_cpu_end.ok()) {
      std::cerr << "okr-ingest-load: cannot read the server's CPU time: "
                << (server_cpu_start.ok() ? server_cpu_end : server_cpu_start).status().message()
                << "\n";
    }
    line["server_cpu_us_per_event"] = per_event_us(server_cpu_start, server_cpu_end);
  }
  std::cout << line.dump() << std::endl;
  if (!tally.first_error.empty()) {
    std::cerr << "okr-ingest-load: first error: " << tally.first_error << "\n";
  }
  if (tally.streams_without_first_response > 0) {
    std::cerr << "okr-ingest-load: " << tally.streams_without_first_response
              << " stream(s) got no first response (max_unacked_events) within 5 s\n";
  }
  return 0;
}

}  // namespace
}  // namespace okr::bench

int main(int argc, char** argv) {
  try {
    return okr::bench::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "okr-ingest-load: internal error: " << e.what() << "\n";
    return 1;
  }
}
