// okr-goals-seed: fills a goals service over gRPC (asynchronous calls, many in flight) with people,
// one ACTIVE cycle, objectives and NUMERIC key results (optionally bound to metric keys, for the
// ingest benchmarks) for the load benchmarks; writes the created names to files and can report the
// server's resident memory before and after. Prints one JSON line.
//   okr-goals-seed --target 127.0.0.1:50051 --token "$ADMIN_JWT" --people 100 --objectives 1000
//     --key-results-per-objective 5 --key-results-out krs.txt --server-pid 1234
//   okr-goals-seed ... --objectives 10 --key-results-per-objective 1 --metric-keys
//   bench.m0,bench.m1
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/loadgen/bench_support.h"
#include "nlohmann/json.hpp"
#include "okr/common/config/command_line.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"

namespace okr::bench {
namespace {

namespace goals = okr::goals::v1;
namespace org = okr::org::v1;

constexpr int kPeoplePerBatch = 1000;  // OrgService.BatchUpsertPeople's limit.
constexpr absl::Duration kConnectTimeout = absl::Seconds(10);

struct Config {
  std::string target;
  std::string token;
  std::string cycle;
  std::string objectives_out;
  std::string key_results_out;
  std::vector<std::string> metric_keys;
  int64_t people = 100;
  int64_t objectives = 1000;
  int64_t key_results_per_objective = 5;
  int concurrency = 64;
  int channels = 1;
  int server_pid = 0;
  absl::Duration call_timeout = absl::Seconds(60);
};

// Runs operations 0..count-1 with at most `concurrency` in flight. `start(i, done)` begins
// operation i and must call `done` exactly once with its outcome. After the first failure no new
// operation starts; Wait returns that failure once the running ones have finished.
class Pipeline {
 public:
  using Done = std::function<void(const grpc::Status&)>;
  using Start = std::function<void(int64_t, Done)>;

  Pipeline(int64_t count, int concurrency, Start start)
      : count_(count), concurrency_(concurrency), start_(std::move(start)) {}

  grpc::Status Run() {
    std::vector<int64_t> first;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (next_ < count_ && in_flight_ < concurrency_) {
        first.push_back(next_++);
        ++in_flight_;
      }
    }
    for (int64_t i : first) Launch(i);
    std::unique_lock<std::mutex> lock(mu_);
    finished_.wait(lock, [this] { return in_flight_ == 0 && (failed_ || next_ >= count_); });
    return first_error_;
  }

 private:
  void Launch(int64_t i) {
    start_(i, [this](const grpc::Status& status) { OnDone(status); });
  }

  void OnDone(const grpc::Status& status) {
    std::optional<int64_t> next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
      if (!status.ok() && !failed_) {
        failed_ = true;
        first_error_ = status;
      }
      if (!failed_ && next_ < count_) {
        next = next_++;
        ++in_flight_;
      } else if (in_flight_ == 0) {
        // Notified under the lock: Run may return (and this object go away) right after.
        finished_.notify_all();
      }
    }
    if (next) Launch(*next);
  }

  const int64_t count_;
  const int concurrency_;
  const Start start_;
  std::mutex mu_;
  std::condition_variable finished_;
  int64_t next_ = 0;
  int in_flight_ = 0;
  bool failed_ = false;
  grpc::Status first_error_;
};

template <typename Request, typename Response>
struct Rpc {
  grpc::ClientContext context;
  Request request;
  Response response;
};

class Seeder {
 public:
  explicit Seeder(const Config& config) : config_(config) {
    channels_ = MakeChannels(config.target, config.channels);
    for (const auto& channel : channels_) {
      org_stubs_.push_back(org::OrgService::NewStub(channel));
      goals_stubs_.push_back(goals::GoalsService::NewStub(channel));
    }
  }

  absl::Status Connect() { return WaitConnected(channels_, kConnectTimeout); }

  grpc::Status SeedPeople() {
    const int64_t batches = (config_.people + kPeoplePerBatch - 1) / kPeoplePerBatch;
    return Pipeline(batches, config_.concurrency,
                    [this](int64_t batch, Pipeline::Done done) {
                      auto rpc = std::make_shared<
                          Rpc<org::BatchUpsertPeopleRequest, org::BatchUpsertPeopleResponse>>();
                      Prepare(rpc->context);
                      const int64_t end = std::min(config_.people, (batch + 1) * kPeoplePerBatch);
                      for (int64_t i = batch * kPeoplePerBatch; i < end; ++i) {
                        org::Person* person = rpc->request.add_people();
                        person->set_name(PersonName(i));
                        person->set_display_name(absl::StrCat("Bench Person ", i));
                        person->set_email(absl::StrCat("p", i, "@bench.example"));
                        person->set_state(org::PERSON_STATE_ACTIVE);
                      }
                      OrgStub(batch)->async()->BatchUpsertPeople(
                          &rpc->context, &rpc->request, &rpc->response,
                          [rpc, done](grpc::Status status) { done(status); });
                    })
        .Run();
  }

  grpc::Status SeedCycle() {
    if (!config_.cycle.empty()) {
      cycle_ = config_.cycle;
      return grpc::Status::OK;
    }
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    Rpc<goals::CreateCycleRequest, goals::Cycle> rpc;
    Prepare(rpc.context);
    goals::Cycle* cycle = rpc.request.mutable_cycle();
    cycle->set_display_name(absl::StrCat(
        "bench ", absl::FormatTime("%Y-%m-%d %H:%M:%E3S", absl::Now(), absl::UTCTimeZone())));
    SetDate(today - 30, cycle->mutable_start_date());
    SetDate(today + 60, cycle->mutable_end_date());
    cycle->set_time_zone("UTC");
    cycle->set_state(goals::CYCLE_STATE_ACTIVE);
    grpc::Status status = goals_stubs_[0]->CreateCycle(&rpc.context, rpc.request, &rpc.response);
    if (status.ok()) cycle_ = rpc.response.name();
    return status;
  }

  grpc::Status SeedObjectives() {
    objective_names_.assign(static_cast<std::size_t>(config_.objectives), std::string());
    return Pipeline(
               config_.objectives, config_.concurrency,
               [this](int64_t i, Pipeline::Done done) {
                 auto rpc =
                     std::make_shared<Rpc<goals::CreateObjectiveRequest, goals::Objective>>();
                 Prepare(rpc->context);
                 goals::Objective* objective = rpc->request.mutable_objective();
                 objective->set_title(absl::StrCat("Bench objective ", i));
                 objective->set_description("Seeded by okr-goals-seed for the load benchmarks.");
                 objective->set_owner_person(PersonName(i % config_.people));
                 objective->set_level(goals::OBJECTIVE_LEVEL_INDIVIDUAL);
                 objective->set_cycle(cycle_);
                 objective->set_kind(goals::OBJECTIVE_KIND_COMMITTED);
                 objective->set_visibility(goals::OBJECTIVE_VISIBILITY_PUBLIC);
                 objective->set_state(goals::OBJECTIVE_STATE_ACTIVE);
                 GoalsStub(i)->async()->CreateObjective(
                     &rpc->context, &rpc->request, &rpc->response,
                     [this, rpc, i, done](grpc::Status status) {
                       if (status.ok()) {
                         objective_names_[static_cast<std::size_t>(i)] = rpc->response.name();
                         if (i == 0) objective_bytes_ = rpc->response.ByteSizeLong();
                       }
                       done(status);
                     });
               })
        .Run();
  }

  grpc::Status SeedKeyResults() {
    const int64_t per_objective = config_.key_results_per_objective;
    const int64_t count = config_.objectives * per_objective;
    key_result_names_.assign(static_cast<std::size_t>(count), std::string());
    return Pipeline(
               count, config_.concurrency,
               [this, per_objective](int64_t j, Pipeline::Done done) {
                 auto rpc =
                     std::make_shared<Rpc<goals::CreateKeyResultRequest, goals::KeyResult>>();
                 Prepare(rpc->context);
                 const int64_t objective = j / per_objective;
                 rpc->request.set_parent(objective_names_[static_cast<std::size_t>(objective)]);
                 goals::KeyResult* key_result = rpc->request.mutable_key_result();
                 key_result->set_title(
                     absl::StrCat("Bench key result ", j % per_objective, " of ", objective));
                 key_result->set_owner(PersonName(objective % config_.people));
                 key_result->set_type(goals::KEY_RESULT_TYPE_NUMERIC);
                 key_result->set_direction(goals::KEY_RESULT_DIRECTION_INCREASE);
                 key_result->set_unit("points");
                 key_result->set_start_value(0);
                 key_result->set_target_value(100);
                 if (!config_.metric_keys.empty()) {
                   key_result->set_metric_key(config_.metric_keys[static_cast<std::size_t>(j) %
                                                                  config_.metric_keys.size()]);
                 }
                 GoalsStub(j)->async()->CreateKeyResult(
                     &rpc->context, &rpc->request, &rpc->response,
                     [this, rpc, j, done](grpc::Status status) {
                       if (status.ok())
                         key_result_names_[static_cast<std::size_t>(j)] = rpc->response.name();
                       done(status);
                     });
               })
        .Run();
  }

  const std::string& cycle() const { return cycle_; }
  const std::vector<std::string>& objective_names() const { return objective_names_; }
  const std::vector<std::string>& key_result_names() const { return key_result_names_; }
  std::size_t objective_bytes() const { return objective_bytes_; }

 private:
  static std::string PersonName(int64_t i) { return absl::StrCat("people/p", i); }

  static void SetDate(absl::CivilDay day, google::type::Date* date) {
    date->set_year(static_cast<int32_t>(day.year()));
    date->set_month(day.month());
    date->set_day(day.day());
  }

  void Prepare(grpc::ClientContext& context) const {
    context.set_deadline(absl::ToChronoTime(absl::Now() + config_.call_timeout));
    if (!config_.token.empty()) context.AddMetadata("authorization", "Bearer " + config_.token);
  }

  org::OrgService::Stub* OrgStub(int64_t i) {
    return org_stubs_[static_cast<std::size_t>(i) % org_stubs_.size()].get();
  }
  goals::GoalsService::Stub* GoalsStub(int64_t i) {
    return goals_stubs_[static_cast<std::size_t>(i) % goals_stubs_.size()].get();
  }

  const Config& config_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<org::OrgService::Stub>> org_stubs_;
  std::vector<std::unique_ptr<goals::GoalsService::Stub>> goals_stubs_;
  std::string cycle_;
  std::vector<std::string> objective_names_;
  std::vector<std::string> key_result_names_;
  std::size_t objective_bytes_ = 0;
};

int Fail(const std::string& message) {
  std::cerr << "okr-goals-seed: " << message << "\n";
  return 1;
}

int Fail(const std::string& step, const grpc::Status& status) {
  return Fail(absl::StrCat(step, " failed: ", StatusCodeName(status.error_code()), ": ",
                           status.error_message()));
}

double PerSecond(int64_t count, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? std::round(static_cast<double>(count) / seconds * 10.0) / 10.0 : 0.0;
}

int Run(int argc, char** argv) {
  Config config;
  common::CommandLine command_line(
      "okr-goals-seed",
      "Creates people, one ACTIVE cycle, objectives and NUMERIC (INCREASE 0 to 100) key results "
      "in a goals service, with many calls in flight, and prints one JSON line.");
  CLI::App& app = command_line.app();
  app.add_option("--target", config.target, "goals service host:port")->required();
  app.add_option("--token", config.token, "admin JWT, sent as 'authorization: Bearer <token>'")
      ->envname("OKR_SEED_TOKEN");
  app.add_option("--people", config.people,
                 "people to upsert (people/p0 ...); objectives are "
                 "owned by them in turn")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  app.add_option("--objectives", config.objectives, "objectives to create")
      ->check(CLI::Range(int64_t{0}, int64_t{100000000}));
  app.add_option("--key-results-per-objective", config.key_results_per_objective,
                 "key results to create in each objective")
      ->check(CLI::Range(int64_t{0}, int64_t{1000}));
  app.add_option("--cycle", config.cycle, "use this cycle (cycles/...) instead of creating one");
  std::string metric_keys;
  app.add_option("--metric-keys", metric_keys,
                 "comma-separated metric keys; key result j (in creation order) is bound to key "
                 "j % count, so IngestProgress events can address them by key");
  app.add_option("--objectives-out", config.objectives_out,
                 "file to write the created objective names to, one a line");
  app.add_option("--key-results-out", config.key_results_out,
                 "file to write the created key result names to, one a line");
  app.add_option("--concurrency", config.concurrency, "calls in flight")
      ->check(CLI::Range(1, 10000));
  app.add_option("--channels", config.channels, "channels (connections) to spread calls over")
      ->check(CLI::Range(1, 64));
  app.add_option("--server-pid", config.server_pid,
                 "report this process's VmRSS/VmHWM (from /proc) before and after seeding")
      ->check(CLI::PositiveNumber);
  common::AddDurationOption(app, "--call-timeout", &config.call_timeout, "deadline of each call",
                            "");
  command_line.AddValidation(
      [&config] { return common::ValidateHostPort("--target", config.target); });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  config.metric_keys = absl::StrSplit(metric_keys, ',', absl::SkipEmpty());

  std::optional<ProcMemory> before;
  if (config.server_pid > 0) {
    absl::StatusOr<ProcMemory> memory = ReadProcMemory(config.server_pid);
    if (!memory.ok()) return Fail(std::string(memory.status().message()));
    before = *memory;
  }

  Seeder seeder(config);
  if (absl::Status connected = seeder.Connect(); !connected.ok()) {
    return Fail(absl::StrCat(config.target, ": ", connected.message()));
  }
  const absl::Time started = absl::Now();
  if (grpc::Status s = seeder.SeedPeople(); !s.ok()) return Fail("BatchUpsertPeople", s);
  if (grpc::Status s = seeder.SeedCycle(); !s.ok()) return Fail("CreateCycle", s);
  const absl::Time objectives_started = absl::Now();
  if (grpc::Status s = seeder.SeedObjectives(); !s.ok()) return Fail("CreateObjective", s);
  const absl::Time key_results_started = absl::Now();
  if (grpc::Status s = seeder.SeedKeyResults(); !s.ok()) return Fail("CreateKeyResult", s);
  const absl::Time finished = absl::Now();

  if (!config.objectives_out.empty()) {
    if (absl::Status s = WriteLines(config.objectives_out, seeder.objective_names()); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }
  if (!config.key_results_out.empty()) {
    if (absl::Status s = WriteLines(config.key_results_out, seeder.key_result_names()); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }

  const auto key_results = static_cast<int64_t>(seeder.key_result_names().size());
  nlohmann::ordered_json line;
  line["bench"] = "seed";
  line["people"] = config.people;
  line["cycle"] = seeder.cycle();
  line["objectives"] = config.objectives;
  line["key_results"] = key_results;
  line["metric_keys"] = config.metric_keys.size();
  line["seconds"] = std::round(absl::ToDoubleSeconds(finished - started) * 100.0) / 100.0;
  line["objectives_per_s"] = PerSecond(config.objectives, key_results_started - objectives_started);
  line["key_results_per_s"] = PerSecond(key_results, finished - key_results_started);
  line["objective_bytes"] = seeder.objective_bytes();
  line["concurrency"] = config.concurrency;
  if (before) {
    absl::StatusOr<ProcMemory> after = ReadProcMemory(config.server_pid);
    if (!after.ok()) return Fail(std::string(after.status().message()));
    line["server_pid"] = config.server_pid;
    line["rss_before_kib"] = before->rss_kib;
    line["rss_after_kib"] = after->rss_kib;
    line["hwm_after_kib"] = after->hwm_kib;
    line["rss_after_mib"] = std::round(static_cast<double>(after->rss_kib) / 1024.0 * 10.0) / 10.0;
  }
  std::cout << line.dump() << std::endl;
  return 0;
}

}  // namespace
}  // namespace okr::bench

int main(int argc, char** argv) {
  try {
    return okr::bench::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "okr-goals-seed: internal error: " << e.what() << "\n";
    return 1;
  }
}
