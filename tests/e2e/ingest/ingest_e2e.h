// What the ingest and change-feed end-to-end tests share: an okr-goals process that a test may kill
// and restart on the same database, a seeded tenant (people, cycles, objectives, key results),
// progress event builders and a thread-safe record of what the server answered.
#pragma once

#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/clients/ingest_client.h"
#include "okr/common/status/errors.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/goals/v1/progress_ingest_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/support/e2e/service_process.h"
#include "tests/support/temp_dir.h"

namespace okr::e2e {

namespace gv1 = goals::v1;
namespace ov1 = org::v1;

inline std::string Reason(const grpc::Status& status) {
  return common::ErrorReason(common::FromGrpcStatus(status));
}

inline std::string Describe(const grpc::Status& status) {
  return "code " + std::to_string(status.error_code()) + " " + Reason(status) + ": " +
         status.error_message();
}

inline google::protobuf::Timestamp ToProto(absl::Time time) {
  const int64_t nanos = absl::ToUnixNanos(time);
  google::protobuf::Timestamp t;
  t.set_seconds(nanos / 1000000000);
  t.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return t;
}

inline absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// A whole-second time well in the past, from which tests lay out observation times in
// milliseconds, so that every time round-trips exactly and none is in the future.
inline absl::Time ObservationBase() {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) - 10 * 86400);
}

// okr-goals on a database directory of its own; Kill and Restart keep the directory.
class GoalsServer {
 public:
  explicit GoalsServer(std::vector<std::string> flags = {}) : flags_(std::move(flags)) {}

  // Starts (or restarts) the process; returns why it is not serving, empty when it is.
  std::string Start() {
    // A restart appends to the same log; ServiceProcess reads the port from the new lines.
    process_.reset();
    auto server = test_support::ServiceProcess::Start("goals", dir_.path(), flags_);
    if (!server.ok()) return "okr-goals did not start: " + std::string(server.status().message());
    process_ = *std::move(server);
    if (!process_->WaitServing()) return "okr-goals is not SERVING; log:\n" + process_->Log();
    return "";
  }

  // SIGKILL, as a crash: nothing is flushed or drained.
  void Kill() {
    ASSERT_TRUE(process_->process().Signal(SIGKILL).ok());
    ASSERT_TRUE(process_->process().Wait(absl::Seconds(20)).ok());
  }

  const std::shared_ptr<grpc::Channel>& channel() const { return process_->channel(); }
  std::string Log() const { return process_ ? process_->Log() : std::string(); }

 private:
  test_support::TempDir dir_;
  std::vector<std::string> flags_;
  std::unique_ptr<test_support::ServiceProcess> process_;
};

inline std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                                    absl::Duration timeout = absl::Seconds(30)) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// One tenant of a server, seeded with an admin (people/ceo) who owns everything created here.
// Unary calls record a test failure when they fail.
class Tenant {
 public:
  Tenant(std::shared_ptr<grpc::Channel> channel, std::string id)
      : id_(std::move(id)),
        admin_(test_support::E2eToken(id_, "ceo", {"admin"})),
        ingest_(test_support::E2eToken(id_, "crm-sync", {"ingest"})) {
    Connect(std::move(channel));
  }

  // After a restart: the same tenant through the new process.
  void Connect(std::shared_ptr<grpc::Channel> channel) {
    goals_ = gv1::GoalsService::NewStub(channel);
    org_ = ov1::OrgService::NewStub(channel);
    ingest_stub_ = gv1::ProgressIngestService::NewStub(channel);
  }

  void SeedPeople() {
    ov1::BatchUpsertPeopleRequest request;
    auto* person = request.add_people();
    person->set_name("people/ceo");
    person->set_display_name("Chief");
    person->set_email("ceo@example.com");
    ov1::BatchUpsertPeopleResponse response;
    const grpc::Status status = org_->BatchUpsertPeople(Context(admin_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
  }

  gv1::Cycle NewCycle() {
    gv1::CreateCycleRequest request;
    auto* cycle = request.mutable_cycle();
    cycle->set_display_name("cycle " + std::to_string(++cycles_));
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    for (auto [date, day] : {std::pair{cycle->mutable_start_date(), today - 30},
                             std::pair{cycle->mutable_end_date(), today + 60}}) {
      date->set_year(static_cast<int32_t>(day.year()));
      date->set_month(day.month());
      date->set_day(day.day());
    }
    cycle->set_state(gv1::CYCLE_STATE_ACTIVE);
    gv1::Cycle created;
    const grpc::Status status = goals_->CreateCycle(Context(admin_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return created;
  }

  void CloseCycle(const std::string& cycle) {
    gv1::CloseCycleRequest request;
    request.set_name(cycle);
    gv1::Cycle closed;
    const grpc::Status status = goals_->CloseCycle(Context(admin_).get(), request, &closed);
    EXPECT_TRUE(status.ok()) << Describe(status);
  }

  gv1::Objective NewObjective(const gv1::Cycle& cycle, const std::string& title,
                              const std::string& parent = "") {
    gv1::CreateObjectiveRequest request;
    auto* objective = request.mutable_objective();
    objective->set_title(title);
    objective->set_cycle(cycle.name());
    objective->set_level(parent.empty() ? gv1::OBJECTIVE_LEVEL_COMPANY
                                        : gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
    objective->set_owner_person("people/ceo");
    objective->set_state(gv1::OBJECTIVE_STATE_ACTIVE);
    objective->set_parent(parent);
    gv1::Objective created;
    const grpc::Status status = goals_->CreateObjective(Context(admin_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return created;
  }

  // A NUMERIC key result from `start` to `target`, bound to `metric_key` when it is not empty.
  gv1::KeyResult NewKeyResult(const gv1::Objective& objective, double start, double target,
                              const std::string& metric_key = "") {
    gv1::CreateKeyResultRequest request;
    request.set_parent(objective.name());
    auto* kr = request.mutable_key_result();
    kr->set_title("measure " + std::to_string(++key_results_));
    kr->set_type(gv1::KEY_RESULT_TYPE_NUMERIC);
    kr->set_start_value(start);
    kr->set_target_value(target);
    kr->set_metric_key(metric_key);
    gv1::KeyResult created;
    const grpc::Status status = goals_->CreateKeyResult(Context(admin_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return created;
  }

  gv1::KeyResult GetKeyResult(const std::string& name) {
    gv1::GetKeyResultRequest request;
    request.set_name(name);
    gv1::KeyResult kr;
    const grpc::Status status = goals_->GetKeyResult(Context(admin_).get(), request, &kr);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return kr;
  }

  // Every check-in of a key result, following page tokens.
  std::vector<gv1::CheckIn> CheckIns(const std::string& key_result) {
    std::vector<gv1::CheckIn> all;
    gv1::ListCheckInsRequest request;
    request.set_parent(key_result);
    request.set_page_size(1000);
    for (int pages = 0; pages < 10000; ++pages) {
      gv1::ListCheckInsResponse response;
      const grpc::Status status =
          goals_->ListCheckIns(Context(admin_, absl::Seconds(60)).get(), request, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      all.insert(all.end(), response.check_ins().begin(), response.check_ins().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  const std::string& id() const { return id_; }
  const std::string& admin() const { return admin_; }
  const std::string& ingest_token() const { return ingest_; }
  gv1::GoalsService::Stub& goals() { return *goals_; }
  gv1::ProgressIngestService::Stub& ingest() { return *ingest_stub_; }

 private:
  std::string id_;
  std::string admin_;
  std::string ingest_;
  std::unique_ptr<gv1::GoalsService::Stub> goals_;
  std::unique_ptr<ov1::OrgService::Stub> org_;
  std::unique_ptr<gv1::ProgressIngestService::Stub> ingest_stub_;
  int cycles_ = 0;
  int key_results_ = 0;
};

// Where an event goes: a key result by name, or every key result bound to a metric key.
struct Target {
  bool metric = false;
  std::string name;
};

inline Target Kr(const std::string& name) { return Target{false, name}; }
inline Target Metric(const std::string& key) { return Target{true, key}; }

inline gv1::ProgressEvent Event(const std::string& id, const Target& target, gv1::ProgressMode mode,
                                double value, absl::Time observed_at) {
  gv1::ProgressEvent event;
  event.set_event_id(id);
  if (target.metric) {
    event.set_metric_key(target.name);
  } else {
    event.set_key_result(target.name);
  }
  event.set_mode(mode);
  event.set_value(value);
  *event.mutable_observed_at() = ToProto(observed_at);
  event.set_source("e2e");
  return event;
}

inline gv1::ProgressEvent SetEvent(const std::string& id, const Target& target, double value,
                                   absl::Time observed_at) {
  return Event(id, target, gv1::PROGRESS_MODE_SET, value, observed_at);
}

inline gv1::ProgressEvent IncEvent(const std::string& id, const Target& target, double delta,
                                   absl::Time observed_at) {
  return Event(id, target, gv1::PROGRESS_MODE_INCREMENT, delta, observed_at);
}

// What the server answered to the events of one or more IngestClients: acks per id and errors.
class Answers {
 public:
  void Ack(const std::string& id) {
    absl::MutexLock lock(&mu_);
    ++acks_[id];
  }
  void Error(const gv1::ProgressEventError& error) {
    absl::MutexLock lock(&mu_);
    errors_.push_back(error);
  }
  bool Acked(const std::string& id) const {
    absl::MutexLock lock(&mu_);
    return acks_.contains(id);
  }
  std::set<std::string> AckedIds() const {
    absl::MutexLock lock(&mu_);
    std::set<std::string> ids;
    for (const auto& [id, count] : acks_) ids.insert(id);
    return ids;
  }
  size_t AckedCount() const {
    absl::MutexLock lock(&mu_);
    return acks_.size();
  }
  std::vector<gv1::ProgressEventError> Errors() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, int> acks_ ABSL_GUARDED_BY(mu_);
  std::vector<gv1::ProgressEventError> errors_ ABSL_GUARDED_BY(mu_);
};

// An IngestClient whose answers land in `answers`.
inline absl::StatusOr<clients::IngestClientPtr> NewIngestClient(
    std::shared_ptr<grpc::Channel> channel, const std::string& token, Answers* answers,
    int events_per_request = 250) {
  clients::IngestClientOptions options;
  options.channel = std::move(channel);
  options.bearer_token = token;
  options.max_events_per_request = events_per_request;
  options.initial_backoff = absl::Milliseconds(20);
  options.max_backoff = absl::Milliseconds(500);
  options.on_ack = [answers](const std::string& id) { answers->Ack(id); };
  options.on_error = [answers](const gv1::ProgressEventError& error) { answers->Error(error); };
  return clients::IngestClient::Create(std::move(options));
}

// One okr-goals for a test suite and a fresh tenant (people seeded) for each test, named
// `<prefix><test name>`.
class GoalsSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GoalsServer({"--drain-period", "0s"});
    problem_ = server_->Start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void StartTenant(const std::string& prefix) {
    ASSERT_EQ(problem_, "");
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    tenant_ = std::make_unique<Tenant>(server_->channel(), prefix + info->name());
    tenant_->SeedPeople();
  }

  static inline GoalsServer* server_ = nullptr;
  static inline std::string problem_;
  std::unique_ptr<Tenant> tenant_;
};

}  // namespace okr::e2e
