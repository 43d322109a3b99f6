// What the feedback end-to-end suites share: one okr-goals and one okr-feedback process per suite
// (feedback asks goals for people, chains and objectives over real gRPC), tenants of their own per
// test, a small org chart, and thin wrappers to make goals data.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/support/e2e/service_process.h"
#include "tests/support/temp_dir.h"

namespace okr::e2e {

namespace fv1 = ::okr::feedback::v1;
namespace gv1 = ::okr::goals::v1;
namespace ov1 = ::okr::org::v1;

inline std::string FeedbackReason(const grpc::Status& status) {
  return common::ErrorReason(common::FromGrpcStatus(status));
}

inline std::vector<std::string> FeedbackFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& v : common::ErrorFieldViolations(common::FromGrpcStatus(status))) {
    fields.push_back(v.field);
  }
  return fields;
}

// A client context carrying `token` and a deadline.
inline std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token,
                                                absl::Duration deadline = absl::Seconds(10)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return context;
}

inline google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// One person of an org chart: id, manager id ("" for none), team ids.
struct OrgPerson {
  std::string id;
  std::string manager;
  std::vector<std::string> teams;
};

// Base fixture: okr-goals, then okr-feedback pointed at it, started before the suite's first test.
// `FeedbackFlags()` of a derived suite adds flags to okr-feedback (SetUpTestSuite is static, so
// derived suites pass them through `extra_feedback_flags_` before calling StartServers).
class FeedbackServersSuite : public ::testing::Test {
 protected:
  static void StartServers(const std::vector<std::string>& feedback_flags = {}) {
    dir_ = new test_support::TempDir;
    auto goals = test_support::ServiceProcess::Start(
        "goals", dir_->path(), {"--db-synchronous", "normal", "--drain-period", "0s"});
    if (!goals.ok()) {
      problem_ = absl::StrCat("okr-goals: ", goals.status().message());
      return;
    }
    goals_ = goals->release();
    if (!goals_->WaitServing()) {
      problem_ = "okr-goals did not become SERVING:\n" + goals_->Log();
      return;
    }
    std::vector<std::string> flags = {
        "--db-synchronous", "normal",
        "--drain-period",   "0s",
        "--goals-address",  absl::StrCat("127.0.0.1:", goals_->port())};
    flags.insert(flags.end(), feedback_flags.begin(), feedback_flags.end());
    auto feedback = test_support::ServiceProcess::Start("feedback", dir_->path(), flags);
    if (!feedback.ok()) {
      problem_ = absl::StrCat("okr-feedback: ", feedback.status().message());
      return;
    }
    feedback_ = feedback->release();
    if (!feedback_->WaitServing()) {
      problem_ = "okr-feedback did not become SERVING:\n" + feedback_->Log();
      return;
    }
  }

  static void SetUpTestSuite() { StartServers(); }

  static void TearDownTestSuite() {
    delete feedback_;
    feedback_ = nullptr;
    delete goals_;
    goals_ = nullptr;
    delete dir_;
    dir_ = nullptr;
    problem_.clear();
  }

  void SetUp() override {
    ASSERT_TRUE(problem_.empty()) << problem_;
    static std::atomic<int> next{0};
    tenant_ = absl::StrCat("t", ::testing::UnitTest::GetInstance()->random_seed(), "-",
                           next.fetch_add(1));
    feedback_stub_ = fv1::FeedbackService::NewStub(feedback_->channel());
    goals_stub_ = gv1::GoalsService::NewStub(goals_->channel());
    org_stub_ = ov1::OrgService::NewStub(goals_->channel());
  }

  // A token of this test's tenant.
  std::string Token(const std::string& person, const std::vector<std::string>& roles = {}) const {
    return test_support::E2eToken(tenant_, person, roles);
  }
  std::string Admin() const { return Token("admin", {"admin"}); }

  // Upserts people (and the teams they name, with no lead) into goals' org directory.
  void UpsertOrg(const std::vector<OrgPerson>& people) {
    ov1::BatchUpsertTeamsRequest teams;
    std::vector<std::string> seen;
    for (const OrgPerson& p : people) {
      for (const std::string& t : p.teams) {
        if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
        seen.push_back(t);
        ov1::Team* team = teams.add_teams();
        team->set_name("teams/" + t);
        team->set_display_name("Team " + t);
      }
    }
    if (teams.teams_size() > 0) {
      ov1::BatchUpsertTeamsResponse out;
      grpc::Status s = org_stub_->BatchUpsertTeams(Ctx(Admin()).get(), teams, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    ov1::BatchUpsertPeopleRequest request;
    for (const OrgPerson& p : people) {
      ov1::Person* person = request.add_people();
      person->set_name("people/" + p.id);
      person->set_display_name("Person " + p.id);
      person->set_email(p.id + "@example.com");
      if (!p.manager.empty()) person->set_manager("people/" + p.manager);
      for (const std::string& t : p.teams) person->add_teams("teams/" + t);
    }
    ov1::BatchUpsertPeopleResponse out;
    grpc::Status s = org_stub_->BatchUpsertPeople(Ctx(Admin()).get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // A goals cycle spanning `start`..`end` (ACTIVE when today is inside it); returns its name.
  std::string CreateCycle(const std::string& display_name, const google::type::Date& start,
                          const google::type::Date& end) {
    gv1::CreateCycleRequest request;
    request.mutable_cycle()->set_display_name(display_name);
    *request.mutable_cycle()->mutable_start_date() = start;
    *request.mutable_cycle()->mutable_end_date() = end;
    gv1::Cycle out;
    grpc::Status s = goals_stub_->CreateCycle(Ctx(Admin()).get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  // An individual objective of `owner` in `cycle`; PRIVATE when asked. Returns its name.
  std::string CreateObjective(const std::string& cycle, const std::string& owner,
                              const std::string& title, bool is_private = false) {
    gv1::CreateObjectiveRequest request;
    gv1::Objective* o = request.mutable_objective();
    o->set_cycle(cycle);
    o->set_owner_person("people/" + owner);
    o->set_title(title);
    o->set_level(gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
    if (is_private) o->set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
    gv1::Objective out;
    grpc::Status s = goals_stub_->CreateObjective(Ctx(Admin()).get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  static inline test_support::TempDir* dir_ = nullptr;
  static inline test_support::ServiceProcess* goals_ = nullptr;
  static inline test_support::ServiceProcess* feedback_ = nullptr;
  static inline std::string problem_;

  std::string tenant_;
  std::unique_ptr<fv1::FeedbackService::Stub> feedback_stub_;
  std::unique_ptr<gv1::GoalsService::Stub> goals_stub_;
  std::unique_ptr<ov1::OrgService::Stub> org_stub_;
};

}  // namespace okr::e2e
