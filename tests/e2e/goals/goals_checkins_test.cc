// okr.goals.v1.GoalsService key results, check-ins, roll-ups, health, alignment trees and grading,
// end to end: the real okr-goals binary driven through the generated client, the way a web client
// and a team's scripts would drive it.
#include <gmock/gmock.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/common/status/errors.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/e2e/goals/goals_e2e.h"

namespace okr {
namespace {

namespace gv1 = goals::v1;
namespace ov1 = org::v1;
using Stub = gv1::GoalsService::Stub;
using google::protobuf::Timestamp;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Progress values are ratios of small integers; they only differ from the exact value by rounding.
constexpr double kTolerance = 1e-9;

// Passed as a token: the call carries no authorization header at all.
constexpr char kNoToken[] = "<none>";

absl::Time FromProto(const Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

Timestamp ToProto(absl::Time time) {
  const int64_t nanos = absl::ToUnixNanos(time);
  Timestamp t;
  t.set_seconds(nanos / 1000000000);
  t.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return t;
}

// Now, truncated to whole seconds, so that times round-trip through any storage precision.
absl::Time WholeSecondsNow() { return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())); }

// Today (UTC) plus `offset_days`.
google::type::Date Day(int offset_days) {
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + offset_days;
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

// A random RFC 4122 version 4 UUID.
std::string NewRequestId() {
  static std::mt19937_64 rng{std::random_device{}()};
  constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    int nibble = static_cast<int>(rng() & 0xf);
    if (i == 12) nibble = 4;
    if (i == 16) nibble = 8 | (nibble & 3);
    id += kHex[nibble];
  }
  return id;
}

using e2e::Fields;
using e2e::Reason;

std::string Describe(const grpc::Status& status) {
  std::string text = "code " + std::to_string(status.error_code()) + " " + Reason(status) + ": " +
                     status.error_message();
  for (const auto& field : Fields(status)) text += " [" + field + "]";
  return text;
}

// --- Builders -----------------------------------------------------------------------------------

gv1::Objective Objective(const gv1::Cycle& cycle, const std::string& title,
                         gv1::ObjectiveLevel level) {
  gv1::Objective objective;
  objective.set_title(title);
  objective.set_cycle(cycle.name());
  objective.set_level(level);
  objective.set_state(gv1::OBJECTIVE_STATE_ACTIVE);
  return objective;
}

gv1::Objective CompanyObjective(const gv1::Cycle& cycle, const std::string& title) {
  gv1::Objective objective = Objective(cycle, title, gv1::OBJECTIVE_LEVEL_COMPANY);
  objective.set_owner_person("people/ceo");
  return objective;
}

gv1::Objective TeamObjective(const gv1::Cycle& cycle, const std::string& title,
                             const std::string& team = "eng") {
  gv1::Objective objective = Objective(cycle, title, gv1::OBJECTIVE_LEVEL_TEAM);
  objective.set_owner_team("teams/" + team);
  return objective;
}

gv1::Objective IndividualObjective(const gv1::Cycle& cycle, const std::string& title,
                                   const std::string& person) {
  gv1::Objective objective = Objective(cycle, title, gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
  objective.set_owner_person("people/" + person);
  return objective;
}

gv1::KeyResult Numeric(double start, double target,
                       gv1::KeyResultDirection direction = gv1::KEY_RESULT_DIRECTION_UNSPECIFIED) {
  gv1::KeyResult kr;
  kr.set_title("numeric " + std::to_string(start) + " to " + std::to_string(target));
  kr.set_type(gv1::KEY_RESULT_TYPE_NUMERIC);
  kr.set_direction(direction);
  kr.set_start_value(start);
  kr.set_target_value(target);
  return kr;
}

gv1::KeyResult KeepAbove(double start, double threshold) {
  gv1::KeyResult kr;
  kr.set_title("keep above " + std::to_string(threshold));
  kr.set_type(gv1::KEY_RESULT_TYPE_PERCENT);
  kr.set_direction(gv1::KEY_RESULT_DIRECTION_KEEP_ABOVE);
  kr.set_start_value(start);
  kr.set_threshold(threshold);
  return kr;
}

gv1::KeyResult Boolean() {
  gv1::KeyResult kr;
  kr.set_title("done or not");
  kr.set_type(gv1::KEY_RESULT_TYPE_BOOLEAN);
  return kr;
}

gv1::KeyResult Milestones(const std::vector<double>& weights) {
  gv1::KeyResult kr;
  kr.set_title("milestones");
  kr.set_type(gv1::KEY_RESULT_TYPE_MILESTONE);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    auto* milestone = kr.add_milestones();
    milestone->set_title("step " + std::to_string(i + 1));
    milestone->set_weight(weights[i]);
  }
  return kr;
}

gv1::KeyResult Rollup() {
  gv1::KeyResult kr;
  kr.set_title("measured by the objectives aligned to it");
  kr.set_type(gv1::KEY_RESULT_TYPE_ROLLUP);
  return kr;
}

gv1::CheckIn Value(double value, std::optional<int> confidence = std::nullopt) {
  gv1::CheckIn check_in;
  check_in.set_value(value);
  if (confidence) check_in.set_confidence(*confidence);
  return check_in;
}

gv1::CheckIn Confidence(int confidence) {
  gv1::CheckIn check_in;
  check_in.set_confidence(confidence);
  return check_in;
}

gv1::CheckIn ObservedValue(double value, absl::Time observed_at) {
  gv1::CheckIn check_in = Value(value);
  *check_in.mutable_observed_at() = ToProto(observed_at);
  return check_in;
}

gv1::CheckIn MilestoneStates(const std::vector<std::pair<std::string, bool>>& states) {
  gv1::CheckIn check_in;
  for (const auto& [id, done] : states) {
    auto* state = check_in.add_milestone_states();
    state->set_milestone_id(id);
    state->set_done(done);
  }
  return check_in;
}

template <typename Message>
std::vector<std::string> Names(const google::protobuf::RepeatedPtrField<Message>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return names;
}

// One okr-goals process serves the whole suite (starting one takes seconds); each test works in a
// tenant of its own with the same small organisation:
//   ceo (admin) <- lead (leads team eng) <- dev, dev2 (members of eng)
//   ceo <- kro (owns key results of others' objectives);  peer (team ops, nobody's steward).
class GoalsCheckInsTest : public e2e::GoalsServerSuite {
 protected:
  template <typename Request, typename Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  void SetUp() override {
    ASSERT_TRUE(serving_) << ServerProblem();
    goals_ = gv1::GoalsService::NewStub(server_->channel());
    org_ = ov1::OrgService::NewStub(server_->channel());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    tenant_ = std::string("t-checkins-") + info->name();
    admin_ = test_support::E2eToken(tenant_, "ceo", {"admin"});
    ASSERT_NO_FATAL_FAILURE(SeedOrg());
  }

  void SeedOrg() {
    ov1::BatchUpsertTeamsRequest teams;
    const std::vector<std::pair<std::string, std::string>> leads = {{"eng", "lead"},
                                                                    {"ops", "peer"}};
    for (const auto& [id, lead] : leads) {
      auto* team = teams.add_teams();
      team->set_name("teams/" + id);
      team->set_display_name("Team " + id);
      team->set_lead("people/" + lead);
    }
    ov1::BatchUpsertTeamsResponse teams_response;
    grpc::Status status = org_->BatchUpsertTeams(Context(admin_).get(), teams, &teams_response);
    ASSERT_TRUE(status.ok()) << Describe(status);

    struct Row {
      const char* id;
      const char* manager;
      const char* team;
    };
    ov1::BatchUpsertPeopleRequest people;
    for (const Row& row :
         {Row{"ceo", "", ""}, Row{"lead", "ceo", "eng"}, Row{"dev", "lead", "eng"},
          Row{"dev2", "lead", "eng"}, Row{"kro", "ceo", ""}, Row{"peer", "", "ops"}}) {
      auto* person = people.add_people();
      person->set_name(std::string("people/") + row.id);
      person->set_display_name(std::string("Person ") + row.id);
      person->set_email(std::string(row.id) + "@example.com");
      if (*row.manager != '\0') person->set_manager(std::string("people/") + row.manager);
      if (*row.team != '\0') person->add_teams(std::string("teams/") + row.team);
    }
    ov1::BatchUpsertPeopleResponse people_response;
    status = org_->BatchUpsertPeople(Context(admin_).get(), people, &people_response);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // A token of this test's tenant for `person`, without roles.
  std::string Token(const std::string& person) {
    return test_support::E2eToken(tenant_, person, {});
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (token != kNoToken) context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  // One GoalsService call with `token` (the admin's when empty).
  template <typename Request, typename Response>
  grpc::Status Call(Method<Request, Response> method, const Request& request, Response* response,
                    const std::string& token = "") {
    response->Clear();
    auto context = Context(token.empty() ? admin_ : token);
    return (goals_.get()->*method)(context.get(), request, response);
  }

  // A call that must succeed; a failure is recorded and an empty response returned.
  template <typename Request, typename Response>
  Response Must(Method<Request, Response> method, const Request& request,
                const std::string& token = "") {
    Response response;
    const grpc::Status status = Call(method, request, &response, token);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response;
  }

  // A call that must fail; returns its status.
  template <typename Request, typename Response>
  grpc::Status Fails(Method<Request, Response> method, const Request& request,
                     const std::string& token = "") {
    Response response;
    const grpc::Status status = Call(method, request, &response, token);
    EXPECT_FALSE(status.ok()) << "unexpected success: " << response.ShortDebugString();
    return status;
  }

  // --- Cycles and objectives ---

  gv1::Cycle NewCycle(int start_offset_days, int end_offset_days) {
    gv1::CreateCycleRequest request;
    auto* cycle = request.mutable_cycle();
    cycle->set_display_name("cycle " + std::to_string(++cycles_));
    *cycle->mutable_start_date() = Day(start_offset_days);
    *cycle->mutable_end_date() = Day(end_offset_days);
    cycle->set_state(gv1::CYCLE_STATE_ACTIVE);
    return Must(&Stub::CreateCycle, request);
  }
  // A cycle under way: health depends on the date, so tests on it do not assert health.
  gv1::Cycle RunningCycle() { return NewCycle(-10, 80); }
  // A cycle that ended yesterday (still ACTIVE): expected progress is 1.
  gv1::Cycle EndedCycle() { return NewCycle(-30, -1); }
  // A cycle that starts in 200 days: expected progress is 0.
  gv1::Cycle FutureCycle() { return NewCycle(200, 290); }

  gv1::Objective CreateObjective(const gv1::Objective& objective, const std::string& token = "") {
    gv1::CreateObjectiveRequest request;
    *request.mutable_objective() = objective;
    return Must(&Stub::CreateObjective, request, token);
  }

  gv1::Objective GetObjective(const std::string& name, const std::string& token = "") {
    gv1::GetObjectiveRequest request;
    request.set_name(name);
    return Must(&Stub::GetObjective, request, token);
  }

  grpc::Status UpdateObjective(const gv1::Objective& objective,
                               const std::vector<std::string>& paths,
                               gv1::Objective* updated = nullptr, const std::string& token = "") {
    gv1::UpdateObjectiveRequest request;
    *request.mutable_objective() = objective;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    gv1::Objective ignored;
    return Call(&Stub::UpdateObjective, request, updated != nullptr ? updated : &ignored, token);
  }

  gv1::Objective SetState(const std::string& objective, gv1::ObjectiveState state) {
    gv1::Objective change;
    change.set_name(objective);
    change.set_state(state);
    gv1::Objective updated;
    const grpc::Status status = UpdateObjective(change, {"state"}, &updated);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return updated;
  }

  double Progress(const std::string& objective) { return GetObjective(objective).progress(); }

  // --- Key results ---

  grpc::Status TryCreateKr(const std::string& objective, const gv1::KeyResult& kr,
                           gv1::KeyResult* created, const std::string& token = "") {
    gv1::CreateKeyResultRequest request;
    request.set_parent(objective);
    *request.mutable_key_result() = kr;
    return Call(&Stub::CreateKeyResult, request, created, token);
  }

  gv1::KeyResult CreateKr(const std::string& objective, const gv1::KeyResult& kr,
                          const std::string& token = "") {
    gv1::KeyResult created;
    const grpc::Status status = TryCreateKr(objective, kr, &created, token);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return created;
  }

  gv1::KeyResult GetKr(const std::string& name, const std::string& token = "") {
    gv1::GetKeyResultRequest request;
    request.set_name(name);
    return Must(&Stub::GetKeyResult, request, token);
  }

  grpc::Status UpdateKr(const gv1::KeyResult& kr, const std::vector<std::string>& paths,
                        gv1::KeyResult* updated = nullptr, const std::string& token = "") {
    gv1::UpdateKeyResultRequest request;
    *request.mutable_key_result() = kr;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    gv1::KeyResult ignored;
    return Call(&Stub::UpdateKeyResult, request, updated != nullptr ? updated : &ignored, token);
  }

  grpc::Status DeleteKr(const std::string& name, const std::string& etag = "") {
    gv1::DeleteKeyResultRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return Call(&Stub::DeleteKeyResult, request, &empty);
  }

  // Every key result the listing yields, following page tokens (at most 50 pages).
  std::vector<std::string> ListKrs(gv1::ListKeyResultsRequest request,
                                   const std::string& token = "") {
    std::vector<std::string> names;
    for (int pages = 0; pages < 50; ++pages) {
      gv1::ListKeyResultsResponse response;
      const grpc::Status status = Call(&Stub::ListKeyResults, request, &response, token);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      for (const auto& kr : response.key_results()) names.push_back(kr.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return names;
  }

  // --- Check-ins ---

  grpc::Status TryCheckIn(const std::string& kr, const gv1::CheckIn& check_in,
                          gv1::CheckIn* created, const std::string& token = "",
                          const std::string& request_id = "") {
    gv1::CreateCheckInRequest request;
    request.set_parent(kr);
    *request.mutable_check_in() = check_in;
    request.set_request_id(request_id);
    return Call(&Stub::CreateCheckIn, request, created, token);
  }

  gv1::CheckIn CheckIn(const std::string& kr, const gv1::CheckIn& check_in,
                       const std::string& token = "") {
    gv1::CheckIn created;
    const grpc::Status status = TryCheckIn(kr, check_in, &created, token);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return created;
  }

  grpc::Status ListCheckIns(const gv1::ListCheckInsRequest& request,
                            gv1::ListCheckInsResponse* response, const std::string& token = "") {
    return Call(&Stub::ListCheckIns, request, response, token);
  }

  // Every check-in the listing yields, following page tokens (at most 50 pages).
  std::vector<std::string> ListAllCheckIns(gv1::ListCheckInsRequest request, int* pages = nullptr) {
    std::vector<std::string> names;
    int count = 0;
    while (count < 50) {
      gv1::ListCheckInsResponse response;
      const grpc::Status status = ListCheckIns(request, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      ++count;
      for (const auto& check_in : response.check_ins()) names.push_back(check_in.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }

  std::vector<std::string> CheckInsOf(const std::string& kr) {
    gv1::ListCheckInsRequest request;
    request.set_parent(kr);
    return ListAllCheckIns(request);
  }

  // --- Trees ---

  grpc::Status TryTree(const std::string& root, gv1::ObjectiveTree* tree,
                       std::optional<absl::Time> as_of = std::nullopt, int max_depth = 0,
                       const std::string& token = "", bool include_archived = false) {
    gv1::GetObjectiveTreeRequest request;
    request.set_name(root);
    request.set_max_depth(max_depth);
    request.set_include_archived(include_archived);
    if (as_of) *request.mutable_as_of() = ToProto(*as_of);
    return Call(&Stub::GetObjectiveTree, request, tree, token);
  }

  gv1::ObjectiveTree Tree(const std::string& root, std::optional<absl::Time> as_of = std::nullopt,
                          int max_depth = 0, const std::string& token = "",
                          bool include_archived = false) {
    gv1::ObjectiveTree tree;
    const grpc::Status status = TryTree(root, &tree, as_of, max_depth, token, include_archived);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return tree;
  }

  std::unique_ptr<gv1::GoalsService::Stub> goals_;
  std::unique_ptr<ov1::OrgService::Stub> org_;
  std::string tenant_;
  std::string admin_;
  int cycles_ = 0;
};

// --- Key results --------------------------------------------------------------------------------

TEST_F(GoalsCheckInsTest, EveryKeyResultTypeIsCreatedWithItsMeasure) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Grow"));
  ASSERT_FALSE(HasFailure());

  const gv1::KeyResult up = CreateKr(objective.name(), Numeric(10, 50));
  EXPECT_TRUE(up.name().starts_with(objective.name() + "/keyResults/")) << up.name();
  EXPECT_EQ(up.direction(), gv1::KEY_RESULT_DIRECTION_INCREASE);  // inferred from start < target
  EXPECT_EQ(up.current_value(), 10);
  EXPECT_EQ(up.weight(), 1);  // 0 means 1
  EXPECT_TRUE(up.has_measure());
  EXPECT_EQ(up.progress(), 0);
  EXPECT_EQ(up.attainment(), 0);
  EXPECT_FALSE(up.etag().empty());
  EXPECT_FALSE(up.has_latest_confidence());
  EXPECT_FALSE(up.has_last_check_in_time());
  EXPECT_FALSE(up.stale());
  EXPECT_GT(up.create_time().seconds(), 0);

  EXPECT_EQ(CreateKr(objective.name(), Numeric(100, 40)).direction(),
            gv1::KEY_RESULT_DIRECTION_DECREASE);
  gv1::KeyResult latency = Numeric(200, 100, gv1::KEY_RESULT_DIRECTION_DECREASE);
  latency.set_unit("ms");
  latency.set_weight(2);
  latency = CreateKr(objective.name(), latency);
  EXPECT_EQ(latency.direction(), gv1::KEY_RESULT_DIRECTION_DECREASE);
  EXPECT_EQ(latency.unit(), "ms");
  EXPECT_EQ(latency.weight(), 2);

  // KEEP_ABOVE is met at the threshold itself.
  const gv1::KeyResult uptime = CreateKr(objective.name(), KeepAbove(99.5, 99.5));
  EXPECT_EQ(uptime.direction(), gv1::KEY_RESULT_DIRECTION_KEEP_ABOVE);
  ASSERT_TRUE(uptime.has_threshold());
  EXPECT_EQ(uptime.threshold(), 99.5);
  EXPECT_EQ(uptime.current_value(), 99.5);
  EXPECT_EQ(uptime.progress(), 1);

  const gv1::KeyResult launched = CreateKr(objective.name(), Boolean());
  EXPECT_EQ(launched.direction(), gv1::KEY_RESULT_DIRECTION_UNSPECIFIED);
  EXPECT_EQ(launched.target_value(), 1);
  EXPECT_EQ(launched.current_value(), 0);
  EXPECT_EQ(launched.progress(), 0);

  const gv1::KeyResult steps = CreateKr(objective.name(), Milestones({1, 3, 0}));
  ASSERT_EQ(steps.milestones_size(), 3);
  std::set<std::string> ids;
  for (const auto& milestone : steps.milestones()) {
    EXPECT_FALSE(milestone.id().empty());
    EXPECT_FALSE(milestone.done());
    ids.insert(milestone.id());
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(steps.milestones(0).title(), "step 1");
  EXPECT_EQ(steps.milestones(1).weight(), 3);
  EXPECT_EQ(steps.milestones(2).weight(), 1);  // 0 means 1
  EXPECT_EQ(steps.direction(), gv1::KEY_RESULT_DIRECTION_UNSPECIFIED);

  gv1::KeyResult revenue = Numeric(0, 1000000.5);
  revenue.set_type(gv1::KEY_RESULT_TYPE_CURRENCY);
  gv1::KeyResult rejected;
  grpc::Status status = TryCreateKr(objective.name(), revenue, &rejected);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("key_result.currency_code"));
  revenue.set_currency_code("EUR");
  revenue = CreateKr(objective.name(), revenue);
  EXPECT_EQ(revenue.currency_code(), "EUR");
  EXPECT_EQ(revenue.target_value(), 1000000.5);
  EXPECT_EQ(revenue.direction(), gv1::KEY_RESULT_DIRECTION_INCREASE);

  const gv1::KeyResult rollup = CreateKr(objective.name(), Rollup());
  EXPECT_FALSE(rollup.has_measure());  // nothing is aligned to it yet
  EXPECT_EQ(rollup.progress(), 0);
  EXPECT_EQ(rollup.direction(), gv1::KEY_RESULT_DIRECTION_UNSPECIFIED);
  ASSERT_FALSE(HasFailure());

  // Weighted mean of the members with a measure (weights 1+1+2+1+1+1+1 = 8): only the threshold is
  // met; the ROLLUP key result, without a measure, is left out rather than counted as 0.
  gv1::Objective read = GetObjective(objective.name());
  EXPECT_TRUE(read.has_measure());
  EXPECT_NEAR(read.progress(), 1.0 / 8, kTolerance);

  // Just below the threshold is not met; back at it is.
  EXPECT_EQ(CheckIn(uptime.name(), Value(99.49)).value(), 99.49);
  EXPECT_EQ(GetKr(uptime.name()).progress(), 0);
  EXPECT_NEAR(Progress(objective.name()), 0, kTolerance);
  CheckIn(uptime.name(), Value(99.5));
  EXPECT_EQ(GetKr(uptime.name()).progress(), 1);
  EXPECT_NEAR(Progress(objective.name()), 1.0 / 8, kTolerance);

  gv1::ListKeyResultsRequest list;
  list.set_parent(objective.name());
  EXPECT_THAT(ListKrs(list),
              ElementsAre(up.name(), testing::_, latency.name(), uptime.name(), launched.name(),
                          steps.name(), revenue.name(), rollup.name()));
}

TEST_F(GoalsCheckInsTest, InvalidKeyResultsAreRejectedWithFieldViolations) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Validate"));
  ASSERT_FALSE(HasFailure());

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  gv1::KeyResult keep_without_threshold = KeepAbove(1, 1);
  keep_without_threshold.clear_threshold();
  gv1::KeyResult milestones_on_numeric = Numeric(0, 10);
  milestones_on_numeric.add_milestones()->set_title("not for numeric");
  gv1::KeyResult no_type = Numeric(0, 10);
  no_type.set_type(gv1::KEY_RESULT_TYPE_UNSPECIFIED);
  gv1::KeyResult negative_weight = Numeric(0, 10);
  negative_weight.set_weight(-1);
  gv1::KeyResult no_title = Numeric(0, 10);
  no_title.set_title("   ");
  struct Case {
    std::string label;
    gv1::KeyResult kr;
    std::string reason;  // empty: not checked
    std::string field;   // empty: any field under key_result
  };
  const std::vector<Case> cases = {
      {"start == target", Numeric(5, 5), "KEY_RESULT_TARGET_EQUALS_START",
       "key_result.target_value"},
      {"explicit INCREASE, start == target", Numeric(5, 5, gv1::KEY_RESULT_DIRECTION_INCREASE),
       "KEY_RESULT_TARGET_EQUALS_START", "key_result.target_value"},
      {"INCREASE going down", Numeric(10, 5, gv1::KEY_RESULT_DIRECTION_INCREASE),
       "KEY_RESULT_DIRECTION_MISMATCH", ""},
      {"DECREASE going up", Numeric(5, 10, gv1::KEY_RESULT_DIRECTION_DECREASE),
       "KEY_RESULT_DIRECTION_MISMATCH", ""},
      {"KEEP_ABOVE without threshold", keep_without_threshold, "KEY_RESULT_THRESHOLD_REQUIRED",
       "key_result.threshold"},
      {"milestones on NUMERIC", milestones_on_numeric, "", "key_result.milestones"},
      {"MILESTONE without milestones", Milestones({}), "", "key_result.milestones"},
      {"NaN start", Numeric(nan, 10), "VALUE_NOT_FINITE", "key_result.start_value"},
      {"infinite target", Numeric(0, inf), "VALUE_NOT_FINITE", "key_result.target_value"},
      {"no type", no_type, "", "key_result.type"},
      {"negative weight", negative_weight, "", "key_result.weight"},
      {"blank title", no_title, "", "key_result.title"},
  };
  for (const Case& c : cases) {
    gv1::KeyResult created;
    const grpc::Status status = TryCreateKr(objective.name(), c.kr, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.label << ": " << Describe(status);
    if (!c.reason.empty()) {
      EXPECT_EQ(Reason(status), c.reason) << c.label;
    }
    const std::vector<std::string> fields = Fields(status);
    EXPECT_FALSE(fields.empty()) << c.label;
    if (!c.field.empty()) {
      EXPECT_THAT(fields, Contains(c.field)) << c.label << ": " << Describe(status);
    }
    for (const auto& field : fields) {
      EXPECT_TRUE(field.starts_with("key_result.")) << c.label << ": " << field;
    }
  }

  // A person who is no steward of the objective's owner may not add key results to it.
  gv1::KeyResult created;
  grpc::Status status = TryCreateKr(objective.name(), Numeric(0, 10), &created, Token("peer"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  EXPECT_EQ(Reason(status), "KEY_RESULT_WRITE_DENIED");
  status = TryCreateKr("objectives/does-not-exist", Numeric(0, 10), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // Nothing was created along the way.
  gv1::ListKeyResultsRequest list;
  list.set_parent(objective.name());
  EXPECT_THAT(ListKrs(list), IsEmpty());
  EXPECT_FALSE(GetObjective(objective.name()).has_measure());
}

TEST_F(GoalsCheckInsTest, GetAndListKeyResultsWithFilters) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Cycle other_cycle = FutureCycle();
  const gv1::Objective first = CreateObjective(CompanyObjective(cycle, "First"));
  gv1::Objective secret = IndividualObjective(cycle, "Secret", "dev");
  secret.set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
  secret = CreateObjective(secret);
  const gv1::Objective elsewhere = CreateObjective(CompanyObjective(other_cycle, "Elsewhere"));
  ASSERT_FALSE(HasFailure());

  gv1::KeyResult arr = Numeric(0, 100);
  arr.set_owner("people/kro");
  arr.set_metric_key("sales.arr_eur");
  arr.set_description("ARR from the CRM");
  arr = CreateKr(first.name(), arr);
  const gv1::KeyResult launch = CreateKr(first.name(), Boolean());
  const gv1::KeyResult plan = CreateKr(secret.name(), Milestones({1, 1}));
  gv1::KeyResult bound = Numeric(0, 50);
  bound.set_metric_key("sales.arr_eur");
  bound = CreateKr(secret.name(), bound);
  const gv1::KeyResult other = CreateKr(elsewhere.name(), Numeric(0, 1));
  ASSERT_FALSE(HasFailure());

  const gv1::KeyResult read = GetKr(arr.name());
  EXPECT_EQ(read.name(), arr.name());
  EXPECT_EQ(read.title(), arr.title());
  EXPECT_EQ(read.description(), "ARR from the CRM");
  EXPECT_EQ(read.owner(), "people/kro");
  EXPECT_EQ(read.metric_key(), "sales.arr_eur");
  EXPECT_EQ(read.type(), gv1::KEY_RESULT_TYPE_NUMERIC);
  EXPECT_EQ(read.target_value(), 100);
  EXPECT_EQ(read.etag(), arr.etag());

  gv1::GetKeyResultRequest get;
  get.set_name(first.name() + "/keyResults/nope");
  grpc::Status status = Fails(&Stub::GetKeyResult, get);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  EXPECT_EQ(Reason(status), "KEY_RESULT_NOT_FOUND");

  gv1::ListKeyResultsRequest list;
  list.set_parent(first.name());
  EXPECT_THAT(ListKrs(list), ElementsAre(arr.name(), launch.name()));

  // Across objectives the cycle is required.
  list.set_parent("objectives/-");
  status = Fails(&Stub::ListKeyResults, list);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("cycle"));

  list.set_cycle(cycle.name());
  EXPECT_THAT(ListKrs(list), ElementsAre(arr.name(), launch.name(), plan.name(), bound.name()));
  list.set_page_size(3);
  gv1::ListKeyResultsResponse page;
  ASSERT_TRUE(Call(&Stub::ListKeyResults, list, &page).ok());
  EXPECT_EQ(page.key_results_size(), 3);
  EXPECT_FALSE(page.next_page_token().empty());
  EXPECT_THAT(ListKrs(list), ElementsAre(arr.name(), launch.name(), plan.name(), bound.name()));
  list.set_page_size(0);

  gv1::ListKeyResultsRequest filtered = list;
  filtered.set_owner("people/kro");
  EXPECT_THAT(ListKrs(filtered), ElementsAre(arr.name()));
  filtered = list;
  filtered.set_metric_key("sales.arr_eur");
  EXPECT_THAT(ListKrs(filtered), ElementsAre(arr.name(), bound.name()));
  filtered = list;
  filtered.set_type(gv1::KEY_RESULT_TYPE_MILESTONE);
  EXPECT_THAT(ListKrs(filtered), ElementsAre(plan.name()));
  filtered.set_owner("people/kro");  // filters combine with AND
  EXPECT_THAT(ListKrs(filtered), IsEmpty());
  filtered = list;
  filtered.set_stale_only(true);  // everything was just created
  EXPECT_THAT(ListKrs(filtered), IsEmpty());
  filtered = list;
  filtered.set_cycle(other_cycle.name());
  EXPECT_THAT(ListKrs(filtered), ElementsAre(other.name()));

  // Someone who may not read the PRIVATE objective neither lists nor reads its key results.
  const std::string peer = Token("peer");
  EXPECT_THAT(ListKrs(list, peer), ElementsAre(arr.name(), launch.name()));
  gv1::ListKeyResultsRequest of_secret;
  of_secret.set_parent(secret.name());
  status = Fails(&Stub::ListKeyResults, of_secret, peer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  get.set_name(plan.name());
  EXPECT_EQ(Fails(&Stub::GetKeyResult, get, peer).error_code(), grpc::StatusCode::NOT_FOUND);
  // Its owner does.
  EXPECT_THAT(ListKrs(of_secret, Token("dev")), ElementsAre(plan.name(), bound.name()));

  list.set_page_size(-1);
  status = Fails(&Stub::ListKeyResults, list);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), Contains("page_size"));
}

TEST_F(GoalsCheckInsTest, UpdateKeyResultRecomputesProgressAndComparesEtags) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Update"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Numeric(0, 100));
  const gv1::KeyResult launch = CreateKr(objective.name(), Boolean());
  CheckIn(kr.name(), Value(40));
  ASSERT_FALSE(HasFailure());
  EXPECT_NEAR(Progress(objective.name()), 0.2, kTolerance);
  // Check-ins do not change the etag, so an edit based on an earlier read still applies.
  EXPECT_EQ(GetKr(kr.name()).etag(), kr.etag());

  gv1::KeyResult edit = kr;
  edit.set_target_value(80);
  edit.set_title("not in the mask, so not changed");
  gv1::KeyResult updated;
  grpc::Status status = UpdateKr(edit, {"target_value"}, &updated);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(updated.target_value(), 80);
  EXPECT_EQ(updated.title(), kr.title());
  EXPECT_EQ(updated.current_value(), 40);
  EXPECT_NEAR(updated.progress(), 0.5, kTolerance);
  EXPECT_NEAR(updated.attainment(), 0.5, kTolerance);
  EXPECT_NE(updated.etag(), kr.etag());
  EXPECT_NEAR(Progress(objective.name()), 0.25, kTolerance);
  EXPECT_EQ(GetKr(kr.name()).target_value(), 80);

  // Weights move the objective's mean.
  gv1::KeyResult heavier = updated;
  heavier.set_weight(3);
  status = UpdateKr(heavier, {"weight"}, &updated);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_NEAR(Progress(objective.name()), 3 * 0.5 / 4, kTolerance);

  // A target below the current value: progress is clamped, attainment shows over-achievement.
  gv1::KeyResult lower = updated;
  lower.set_target_value(32);
  status = UpdateKr(lower, {"target_value"}, &updated);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(updated.progress(), 1);
  EXPECT_NEAR(updated.attainment(), 40.0 / 32, kTolerance);
  EXPECT_NEAR(Progress(objective.name()), 3.0 / 4, kTolerance);
  EXPECT_NEAR(GetObjective(objective.name()).attainment(), 3 * (40.0 / 32) / 4, kTolerance);

  // A stale etag is refused and changes nothing.
  gv1::KeyResult stale = kr;  // the etag of creation
  stale.set_title("stale");
  status = UpdateKr(stale, {"title"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << Describe(status);
  EXPECT_EQ(Reason(status), "ETAG_MISMATCH");
  EXPECT_EQ(GetKr(kr.name()).title(), kr.title());

  // Invalid masks and definitions.
  gv1::KeyResult current = GetKr(kr.name());
  for (const std::vector<std::string>& mask : std::vector<std::vector<std::string>>{
           {}, {"current_value"}, {"type"}, {"progress"}, {"no_such_field"}}) {
    status = UpdateKr(current, mask);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << (mask.empty() ? "<empty>" : mask[0]) << ": " << Describe(status);
  }
  gv1::KeyResult equal = current;
  equal.set_start_value(32);
  status = UpdateKr(equal, {"start_value"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(Reason(status), "KEY_RESULT_TARGET_EQUALS_START");
  gv1::KeyResult zero_weight = current;
  zero_weight.set_weight(0);
  status = UpdateKr(zero_weight, {"weight"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("key_result.weight"));
  const gv1::KeyResult unchanged = GetKr(kr.name());
  EXPECT_EQ(unchanged.etag(), current.etag());
  EXPECT_EQ(unchanged.start_value(), 0);
  EXPECT_EQ(unchanged.weight(), 3);

  // The boolean is untouched by all of that.
  EXPECT_EQ(GetKr(launch.name()).etag(), launch.etag());
}

TEST_F(GoalsCheckInsTest, DeleteKeyResultRemovesItWithItsCheckIns) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Delete"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult keep = CreateKr(objective.name(), Numeric(0, 10));
  const gv1::KeyResult drop = CreateKr(objective.name(), Numeric(0, 10));
  CheckIn(keep.name(), Value(10));
  CheckIn(drop.name(), Value(2));
  ASSERT_FALSE(HasFailure());
  EXPECT_NEAR(Progress(objective.name()), 0.6, kTolerance);

  gv1::KeyResult renamed = drop;
  renamed.set_title("renamed");
  ASSERT_TRUE(UpdateKr(renamed, {"title"}).ok());
  grpc::Status status = DeleteKr(drop.name(), drop.etag());  // stale now
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << Describe(status);
  EXPECT_EQ(Reason(status), "ETAG_MISMATCH");
  EXPECT_EQ(GetKr(drop.name()).title(), "renamed");

  status = DeleteKr(drop.name(), GetKr(drop.name()).etag());
  ASSERT_TRUE(status.ok()) << Describe(status);
  gv1::GetKeyResultRequest get;
  get.set_name(drop.name());
  status = Fails(&Stub::GetKeyResult, get);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reason(status), "KEY_RESULT_NOT_FOUND");
  gv1::ListCheckInsRequest list;
  list.set_parent(drop.name());
  EXPECT_EQ(Fails(&Stub::ListCheckIns, list).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DeleteKr(drop.name()).error_code(), grpc::StatusCode::NOT_FOUND);
  // The objective's mean no longer counts it.
  EXPECT_NEAR(Progress(objective.name()), 1, kTolerance);

  // A ROLLUP key result with an objective aligned to it stays until that objective goes.
  const gv1::KeyResult rollup = CreateKr(objective.name(), Rollup());
  gv1::Objective child = TeamObjective(cycle, "Child");
  child.set_parent(rollup.name());
  child = CreateObjective(child);
  ASSERT_FALSE(HasFailure());
  status = DeleteKr(rollup.name());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "KEY_RESULT_HAS_ALIGNED_CHILDREN");
  gv1::DeleteObjectiveRequest delete_child;
  delete_child.set_name(child.name());
  Must(&Stub::DeleteObjective, delete_child);
  status = DeleteKr(rollup.name());
  EXPECT_TRUE(status.ok()) << Describe(status);
}

// --- Check-ins ----------------------------------------------------------------------------------

TEST_F(GoalsCheckInsTest, CheckInMovesTheKeyResultItsObjectiveAndEveryAncestor) {
  const gv1::Cycle cycle = RunningCycle();
  gv1::Objective company = CompanyObjective(cycle, "Company");
  company.set_rollup_children(true);
  company = CreateObjective(company);
  const gv1::KeyResult company_kr = CreateKr(company.name(), Numeric(0, 10));
  gv1::Objective team = TeamObjective(cycle, "Team");
  team.set_parent(company.name());
  team.set_rollup_children(true);
  team.set_weight(2);
  team = CreateObjective(team);
  const gv1::KeyResult team_kr = CreateKr(team.name(), Numeric(0, 100));
  CreateKr(team.name(), Milestones({1}));
  gv1::Objective mine = IndividualObjective(cycle, "Mine", "dev");
  mine.set_parent(team.name());
  mine = CreateObjective(mine);
  const gv1::KeyResult mine_kr = CreateKr(mine.name(), Boolean());
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(Progress(company.name()), 0);

  const absl::Time before = absl::Now();
  const gv1::CheckIn done = CheckIn(mine_kr.name(), Value(1));
  const absl::Time after = absl::Now();
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(done.name().starts_with(mine_kr.name() + "/checkIns/")) << done.name();
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done.value(), 1);
  EXPECT_EQ(done.source(), gv1::CHECK_IN_SOURCE_MANUAL);
  EXPECT_EQ(done.author(), "people/ceo");
  EXPECT_FALSE(done.superseded());
  EXPECT_FALSE(done.has_confidence());
  EXPECT_GE(FromProto(done.create_time()), before - absl::Seconds(1));
  EXPECT_LE(FromProto(done.create_time()), after + absl::Seconds(1));
  EXPECT_EQ(FromProto(done.observed_at()), FromProto(done.create_time()));  // unset means now

  const gv1::KeyResult moved = GetKr(mine_kr.name());
  EXPECT_EQ(moved.current_value(), 1);
  EXPECT_EQ(moved.progress(), 1);
  EXPECT_EQ(FromProto(moved.last_check_in_time()), FromProto(done.create_time()));
  EXPECT_EQ(FromProto(moved.last_observed_time()), FromProto(done.observed_at()));
  EXPECT_EQ(moved.etag(), mine_kr.etag());

  // Team: its number (0), its milestone (0) and the individual objective (1), weight 1 each.
  // Company: its number (0, weight 1) and the team objective (weight 2).
  EXPECT_NEAR(Progress(mine.name()), 1, kTolerance);
  EXPECT_NEAR(Progress(team.name()), 1.0 / 3, kTolerance);
  EXPECT_NEAR(Progress(company.name()), 2 * (1.0 / 3) / 3, kTolerance);

  CheckIn(team_kr.name(), Value(50));
  EXPECT_NEAR(Progress(team.name()), 0.5, kTolerance);
  EXPECT_NEAR(Progress(company.name()), 1.0 / 3, kTolerance);

  CheckIn(company_kr.name(), Value(10));
  EXPECT_NEAR(Progress(company.name()), 2.0 / 3, kTolerance);

  // Over-achievement rolls up as attainment; progress stays clamped.
  CheckIn(team_kr.name(), Value(150));
  const gv1::KeyResult over = GetKr(team_kr.name());
  EXPECT_EQ(over.progress(), 1);
  EXPECT_NEAR(over.attainment(), 1.5, kTolerance);
  const gv1::Objective team_now = GetObjective(team.name());
  EXPECT_NEAR(team_now.progress(), 2.0 / 3, kTolerance);
  EXPECT_NEAR(team_now.attainment(), 2.5 / 3, kTolerance);
  const gv1::Objective company_now = GetObjective(company.name());
  EXPECT_NEAR(company_now.progress(), (1 + 2 * (2.0 / 3)) / 3, kTolerance);
  EXPECT_NEAR(company_now.attainment(), (1 + 2 * (2.5 / 3)) / 3, kTolerance);
  // Roll-ups do not touch the objectives' own version.
  EXPECT_EQ(company_now.etag(), company.etag());

  // The tree reports the same numbers.
  const gv1::ObjectiveTree tree = Tree(company.name());
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_EQ(tree.cycle(), cycle.name());
  EXPECT_NEAR(tree.roots(0).objective().progress(), company_now.progress(), kTolerance);
  ASSERT_EQ(tree.roots(0).children_size(), 1);
  const gv1::ObjectiveNode& team_node = tree.roots(0).children(0);
  EXPECT_EQ(team_node.objective().name(), team.name());
  EXPECT_NEAR(team_node.objective().progress(), 2.0 / 3, kTolerance);
  ASSERT_EQ(team_node.key_results_size(), 2);
  EXPECT_EQ(team_node.key_results(0).key_result().current_value(), 150);
  ASSERT_EQ(team_node.children_size(), 1);
  EXPECT_EQ(team_node.children(0).objective().name(), mine.name());
  EXPECT_FALSE(team_node.children(0).redacted());
}

TEST_F(GoalsCheckInsTest, ObjectiveConfidenceIsTheLowestAcrossKeyResults) {
  const gv1::Cycle cycle = FutureCycle();  // expected progress 0: ON_TRACK unless confidence is LOW
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Confidence"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult a = CreateKr(objective.name(), Numeric(0, 10));
  const gv1::KeyResult b = CreateKr(objective.name(), Numeric(0, 10));
  ASSERT_FALSE(HasFailure());

  gv1::Objective read = GetObjective(objective.name());
  EXPECT_FALSE(read.has_confidence());
  EXPECT_EQ(read.expected_progress(), 0);
  EXPECT_EQ(read.health(), gv1::HEALTH_ON_TRACK);

  EXPECT_EQ(CheckIn(a.name(), Confidence(8)).confidence(), 8);
  read = GetObjective(objective.name());
  ASSERT_TRUE(read.has_confidence());
  EXPECT_EQ(read.confidence(), 8);

  CheckIn(b.name(), Confidence(5));
  EXPECT_EQ(GetObjective(objective.name()).confidence(), 5);

  CheckIn(a.name(), Confidence(3));
  read = GetObjective(objective.name());
  EXPECT_EQ(read.confidence(), 3);
  EXPECT_EQ(read.health(), gv1::HEALTH_AT_RISK);  // a LOW confidence caps ON_TRACK
  EXPECT_EQ(GetKr(a.name()).latest_confidence(), 3);

  // A check-in without a confidence keeps the previous one.
  CheckIn(a.name(), Value(1));
  const gv1::KeyResult a_now = GetKr(a.name());
  ASSERT_TRUE(a_now.has_latest_confidence());
  EXPECT_EQ(a_now.latest_confidence(), 3);
  EXPECT_EQ(GetObjective(objective.name()).confidence(), 3);

  CheckIn(a.name(), Confidence(9));
  read = GetObjective(objective.name());
  EXPECT_EQ(read.confidence(), 5);
  EXPECT_EQ(read.health(), gv1::HEALTH_ON_TRACK);
  EXPECT_EQ(GetKr(b.name()).latest_confidence(), 5);

  const gv1::ObjectiveTree tree = Tree(objective.name());
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_EQ(tree.roots(0).objective().confidence(), 5);
  ASSERT_EQ(tree.roots(0).key_results_size(), 2);
  EXPECT_EQ(tree.roots(0).key_results(0).key_result().latest_confidence(), 9);

  for (int bad : {11, -1, 100}) {
    gv1::CheckIn created;
    const grpc::Status status = TryCheckIn(a.name(), Confidence(bad), &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(Reason(status), "CONFIDENCE_OUT_OF_RANGE") << bad;
    EXPECT_THAT(Fields(status), ElementsAre("check_in.confidence")) << bad;
  }
  EXPECT_EQ(GetKr(a.name()).latest_confidence(), 9);
  // The boundaries are valid.
  CheckIn(a.name(), Confidence(0));
  CheckIn(b.name(), Confidence(10));
  EXPECT_EQ(GetObjective(objective.name()).confidence(), 0);
}

TEST_F(GoalsCheckInsTest, HealthIsJudgedAgainstTheElapsedCycle) {
  const gv1::Cycle ended = EndedCycle();  // expected progress 1
  const gv1::Objective objective = CreateObjective(CompanyObjective(ended, "Late"));
  const gv1::Objective empty = CreateObjective(CompanyObjective(ended, "Nothing to measure"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Numeric(0, 100));
  ASSERT_FALSE(HasFailure());

  gv1::Objective read = GetObjective(objective.name());
  EXPECT_EQ(read.expected_progress(), 1);
  EXPECT_TRUE(read.has_measure());
  EXPECT_EQ(read.health(), gv1::HEALTH_OFF_TRACK);

  struct Step {
    double value;
    std::optional<int> confidence;
    gv1::Health health;
  };
  // ON_TRACK from 1 - 0.10, AT_RISK from 1 - 0.25, OFF_TRACK below; LOW confidence caps ON_TRACK.
  for (const Step& step :
       {Step{80, std::nullopt, gv1::HEALTH_AT_RISK}, Step{74, std::nullopt, gv1::HEALTH_OFF_TRACK},
        Step{75, std::nullopt, gv1::HEALTH_AT_RISK}, Step{95, std::nullopt, gv1::HEALTH_ON_TRACK},
        Step{95, 2, gv1::HEALTH_AT_RISK}, Step{100, 7, gv1::HEALTH_ON_TRACK},
        Step{10, 7, gv1::HEALTH_OFF_TRACK}}) {
    CheckIn(kr.name(), Value(step.value, step.confidence));
    read = GetObjective(objective.name());
    EXPECT_EQ(read.health(), step.health) << "value " << step.value;
    EXPECT_NEAR(read.progress(), step.value / 100, kTolerance);
  }

  read = GetObjective(empty.name());
  EXPECT_FALSE(read.has_measure());
  EXPECT_EQ(read.progress(), 0);
  EXPECT_EQ(read.health(), gv1::HEALTH_NO_MEASURE);

  // The same progress is fine in a cycle that has not begun.
  const gv1::Cycle future = FutureCycle();
  const gv1::Objective early = CreateObjective(CompanyObjective(future, "Early"));
  ASSERT_FALSE(HasFailure());
  CreateKr(early.name(), Numeric(0, 100));
  read = GetObjective(early.name());
  EXPECT_EQ(read.expected_progress(), 0);
  EXPECT_EQ(read.health(), gv1::HEALTH_ON_TRACK);

  // The tree carries health and expected progress too.
  const gv1::ObjectiveTree tree = Tree(ended.name());
  ASSERT_EQ(tree.roots_size(), 2);
  EXPECT_EQ(tree.roots(0).objective().name(), objective.name());
  EXPECT_EQ(tree.roots(0).objective().health(), gv1::HEALTH_OFF_TRACK);
  EXPECT_EQ(tree.roots(0).objective().expected_progress(), 1);
  EXPECT_EQ(tree.roots(1).objective().health(), gv1::HEALTH_NO_MEASURE);
}

TEST_F(GoalsCheckInsTest, MilestoneCheckInsSetDoneStates) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Ship"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Milestones({1, 3, 1}));
  ASSERT_EQ(kr.milestones_size(), 3);
  const std::string m0 = kr.milestones(0).id();
  const std::string m1 = kr.milestones(1).id();
  const std::string m2 = kr.milestones(2).id();

  const gv1::CheckIn first = CheckIn(kr.name(), MilestoneStates({{m1, true}}));
  ASSERT_EQ(first.milestone_states_size(), 1);
  EXPECT_EQ(first.milestone_states(0).milestone_id(), m1);
  gv1::KeyResult read = GetKr(kr.name());
  EXPECT_NEAR(read.progress(), 0.6, kTolerance);
  ASSERT_EQ(read.milestones_size(), 3);
  EXPECT_FALSE(read.milestones(0).done());
  EXPECT_TRUE(read.milestones(1).done());
  EXPECT_EQ(FromProto(read.milestones(1).done_time()), FromProto(first.observed_at()));
  EXPECT_FALSE(read.milestones(0).has_done_time());
  EXPECT_NEAR(Progress(objective.name()), 0.6, kTolerance);

  // A milestone may be reopened; those not named keep their state.
  CheckIn(kr.name(), MilestoneStates({{m0, true}, {m1, false}}));
  read = GetKr(kr.name());
  EXPECT_NEAR(read.progress(), 0.2, kTolerance);
  EXPECT_TRUE(read.milestones(0).done());
  EXPECT_FALSE(read.milestones(1).done());
  EXPECT_FALSE(read.milestones(1).has_done_time());
  EXPECT_FALSE(read.milestones(2).done());
  CheckIn(kr.name(), MilestoneStates({{m2, true}}));
  EXPECT_NEAR(GetKr(kr.name()).progress(), 0.4, kTolerance);

  gv1::CheckIn created;
  grpc::Status status = TryCheckIn(kr.name(), MilestoneStates({{"no-such-step", true}}), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(Reason(status), "UNKNOWN_MILESTONE");
  ASSERT_FALSE(Fields(status).empty());
  EXPECT_TRUE(Fields(status)[0].starts_with("check_in.milestone_states")) << Describe(status);

  status = TryCheckIn(kr.name(), Value(1), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(Reason(status), "KEY_RESULT_TAKES_NO_VALUE");
  EXPECT_THAT(Fields(status), Contains("check_in.value"));

  const gv1::KeyResult number = CreateKr(objective.name(), Numeric(0, 10));
  status = TryCheckIn(number.name(), MilestoneStates({{m0, true}}), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(GetKr(kr.name()).progress(), 0.4);

  // Redefining the milestones keeps the done state of those kept by id: m0 (weight 1, done) and m1
  // (weight 3, open) stay, m2 goes, a new one of weight 5 comes.
  gv1::KeyResult edit = GetKr(kr.name());
  edit.mutable_milestones()->RemoveLast();
  auto* added = edit.add_milestones();
  added->set_title("step 4");
  added->set_weight(5);
  gv1::KeyResult updated;
  status = UpdateKr(edit, {"milestones"}, &updated);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(updated.milestones_size(), 3);
  EXPECT_EQ(updated.milestones(0).id(), m0);
  EXPECT_TRUE(updated.milestones(0).done());
  EXPECT_FALSE(updated.milestones(2).id().empty());
  EXPECT_FALSE(updated.milestones(2).done()) << updated.ShortDebugString();
  EXPECT_NEAR(updated.progress(), 1.0 / 9, kTolerance);
  EXPECT_NEAR(GetKr(kr.name()).progress(), 1.0 / 9, kTolerance);
}

TEST_F(GoalsCheckInsTest, CheckInsAreValidated) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Validate"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult number = CreateKr(objective.name(), Numeric(0, 10));
  const gv1::KeyResult flag = CreateKr(objective.name(), Boolean());
  const gv1::KeyResult rollup = CreateKr(objective.name(), Rollup());
  ASSERT_FALSE(HasFailure());

  struct Case {
    std::string label;
    std::string kr;
    gv1::CheckIn check_in;
    std::string reason;  // empty: not checked
    std::string field;   // empty: not checked
  };
  gv1::CheckIn future = Value(5);
  *future.mutable_observed_at() = ToProto(absl::Now() + absl::Minutes(10));
  gv1::CheckIn long_note;
  long_note.mutable_note()->set_challenges(std::string(10001, 'x'));
  const std::vector<Case> cases = {
      {"empty", number.name(), gv1::CheckIn(), "", ""},
      {"observed 10 min ahead", number.name(), future, "", "check_in.observed_at"},
      {"NaN", number.name(), Value(std::numeric_limits<double>::quiet_NaN()), "", "check_in.value"},
      {"infinite", number.name(), Value(-std::numeric_limits<double>::infinity()), "",
       "check_in.value"},
      {"boolean 0.5", flag.name(), Value(0.5), "BOOLEAN_VALUE_NOT_0_OR_1", "check_in.value"},
      {"boolean 2", flag.name(), Value(2), "BOOLEAN_VALUE_NOT_0_OR_1", "check_in.value"},
      {"value on ROLLUP", rollup.name(), Value(1), "KEY_RESULT_TAKES_NO_VALUE", "check_in.value"},
      {"confidence 11", number.name(), Confidence(11), "CONFIDENCE_OUT_OF_RANGE",
       "check_in.confidence"},
      {"note too long", number.name(), long_note, "", "check_in.note.challenges"},
  };
  for (const Case& c : cases) {
    gv1::CheckIn created;
    const grpc::Status status = TryCheckIn(c.kr, c.check_in, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.label << ": " << Describe(status);
    if (!c.reason.empty()) {
      EXPECT_EQ(Reason(status), c.reason) << c.label;
    }
    if (!c.field.empty()) {
      EXPECT_THAT(Fields(status), Contains(c.field)) << c.label << ": " << Describe(status);
    }
  }
  EXPECT_THAT(CheckInsOf(number.name()), IsEmpty());
  EXPECT_THAT(CheckInsOf(flag.name()), IsEmpty());
  EXPECT_THAT(CheckInsOf(rollup.name()), IsEmpty());
  EXPECT_FALSE(GetKr(number.name()).has_last_check_in_time());

  gv1::CheckIn created;
  grpc::Status status = TryCheckIn(objective.name() + "/keyResults/nope", Value(1), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);

  // A note alone is a check-in: the value stays, the key result counts as checked in. Lengths are
  // counted in code points (10000 two-byte characters fit).
  std::string accented;
  for (int i = 0; i < 10000; ++i) accented += "\xc3\xa9";
  gv1::CheckIn note;
  note.mutable_note()->set_progress("Signed two pilots.");
  note.mutable_note()->set_challenges(accented);
  note.mutable_note()->set_next_steps("**Close** the third.");
  const gv1::CheckIn noted = CheckIn(number.name(), note);
  EXPECT_FALSE(noted.has_value());
  EXPECT_EQ(noted.note().progress(), "Signed two pilots.");
  EXPECT_EQ(noted.note().challenges(), accented);
  EXPECT_EQ(noted.note().next_steps(), "**Close** the third.");
  const gv1::KeyResult after_note = GetKr(number.name());
  EXPECT_EQ(after_note.current_value(), 0);
  EXPECT_EQ(FromProto(after_note.last_check_in_time()), FromProto(noted.create_time()));
  EXPECT_FALSE(after_note.has_last_observed_time());  // no value was observed

  gv1::ListCheckInsRequest list;
  list.set_parent(number.name());
  gv1::ListCheckInsResponse listed;
  ASSERT_TRUE(ListCheckIns(list, &listed).ok());
  ASSERT_EQ(listed.check_ins_size(), 1);
  EXPECT_EQ(listed.check_ins(0).note().next_steps(), "**Close** the third.");
  EXPECT_EQ(listed.check_ins(0).note().challenges(), accented);

  // A ROLLUP key result takes confidence and notes.
  EXPECT_EQ(CheckIn(rollup.name(), Confidence(6)).confidence(), 6);
  EXPECT_EQ(GetKr(rollup.name()).latest_confidence(), 6);
  EXPECT_EQ(CheckIn(flag.name(), Value(1)).value(), 1);
  EXPECT_EQ(GetKr(flag.name()).progress(), 1);

  // Up to 5 minutes ahead is tolerated (clock skew).
  gv1::CheckIn soon = Value(7);
  *soon.mutable_observed_at() = ToProto(absl::Now() + absl::Minutes(2));
  CheckIn(number.name(), soon);
  EXPECT_EQ(GetKr(number.name()).current_value(), 7);
}

TEST_F(GoalsCheckInsTest, OlderObservationIsSupersededButKept) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Observations"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Numeric(0, 100));
  ASSERT_FALSE(HasFailure());
  const absl::Time now = WholeSecondsNow();

  const gv1::CheckIn newer = CheckIn(kr.name(), ObservedValue(40, now - absl::Hours(1)));
  EXPECT_FALSE(newer.superseded());
  EXPECT_EQ(FromProto(newer.observed_at()), now - absl::Hours(1));
  const gv1::CheckIn older = CheckIn(kr.name(), ObservedValue(30, now - absl::Hours(2)));
  EXPECT_TRUE(older.superseded());
  EXPECT_EQ(older.value(), 30);

  gv1::KeyResult read = GetKr(kr.name());
  EXPECT_EQ(read.current_value(), 40);
  EXPECT_NEAR(read.progress(), 0.4, kTolerance);
  EXPECT_EQ(FromProto(read.last_observed_time()), now - absl::Hours(1));
  // The superseded check-in is still the latest check-in: staleness is about people checking in.
  EXPECT_EQ(FromProto(read.last_check_in_time()), FromProto(older.create_time()));
  EXPECT_NEAR(Progress(objective.name()), 0.4, kTolerance);

  // Equal observation times are not older: the later write wins.
  const gv1::CheckIn same_time = CheckIn(kr.name(), ObservedValue(45, now - absl::Hours(1)));
  EXPECT_FALSE(same_time.superseded());
  EXPECT_EQ(GetKr(kr.name()).current_value(), 45);

  const gv1::CheckIn latest = CheckIn(kr.name(), Value(50));
  EXPECT_FALSE(latest.superseded());
  read = GetKr(kr.name());
  EXPECT_EQ(read.current_value(), 50);
  EXPECT_EQ(FromProto(read.last_observed_time()), FromProto(latest.observed_at()));
  EXPECT_NEAR(Progress(objective.name()), 0.5, kTolerance);

  gv1::ListCheckInsRequest list;
  list.set_parent(kr.name());
  gv1::ListCheckInsResponse listed;
  ASSERT_TRUE(ListCheckIns(list, &listed).ok());
  ASSERT_EQ(listed.check_ins_size(), 4);
  EXPECT_EQ(listed.check_ins(0).name(), latest.name());
  EXPECT_EQ(listed.check_ins(2).name(), older.name());
  EXPECT_TRUE(listed.check_ins(2).superseded());
  EXPECT_EQ(listed.check_ins(2).value(), 30);
  EXPECT_FALSE(listed.check_ins(3).superseded());
}

TEST_F(GoalsCheckInsTest, RepeatedRequestIdRecordsOneCheckIn) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Idempotent"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Numeric(0, 100));
  ASSERT_FALSE(HasFailure());

  const std::string id = NewRequestId();
  gv1::CheckIn first;
  grpc::Status status = TryCheckIn(kr.name(), Value(10), &first, "", id);
  ASSERT_TRUE(status.ok()) << Describe(status);
  // A retry (even with another body) returns the first result and writes nothing.
  gv1::CheckIn again;
  status = TryCheckIn(kr.name(), Value(20), &again, "", id);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.value(), 10);
  EXPECT_EQ(FromProto(again.create_time()), FromProto(first.create_time()));
  EXPECT_EQ(GetKr(kr.name()).current_value(), 10);
  EXPECT_THAT(CheckInsOf(kr.name()), ElementsAre(first.name()));

  gv1::CheckIn other;
  status = TryCheckIn(kr.name(), Value(20), &other, "", NewRequestId());
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_NE(other.name(), first.name());
  EXPECT_EQ(GetKr(kr.name()).current_value(), 20);
  EXPECT_THAT(CheckInsOf(kr.name()), ElementsAre(other.name(), first.name()));

  status = TryCheckIn(kr.name(), Value(30), &other, "", "not-a-uuid");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("request_id"));
  EXPECT_EQ(GetKr(kr.name()).current_value(), 20);
}

TEST_F(GoalsCheckInsTest, ArchivedObjectiveTakesNoCheckIns) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Set aside"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Numeric(0, 10));
  CheckIn(kr.name(), Value(3));
  ASSERT_FALSE(HasFailure());

  EXPECT_EQ(SetState(objective.name(), gv1::OBJECTIVE_STATE_ARCHIVED).state(),
            gv1::OBJECTIVE_STATE_ARCHIVED);
  gv1::CheckIn created;
  grpc::Status status = TryCheckIn(kr.name(), Value(5), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "OBJECTIVE_ARCHIVED");
  status = TryCheckIn(kr.name(), Confidence(5), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  gv1::KeyResult added;
  status = TryCreateKr(objective.name(), Boolean(), &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "OBJECTIVE_ARCHIVED");
  EXPECT_EQ(GetKr(kr.name()).current_value(), 3);
  EXPECT_EQ(CheckInsOf(kr.name()).size(), 1u);

  // Back to ACTIVE, it takes check-ins again.
  SetState(objective.name(), gv1::OBJECTIVE_STATE_ACTIVE);
  CheckIn(kr.name(), Value(5));
  EXPECT_NEAR(Progress(objective.name()), 0.5, kTolerance);
}

TEST_F(GoalsCheckInsTest, ListCheckInsPagesNewestFirstAndFilters) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "History"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult kr = CreateKr(objective.name(), Numeric(0, 100));
  ASSERT_FALSE(HasFailure());
  const absl::Time base = WholeSecondsNow() - absl::Hours(1);
  std::vector<std::string> created;  // oldest first
  for (int i = 0; i < 5; ++i) {
    created.push_back(
        CheckIn(kr.name(), ObservedValue(i + 1, base + absl::Minutes(10 * i))).name());
  }
  ASSERT_FALSE(HasFailure());
  const std::vector<std::string> newest_first(created.rbegin(), created.rend());

  gv1::ListCheckInsRequest request;
  request.set_parent(kr.name());
  request.set_page_size(2);
  gv1::ListCheckInsResponse page;
  ASSERT_TRUE(ListCheckIns(request, &page).ok());
  EXPECT_THAT(Names(page.check_ins()), ElementsAre(created[4], created[3]));
  ASSERT_FALSE(page.next_page_token().empty());
  int pages = 0;
  EXPECT_EQ(ListAllCheckIns(request, &pages), newest_first);
  EXPECT_EQ(pages, 3);

  gv1::ListCheckInsRequest filtered = request;
  filtered.set_source(gv1::CHECK_IN_SOURCE_MANUAL);
  EXPECT_EQ(ListAllCheckIns(filtered), newest_first);
  filtered.set_source(gv1::CHECK_IN_SOURCE_STREAMED);
  EXPECT_THAT(ListAllCheckIns(filtered), IsEmpty());

  // observed_after is inclusive, observed_before exclusive.
  filtered = request;
  *filtered.mutable_observed_after() = ToProto(base + absl::Minutes(20));
  EXPECT_THAT(ListAllCheckIns(filtered), ElementsAre(created[4], created[3], created[2]));
  filtered = request;
  *filtered.mutable_observed_before() = ToProto(base + absl::Minutes(20));
  EXPECT_THAT(ListAllCheckIns(filtered), ElementsAre(created[1], created[0]));
  *filtered.mutable_observed_after() = ToProto(base + absl::Minutes(10));
  *filtered.mutable_observed_before() = ToProto(base + absl::Minutes(30));
  EXPECT_THAT(ListAllCheckIns(filtered), ElementsAre(created[2], created[1]));

  // The list carries the check-ins' content.
  request.set_page_size(0);
  gv1::ListCheckInsResponse all;
  ASSERT_TRUE(ListCheckIns(request, &all).ok());
  ASSERT_EQ(all.check_ins_size(), 5);
  EXPECT_EQ(all.check_ins(0).value(), 5);
  EXPECT_EQ(all.check_ins(0).author(), "people/ceo");
  EXPECT_EQ(all.check_ins(0).source(), gv1::CHECK_IN_SOURCE_MANUAL);
  EXPECT_EQ(FromProto(all.check_ins(4).observed_at()), base);
  EXPECT_TRUE(all.next_page_token().empty());
  EXPECT_EQ(GetKr(kr.name()).current_value(), 5);

  // A token continues only the listing it came from.
  gv1::ListCheckInsRequest changed = request;
  changed.set_page_size(2);
  changed.set_page_token(page.next_page_token());
  changed.set_source(gv1::CHECK_IN_SOURCE_MANUAL);
  gv1::ListCheckInsResponse response;
  grpc::Status status = ListCheckIns(changed, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("page_token"));
  request.set_page_size(-1);
  status = ListCheckIns(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("page_size"));
}

// --- Roll-ups and trees -------------------------------------------------------------------------

TEST_F(GoalsCheckInsTest, RollupKeyResultMeasuresTheObjectivesAlignedToIt) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective company = CreateObjective(CompanyObjective(cycle, "Company"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult rollup = CreateKr(company.name(), Rollup());
  ASSERT_FALSE(HasFailure());
  gv1::Objective read = GetObjective(company.name());
  EXPECT_FALSE(read.has_measure());
  EXPECT_EQ(read.health(), gv1::HEALTH_NO_MEASURE);

  gv1::Objective team = TeamObjective(cycle, "Team");
  team.set_parent(rollup.name());
  team = CreateObjective(team);
  gv1::Objective mine = IndividualObjective(cycle, "Mine", "dev");
  mine.set_parent(rollup.name());
  mine.set_weight(3);
  mine = CreateObjective(mine);
  gv1::Objective unmeasured = IndividualObjective(cycle, "Unmeasured", "dev2");
  unmeasured.set_parent(rollup.name());
  unmeasured = CreateObjective(unmeasured);
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult team_kr = CreateKr(team.name(), Boolean());
  const gv1::KeyResult mine_kr = CreateKr(mine.name(), Numeric(0, 10));
  ASSERT_FALSE(HasFailure());

  gv1::KeyResult rollup_now = GetKr(rollup.name());
  EXPECT_TRUE(rollup_now.has_measure());
  EXPECT_EQ(rollup_now.progress(), 0);
  EXPECT_TRUE(GetObjective(company.name()).has_measure());

  // (1 x 1 + 3 x 0) / 4; the objective without a measure is left out.
  CheckIn(team_kr.name(), Value(1));
  EXPECT_NEAR(GetKr(rollup.name()).progress(), 0.25, kTolerance);
  EXPECT_NEAR(Progress(company.name()), 0.25, kTolerance);
  CheckIn(mine_kr.name(), Value(5));
  EXPECT_NEAR(GetKr(rollup.name()).progress(), (1 + 3 * 0.5) / 4, kTolerance);
  EXPECT_NEAR(Progress(company.name()), 0.625, kTolerance);

  const gv1::KeyResult number = CreateKr(company.name(), Numeric(0, 10));
  CheckIn(number.name(), Value(10));
  EXPECT_NEAR(Progress(company.name()), (0.625 + 1) / 2, kTolerance);
  // Objectives aligned to a ROLLUP key result count through it even without rollup_children.
  EXPECT_FALSE(GetObjective(company.name()).rollup_children());

  // A ROLLUP key result takes no values; aligning to another type is refused.
  gv1::CheckIn created;
  grpc::Status status = TryCheckIn(rollup.name(), Value(1), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(Reason(status), "KEY_RESULT_TAKES_NO_VALUE");
  gv1::Objective wrong = TeamObjective(cycle, "Wrong parent");
  wrong.set_parent(number.name());
  gv1::CreateObjectiveRequest create_wrong;
  *create_wrong.mutable_objective() = wrong;
  status = Fails(&Stub::CreateObjective, create_wrong);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "PARENT_KEY_RESULT_NOT_ROLLUP");

  gv1::ObjectiveTree tree = Tree(company.name());
  ASSERT_EQ(tree.roots_size(), 1);
  const gv1::ObjectiveNode& root = tree.roots(0);
  EXPECT_NEAR(root.objective().progress(), 0.8125, kTolerance);
  EXPECT_TRUE(root.children().empty());  // aligned to the key result, not the objective
  EXPECT_FALSE(root.truncated());
  ASSERT_EQ(root.key_results_size(), 2);
  const gv1::KeyResultNode& rollup_node = root.key_results(0);
  EXPECT_EQ(rollup_node.key_result().name(), rollup.name());
  EXPECT_NEAR(rollup_node.key_result().progress(), 0.625, kTolerance);
  ASSERT_EQ(rollup_node.children_size(), 3);
  EXPECT_EQ(rollup_node.children(0).objective().name(), team.name());
  EXPECT_EQ(rollup_node.children(0).objective().progress(), 1);
  EXPECT_EQ(rollup_node.children(1).objective().name(), mine.name());
  EXPECT_NEAR(rollup_node.children(1).objective().progress(), 0.5, kTolerance);
  EXPECT_EQ(rollup_node.children(1).objective().weight(), 3);
  ASSERT_EQ(rollup_node.children(1).key_results_size(), 1);
  EXPECT_EQ(rollup_node.children(1).key_results(0).key_result().current_value(), 5);
  EXPECT_FALSE(rollup_node.children(2).objective().has_measure());
  EXPECT_TRUE(root.key_results(1).children().empty());

  // Cut at the roots: children are left out, roll-ups still cover them.
  tree = Tree(company.name(), std::nullopt, 1);
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_TRUE(tree.roots(0).truncated());
  ASSERT_EQ(tree.roots(0).key_results_size(), 2);
  EXPECT_TRUE(tree.roots(0).key_results(0).children().empty());
  EXPECT_NEAR(tree.roots(0).key_results(0).key_result().progress(), 0.625, kTolerance);
  EXPECT_NEAR(tree.roots(0).objective().progress(), 0.8125, kTolerance);
  gv1::ObjectiveTree ignored;
  EXPECT_EQ(TryTree(company.name(), &ignored, std::nullopt, -1).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GoalsCheckInsTest, MovingOrArchivingAChildUpdatesOldAndNewParents) {
  const gv1::Cycle cycle = RunningCycle();
  gv1::Objective a = CompanyObjective(cycle, "A");
  a.set_rollup_children(true);
  a = CreateObjective(a);
  gv1::Objective b = CompanyObjective(cycle, "B");
  b.set_rollup_children(true);
  b = CreateObjective(b);
  ASSERT_FALSE(HasFailure());
  CreateKr(a.name(), Numeric(0, 10));
  CreateKr(b.name(), Numeric(0, 10));
  gv1::Objective child = TeamObjective(cycle, "Child");
  child.set_parent(a.name());
  child = CreateObjective(child);
  ASSERT_FALSE(HasFailure());
  CheckIn(CreateKr(child.name(), Boolean()).name(), Value(1));
  ASSERT_FALSE(HasFailure());
  EXPECT_NEAR(Progress(a.name()), 0.5, kTolerance);
  EXPECT_NEAR(Progress(b.name()), 0, kTolerance);

  gv1::Objective move;
  move.set_name(child.name());
  move.set_parent(b.name());
  gv1::Objective moved;
  grpc::Status status = UpdateObjective(move, {"parent"}, &moved);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(moved.parent(), b.name());
  EXPECT_NEAR(Progress(a.name()), 0, kTolerance);
  EXPECT_NEAR(Progress(b.name()), 0.5, kTolerance);
  gv1::ObjectiveTree tree = Tree(cycle.name());
  ASSERT_EQ(tree.roots_size(), 2);
  EXPECT_TRUE(tree.roots(0).children().empty());
  ASSERT_EQ(tree.roots(1).children_size(), 1);
  EXPECT_EQ(tree.roots(1).children(0).objective().name(), child.name());

  // Archived, it leaves its parent's mean (and the default tree).
  SetState(child.name(), gv1::OBJECTIVE_STATE_ARCHIVED);
  EXPECT_NEAR(Progress(b.name()), 0, kTolerance);
  tree = Tree(b.name());
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_TRUE(tree.roots(0).children().empty());
  tree = Tree(b.name(), std::nullopt, 0, "", /*include_archived=*/true);
  ASSERT_EQ(tree.roots_size(), 1);
  ASSERT_EQ(tree.roots(0).children_size(), 1);
  EXPECT_EQ(tree.roots(0).children(0).objective().state(), gv1::OBJECTIVE_STATE_ARCHIVED);
  EXPECT_NEAR(tree.roots(0).objective().progress(), 0, kTolerance);

  SetState(child.name(), gv1::OBJECTIVE_STATE_ACTIVE);
  EXPECT_NEAR(Progress(b.name()), 0.5, kTolerance);

  // Made top-level, it counts for neither.
  move.set_parent("");
  status = UpdateObjective(move, {"parent"}, &moved);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_NEAR(Progress(b.name()), 0, kTolerance);
  EXPECT_EQ(Tree(cycle.name()).roots_size(), 3);
}

TEST_F(GoalsCheckInsTest, PrivateChildIsRedactedInTheTreeButCounted) {
  const gv1::Cycle cycle = RunningCycle();
  gv1::Objective parent = CompanyObjective(cycle, "Public parent");
  parent.set_rollup_children(true);
  parent = CreateObjective(parent);
  ASSERT_FALSE(HasFailure());
  gv1::Objective secret = IndividualObjective(cycle, "Secret plan", "dev");
  secret.set_parent(parent.name());
  secret.set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
  secret.set_description("nobody else should read this");
  secret.set_weight(3);
  secret = CreateObjective(secret);
  gv1::Objective open = IndividualObjective(cycle, "Open plan", "kro");
  open.set_parent(parent.name());
  open = CreateObjective(open);
  ASSERT_FALSE(HasFailure());
  CheckIn(CreateKr(secret.name(), Boolean()).name(), Value(1));
  CreateKr(open.name(), Numeric(0, 10));
  ASSERT_FALSE(HasFailure());

  // (3 x 1 + 1 x 0) / 4, whoever reads it.
  EXPECT_NEAR(GetObjective(parent.name(), Token("peer")).progress(), 0.75, kTolerance);

  gv1::ObjectiveTree tree = Tree(parent.name(), std::nullopt, 0, Token("peer"));
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_NEAR(tree.roots(0).objective().progress(), 0.75, kTolerance);
  ASSERT_EQ(tree.roots(0).children_size(), 2);
  const gv1::ObjectiveNode& hidden = tree.roots(0).children(0);
  EXPECT_TRUE(hidden.redacted());
  EXPECT_EQ(hidden.objective().name(), "");
  EXPECT_EQ(hidden.objective().title(), "");
  EXPECT_EQ(hidden.objective().description(), "");
  EXPECT_EQ(hidden.objective().owner_case(), gv1::Objective::OWNER_NOT_SET);
  EXPECT_TRUE(hidden.key_results().empty());
  EXPECT_EQ(hidden.objective().weight(), 3);
  EXPECT_EQ(hidden.objective().level(), gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
  EXPECT_EQ(hidden.objective().progress(), 1);
  EXPECT_TRUE(hidden.objective().has_measure());
  const gv1::ObjectiveNode& shown = tree.roots(0).children(1);
  EXPECT_FALSE(shown.redacted());
  EXPECT_EQ(shown.objective().title(), "Open plan");
  EXPECT_EQ(shown.key_results_size(), 1);

  // Its owner and the owner's manager see it in full.
  for (const char* reader : {"dev", "lead"}) {
    tree = Tree(parent.name(), std::nullopt, 0, Token(reader));
    ASSERT_EQ(tree.roots_size(), 1);
    ASSERT_EQ(tree.roots(0).children_size(), 2);
    EXPECT_FALSE(tree.roots(0).children(0).redacted()) << reader;
    EXPECT_EQ(tree.roots(0).children(0).objective().title(), "Secret plan") << reader;
    EXPECT_EQ(tree.roots(0).children(0).key_results_size(), 1) << reader;
  }

  gv1::GetObjectiveRequest get;
  get.set_name(secret.name());
  EXPECT_EQ(Fails(&Stub::GetObjective, get, Token("peer")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A PRIVATE top-level objective is redacted in the cycle's forest the same way.
  gv1::Objective top_secret = IndividualObjective(cycle, "Top secret", "dev");
  top_secret.set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
  CreateObjective(top_secret);
  tree = Tree(cycle.name(), std::nullopt, 0, Token("peer"));
  ASSERT_EQ(tree.roots_size(), 2);
  EXPECT_EQ(tree.roots(0).objective().name(), parent.name());
  EXPECT_TRUE(tree.roots(1).redacted());
  EXPECT_EQ(tree.roots(1).objective().title(), "");
}

TEST_F(GoalsCheckInsTest, WhoMayCheckIn) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective mine = CreateObjective(IndividualObjective(cycle, "Dev's", "dev"));
  const gv1::Objective team = CreateObjective(TeamObjective(cycle, "Eng's"));
  gv1::Objective secret = IndividualObjective(cycle, "Dev's secret", "dev");
  secret.set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
  secret = CreateObjective(secret);
  ASSERT_FALSE(HasFailure());
  gv1::KeyResult owned = Numeric(0, 10);
  owned.set_owner("people/kro");
  owned = CreateKr(mine.name(), owned);
  const gv1::KeyResult team_kr = CreateKr(team.name(), Numeric(0, 10));
  const gv1::KeyResult secret_kr = CreateKr(secret.name(), Numeric(0, 10));
  ASSERT_FALSE(HasFailure());

  // The key result's owner, the objective's owner and their managers check in, as themselves.
  double value = 0;
  for (const char* who : {"kro", "dev", "lead", "ceo"}) {
    gv1::CheckIn created;
    const grpc::Status status = TryCheckIn(owned.name(), Value(++value), &created, Token(who));
    EXPECT_TRUE(status.ok()) << who << ": " << Describe(status);
    EXPECT_EQ(created.author(), std::string("people/") + who);
  }
  // Anyone else may read it but not move it.
  gv1::CheckIn created;
  grpc::Status status = TryCheckIn(owned.name(), Value(9), &created, Token("peer"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  EXPECT_EQ(Reason(status), "CHECK_IN_DENIED");
  status = TryCheckIn(owned.name(), Confidence(1), &created, Token("dev2"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  EXPECT_EQ(GetKr(owned.name(), Token("peer")).current_value(), 4);
  EXPECT_EQ(CheckInsOf(owned.name()).size(), 4u);

  // Checking in is not redefining: the key result's owner may not change the target.
  gv1::KeyResult edit = owned;  // the etag of creation is still current
  edit.set_target_value(20);
  for (const char* who : {"kro", "peer"}) {
    status = UpdateKr(edit, {"target_value"}, nullptr, Token(who));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who;
    EXPECT_EQ(Reason(status), "KEY_RESULT_WRITE_DENIED") << who;
  }
  gv1::KeyResult updated;
  status = UpdateKr(edit, {"target_value"}, &updated, Token("lead"));
  EXPECT_TRUE(status.ok()) << Describe(status);
  EXPECT_NEAR(updated.progress(), 0.2, kTolerance);

  // Members of an owning team check in on its key results; outsiders do not.
  for (const char* who : {"dev", "dev2", "lead"}) {
    status = TryCheckIn(team_kr.name(), Value(5), &created, Token(who));
    EXPECT_TRUE(status.ok()) << who << ": " << Describe(status);
  }
  for (const char* who : {"peer", "kro"}) {
    status = TryCheckIn(team_kr.name(), Value(6), &created, Token(who));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who;
    EXPECT_EQ(Reason(status), "CHECK_IN_DENIED") << who;
  }

  // A PRIVATE objective's key results do not exist for outsiders: the same answer as a name that
  // exists nowhere.
  status = TryCheckIn(secret_kr.name(), Value(1), &created, Token("peer"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  const grpc::Status unknown =
      TryCheckIn(mine.name() + "/keyResults/nope", Value(1), &created, Token("peer"));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  gv1::ListCheckInsRequest list;
  list.set_parent(secret_kr.name());
  EXPECT_EQ(Fails(&Stub::ListCheckIns, list, Token("peer")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  status = TryCheckIn(secret_kr.name(), Value(1), &created, Token("lead"));
  EXPECT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(GetKr(secret_kr.name(), Token("dev")).current_value(), 1);

  // Without a token nothing is recorded.
  status = TryCheckIn(owned.name(), Value(9), &created, kNoToken);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(status);
  EXPECT_EQ(GetKr(owned.name()).current_value(), 4);
}

TEST_F(GoalsCheckInsTest, CloseCycleScoresAndFreezesObjectives) {
  const gv1::Cycle cycle = EndedCycle();
  const gv1::Objective committed = CreateObjective(CompanyObjective(cycle, "Committed"));
  gv1::Objective stretch = CompanyObjective(cycle, "Stretch");
  stretch.set_kind(gv1::OBJECTIVE_KIND_ASPIRATIONAL);
  stretch = CreateObjective(stretch);
  const gv1::Objective dropped = CreateObjective(CompanyObjective(cycle, "Dropped"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult committed_kr = CreateKr(committed.name(), Numeric(0, 10));
  const gv1::KeyResult stretch_kr = CreateKr(stretch.name(), Numeric(0, 10));
  const gv1::KeyResult dropped_kr = CreateKr(dropped.name(), Numeric(0, 10));
  CheckIn(committed_kr.name(), Value(7));
  CheckIn(stretch_kr.name(), Value(7));
  CheckIn(dropped_kr.name(), Value(10));
  SetState(dropped.name(), gv1::OBJECTIVE_STATE_ARCHIVED);
  ASSERT_FALSE(HasFailure());
  EXPECT_FALSE(GetObjective(committed.name()).has_score());

  // Only administrators close, and only with a current etag.
  gv1::CloseCycleRequest close;
  close.set_name(cycle.name());
  grpc::Status status = Fails(&Stub::CloseCycle, close, Token("lead"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(status);
  EXPECT_EQ(Reason(status), "CYCLE_WRITE_DENIED");
  gv1::UpdateCycleRequest rename;
  *rename.mutable_cycle() = cycle;
  rename.mutable_cycle()->set_display_name("renamed before close");
  rename.mutable_update_mask()->add_paths("display_name");
  const gv1::Cycle renamed = Must(&Stub::UpdateCycle, rename);
  close.set_etag(cycle.etag());
  status = Fails(&Stub::CloseCycle, close);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << Describe(status);
  EXPECT_EQ(Reason(status), "ETAG_MISMATCH");

  close.set_etag(renamed.etag());
  const gv1::Cycle closed = Must(&Stub::CloseCycle, close);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(closed.state(), gv1::CYCLE_STATE_CLOSED);
  EXPECT_TRUE(closed.has_close_time());

  gv1::Objective read = GetObjective(committed.name());
  EXPECT_EQ(read.state(), gv1::OBJECTIVE_STATE_CLOSED);
  ASSERT_TRUE(read.has_score());
  EXPECT_NEAR(read.score(), 0.7, kTolerance);
  EXPECT_EQ(read.success_threshold(), 1.0);
  read = GetObjective(stretch.name());
  EXPECT_EQ(read.state(), gv1::OBJECTIVE_STATE_CLOSED);
  EXPECT_NEAR(read.score(), 0.7, kTolerance);
  EXPECT_NEAR(read.success_threshold(), 0.7, kTolerance);
  read = GetObjective(dropped.name());
  EXPECT_EQ(read.state(), gv1::OBJECTIVE_STATE_ARCHIVED);
  EXPECT_FALSE(read.has_score());

  // Everything in the cycle is read-only now.
  gv1::CheckIn created;
  status = TryCheckIn(committed_kr.name(), Value(10), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "CYCLE_CLOSED");
  status = TryCheckIn(committed_kr.name(), Confidence(9), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  gv1::KeyResult edit = GetKr(committed_kr.name());
  edit.set_target_value(7);
  status = UpdateKr(edit, {"target_value"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "CYCLE_CLOSED");
  gv1::KeyResult added;
  status = TryCreateKr(committed.name(), Boolean(), &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "CYCLE_CLOSED");
  status = DeleteKr(stretch_kr.name());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "CYCLE_CLOSED");
  close.clear_etag();
  status = Fails(&Stub::CloseCycle, close);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(status);
  EXPECT_EQ(Reason(status), "CYCLE_CLOSED");

  // The score, the value and the history did not move.
  const gv1::KeyResult frozen = GetKr(committed_kr.name());
  EXPECT_EQ(frozen.current_value(), 7);
  EXPECT_EQ(frozen.target_value(), 10);
  EXPECT_EQ(CheckInsOf(committed_kr.name()).size(), 1u);
  read = GetObjective(committed.name());
  EXPECT_NEAR(read.score(), 0.7, kTolerance);
  EXPECT_NEAR(read.progress(), 0.7, kTolerance);
  EXPECT_NEAR(GetKr(stretch_kr.name()).progress(), 0.7, kTolerance);

  // Grading may still overwrite the score.
  gv1::Objective grade;
  grade.set_name(committed.name());
  grade.set_score(0.8);
  grade.set_grading_note("Most of it landed.");
  gv1::Objective graded;
  status = UpdateObjective(grade, {"score", "grading_note"}, &graded);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_NEAR(graded.score(), 0.8, kTolerance);
  EXPECT_EQ(GetObjective(committed.name()).grading_note(), "Most of it landed.");
}

TEST_F(GoalsCheckInsTest, TreeAsOfShowsValuesOfThatTime) {
  const gv1::Cycle cycle = RunningCycle();
  const gv1::Objective objective = CreateObjective(CompanyObjective(cycle, "Then and now"));
  ASSERT_FALSE(HasFailure());
  const gv1::KeyResult revenue = CreateKr(objective.name(), Numeric(0, 100));
  absl::SleepFor(absl::Milliseconds(30));  // the key result exists well before the check-in
  const gv1::CheckIn first = CheckIn(revenue.name(), Value(20, 8));
  ASSERT_FALSE(HasFailure());
  // Everything written from here on is later than `between`.
  absl::SleepFor(absl::Milliseconds(30));
  const absl::Time between = FromProto(first.create_time()) + absl::Milliseconds(10);
  const gv1::KeyResult launch = CreateKr(objective.name(), Boolean());
  CheckIn(launch.name(), Value(1));
  const gv1::CheckIn second = CheckIn(revenue.name(), Value(60, 4));
  const gv1::Objective later = CreateObjective(CompanyObjective(cycle, "Later"));
  ASSERT_FALSE(HasFailure());
  ASSERT_GT(FromProto(second.create_time()), between);

  gv1::ObjectiveTree now = Tree(objective.name());
  ASSERT_EQ(now.roots_size(), 1);
  EXPECT_NEAR(now.roots(0).objective().progress(), 0.8, kTolerance);
  EXPECT_EQ(now.roots(0).objective().confidence(), 4);
  ASSERT_EQ(now.roots(0).key_results_size(), 2);
  EXPECT_EQ(now.roots(0).key_results(0).key_result().current_value(), 60);
  EXPECT_GE(FromProto(now.as_of()), FromProto(second.create_time()));

  gv1::ObjectiveTree then = Tree(objective.name(), between);
  EXPECT_EQ(FromProto(then.as_of()), between);
  EXPECT_EQ(then.cycle(), cycle.name());
  ASSERT_EQ(then.roots_size(), 1);
  const gv1::Objective& past = then.roots(0).objective();
  EXPECT_EQ(past.name(), objective.name());
  EXPECT_NEAR(past.progress(), 0.2, kTolerance);  // the boolean did not exist yet
  ASSERT_TRUE(past.has_confidence());
  EXPECT_EQ(past.confidence(), 8);
  ASSERT_EQ(then.roots(0).key_results_size(), 1);
  const gv1::KeyResult& past_kr = then.roots(0).key_results(0).key_result();
  EXPECT_EQ(past_kr.name(), revenue.name());
  EXPECT_EQ(past_kr.current_value(), 20);
  EXPECT_NEAR(past_kr.progress(), 0.2, kTolerance);
  EXPECT_EQ(past_kr.latest_confidence(), 8);
  EXPECT_EQ(FromProto(past_kr.last_check_in_time()), FromProto(first.create_time()));

  // Before the first check-in the key result was at its start.
  then = Tree(objective.name(), FromProto(first.create_time()) - absl::Milliseconds(1));
  ASSERT_EQ(then.roots_size(), 1);
  ASSERT_EQ(then.roots(0).key_results_size(), 1);
  EXPECT_EQ(then.roots(0).key_results(0).key_result().current_value(), 0);
  EXPECT_FALSE(then.roots(0).objective().has_confidence());

  // The cycle's forest as of then: the later objective did not exist.
  then = Tree(cycle.name(), between);
  ASSERT_EQ(then.roots_size(), 1);
  EXPECT_NEAR(then.roots(0).objective().progress(), 0.2, kTolerance);
  now = Tree(cycle.name());
  ASSERT_EQ(now.roots_size(), 2);
  EXPECT_EQ(now.roots(1).objective().name(), later.name());

  gv1::ObjectiveTree ignored;
  const grpc::Status status = TryTree(objective.name(), &ignored, absl::Now() + absl::Hours(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_THAT(Fields(status), Contains("as_of"));
}

}  // namespace
}  // namespace okr
