// The in-process goals fixture: GoalsService and OrgService over real gRPC and a real SQLite file,
// with an injected clock. goals_ writes through a FailingDatabase (so a test can fail writes after
// their body ran) and answers reads from its read model; database_goals_ answers the same reads
// from the database alone, on its own server.
#ifndef OKR_TESTS_INTEGRATION_GOALS_GOALS_FIXTURE_H_
#define OKR_TESTS_INTEGRATION_GOALS_GOALS_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "okr/common/changelog/change_feed.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/grpc_server.h"
#include "okr/common/storage/sqlite_database.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/api/org_service.h"
#include "services/goals/src/store/schema.h"
#include "tests/support/failing_database.h"
#include "tests/support/plain_tokens.h"
#include "tests/support/temp_dir.h"

namespace okr::goals {

namespace v1 = ::okr::goals::v1;

// 2027-01-01 00:00 UTC: the fixture's cycle runs through January 2027.
inline const absl::Time kJan1 = absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone());

class GoalsServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    now_us_ = absl::ToUnixMicros(kJan1);
    StartServer();
  }

  void TearDown() override { StopServer(); }

  void StartServer() {
    common::SqliteDatabaseOptions db_options;
    db_options.path = dir_.path() + "/goals.db";
    db_options.migrations = GoalsMigrations();
    auto database = common::SqliteDatabase::Open(db_options);
    ASSERT_TRUE(database.ok()) << database.status();
    sqlite_ = *std::move(database);
    database_ = std::make_unique<test_support::FailingDatabase>(sqlite_.get());
    executor_ = std::make_unique<common::ThreadPool>(2);
    runtime_ =
        std::make_unique<common::RpcRuntime>(executor_.get(), &tokens_, "goals.okr-suite", false);
    GoalsOptions options;
    options.clock = [this] { return absl::FromUnixMicros(now_us_.load()); };
    common::ChangeFeedOptions feed_options;
    feed_options.frame = &FrameChange;
    feed_ = std::make_unique<common::ChangeFeed>(sqlite_.get(), runtime_.get(), feed_options);
    ASSERT_TRUE(feed_->Open().ok());
    goals_ = std::make_unique<GoalsService>(runtime_.get(), database_.get(), feed_.get(),
                                            &page_tokens_, options);
    // The same reads from the database alone, for comparing with the read model (it takes no
    // writes: they would not reach goals_' model).
    GoalsOptions database_only = options;
    database_only.read_model = false;
    database_goals_ = std::make_unique<GoalsService>(runtime_.get(), sqlite_.get(), feed_.get(),
                                                     &page_tokens_, database_only);
    org_ = std::make_unique<OrgService>(runtime_.get(), sqlite_.get(), &page_tokens_);
    goals_->WarmUp();
    for (int i = 0; i < 1000 && !goals_->read_model().ready(); ++i)
      absl::SleepFor(absl::Milliseconds(5));
    ASSERT_TRUE(goals_->read_model().ready());
    common::ServerOptions server_options;
    server_options.listen = "127.0.0.1:0";
    server_options.drain_period = absl::ZeroDuration();
    auto server = common::GrpcServer::Start(
        server_options, {{goals_.get(), v1::GoalsService::service_full_name()},
                         {org_.get(), org::v1::OrgService::service_full_name()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                       grpc::InsecureChannelCredentials());
    stub_ = v1::GoalsService::NewStub(channel);
    org_stub_ = org::v1::OrgService::NewStub(channel);
    auto database_server = common::GrpcServer::Start(
        server_options, {{database_goals_.get(), v1::GoalsService::service_full_name()}});
    ASSERT_TRUE(database_server.ok()) << database_server.status();
    database_server_ = *std::move(database_server);
    database_stub_ = v1::GoalsService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(database_server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  void StopServer() {
    if (feed_) feed_->Stop();
    if (server_) server_->Shutdown();
    if (database_server_) database_server_->Shutdown();
    server_.reset();
    database_server_.reset();
    if (executor_) executor_->Shutdown();
    goals_.reset();
    database_goals_.reset();
    org_.reset();
    feed_.reset();
    if (database_) database_->Close();
    database_.reset();
    sqlite_.reset();
  }

  void SetNow(absl::Time t) { now_us_ = absl::ToUnixMicros(t); }

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const Request& request, Response* response) {
    return CallOn(*stub_, method, request, response);
  }

  // The same call on `stub` (stub_ or database_stub_).
  template <typename Method, typename Request, typename Response>
  grpc::Status CallOn(v1::GoalsService::Stub& stub, Method method, const Request& request,
                      Response* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub.*method)(&context, request, response);
  }

  void AddPerson(const std::string& id) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer acme.boss.admin");
    org::v1::BatchUpsertPeopleRequest request;
    org::v1::Person* person = request.add_people();
    person->set_name("people/" + id);
    person->set_display_name(id);
    person->set_email(id + "@example.com");
    org::v1::BatchUpsertPeopleResponse response;
    ASSERT_TRUE(org_stub_->BatchUpsertPeople(&context, request, &response).ok());
  }

  v1::Cycle CreateJanuaryCycle(absl::Duration cadence = absl::Hours(24 * 7)) {
    v1::CreateCycleRequest request;
    v1::Cycle* cycle = request.mutable_cycle();
    cycle->set_display_name("2027-01");
    cycle->mutable_start_date()->set_year(2027);
    cycle->mutable_start_date()->set_month(1);
    cycle->mutable_start_date()->set_day(1);
    cycle->mutable_end_date()->set_year(2027);
    cycle->mutable_end_date()->set_month(1);
    cycle->mutable_end_date()->set_day(30);  // 30 days: each day is 1/30 of the cycle
    cycle->set_state(v1::CYCLE_STATE_ACTIVE);
    cycle->mutable_check_in_cadence()->set_seconds(absl::ToInt64Seconds(cadence));
    v1::Cycle created;
    grpc::Status status = Call(&v1::GoalsService::Stub::CreateCycle, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::Objective CreateObjective(const std::string& cycle, const std::string& parent = "",
                                bool rollup_children = false, double weight = 1,
                                const std::string& owner = "boss", bool is_private = false) {
    v1::CreateObjectiveRequest request;
    v1::Objective* o = request.mutable_objective();
    o->set_title("objective");
    o->set_owner_person("people/" + owner);
    if (is_private) o->set_visibility(v1::OBJECTIVE_VISIBILITY_PRIVATE);
    o->set_level(v1::OBJECTIVE_LEVEL_INDIVIDUAL);
    o->set_cycle(cycle);
    o->set_parent(parent);
    o->set_rollup_children(rollup_children);
    o->set_weight(weight);
    v1::Objective created;
    grpc::Status status = Call(&v1::GoalsService::Stub::CreateObjective, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status CreateKeyResult(const std::string& objective, v1::KeyResultType type,
                               v1::KeyResult* created) {
    v1::CreateKeyResultRequest request;
    request.set_parent(objective);
    v1::KeyResult* k = request.mutable_key_result();
    k->set_title("key result");
    k->set_type(type);
    if (type == v1::KEY_RESULT_TYPE_NUMERIC) {
      k->set_start_value(0);
      k->set_target_value(100);
    }
    if (type == v1::KEY_RESULT_TYPE_MILESTONE) {
      for (int i = 0; i < 3; ++i) k->add_milestones()->set_title("step");
    }
    return Call(&v1::GoalsService::Stub::CreateKeyResult, request, created);
  }

  grpc::Status CheckIn(const std::string& key_result, std::optional<double> value,
                       std::optional<int> confidence = std::nullopt) {
    v1::CreateCheckInRequest request;
    request.set_parent(key_result);
    if (value) request.mutable_check_in()->set_value(*value);
    if (confidence) request.mutable_check_in()->set_confidence(*confidence);
    v1::CheckIn created;
    return Call(&v1::GoalsService::Stub::CreateCheckIn, request, &created);
  }

  v1::Objective GetObjective(const std::string& name) {
    v1::GetObjectiveRequest request;
    request.set_name(name);
    v1::Objective objective;
    EXPECT_TRUE(Call(&v1::GoalsService::Stub::GetObjective, request, &objective).ok());
    return objective;
  }

  v1::KeyResult GetKeyResult(const std::string& name) {
    v1::GetKeyResultRequest request;
    request.set_name(name);
    v1::KeyResult key_result;
    EXPECT_TRUE(Call(&v1::GoalsService::Stub::GetKeyResult, request, &key_result).ok());
    return key_result;
  }

  // The names whose stored roll-up differs from a recomputation from scratch.
  std::vector<std::string> Verify(const std::string& cycle_name) {
    std::vector<std::string> differing;
    absl::Status status = database_->Read([&](common::SqlSession& session) {
      GoalsStore store(session, "acme");
      auto cycle = store.FindCycle(cycle_name.substr(cycle_name.find('/') + 1));
      if (!cycle.ok()) return cycle.status();
      auto result = VerifyRollups(store, **cycle, {}, absl::FromUnixMicros(now_us_.load()), false);
      if (!result.ok()) return result.status();
      differing = *std::move(result);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return differing;
  }

  std::string token_ = "acme.boss.admin";  // the caller of Call()
  test_support::TempDir dir_;
  std::atomic<int64_t> now_us_{0};
  test_support::PlainTokens tokens_;
  const common::PageTokenCodec page_tokens_{common::PageTokenCodec::GenerateKey()};
  std::unique_ptr<common::SqliteDatabase> sqlite_;
  // goals_ writes through it; everything else uses sqlite_ directly.
  std::unique_ptr<test_support::FailingDatabase> database_;
  std::unique_ptr<common::ThreadPool> executor_;
  std::unique_ptr<common::RpcRuntime> runtime_;
  std::unique_ptr<common::ChangeFeed> feed_;
  std::unique_ptr<GoalsService> goals_;           // serves reads from its read model
  std::unique_ptr<GoalsService> database_goals_;  // read_model = false, on the same database
  std::unique_ptr<OrgService> org_;
  std::unique_ptr<common::GrpcServer> server_;
  std::unique_ptr<common::GrpcServer> database_server_;
  std::unique_ptr<v1::GoalsService::Stub> stub_;
  std::unique_ptr<v1::GoalsService::Stub> database_stub_;
  std::unique_ptr<org::v1::OrgService::Stub> org_stub_;
};

}  // namespace okr::goals

#endif  // OKR_TESTS_INTEGRATION_GOALS_GOALS_FIXTURE_H_
