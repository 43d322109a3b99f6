// okr-loadgen: drives one unary RPC of any proto linked into it with a fixed number of calls in
// flight (completion-queue client over generic stubs) and prints one JSON line with the throughput
// and latency measured after a warm-up.
//   okr-loadgen --target 127.0.0.1:50051 --method okr.goals.v1.GoalsService/GetObjective
//     --request 'name: "objectives/abc"' --token "$JWT" --concurrency 64 --duration 10s
// With --rate it is an open-loop generator instead: calls start on a fixed schedule, and latency
// counts from each call's scheduled start.
// GCC 12 at -O2 reports a false -Wnull-dereference where gRPC's completion-queue unary call
// places its operations in the call arena (grpcpp/impl/call_op_set.h).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#pragma GCC diagnostic pop
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/loadgen/bench_support.h"
#include "bench/loadgen/dynamic_request.h"
#include "echo/echo.pb.h"
#include "nlohmann/json.hpp"
#include "okr/analytics/v1/analytics_service.pb.h"
#include "okr/common/config/command_line.h"
#include "okr/feedback/v1/feedback_service.pb.h"
#include "okr/goals/v1/goals_service.pb.h"
#include "okr/goals/v1/progress_ingest_service.pb.h"
#include "okr/org/v1/org_service.pb.h"

namespace okr::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr absl::Duration kConnectTimeout = absl::Seconds(10);

struct Config {
  std::string target;
  std::string method;
  std::string bench;
  std::string token;
  std::string request_text;
  std::string request_file;
  int concurrency = 32;
  int channels = 1;
  int threads = 1;
  int server_pid = 0;
  double rate = 0;  // Calls per second over all threads; 0: closed loop.
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration call_timeout = absl::Seconds(10);
};

// What every worker reads and nobody writes while the load runs.
struct Plan {
  std::string path;
  const google::protobuf::Descriptor* response_type = nullptr;
  std::vector<grpc::ByteBuffer> requests;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;  // One per channel.
  std::string authorization;
  std::chrono::nanoseconds call_timeout{};
  double rate_per_worker = 0;  // 0: closed loop.
  Clock::time_point measure_start;
  Clock::time_point measure_end;
};

// Calls completed inside the measurement window.
struct Tally {
  std::vector<uint32_t> latencies_us;  // Successful calls only.
  int64_t errors = 0;
  int64_t skipped = 0;  // Paced calls due in the window but not sent: the in-flight cap was full.
  std::map<std::string, int64_t> error_codes;
  std::string first_error;
  std::size_t response_bytes = 0;  // The size of the first successful response.
};

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

// One thread with its own completion queue, keeping its share of the calls in flight: every
// completed call is replaced at once until the window ends.
class Worker {
 public:
  Worker(const Plan* plan, std::vector<int> slot_channels, std::size_t first_request,
         Clock::duration phase)
      : plan_(plan),
        slot_channels_(std::move(slot_channels)),
        next_request_(first_request),
        phase_(phase) {}

  void Run() {
    if (plan_->rate_per_worker > 0) {
      RunPaced();
      return;
    }
    const auto window = plan_->measure_end - plan_->measure_start;
    tally_.latencies_us.reserve(static_cast<std::size_t>(
        std::chrono::duration_cast<std::chrono::seconds>(window).count() * 20000 + 1024));
    for (int channel : slot_channels_) Start(channel, Clock::now());
    void* tag = nullptr;
    bool ok = false;
    while (in_flight_ > 0 && queue_.Next(&tag, &ok)) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      --in_flight_;
      const Clock::time_point now = Clock::now();
      if (now >= plan_->measure_start && now < plan_->measure_end) Record(*call, now);
      if (now < plan_->measure_end) Start(call->channel, Clock::now());
    }
    queue_.Shutdown();
    while (queue_.Next(&tag, &ok)) {
    }
  }

  // Open loop: this worker's share of --rate starts on a fixed schedule whatever the answers do,
  // with at most its share of --concurrency in flight (a call due beyond that is not sent, and
  // counted as skipped). Latency counts from the scheduled start, so a stall of the client or the
  // server shows in it instead of lowering the rate (no coordinated omission).
  void RunPaced() {
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / plan_->rate_per_worker));
    const std::size_t max_in_flight = slot_channels_.size();
    Clock::time_point next = Clock::now() + phase_;
    std::size_t turn = 0;
    void* tag = nullptr;
    bool ok = false;
    while (true) {
      Clock::time_point now = Clock::now();
      while (next <= now && next < plan_->measure_end) {
        if (static_cast<std::size_t>(in_flight_) < max_in_flight) {
          Start(slot_channels_[turn++ % slot_channels_.size()], next);
        } else if (next >= plan_->measure_start) {
          ++tally_.skipped;
        }
        next += interval;
      }
      const bool scheduled = next < plan_->measure_end;
      if (!scheduled && in_flight_ == 0) break;
      // Wake for the next scheduled call or an answer, whichever comes first.
      const Clock::time_point wake = scheduled ? next : now + std::chrono::seconds(1);
      const auto deadline =
          std::chrono::system_clock::now() +
          std::chrono::duration_cast<std::chrono::system_clock::duration>(wake - now);
      const grpc::CompletionQueue::NextStatus status = queue_.AsyncNext(&tag, &ok, deadline);
      if (status == grpc::CompletionQueue::SHUTDOWN) break;
      if (status != grpc::CompletionQueue::GOT_EVENT) continue;
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      --in_flight_;
      now = Clock::now();
      if (now >= plan_->measure_start && now < plan_->measure_end) Record(*call, now);
    }
    queue_.Shutdown();
    while (queue_.Next(&tag, &ok)) {
    }
  }

  Tally& tally() { return tally_; }

 private:
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> reader;
    Clock::time_point start;
    int channel = 0;
  };

  // Starts one call; its latency counts from `start` (now, or its scheduled time when paced).
  void Start(int channel, Clock::time_point start) {
    auto call = std::make_unique<Call>();
    call->channel = channel;
    call->context.set_deadline(std::chrono::system_clock::now() + plan_->call_timeout);
    if (!plan_->authorization.empty()) {
      call->context.AddMetadata("authorization", plan_->authorization);
    }
    const grpc::ByteBuffer& request = plan_->requests[next_request_ % plan_->requests.size()];
    ++next_request_;
    call->start = start;
    call->reader = plan_->stubs[static_cast<std::size_t>(channel)]->PrepareUnaryCall(
        &call->context, plan_->path, request, &queue_);
    call->reader->StartCall();
    Call* raw = call.release();  // Owned by the queue until Next returns it.
    raw->reader->Finish(&raw->response, &raw->status, raw);
    ++in_flight_;
  }

  void Record(const Call& call, Clock::time_point now) {
    if (call.status.ok()) {
      if (!response_checked_) {
        // Once per worker: an answer that is not the method's response type means the target
        // serves something else under this name.
        response_checked_ = true;
        const std::string response = Flatten(call.response);
        tally_.response_bytes = response.size();
        if (!ParsesAs(plan_->response_type, response)) {
          Fail("BAD_RESPONSE",
               "the response does not parse as " + plan_->response_type->full_name());
          return;
        }
      }
      const auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(now - call.start).count();
      tally_.latencies_us.push_back(static_cast<uint32_t>(std::min<int64_t>(micros, UINT32_MAX)));
      return;
    }
    Fail(StatusCodeName(call.status.error_code()), call.status.error_message());
  }

  void Fail(const std::string& code, const std::string& message) {
    ++tally_.errors;
    ++tally_.error_codes[code];
    if (tally_.first_error.empty()) tally_.first_error = code + ": " + message;
  }

  const Plan* plan_;
  std::vector<int> slot_channels_;
  std::size_t next_request_;
  Clock::duration phase_;  // Paced: this worker's first call starts this long after Run.
  grpc::CompletionQueue queue_;
  int in_flight_ = 0;
  bool response_checked_ = false;
  Tally tally_;
};

// The files whose services can be driven. Naming one message of each keeps the generated code (and
// with it the descriptors of the file and its imports) in the link: the proto libraries are static
// archives, and the linker leaves out objects nothing refers to.
std::vector<const google::protobuf::FileDescriptor*> LinkedServiceFiles() {
  return {okr::org::v1::GetPersonRequest::descriptor()->file(),
          okr::goals::v1::GetObjectiveRequest::descriptor()->file(),
          okr::goals::v1::IngestProgressRequest::descriptor()->file(),
          okr::feedback::v1::GetFeedbackRequest::descriptor()->file(),
          okr::analytics::v1::GetObjectiveRollupRequest::descriptor()->file(),
          okr::bench::v1::EchoRequest::descriptor()->file()};
}

void ListUnaryMethods(std::ostream& out) {
  for (const google::protobuf::FileDescriptor* file : LinkedServiceFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        if (method->client_streaming() || method->server_streaming()) continue;
        out << service->full_name() << "/" << method->name() << "\n";
      }
    }
  }
}

uint32_t Percentile(const std::vector<uint32_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

int Fail(const std::string& message) {
  std::cerr << "okr-loadgen: " << message << "\n";
  return 1;
}

int Run(int argc, char** argv) {
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex lock (gRPC locks through them)
  // also records lock order for deadlock detection. The client's CPU should go to the calls.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Config config;
  common::CommandLine command_line(
      "okr-loadgen",
      "Drives one unary gRPC method with N calls in flight and prints one JSON line:\n"
      "{bench, method, concurrency, calls, errors, qps, p50_us, p99_us, error_codes,\n"
      "response_bytes (of the first answer), ...}.\n"
      "qps counts successful calls completed in the window after the warm-up; calls counts all.\n"
      "With --rate the calls start on a fixed schedule (open loop, at most --concurrency in\n"
      "flight), latency counts from each call's scheduled start, and the line adds rate and\n"
      "skipped (calls due while --concurrency calls were in flight, not sent).");
  CLI::App& app = command_line.app();
  bool list_methods = false;
  app.add_flag("--list-methods", list_methods,
               "print the unary methods that can be driven, and exit");
  app.add_option("--target", config.target, "server host:port");
  app.add_option("--method", config.method,
                 "package.Service/Method of a proto linked into this binary, e.g. "
                 "okr.goals.v1.GoalsService/GetObjective");
  app.add_option("--request", config.request_text, "the request in protobuf text format");
  app.add_option("--request-file", config.request_file,
                 "file with one text-format request per line, sent in rotation ('#' lines and "
                 "empty lines are skipped)");
  app.add_option("--token", config.token, "JWT sent as 'authorization: Bearer <token>'")
      ->envname("OKR_LOADGEN_TOKEN");
  app.add_option("--bench", config.bench, "name in the output line (default: the method name)");
  app.add_option("--concurrency", config.concurrency, "calls in flight")
      ->check(CLI::Range(1, 100000));
  app.add_option("--channels", config.channels, "channels (connections) the calls are spread over")
      ->check(CLI::Range(1, 1024));
  app.add_option("--threads", config.threads, "client threads, each with a completion queue")
      ->check(CLI::Range(1, 256));
  app.add_option("--server-pid", config.server_pid,
                 "also report this (local) server process's CPU time per call in the window")
      ->check(CLI::PositiveNumber);
  app.add_option("--rate", config.rate,
                 "calls per second to start on a fixed schedule (open loop) instead of keeping "
                 "--concurrency calls in flight; 0 (default): closed loop")
      ->check(CLI::Range(0.0, 10000000.0));
  common::AddDurationOption(app, "--duration", &config.duration, "measurement window", "");
  common::AddDurationOption(app, "--warmup", &config.warmup, "load before the window, not counted",
                            "");
  common::AddDurationOption(app, "--call-timeout", &config.call_timeout, "deadline of each call",
                            "");
  command_line.AddValidation([&config, &list_methods] {
    if (list_methods) return absl::OkStatus();
    if (config.target.empty() || config.method.empty()) {
      return absl::InvalidArgumentError("--target and --method are required");
    }
    if (!config.request_text.empty() && !config.request_file.empty()) {
      return absl::InvalidArgumentError("give --request or --request-file, not both");
    }
    if (config.duration <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--duration must be positive");
    }
    return common::ValidateHostPort("--target", config.target);
  });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  if (list_methods) {
    ListUnaryMethods(std::cout);
    return 0;
  }

  absl::StatusOr<UnaryMethod> method = FindUnaryMethod(config.method);
  if (!method.ok()) return Fail(std::string(method.status().message()));
  std::vector<std::string> texts = {config.request_text};
  if (!config.request_file.empty()) {
    absl::StatusOr<std::vector<std::string>> lines = ReadLines(config.request_file);
    if (!lines.ok()) return Fail(std::string(lines.status().message()));
    if (lines->empty()) return Fail("--request-file " + config.request_file + " has no requests");
    texts = *std::move(lines);
  }

  Plan plan;
  plan.path = method->path;
  plan.response_type = method->response_type;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    absl::StatusOr<std::string> bytes = EncodeTextRequest(method->request_type, texts[i]);
    if (!bytes.ok()) {
      return Fail(absl::StrCat("request ", i + 1, ": ", bytes.status().message()));
    }
    grpc::Slice slice(*bytes);
    plan.requests.emplace_back(&slice, 1);
  }
  if (!config.token.empty()) plan.authorization = "Bearer " + config.token;
  plan.call_timeout = absl::ToChronoNanoseconds(config.call_timeout);

  const std::vector<std::shared_ptr<grpc::Channel>> channels =
      MakeChannels(config.target, config.channels);
  if (absl::Status connected = WaitConnected(channels, kConnectTimeout); !connected.ok()) {
    return Fail(absl::StrCat(config.target, ": ", connected.message()));
  }
  for (const auto& channel : channels) {
    plan.stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
  }

  // Slot s (one call in flight) belongs to worker s % threads and uses channel s % channels.
  const int threads = std::min(config.threads, config.concurrency);
  std::vector<std::vector<int>> slots(static_cast<std::size_t>(threads));
  for (int s = 0; s < config.concurrency; ++s) {
    slots[static_cast<std::size_t>(s % threads)].push_back(s % config.channels);
  }
  plan.rate_per_worker = config.rate / threads;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) {
    // Workers start at different points of the request rotation and, when paced, of the schedule.
    const Clock::duration phase =
        plan.rate_per_worker > 0
            ? std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(static_cast<double>(t) / config.rate))
            : Clock::duration::zero();
    workers.push_back(std::make_unique<Worker>(
        &plan, slots[static_cast<std::size_t>(t)],
        plan.requests.size() * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads),
        phase));
  }
  plan.measure_start = Clock::now() + absl::ToChronoNanoseconds(config.warmup);
  plan.measure_end = plan.measure_start + absl::ToChronoNanoseconds(config.duration);
  std::vector<std::thread> running;
  for (auto& worker : workers) running.emplace_back([&worker] { worker->Run(); });
  // CPU time of this process and of the server over the window: on a shared machine the CPU a
  // call costs is steadier than the rate, which moves with everything else that runs.
  const int self = static_cast<int>(getpid());
  std::this_thread::sleep_until(plan.measure_start);
  const absl::StatusOr<double> client_cpu_start = ReadProcCpuSeconds(self);
  absl::StatusOr<double> server_cpu_start = absl::UnknownError("no --server-pid");
  if (config.server_pid > 0) server_cpu_start = ReadProcCpuSeconds(config.server_pid);
  std::this_thread::sleep_until(plan.measure_end);
  const absl::StatusOr<double> client_cpu_end = ReadProcCpuSeconds(self);
  absl::StatusOr<double> server_cpu_end = absl::UnknownError("no --server-pid");
  if (config.server_pid > 0) server_cpu_end = ReadProcCpuSeconds(config.server_pid);
  for (std::thread& thread : running) thread.join();

  Tally total;
  for (auto& worker : workers) {
    Tally& tally = worker->tally();
    total.latencies_us.insert(total.latencies_us.end(), tally.latencies_us.begin(),
                              tally.latencies_us.end());
    total.errors += tally.errors;
    total.skipped += tally.skipped;
    for (const auto& [code, count] : tally.error_codes) total.error_codes[code] += count;
    if (total.first_error.empty()) total.first_error = tally.first_error;
    total.response_bytes = std::max(total.response_bytes, tally.response_bytes);
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  const auto ok_calls = static_cast<int64_t>(total.latencies_us.size());
  const double seconds = absl::ToDoubleSeconds(config.duration);
  const double qps = static_cast<double>(ok_calls) / seconds;

  nlohmann::ordered_json line;
  line["bench"] =
      config.bench.empty() ? config.method.substr(config.method.rfind('/') + 1) : config.bench;
  line["method"] = config.method;
  line["concurrency"] = config.concurrency;
  line["calls"] = ok_calls + total.errors;
  line["errors"] = total.errors;
  line["qps"] = std::round(qps * 10.0) / 10.0;
  line["p50_us"] = Percentile(total.latencies_us, 0.50);
  line["p99_us"] = Percentile(total.latencies_us, 0.99);
  line["error_codes"] = total.error_codes;
  line["p90_us"] = Percentile(total.latencies_us, 0.90);
  line["p999_us"] = Percentile(total.latencies_us, 0.999);
  line["max_us"] = total.latencies_us.empty() ? 0 : total.latencies_us.back();
  line["channels"] = config.channels;
  line["threads"] = threads;
  line["requests"] = plan.requests.size();
  line["seconds"] = seconds;
  line["response_bytes"] = total.response_bytes;
  if (config.rate > 0) {
    line["rate"] = config.rate;
    line["skipped"] = total.skipped;
  }
  const int64_t calls = ok_calls + total.errors;
  auto per_call_us = [calls](const absl::StatusOr<double>& start,
                             const absl::StatusOr<double>& end) -> nlohmann::ordered_json {
    if (!start.ok() || !end.ok() || calls == 0) return nullptr;
    return std::round((*end - *start) * 1e6 / static_cast<double>(calls) * 10.0) / 10.0;
  };
  line["client_cpu_us_per_call"] = per_call_us(client_cpu_start, client_cpu_end);
  if (config.server_pid > 0) {
    if (!server_cpu_start.ok() || !server_cpu_end.ok()) {
      std::cerr << "okr-loadgen: cannot read the server's CPU time: "
                << (server_cpu_start.ok() ? server_cpu_end : server_cpu_start).status().message()
                << "\n";
    }
    line["server_cpu_us_per_call"] = per_call_us(server_cpu_start, server_cpu_end);
  }
  std::cout << line.dump() << std::endl;
  if (!total.first_error.empty())
    std::cerr << "okr-loadgen: first error: " << total.first_error << "\n";
  return 0;
}

}  // namespace
}  // namespace okr::bench

int main(int argc, char** argv) {
  try {
    return okr::bench::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "okr-loadgen: internal error: " << e.what() << "\n";
    return 1;
  }
}
