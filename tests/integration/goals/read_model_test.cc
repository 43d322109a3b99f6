// The read model against the database: after random writes (accepted, rejected, and failed after
// their body ran so the database rolled them back) and after a restart, GetObjective and
// GetKeyResult answered from goals_' in-memory model equal the same calls answered from the
// database alone by database_goals_, for an admin, for callers without roles (whose PRIVATE reads
// the org directory decides) and for another tenant.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "services/goals/src/feed/derived_event_scheduler.h"
#include "tests/integration/goals/goals_fixture.h"

namespace okr::goals {
namespace {

class ReadModelTest : public GoalsServiceFixture {
 protected:
  // The names (as "caller: name") whose answer from the model differs from the database's.
  template <typename Request, typename Response, typename Method>
  void Compare(Method method, const std::string& name, std::vector<std::string>& differing) {
    Request request;
    request.set_name(name);
    Response from_model;
    Response from_database;
    const grpc::Status a = CallOn(*stub_, method, request, &from_model);
    const grpc::Status b = CallOn(*database_stub_, method, request, &from_database);
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    if (a.error_code() != b.error_code() || a.error_message() != b.error_message()) {
      differing.push_back(absl::StrCat(token_, ": ", name, ": ", a.error_code(), " ",
                                       a.error_message(), " vs ", b.error_code(), " ",
                                       b.error_message()));
    } else if (!differencer.Compare(from_database, from_model)) {
      differing.push_back(absl::StrCat(token_, ": ", name, ": ", diff));
    }
    ++compared_;
  }

  std::vector<std::string> Differences() {
    std::vector<std::string> differing;
    const std::string caller = token_;
    for (const char* token : {"acme.boss.admin", "acme.peer.", "acme.boss.",
                              "acme.reader.service-reader", "globex.boss.admin"}) {
      token_ = token;
      for (const std::string& name : objectives_) {
        Compare<v1::GetObjectiveRequest, v1::Objective>(&v1::GoalsService::Stub::GetObjective, name,
                                                        differing);
      }
      for (const std::string& name : key_results_) {
        Compare<v1::GetKeyResultRequest, v1::KeyResult>(&v1::GoalsService::Stub::GetKeyResult, name,
                                                        differing);
      }
    }
    token_ = caller;
    return differing;
  }

  // The model holds what the database holds: as many objectives and key results.
  void ExpectSameCounts() {
    int64_t objectives = -1;
    int64_t key_results = -1;
    ASSERT_TRUE(sqlite_
                    ->Read([&](common::SqlSession& session) -> absl::Status {
                      auto o = session.QueryOne(
                          "SELECT COUNT(*) FROM goal_objectives WHERE tenant = 'acme'", {});
                      if (!o.ok()) return o.status();
                      objectives = (*o)->GetInt64(0);
                      auto k = session.QueryOne(
                          "SELECT COUNT(*) FROM goal_key_results WHERE tenant = 'acme'", {});
                      if (!k.ok()) return k.status();
                      key_results = (*k)->GetInt64(0);
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_EQ(static_cast<int64_t>(goals_->read_model().ObjectivesOf("acme").size()), objectives);
    EXPECT_EQ(static_cast<int64_t>(goals_->read_model().KeyResultsOf("acme").size()), key_results);
    EXPECT_GT(objectives, 0);
  }

  std::vector<std::string> objectives_;   // every name ever created, and some never
  std::vector<std::string> key_results_;  // the same for key results
  int compared_ = 0;
};

TEST_F(ReadModelTest, ReadsFromTheModelEqualReadsFromTheDatabase) {
  AddPerson("boss");
  AddPerson("peer");
  const v1::Cycle cycle = CreateJanuaryCycle();
  std::mt19937 rng(4127);
  auto pick = [&rng](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  std::vector<std::string> live_objectives;
  std::vector<std::string> live_key_results;
  std::vector<std::string> rollups;
  objectives_ = {"objectives/not-there", "objectives/Not A Name"};
  int rejected = 0;
  int injected = 0;
  auto step = [&] {
    const int op = live_objectives.empty() ? 0 : std::uniform_int_distribution<int>(0, 11)(rng);
    grpc::Status status;
    if (op <= 1) {
      std::string parent;
      const int where = std::uniform_int_distribution<int>(0, 3)(rng);
      if (where == 1) parent = pick(live_objectives);
      if (where == 2 && !rollups.empty()) parent = pick(rollups);
      v1::CreateObjectiveRequest request;
      v1::Objective* o = request.mutable_objective();
      o->set_title("objective");
      o->set_owner_person(rng() % 2 == 0 ? "people/boss" : "people/peer");
      if (rng() % 3 == 0) o->set_visibility(v1::OBJECTIVE_VISIBILITY_PRIVATE);
      o->set_level(v1::OBJECTIVE_LEVEL_INDIVIDUAL);
      o->set_cycle(cycle.name());
      o->set_parent(parent);
      o->set_rollup_children(rng() % 2 == 0);
      o->set_weight(1 + rng() % 3);
      v1::Objective created;
      status = Call(&v1::GoalsService::Stub::CreateObjective, request, &created);
      if (status.ok()) {
        live_objectives.push_back(created.name());
        objectives_.push_back(created.name());
        key_results_.push_back(created.name() + "/keyResults/not-there");
      }
    } else if (op <= 3) {
      static const v1::KeyResultType kTypes[] = {
          v1::KEY_RESULT_TYPE_NUMERIC, v1::KEY_RESULT_TYPE_NUMERIC, v1::KEY_RESULT_TYPE_BOOLEAN,
          v1::KEY_RESULT_TYPE_MILESTONE, v1::KEY_RESULT_TYPE_ROLLUP};
      const v1::KeyResultType type = kTypes[rng() % 5];
      v1::KeyResult created;
      status = CreateKeyResult(pick(live_objectives), type, &created);
      if (status.ok()) {
        (type == v1::KEY_RESULT_TYPE_ROLLUP ? rollups : live_key_results).push_back(created.name());
        key_results_.push_back(created.name());
      }
    } else if (op <= 6 && !live_key_results.empty()) {
      const std::string kr = pick(live_key_results);
      v1::KeyResult read;
      v1::GetKeyResultRequest get;
      get.set_name(kr);
      if (!Call(&v1::GoalsService::Stub::GetKeyResult, get, &read).ok()) return;  // deleted
      if (read.type() == v1::KEY_RESULT_TYPE_MILESTONE) {
        v1::CreateCheckInRequest request;
        request.set_parent(kr);
        auto* state = request.mutable_check_in()->add_milestone_states();
        state->set_milestone_id(read.milestones(rng() % 3).id());
        state->set_done(rng() % 2 == 0);
        v1::CheckIn created;
        status = Call(&v1::GoalsService::Stub::CreateCheckIn, request, &created);
      } else {
        const double value = read.type() == v1::KEY_RESULT_TYPE_BOOLEAN
                                 ? static_cast<double>(rng() % 2)
                                 : static_cast<double>(rng() % 150);
        status = CheckIn(kr, value, static_cast<int>(rng() % 11));
      }
    } else if (op <= 8) {
      v1::UpdateObjectiveRequest request;
      request.mutable_objective()->set_name(pick(live_objectives));
      switch (rng() % 5) {
        case 0:
          request.mutable_objective()->set_parent(
              rng() % 4 == 0
                  ? ""
                  : (!rollups.empty() && rng() % 2 == 0 ? pick(rollups) : pick(live_objectives)));
          request.mutable_update_mask()->add_paths("parent");
          break;
        case 1:
          request.mutable_objective()->set_weight(1 + rng() % 5);
          request.mutable_update_mask()->add_paths("weight");
          break;
        case 2:
          request.mutable_objective()->set_state(rng() % 2 == 0 ? v1::OBJECTIVE_STATE_ARCHIVED
                                                                : v1::OBJECTIVE_STATE_ACTIVE);
          request.mutable_update_mask()->add_paths("state");
          break;
        case 3:
          request.mutable_objective()->set_visibility(
              rng() % 2 == 0 ? v1::OBJECTIVE_VISIBILITY_PRIVATE : v1::OBJECTIVE_VISIBILITY_PUBLIC);
          request.mutable_update_mask()->add_paths("visibility");
          break;
        default:
          request.mutable_objective()->set_title(absl::StrCat("renamed ", rng() % 100));
          request.mutable_update_mask()->add_paths("title");
      }
      v1::Objective updated;
      status = Call(&v1::GoalsService::Stub::UpdateObjective, request, &updated);
    } else if (op == 9 && !live_key_results.empty()) {
      v1::UpdateKeyResultRequest request;
      request.mutable_key_result()->set_name(pick(live_key_results));
      request.mutable_key_result()->set_title(absl::StrCat("kr ", rng() % 100));
      request.mutable_update_mask()->add_paths("title");
      if (rng() % 2 == 0) {  // rejected for a BOOLEAN or MILESTONE key result
        request.mutable_key_result()->set_target_value(50 + rng() % 100);
        request.mutable_update_mask()->add_paths("target_value");
      }
      v1::KeyResult updated;
      status = Call(&v1::GoalsService::Stub::UpdateKeyResult, request, &updated);
    } else if (op == 10 && !live_key_results.empty()) {
      v1::DeleteKeyResultRequest request;
      request.set_name(pick(live_key_results));
      google::protobuf::Empty empty;
      status = Call(&v1::GoalsService::Stub::DeleteKeyResult, request, &empty);
    } else if (op == 11 && rng() % 3 == 0) {
      v1::DeleteObjectiveRequest request;
      request.set_name(pick(live_objectives));
      google::protobuf::Empty empty;
      status = Call(&v1::GoalsService::Stub::DeleteObjective, request, &empty);
    }
    if (status.error_code() == grpc::StatusCode::ABORTED &&
        status.error_message().find("injected") != std::string::npos) {
      ++injected;
    } else if (!status.ok()) {
      ++rejected;
      EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL) << status.error_message();
    }
  };

  database_->FailEvery(6);
  for (int i = 0; i < 600; ++i) {
    step();
    if (i % 100 == 99) {
      EXPECT_THAT(Differences(), ::testing::IsEmpty()) << "step " << i;
      EXPECT_THAT(Verify(cycle.name()), ::testing::IsEmpty()) << "step " << i;
    }
  }
  ExpectSameCounts();

  // A restart loads the model from the database; writes and failures go on from there, then the
  // cycle closes (every objective's state and health move at once).
  StopServer();
  StartServer();
  EXPECT_THAT(Differences(), ::testing::IsEmpty()) << "after the restart";
  database_->FailEvery(5);
  for (int i = 0; i < 300; ++i) step();
  database_->FailEvery(0);
  SetNow(kJan1 + absl::Hours(24 * 20));
  v1::CloseCycleRequest close;
  close.set_name(cycle.name());
  v1::Cycle closed;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::CloseCycle, close, &closed).ok());
  EXPECT_THAT(Differences(), ::testing::IsEmpty()) << "after closing";
  ExpectSameCounts();

  EXPECT_GT(rejected, 0);
  EXPECT_GT(injected, 10);
  EXPECT_GT(objectives_.size(), 30u);
  EXPECT_GT(compared_, 4000);
}

// The derived-events pass (health moved by time, key results gone stale) finds its candidates in
// the read model when it is loaded, and in the database otherwise: both report the same events
// once, and the model stays equal to the database after the writes they make.
TEST_F(ReadModelTest, DerivedEventsPassFindsTheSameFromTheModelAndFromTheDatabase) {
  AddPerson("boss");
  AddPerson("peer");
  const v1::Cycle cycle = CreateJanuaryCycle();  // 30 days, a check-in every 7
  for (int round = 0; round < 2; ++round) {
    const bool from_model = round == 0;
    // Two objectives (one PRIVATE) with three key results, one checked in on day 0.
    const v1::Objective open = CreateObjective(cycle.name());
    const v1::Objective hidden = CreateObjective(cycle.name(), "", false, 1, "peer", true);
    v1::KeyResult a;
    v1::KeyResult b;
    v1::KeyResult c;
    ASSERT_TRUE(CreateKeyResult(open.name(), v1::KEY_RESULT_TYPE_NUMERIC, &a).ok());
    ASSERT_TRUE(CreateKeyResult(open.name(), v1::KEY_RESULT_TYPE_NUMERIC, &b).ok());
    ASSERT_TRUE(CreateKeyResult(hidden.name(), v1::KEY_RESULT_TYPE_BOOLEAN, &c).ok());
    ASSERT_TRUE(CheckIn(a.name(), 40).ok());
    objectives_.insert(objectives_.end(), {open.name(), hidden.name()});
    key_results_.insert(key_results_.end(), {a.name(), b.name(), c.name()});

    // Day 29 of 30: both objectives are OFF_TRACK now (stored ON_TRACK), all three are stale.
    SetNow(kJan1 + absl::Hours(24 * 29));
    SchedulerOptions options;
    DerivedEventScheduler scheduler(from_model ? goals_.get() : database_goals_.get(),
                                    sqlite_.get(), options);
    auto reported = scheduler.RunOnce();
    ASSERT_TRUE(reported.ok()) << reported.status();
    EXPECT_EQ(*reported, 5) << (from_model ? "from the model" : "from the database");
    auto again = scheduler.RunOnce();
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(*again, 0) << "each reported once";
    if (from_model) {
      EXPECT_THAT(Differences(), ::testing::IsEmpty());
      // The next round writes through database_goals_, which does not keep goals_' model: start
      // it again from the database.
      StopServer();
      StartServer();
    }
    SetNow(kJan1);
  }
}

}  // namespace
}  // namespace okr::goals
