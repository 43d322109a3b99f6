// okr.goals.v1.GoalsService cycles and objectives end to end: the real okr-goals binary driven
// through the generated client, with the authorization matrix and cross-tenant probes.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "google/protobuf/field_mask.pb.h"
#include "google/type/date.pb.h"
#include "okr/common/status/errors.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/e2e/goals/goals_e2e.h"

namespace okr {
namespace {

namespace gv1 = goals::v1;
namespace ov1 = org::v1;
using grpc::StatusCode;

// Request ids (RFC 4122 UUIDs) used by the idempotency tests.
constexpr char kRequestIdA[] = "6f1c2a3e-0b4d-4c5e-9f60-7a8b9c0d1e2f";
constexpr char kRequestIdB[] = "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b";

google::type::Date MakeDate(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

gv1::Cycle MakeCycle(const std::string& display_name, const google::type::Date& start,
                     const google::type::Date& end) {
  gv1::Cycle cycle;
  cycle.set_display_name(display_name);
  *cycle.mutable_start_date() = start;
  *cycle.mutable_end_date() = end;
  return cycle;
}

// The cycle of one calendar quarter.
gv1::Cycle QuarterCycle(const std::string& display_name, int year, int quarter) {
  static constexpr int kLastDay[] = {31, 30, 30, 31};
  return MakeCycle(display_name, MakeDate(year, 3 * quarter - 2, 1),
                   MakeDate(year, 3 * quarter, kLastDay[quarter - 1]));
}

gv1::Objective PersonObjective(const std::string& cycle, const std::string& person,
                               const std::string& title,
                               gv1::ObjectiveLevel level = gv1::OBJECTIVE_LEVEL_INDIVIDUAL) {
  gv1::Objective objective;
  objective.set_cycle(cycle);
  objective.set_owner_person("people/" + person);
  objective.set_title(title);
  objective.set_level(level);
  return objective;
}

gv1::Objective TeamObjective(const std::string& cycle, const std::string& team,
                             const std::string& title) {
  gv1::Objective objective;
  objective.set_cycle(cycle);
  objective.set_owner_team("teams/" + team);
  objective.set_title(title);
  objective.set_level(gv1::OBJECTIVE_LEVEL_TEAM);
  return objective;
}

gv1::Objective WithParent(gv1::Objective objective, const std::string& parent) {
  objective.set_parent(parent);
  return objective;
}

gv1::Objective WithVisibility(gv1::Objective objective, gv1::ObjectiveVisibility visibility) {
  objective.set_visibility(visibility);
  return objective;
}

gv1::Objective WithState(gv1::Objective objective, gv1::ObjectiveState state) {
  objective.set_state(state);
  return objective;
}

using e2e::Fields;
using e2e::Reason;

std::string Describe(const grpc::Status& status) {
  std::string fields;
  for (const auto& field : Fields(status)) fields += " " + field;
  return "code " + std::to_string(static_cast<int>(status.error_code())) + " reason " +
         Reason(status) + " fields [" + fields + " ] message: " + status.error_message();
}

::testing::AssertionResult IsOk(const grpc::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected OK, got " << Describe(status);
}

// The call failed with `code` and, when given, `reason`.
::testing::AssertionResult IsError(const grpc::Status& status, StatusCode code,
                                   const std::string& reason = "") {
  if (status.error_code() == code && (reason.empty() || Reason(status) == reason)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected code " << static_cast<int>(code) << " reason '"
                                       << reason << "', got " << Describe(status);
}

// The call failed with INVALID_ARGUMENT naming `field` among its field violations.
::testing::AssertionResult IsInvalid(const grpc::Status& status, const std::string& field) {
  const auto fields = Fields(status);
  if (status.error_code() == StatusCode::INVALID_ARGUMENT &&
      std::find(fields.begin(), fields.end(), field) != fields.end()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected INVALID_ARGUMENT on '" << field << "', got " << Describe(status);
}

// The call failed with INVALID_ARGUMENT naming some field that starts with `prefix`.
::testing::AssertionResult IsInvalidUnder(const grpc::Status& status, const std::string& prefix) {
  const auto fields = Fields(status);
  if (status.error_code() == StatusCode::INVALID_ARGUMENT &&
      std::any_of(fields.begin(), fields.end(),
                  [&](const std::string& f) { return f.rfind(prefix, 0) == 0; })) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected INVALID_ARGUMENT on '" << prefix << "*', got " << Describe(status);
}

template <typename T>
std::vector<std::string> NamesOf(const google::protobuf::RepeatedPtrField<T>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return names;
}

int64_t Nanos(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000000 + ts.nanos();
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// One okr-goals process serves the whole suite (starting one takes seconds); each test works in
// tenants of its own, named after the test, so tests cannot see each other's records.
//
// The org directory of every test's tenant (SeedOrg):
//   ceo <- vp <- lead <- dev (member of team eng), ceo <- vp <- lead <- peer,
//   ceo <- outsider (lead of team sales), lead <- former (INACTIVE); team eng is led by lead.
// Tokens: As("dev") acts as people/dev with no role; admin_ has role admin and is no person.
class GoalsObjectivesTest : public e2e::GoalsServerSuite {
 protected:
  void SetUp() override {
    ASSERT_TRUE(serving_) << ServerProblem();
    goals_ = gv1::GoalsService::NewStub(server_->channel());
    org_ = ov1::OrgService::NewStub(server_->channel());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    tenant_ = std::string("go-") + info->name();
    other_tenant_ = tenant_ + "-other";
    admin_ = test_support::E2eToken(tenant_, "root", {"admin"});
    other_admin_ = test_support::E2eToken(other_tenant_, "root", {"admin"});
  }

  std::string As(const std::string& person) const {
    return test_support::E2eToken(tenant_, person, {});
  }
  std::string AsOther(const std::string& person) const {
    return test_support::E2eToken(other_tenant_, person, {});
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  // Fills the org directory of a tenant (see the class comment) with its admin token.
  void SeedOrg(const std::string& admin) {
    ov1::BatchUpsertTeamsRequest teams;
    auto* eng = teams.add_teams();
    eng->set_name("teams/eng");
    eng->set_display_name("Engineering");
    eng->set_lead("people/lead");
    auto* sales = teams.add_teams();
    sales->set_name("teams/sales");
    sales->set_display_name("Sales");
    sales->set_lead("people/outsider");
    ov1::BatchUpsertTeamsResponse teams_response;
    ASSERT_TRUE(IsOk(org_->BatchUpsertTeams(Context(admin).get(), teams, &teams_response)));

    ov1::BatchUpsertPeopleRequest people;
    auto add = [&](const std::string& id, const std::string& manager,
                   const std::vector<std::string>& person_teams) {
      auto* person = people.add_people();
      person->set_name("people/" + id);
      person->set_display_name("Person " + id);
      person->set_email(id + "@example.com");
      if (!manager.empty()) person->set_manager("people/" + manager);
      for (const auto& team : person_teams) person->add_teams("teams/" + team);
      return person;
    };
    add("ceo", "", {});
    add("vp", "ceo", {});
    add("lead", "vp", {"eng"});
    add("dev", "lead", {"eng"});
    add("peer", "lead", {});
    add("outsider", "ceo", {"sales"});
    add("former", "lead", {})->set_state(ov1::PERSON_STATE_INACTIVE);
    ov1::BatchUpsertPeopleResponse people_response;
    ASSERT_TRUE(IsOk(org_->BatchUpsertPeople(Context(admin).get(), people, &people_response)));
  }

  // --- Thin wrappers over the RPCs: every call names its caller's token. ---

  grpc::Status CreateCycle(const std::string& token, const gv1::Cycle& cycle, gv1::Cycle* out,
                           const std::string& request_id = "") {
    gv1::CreateCycleRequest request;
    *request.mutable_cycle() = cycle;
    request.set_request_id(request_id);
    gv1::Cycle ignored;
    return goals_->CreateCycle(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status GetCycle(const std::string& token, const std::string& name, gv1::Cycle* out) {
    gv1::GetCycleRequest request;
    request.set_name(name);
    gv1::Cycle ignored;
    return goals_->GetCycle(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status ListCycles(const std::string& token, const gv1::ListCyclesRequest& request,
                          gv1::ListCyclesResponse* out) {
    out->Clear();
    return goals_->ListCycles(Context(token).get(), request, out);
  }

  grpc::Status UpdateCycle(const std::string& token, const gv1::Cycle& cycle,
                           const std::vector<std::string>& paths, gv1::Cycle* out) {
    gv1::UpdateCycleRequest request;
    *request.mutable_cycle() = cycle;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    gv1::Cycle ignored;
    return goals_->UpdateCycle(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status CloseCycle(const std::string& token, const std::string& name,
                          const std::string& etag, gv1::Cycle* out) {
    gv1::CloseCycleRequest request;
    request.set_name(name);
    request.set_etag(etag);
    gv1::Cycle ignored;
    return goals_->CloseCycle(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status CreateObjective(const std::string& token, const gv1::Objective& objective,
                               gv1::Objective* out, const std::string& request_id = "") {
    gv1::CreateObjectiveRequest request;
    *request.mutable_objective() = objective;
    request.set_request_id(request_id);
    gv1::Objective ignored;
    return goals_->CreateObjective(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status GetObjective(const std::string& token, const std::string& name,
                            gv1::Objective* out) {
    gv1::GetObjectiveRequest request;
    request.set_name(name);
    gv1::Objective ignored;
    return goals_->GetObjective(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status ListObjectives(const std::string& token, const gv1::ListObjectivesRequest& request,
                              gv1::ListObjectivesResponse* out) {
    out->Clear();
    return goals_->ListObjectives(Context(token).get(), request, out);
  }

  grpc::Status UpdateObjective(const std::string& token, const gv1::Objective& objective,
                               const std::vector<std::string>& paths, gv1::Objective* out) {
    gv1::UpdateObjectiveRequest request;
    *request.mutable_objective() = objective;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    gv1::Objective ignored;
    return goals_->UpdateObjective(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  grpc::Status DeleteObjective(const std::string& token, const std::string& name,
                               const std::string& etag = "") {
    gv1::DeleteObjectiveRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return goals_->DeleteObjective(Context(token).get(), request, &empty);
  }

  grpc::Status CreateKeyResult(const std::string& token, const std::string& objective,
                               const gv1::KeyResult& key_result, gv1::KeyResult* out) {
    gv1::CreateKeyResultRequest request;
    request.set_parent(objective);
    *request.mutable_key_result() = key_result;
    gv1::KeyResult ignored;
    return goals_->CreateKeyResult(Context(token).get(), request, out != nullptr ? out : &ignored);
  }

  // --- Helpers that expect success and hand back the resource (empty on failure). ---

  gv1::Cycle NewCycle(const gv1::Cycle& cycle, const std::string& request_id = "") {
    gv1::Cycle created;
    grpc::Status status = CreateCycle(admin_, cycle, &created, request_id);
    EXPECT_TRUE(IsOk(status)) << "creating cycle " << cycle.display_name();
    return created;
  }

  gv1::Objective NewObjective(const gv1::Objective& objective, const std::string& token = "") {
    gv1::Objective created;
    grpc::Status status = CreateObjective(token.empty() ? admin_ : token, objective, &created);
    EXPECT_TRUE(IsOk(status)) << "creating objective " << objective.title();
    return created;
  }

  gv1::Objective Read(const std::string& name) {
    gv1::Objective objective;
    EXPECT_TRUE(IsOk(GetObjective(admin_, name, &objective))) << name;
    return objective;
  }

  gv1::KeyResult NewRollupKeyResult(const std::string& objective, const std::string& title) {
    gv1::KeyResult key_result;
    key_result.set_title(title);
    key_result.set_type(gv1::KEY_RESULT_TYPE_ROLLUP);
    gv1::KeyResult created;
    EXPECT_TRUE(IsOk(CreateKeyResult(admin_, objective, key_result, &created))) << title;
    return created;
  }

  // A NUMERIC key result from 0 to `target`.
  gv1::KeyResult NewNumericKeyResult(const std::string& objective, const std::string& title,
                                     double target) {
    gv1::KeyResult key_result;
    key_result.set_title(title);
    key_result.set_type(gv1::KEY_RESULT_TYPE_NUMERIC);
    key_result.set_unit("deals");
    key_result.set_start_value(0);
    key_result.set_target_value(target);
    gv1::KeyResult created;
    EXPECT_TRUE(IsOk(CreateKeyResult(admin_, objective, key_result, &created))) << title;
    return created;
  }

  void CheckIn(const std::string& key_result, double value) {
    gv1::CreateCheckInRequest request;
    request.set_parent(key_result);
    request.mutable_check_in()->set_value(value);
    gv1::CheckIn check_in;
    EXPECT_TRUE(IsOk(goals_->CreateCheckIn(Context(admin_).get(), request, &check_in)));
  }

  // Every cycle the listing yields, following page tokens (at most 100 pages).
  std::vector<std::string> AllCycles(const std::string& token, gv1::ListCyclesRequest request,
                                     int* pages = nullptr) {
    std::vector<std::string> names;
    int count = 0;
    do {
      gv1::ListCyclesResponse response;
      grpc::Status status = ListCycles(token, request, &response);
      EXPECT_TRUE(IsOk(status));
      if (!status.ok()) break;
      for (const auto& cycle : response.cycles()) names.push_back(cycle.name());
      request.set_page_token(response.next_page_token());
      ++count;
    } while (!request.page_token().empty() && count < 100);
    if (pages != nullptr) *pages = count;
    return names;
  }

  // Every objective the listing yields to `token`, following page tokens (at most 100 pages).
  std::vector<std::string> AllObjectives(const std::string& token,
                                         gv1::ListObjectivesRequest request, int* pages = nullptr) {
    std::vector<std::string> names;
    int count = 0;
    do {
      gv1::ListObjectivesResponse response;
      grpc::Status status = ListObjectives(token, request, &response);
      EXPECT_TRUE(IsOk(status));
      if (!status.ok()) break;
      for (const auto& objective : response.objectives()) names.push_back(objective.name());
      request.set_page_token(response.next_page_token());
      ++count;
    } while (!request.page_token().empty() && count < 100);
    if (pages != nullptr) *pages = count;
    return names;
  }

  std::vector<std::string> ObjectivesOfCycle(const std::string& token, const std::string& cycle) {
    gv1::ListObjectivesRequest request;
    request.set_cycle(cycle);
    return AllObjectives(token, request);
  }

  std::unique_ptr<gv1::GoalsService::Stub> goals_;
  std::unique_ptr<ov1::OrgService::Stub> org_;
  std::string tenant_;
  std::string other_tenant_;
  std::string admin_;
  std::string other_admin_;
};

const std::regex kCycleName("^cycles/[a-z0-9-]{1,63}$");
const std::regex kObjectiveName("^objectives/[a-z0-9-]{1,63}$");

// ---------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------

TEST_F(GoalsObjectivesTest, CyclesAreCreatedReadAndListedNewestFirst) {
  gv1::Cycle q1 = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Cycle active = QuarterCycle("2027-Q2", 2027, 2);
  active.set_state(gv1::CYCLE_STATE_ACTIVE);
  gv1::Cycle q2 = NewCycle(active);
  gv1::Cycle berlin = QuarterCycle("2026-Q4", 2026, 4);
  berlin.set_time_zone("Europe/Berlin");
  berlin.mutable_check_in_cadence()->set_seconds(14 * 86400);
  gv1::Cycle q4 = NewCycle(berlin);
  ASSERT_FALSE(q1.name().empty());
  ASSERT_FALSE(q2.name().empty());
  ASSERT_FALSE(q4.name().empty());

  EXPECT_TRUE(std::regex_match(q1.name(), kCycleName)) << q1.name();
  EXPECT_EQ(q1.display_name(), "2027-Q1");
  EXPECT_EQ(q1.state(), gv1::CYCLE_STATE_PLANNING);       // UNSPECIFIED on create means PLANNING
  EXPECT_EQ(q1.time_zone(), "UTC");                       // empty on create means UTC
  EXPECT_EQ(q1.check_in_cadence().seconds(), 7 * 86400);  // the tenant default
  EXPECT_EQ(q1.start_date().month(), 1);
  EXPECT_EQ(q1.end_date().day(), 31);
  EXPECT_FALSE(q1.etag().empty());
  EXPECT_GT(q1.create_time().seconds(), 0);
  EXPECT_FALSE(q1.has_close_time());
  EXPECT_EQ(q2.state(), gv1::CYCLE_STATE_ACTIVE);
  EXPECT_EQ(q4.time_zone(), "Europe/Berlin");
  EXPECT_EQ(q4.check_in_cadence().seconds(), 14 * 86400);
  EXPECT_NE(q1.name(), q2.name());

  gv1::Cycle got;
  ASSERT_TRUE(IsOk(GetCycle(As("dev"), q1.name(), &got)));  // everyone in the tenant reads cycles
  EXPECT_EQ(got.display_name(), "2027-Q1");
  EXPECT_EQ(got.etag(), q1.etag());
  EXPECT_EQ(got.state(), gv1::CYCLE_STATE_PLANNING);
  EXPECT_EQ(Nanos(got.create_time()), Nanos(q1.create_time()));
  EXPECT_TRUE(IsError(GetCycle(admin_, "cycles/does-not-exist", &got), StatusCode::NOT_FOUND,
                      "CYCLE_NOT_FOUND"));
  EXPECT_TRUE(IsError(GetCycle(admin_, "not-a-cycle-name", &got), StatusCode::INVALID_ARGUMENT));

  // Newest first: start_date descending.
  const std::vector<std::string> newest_first = {q2.name(), q1.name(), q4.name()};
  EXPECT_EQ(AllCycles(As("peer"), {}), newest_first);

  // Page size 1 walks every page, and the last one has no token.
  gv1::ListCyclesRequest paged;
  paged.set_page_size(1);
  int pages = 0;
  EXPECT_EQ(AllCycles(admin_, paged, &pages), newest_first);
  EXPECT_EQ(pages, 3);

  gv1::ListCyclesRequest by_state;
  by_state.set_state(gv1::CYCLE_STATE_ACTIVE);
  EXPECT_EQ(AllCycles(admin_, by_state), (std::vector<std::string>{q2.name()}));
  by_state.set_state(gv1::CYCLE_STATE_PLANNING);
  EXPECT_EQ(AllCycles(admin_, by_state), (std::vector<std::string>{q1.name(), q4.name()}));
  by_state.set_state(gv1::CYCLE_STATE_CLOSED);
  EXPECT_TRUE(AllCycles(admin_, by_state).empty());

  gv1::ListCyclesRequest negative;
  negative.set_page_size(-1);
  gv1::ListCyclesResponse response;
  EXPECT_TRUE(IsInvalid(ListCycles(admin_, negative, &response), "page_size"));
  EXPECT_EQ(response.cycles_size(), 0);

  // Two cycles starting the same day are ordered by name.
  gv1::Cycle twin = NewCycle(MakeCycle("2027-Q1 bis", MakeDate(2027, 1, 1), MakeDate(2027, 2, 1)));
  ASSERT_FALSE(twin.name().empty());
  const auto all = AllCycles(admin_, {});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], q2.name());
  EXPECT_EQ(all[1], std::min(q1.name(), twin.name()));
  EXPECT_EQ(all[2], std::max(q1.name(), twin.name()));
  EXPECT_EQ(all[3], q4.name());

  // Display names are unique within the tenant.
  EXPECT_TRUE(IsError(CreateCycle(admin_, QuarterCycle("2027-Q1", 2028, 1), nullptr),
                      StatusCode::ALREADY_EXISTS, "CYCLE_NAME_TAKEN"));
  EXPECT_EQ(AllCycles(admin_, {}).size(), 4u);
}

TEST_F(GoalsObjectivesTest, CreateCycleRejectsBadInputWithFieldPaths) {
  gv1::Cycle empty_name = QuarterCycle("   ", 2027, 1);
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, empty_name, nullptr), "cycle.display_name"));
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, QuarterCycle(std::string(101, 'x'), 2027, 1), nullptr),
                        "cycle.display_name"));

  gv1::Cycle no_start = QuarterCycle("no start", 2027, 1);
  no_start.clear_start_date();
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, no_start, nullptr), "cycle.start_date"));
  gv1::Cycle partial = QuarterCycle("partial", 2027, 1);
  partial.mutable_end_date()->set_day(0);  // a full date is required
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, partial, nullptr), "cycle.end_date"));

  gv1::Cycle backwards = MakeCycle("backwards", MakeDate(2027, 3, 1), MakeDate(2027, 2, 28));
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, backwards, nullptr), "cycle.end_date"));

  // 2027 has 365 days: 2028-01-02 is 366 days after 2027-01-01 (allowed), 2028-01-03 is not.
  gv1::Cycle too_long = MakeCycle("too long", MakeDate(2027, 1, 1), MakeDate(2028, 1, 3));
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, too_long, nullptr), "cycle.end_date"));
  gv1::Cycle longest = MakeCycle("longest", MakeDate(2027, 1, 1), MakeDate(2028, 1, 2));
  EXPECT_TRUE(IsOk(CreateCycle(admin_, longest, nullptr)));
  gv1::Cycle one_day = MakeCycle("one day", MakeDate(2027, 5, 5), MakeDate(2027, 5, 5));
  EXPECT_TRUE(IsOk(CreateCycle(admin_, one_day, nullptr)));

  gv1::Cycle bad_zone = QuarterCycle("bad zone", 2027, 2);
  bad_zone.set_time_zone("Mars/Olympus_Mons");
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, bad_zone, nullptr), "cycle.time_zone"));

  gv1::Cycle closed = QuarterCycle("closed", 2027, 2);
  closed.set_state(gv1::CYCLE_STATE_CLOSED);
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, closed, nullptr), "cycle.state"));

  gv1::Cycle short_cadence = QuarterCycle("hourly", 2027, 2);
  short_cadence.mutable_check_in_cadence()->set_seconds(3600);
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, short_cadence, nullptr), "cycle.check_in_cadence"));
  gv1::Cycle long_cadence = QuarterCycle("quarterly", 2027, 2);
  long_cadence.mutable_check_in_cadence()->set_seconds(93 * 86400);
  EXPECT_TRUE(IsInvalid(CreateCycle(admin_, long_cadence, nullptr), "cycle.check_in_cadence"));

  // Nothing invalid was stored.
  const auto names = AllCycles(admin_, {});
  EXPECT_EQ(names.size(), 2u);
}

TEST_F(GoalsObjectivesTest, UpdateCycleAppliesTheMaskChecksTheEtagAndOnlyActivates) {
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Cycle other = NewCycle(QuarterCycle("2027-Q2", 2027, 2));
  ASSERT_FALSE(cycle.name().empty());
  ASSERT_FALSE(other.name().empty());

  // Only the masked field changes, although the message carries others.
  gv1::Cycle change = cycle;
  change.set_display_name("2027 first quarter");
  change.set_time_zone("Asia/Tokyo");
  gv1::Cycle updated;
  ASSERT_TRUE(IsOk(UpdateCycle(admin_, change, {"display_name"}, &updated)));
  EXPECT_EQ(updated.display_name(), "2027 first quarter");
  EXPECT_EQ(updated.time_zone(), "UTC");
  EXPECT_NE(updated.etag(), cycle.etag());
  EXPECT_GT(Nanos(updated.update_time()), Nanos(cycle.update_time()));
  EXPECT_EQ(Nanos(updated.create_time()), Nanos(cycle.create_time()));
  gv1::Cycle got;
  ASSERT_TRUE(IsOk(GetCycle(admin_, cycle.name(), &got)));
  EXPECT_EQ(got.display_name(), "2027 first quarter");
  EXPECT_EQ(got.etag(), updated.etag());

  // The first etag is now stale: ABORTED, and nothing is written.
  gv1::Cycle stale = cycle;
  stale.set_display_name("stale write");
  EXPECT_TRUE(IsError(UpdateCycle(admin_, stale, {"display_name"}, nullptr), StatusCode::ABORTED,
                      "ETAG_MISMATCH"));
  ASSERT_TRUE(IsOk(GetCycle(admin_, cycle.name(), &got)));
  EXPECT_EQ(got.display_name(), "2027 first quarter");

  // The mask is required and names only mutable fields.
  gv1::Cycle current = got;
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, current, {}, nullptr), "update_mask"));
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, current, {"create_time"}, nullptr), "update_mask"));
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, current, {"name"}, nullptr), "update_mask"));
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, current, {"no_such_field"}, nullptr), "update_mask"));

  gv1::Cycle bad = current;
  bad.set_time_zone("Nowhere/Special");
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, bad, {"time_zone"}, nullptr), "cycle.time_zone"));
  bad = current;
  *bad.mutable_end_date() = MakeDate(2026, 12, 31);
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, bad, {"end_date"}, nullptr), "cycle.end_date"));
  bad = current;
  *bad.mutable_end_date() = MakeDate(2028, 6, 30);
  EXPECT_TRUE(IsInvalid(UpdateCycle(admin_, bad, {"end_date"}, nullptr), "cycle.end_date"));
  bad = current;
  bad.set_display_name("2027-Q2");
  EXPECT_TRUE(IsError(UpdateCycle(admin_, bad, {"display_name"}, nullptr),
                      StatusCode::ALREADY_EXISTS, "CYCLE_NAME_TAKEN"));
  ASSERT_TRUE(IsOk(GetCycle(admin_, cycle.name(), &got)));
  EXPECT_EQ(got.etag(), current.etag());  // none of the rejected writes changed it

  // `*` updates every mutable field at once.
  gv1::Cycle all = current;
  all.set_display_name("2027-H1");
  *all.mutable_end_date() = MakeDate(2027, 6, 30);
  all.set_time_zone("America/New_York");
  all.mutable_check_in_cadence()->set_seconds(3 * 86400);
  ASSERT_TRUE(IsOk(UpdateCycle(admin_, all, {"*"}, &updated)));
  EXPECT_EQ(updated.display_name(), "2027-H1");
  EXPECT_EQ(updated.end_date().month(), 6);
  EXPECT_EQ(updated.time_zone(), "America/New_York");
  EXPECT_EQ(updated.check_in_cadence().seconds(), 3 * 86400);
  EXPECT_EQ(updated.state(), gv1::CYCLE_STATE_PLANNING);

  // PLANNING -> ACTIVE is the one state change UpdateCycle makes.
  gv1::Cycle activate = updated;
  activate.set_state(gv1::CYCLE_STATE_ACTIVE);
  ASSERT_TRUE(IsOk(UpdateCycle(admin_, activate, {"state"}, &updated)));
  EXPECT_EQ(updated.state(), gv1::CYCLE_STATE_ACTIVE);
  gv1::Cycle back = updated;
  back.set_state(gv1::CYCLE_STATE_PLANNING);
  EXPECT_TRUE(IsError(UpdateCycle(admin_, back, {"state"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "INVALID_STATE_TRANSITION"));
  gv1::Cycle close = updated;
  close.set_state(gv1::CYCLE_STATE_CLOSED);
  // CLOSED is set only by CloseCycle: ACTIVE -> CLOSED is not a transition UpdateCycle makes.
  EXPECT_TRUE(IsError(UpdateCycle(admin_, close, {"state"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "INVALID_STATE_TRANSITION"));
  ASSERT_TRUE(IsOk(GetCycle(admin_, cycle.name(), &got)));
  EXPECT_EQ(got.state(), gv1::CYCLE_STATE_ACTIVE);
  EXPECT_FALSE(got.has_close_time());

  gv1::Cycle ghost = current;
  ghost.set_name("cycles/ghost");
  ghost.clear_etag();
  EXPECT_TRUE(IsError(UpdateCycle(admin_, ghost, {"display_name"}, nullptr), StatusCode::NOT_FOUND,
                      "CYCLE_NOT_FOUND"));
}

TEST_F(GoalsObjectivesTest, CloseCycleScoresObjectivesAndLeavesOnlyGradingOpen) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle active = QuarterCycle("2027-Q1", 2027, 1);
  active.set_state(gv1::CYCLE_STATE_ACTIVE);
  gv1::Cycle cycle = NewCycle(active);
  ASSERT_FALSE(cycle.name().empty());

  gv1::Objective measured = NewObjective(WithState(
      PersonObjective(cycle.name(), "dev", "Ship the thing"), gv1::OBJECTIVE_STATE_ACTIVE));
  gv1::Objective unmeasured = NewObjective(PersonObjective(cycle.name(), "dev", "Draft idea"));
  gv1::Objective archived = NewObjective(PersonObjective(cycle.name(), "dev", "Set aside"));
  ASSERT_FALSE(measured.name().empty());
  ASSERT_FALSE(archived.name().empty());
  gv1::KeyResult deals = NewNumericKeyResult(measured.name(), "Close 4 deals", 4);
  ASSERT_FALSE(deals.name().empty());
  CheckIn(deals.name(), 1);
  gv1::Objective archive = archived;
  archive.set_state(gv1::OBJECTIVE_STATE_ARCHIVED);
  ASSERT_TRUE(IsOk(UpdateObjective(admin_, archive, {"state"}, &archived)));
  const double progress_before = Read(measured.name()).progress();
  EXPECT_DOUBLE_EQ(progress_before, 0.25);
  EXPECT_FALSE(Read(measured.name()).has_score());  // unset before close

  // Only admins close cycles, and a stale etag is refused.
  EXPECT_TRUE(IsError(CloseCycle(As("ceo"), cycle.name(), "", nullptr),
                      StatusCode::PERMISSION_DENIED, "CYCLE_WRITE_DENIED"));
  gv1::Cycle renamed = cycle;
  renamed.set_display_name("2027 Q1");
  ASSERT_TRUE(IsOk(UpdateCycle(admin_, renamed, {"display_name"}, &renamed)));
  EXPECT_TRUE(IsError(CloseCycle(admin_, cycle.name(), cycle.etag(), nullptr), StatusCode::ABORTED,
                      "ETAG_MISMATCH"));

  gv1::Cycle closed;
  ASSERT_TRUE(IsOk(CloseCycle(admin_, cycle.name(), renamed.etag(), &closed)));
  EXPECT_EQ(closed.state(), gv1::CYCLE_STATE_CLOSED);
  EXPECT_TRUE(closed.has_close_time());
  EXPECT_NE(closed.etag(), renamed.etag());

  gv1::Objective got = Read(measured.name());
  EXPECT_EQ(got.state(), gv1::OBJECTIVE_STATE_CLOSED);
  ASSERT_TRUE(got.has_score());
  EXPECT_DOUBLE_EQ(got.score(), progress_before);
  got = Read(unmeasured.name());
  EXPECT_EQ(got.state(), gv1::OBJECTIVE_STATE_CLOSED);  // DRAFT is closed too
  ASSERT_TRUE(got.has_score());
  EXPECT_DOUBLE_EQ(got.score(), 0.0);
  got = Read(archived.name());
  EXPECT_EQ(got.state(), gv1::OBJECTIVE_STATE_ARCHIVED);
  EXPECT_FALSE(got.has_score());

  gv1::ListObjectivesRequest closed_only;
  closed_only.set_state(gv1::OBJECTIVE_STATE_CLOSED);
  EXPECT_EQ(AllObjectives(admin_, closed_only),
            (std::vector<std::string>{measured.name(), unmeasured.name()}));

  // The cycle is read-only now, except for grading.
  EXPECT_TRUE(
      IsError(CreateObjective(As("dev"), PersonObjective(cycle.name(), "dev", "Late"), nullptr),
              StatusCode::FAILED_PRECONDITION, "CYCLE_CLOSED"));
  gv1::Objective retitle = Read(measured.name());
  retitle.set_title("Rewrite history");
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), retitle, {"title"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "CYCLE_CLOSED"));
  EXPECT_TRUE(IsError(DeleteObjective(admin_, measured.name()), StatusCode::FAILED_PRECONDITION,
                      "CYCLE_CLOSED"));
  gv1::Cycle edit = closed;
  edit.set_display_name("reopened");
  EXPECT_TRUE(IsError(UpdateCycle(admin_, edit, {"display_name"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "CYCLE_CLOSED"));
  EXPECT_TRUE(IsError(CloseCycle(admin_, cycle.name(), "", nullptr),
                      StatusCode::FAILED_PRECONDITION, "CYCLE_CLOSED"));

  // Grading: the owner writes a note, the manager overrides the score.
  gv1::Objective note = Read(measured.name());
  note.set_grading_note("Two deals slipped into Q2.");
  gv1::Objective graded;
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), note, {"grading_note"}, &graded)));
  EXPECT_EQ(graded.grading_note(), "Two deals slipped into Q2.");
  EXPECT_NE(graded.etag(), note.etag());
  gv1::Objective rescore = graded;
  rescore.set_score(0.4);
  ASSERT_TRUE(IsOk(UpdateObjective(As("lead"), rescore, {"score"}, &graded)));
  EXPECT_DOUBLE_EQ(graded.score(), 0.4);
  EXPECT_EQ(graded.title(), "Ship the thing");
  EXPECT_EQ(graded.state(), gv1::OBJECTIVE_STATE_CLOSED);
  rescore = graded;
  rescore.set_score(1.5);
  EXPECT_TRUE(IsInvalid(UpdateObjective(admin_, rescore, {"score"}, nullptr), "objective.score"));
  rescore.set_score(0.9);
  EXPECT_TRUE(IsError(UpdateObjective(As("peer"), rescore, {"score"}, nullptr),
                      StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  EXPECT_DOUBLE_EQ(Read(measured.name()).score(), 0.4);
  EXPECT_EQ(Read(measured.name()).grading_note(), "Two deals slipped into Q2.");

  // A PLANNING cycle can be closed directly.
  gv1::Cycle planning = NewCycle(QuarterCycle("2027-Q2", 2027, 2));
  ASSERT_TRUE(IsOk(CloseCycle(admin_, planning.name(), planning.etag(), &closed)));
  EXPECT_EQ(closed.state(), gv1::CYCLE_STATE_CLOSED);
  EXPECT_TRUE(IsError(CloseCycle(admin_, "cycles/ghost", "", nullptr), StatusCode::NOT_FOUND,
                      "CYCLE_NOT_FOUND"));
}

// ---------------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------------

TEST_F(GoalsObjectivesTest, RequestIdMakesCreatesIdempotentPerTenant) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle first;
  ASSERT_TRUE(IsOk(CreateCycle(admin_, QuarterCycle("2027-Q1", 2027, 1), &first, kRequestIdA)));
  // The body of the repeat is not compared: the first result comes back and nothing is written.
  gv1::Cycle second;
  ASSERT_TRUE(IsOk(CreateCycle(admin_, QuarterCycle("2027-Q3", 2027, 3), &second, kRequestIdA)));
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.display_name(), "2027-Q1");
  EXPECT_EQ(AllCycles(admin_, {}), (std::vector<std::string>{first.name()}));

  gv1::Objective objective = PersonObjective(first.name(), "dev", "Once only");
  gv1::Objective created;
  gv1::Objective repeated;
  ASSERT_TRUE(IsOk(CreateObjective(As("dev"), objective, &created, kRequestIdB)));
  ASSERT_TRUE(IsOk(CreateObjective(As("dev"), objective, &repeated, kRequestIdB)));
  EXPECT_EQ(repeated.name(), created.name());
  EXPECT_EQ(repeated.etag(), created.etag());
  EXPECT_EQ(ObjectivesOfCycle(admin_, first.name()), (std::vector<std::string>{created.name()}));
  // Without an id, the same body creates a second objective.
  ASSERT_TRUE(IsOk(CreateObjective(As("dev"), objective, &repeated)));
  EXPECT_NE(repeated.name(), created.name());
  EXPECT_EQ(ObjectivesOfCycle(admin_, first.name()).size(), 2u);

  // Ids must be UUIDs.
  for (const std::string& bad :
       {std::string("not-a-uuid"), std::string("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
        std::string(kRequestIdA) + "0"}) {
    EXPECT_TRUE(IsInvalid(CreateCycle(admin_, QuarterCycle("2027-Q2", 2027, 2), nullptr, bad),
                          "request_id"))
        << bad;
    EXPECT_TRUE(IsInvalid(CreateObjective(As("dev"), objective, nullptr, bad), "request_id"))
        << bad;
  }
  EXPECT_EQ(AllCycles(admin_, {}).size(), 1u);

  // The same id in another tenant is another request: it creates that tenant's own cycle.
  gv1::Cycle theirs;
  ASSERT_TRUE(
      IsOk(CreateCycle(other_admin_, QuarterCycle("Their Q1", 2027, 1), &theirs, kRequestIdA)));
  EXPECT_EQ(theirs.display_name(), "Their Q1");
  EXPECT_EQ(AllCycles(other_admin_, {}), (std::vector<std::string>{theirs.name()}));
  EXPECT_EQ(AllCycles(admin_, {}), (std::vector<std::string>{first.name()}));
}

// ---------------------------------------------------------------------------------------------
// Objectives: create, read, list, update, align, delete
// ---------------------------------------------------------------------------------------------

TEST_F(GoalsObjectivesTest, CreateObjectiveFillsDefaultsAndValidatesInput) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  ASSERT_FALSE(cycle.name().empty());

  gv1::Objective created =
      NewObjective(PersonObjective(cycle.name(), "dev", "  Learn Rust  "), As("dev"));
  ASSERT_FALSE(created.name().empty());
  EXPECT_TRUE(std::regex_match(created.name(), kObjectiveName)) << created.name();
  EXPECT_EQ(created.owner_person(), "people/dev");
  EXPECT_EQ(created.owner_case(), gv1::Objective::kOwnerPerson);
  EXPECT_EQ(created.cycle(), cycle.name());
  EXPECT_EQ(created.level(), gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
  EXPECT_EQ(created.state(), gv1::OBJECTIVE_STATE_DRAFT);
  EXPECT_EQ(created.kind(), gv1::OBJECTIVE_KIND_COMMITTED);
  EXPECT_EQ(created.visibility(), gv1::OBJECTIVE_VISIBILITY_PUBLIC);
  EXPECT_DOUBLE_EQ(created.weight(), 1.0);
  EXPECT_DOUBLE_EQ(created.success_threshold(), 1.0);
  EXPECT_FALSE(created.has_measure());
  EXPECT_EQ(created.health(), gv1::HEALTH_NO_MEASURE);
  EXPECT_DOUBLE_EQ(created.progress(), 0.0);
  EXPECT_FALSE(created.has_score());
  EXPECT_FALSE(created.has_confidence());
  EXPECT_TRUE(created.parent().empty());
  EXPECT_FALSE(created.etag().empty());
  EXPECT_GT(created.create_time().seconds(), 0);

  gv1::Objective got;
  ASSERT_TRUE(IsOk(GetObjective(As("peer"), created.name(), &got)));  // PUBLIC
  EXPECT_EQ(got.title(), created.title());
  EXPECT_EQ(got.etag(), created.etag());
  EXPECT_TRUE(IsError(GetObjective(As("dev"), "objectives/ghost", &got), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  EXPECT_TRUE(IsError(GetObjective(As("dev"), "ghost", &got), StatusCode::INVALID_ARGUMENT));

  // Output-only fields on create are ignored.
  gv1::Objective sneaky = PersonObjective(cycle.name(), "dev", "Sneaky");
  sneaky.set_name("objectives/chosen-by-me");
  sneaky.set_progress(0.9);
  sneaky.set_has_measure(true);
  gv1::Objective stored = NewObjective(sneaky, As("dev"));
  EXPECT_NE(stored.name(), "objectives/chosen-by-me");
  EXPECT_DOUBLE_EQ(stored.progress(), 0.0);
  EXPECT_FALSE(stored.has_measure());

  gv1::Objective stretch = PersonObjective(cycle.name(), "dev", "Stretch");
  stretch.set_kind(gv1::OBJECTIVE_KIND_ASPIRATIONAL);
  stretch.set_weight(2.5);
  stretch.set_state(gv1::OBJECTIVE_STATE_ACTIVE);
  stored = NewObjective(stretch, As("dev"));
  EXPECT_DOUBLE_EQ(stored.success_threshold(), 0.7);
  EXPECT_DOUBLE_EQ(stored.weight(), 2.5);
  EXPECT_EQ(stored.state(), gv1::OBJECTIVE_STATE_ACTIVE);

  // Titles count code points: 200 two-byte characters are fine, 201 are not.
  std::string long_title;
  for (int i = 0; i < 200; ++i) long_title += "\xC3\xA9";  // é
  EXPECT_TRUE(
      IsOk(CreateObjective(As("dev"), PersonObjective(cycle.name(), "dev", long_title), nullptr)));
  EXPECT_TRUE(IsInvalid(
      CreateObjective(As("dev"), PersonObjective(cycle.name(), "dev", long_title + "e"), nullptr),
      "objective.title"));

  const int count_before = static_cast<int>(ObjectivesOfCycle(admin_, cycle.name()).size());

  EXPECT_TRUE(
      IsInvalid(CreateObjective(As("dev"), PersonObjective(cycle.name(), "dev", ""), nullptr),
                "objective.title"));
  EXPECT_TRUE(
      IsInvalid(CreateObjective(As("dev"), PersonObjective(cycle.name(), "dev", " \t "), nullptr),
                "objective.title"));
  EXPECT_TRUE(IsInvalid(CreateObjective(As("dev"),
                                        PersonObjective(cycle.name(), "dev", "No level",
                                                        gv1::OBJECTIVE_LEVEL_UNSPECIFIED),
                                        nullptr),
                        "objective.level"));
  gv1::Objective no_owner = PersonObjective(cycle.name(), "dev", "Nobody's");
  no_owner.clear_owner();
  EXPECT_TRUE(IsInvalidUnder(CreateObjective(admin_, no_owner, nullptr), "objective.owner"));
  gv1::Objective malformed_owner = PersonObjective(cycle.name(), "dev", "Bad owner");
  malformed_owner.set_owner_person("dev");
  EXPECT_TRUE(
      IsInvalid(CreateObjective(admin_, malformed_owner, nullptr), "objective.owner_person"));
  gv1::Objective no_cycle = PersonObjective("", "dev", "No cycle");
  EXPECT_TRUE(IsInvalid(CreateObjective(As("dev"), no_cycle, nullptr), "objective.cycle"));
  EXPECT_TRUE(IsError(
      CreateObjective(As("dev"), PersonObjective("cycles/ghost", "dev", "Ghost cycle"), nullptr),
      StatusCode::NOT_FOUND, "CYCLE_NOT_FOUND"));

  // The level constrains the owner.
  EXPECT_TRUE(IsInvalid(CreateObjective(As("lead"),
                                        PersonObjective(cycle.name(), "lead", "Team by person",
                                                        gv1::OBJECTIVE_LEVEL_TEAM),
                                        nullptr),
                        "objective.level"));
  gv1::Objective individual_team = TeamObjective(cycle.name(), "eng", "Individual by team");
  individual_team.set_level(gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
  EXPECT_TRUE(IsInvalid(CreateObjective(admin_, individual_team, nullptr), "objective.level"));

  // Only DRAFT or ACTIVE on create; weights in (0, 1000].
  for (auto state : {gv1::OBJECTIVE_STATE_CLOSED, gv1::OBJECTIVE_STATE_ARCHIVED}) {
    EXPECT_TRUE(IsInvalid(
        CreateObjective(As("dev"), WithState(PersonObjective(cycle.name(), "dev", "S"), state),
                        nullptr),
        "objective.state"));
  }
  for (double weight : {-1.0, 1000.5}) {
    gv1::Objective weighted = PersonObjective(cycle.name(), "dev", "Heavy");
    weighted.set_weight(weight);
    EXPECT_TRUE(IsInvalid(CreateObjective(As("dev"), weighted, nullptr), "objective.weight"))
        << weight;
  }
  gv1::Objective long_description = PersonObjective(cycle.name(), "dev", "Wordy");
  long_description.set_description(std::string(10001, 'w'));
  EXPECT_TRUE(
      IsInvalid(CreateObjective(As("dev"), long_description, nullptr), "objective.description"));

  // Owners must be stored and active.
  EXPECT_TRUE(
      IsError(CreateObjective(admin_, PersonObjective(cycle.name(), "ghost", "Ghost"), nullptr),
              StatusCode::NOT_FOUND, "OWNER_NOT_FOUND"));
  EXPECT_TRUE(
      IsError(CreateObjective(admin_, TeamObjective(cycle.name(), "ghost-team", "Ghost"), nullptr),
              StatusCode::NOT_FOUND, "OWNER_NOT_FOUND"));
  EXPECT_TRUE(
      IsError(CreateObjective(admin_, PersonObjective(cycle.name(), "former", "Gone"), nullptr),
              StatusCode::FAILED_PRECONDITION, "OWNER_INACTIVE"));

  EXPECT_EQ(static_cast<int>(ObjectivesOfCycle(admin_, cycle.name()).size()), count_before);
}

TEST_F(GoalsObjectivesTest, ListObjectivesAppliesEveryFilter) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle c1 = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Cycle c2 = NewCycle(QuarterCycle("2027-Q2", 2027, 2));
  ASSERT_FALSE(c1.name().empty());
  ASSERT_FALSE(c2.name().empty());

  gv1::Objective company = NewObjective(
      PersonObjective(c1.name(), "ceo", "Win the market", gv1::OBJECTIVE_LEVEL_COMPANY));
  ASSERT_FALSE(company.name().empty());
  gv1::KeyResult rollup = NewRollupKeyResult(company.name(), "Teams deliver");
  ASSERT_FALSE(rollup.name().empty());
  gv1::Objective team_objective = TeamObjective(c1.name(), "eng", "Platform v2");
  team_objective.set_parent(company.name());
  team_objective.set_kind(gv1::OBJECTIVE_KIND_ASPIRATIONAL);
  gv1::Objective team = NewObjective(team_objective, As("lead"));
  gv1::Objective individual = NewObjective(
      WithState(WithParent(PersonObjective(c1.name(), "dev", "Write the API"), team.name()),
                gv1::OBJECTIVE_STATE_ACTIVE),
      As("dev"));
  gv1::Objective under_kr = NewObjective(
      WithParent(PersonObjective(c1.name(), "peer", "Help a team"), rollup.name()), As("peer"));
  gv1::Objective archived = NewObjective(PersonObjective(c1.name(), "dev", "Old idea"), As("dev"));
  gv1::Objective elsewhere =
      NewObjective(PersonObjective(c2.name(), "dev", "Next quarter"), As("dev"));
  ASSERT_FALSE(archived.name().empty());
  gv1::Objective archive = archived;
  archive.set_state(gv1::OBJECTIVE_STATE_ARCHIVED);
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), archive, {"state"}, &archived)));
  EXPECT_EQ(under_kr.parent(), rollup.name());

  auto list = [&](auto configure) {
    gv1::ListObjectivesRequest request;
    configure(request);
    return AllObjectives(As("outsider"), request);
  };
  using Names = std::vector<std::string>;
  using Request = gv1::ListObjectivesRequest;

  // No filter: every readable, non-archived objective by creation time.
  EXPECT_EQ(list([](Request&) {}), (Names{company.name(), team.name(), individual.name(),
                                          under_kr.name(), elsewhere.name()}));
  EXPECT_EQ(list([&](Request& r) { r.set_cycle(c1.name()); }),
            (Names{company.name(), team.name(), individual.name(), under_kr.name()}));
  EXPECT_EQ(list([&](Request& r) { r.set_owner("people/dev"); }),
            (Names{individual.name(), elsewhere.name()}));
  EXPECT_EQ(list([&](Request& r) {
              r.set_owner("people/dev");
              r.set_cycle(c1.name());
            }),
            (Names{individual.name()}));
  EXPECT_EQ(list([&](Request& r) { r.set_owner("teams/eng"); }), (Names{team.name()}));
  EXPECT_TRUE(list([&](Request& r) { r.set_owner("people/nobody"); }).empty());
  EXPECT_EQ(list([](Request& r) { r.set_level(gv1::OBJECTIVE_LEVEL_COMPANY); }),
            (Names{company.name()}));
  EXPECT_EQ(list([](Request& r) { r.set_level(gv1::OBJECTIVE_LEVEL_TEAM); }), (Names{team.name()}));
  EXPECT_EQ(list([](Request& r) { r.set_level(gv1::OBJECTIVE_LEVEL_INDIVIDUAL); }),
            (Names{individual.name(), under_kr.name(), elsewhere.name()}));
  EXPECT_EQ(list([](Request& r) { r.set_state(gv1::OBJECTIVE_STATE_ACTIVE); }),
            (Names{individual.name()}));
  EXPECT_EQ(list([](Request& r) { r.set_state(gv1::OBJECTIVE_STATE_ARCHIVED); }),
            (Names{archived.name()}));
  EXPECT_EQ(list([&](Request& r) { r.set_parent(company.name()); }), (Names{team.name()}));
  EXPECT_EQ(list([&](Request& r) { r.set_parent(team.name()); }), (Names{individual.name()}));
  EXPECT_EQ(list([&](Request& r) { r.set_parent(rollup.name()); }), (Names{under_kr.name()}));
  EXPECT_EQ(list([](Request& r) { r.set_kind(gv1::OBJECTIVE_KIND_ASPIRATIONAL); }),
            (Names{team.name()}));
  EXPECT_EQ(list([](Request& r) { r.set_kind(gv1::OBJECTIVE_KIND_COMMITTED); }),
            (Names{company.name(), individual.name(), under_kr.name(), elsewhere.name()}));
  EXPECT_EQ(list([&](Request& r) {
              r.set_cycle(c1.name());
              r.set_top_level_only(true);
            }),
            (Names{company.name()}));
  EXPECT_EQ(list([&](Request& r) {
              r.set_cycle(c1.name());
              r.set_top_level_only(true);
              r.set_include_archived(true);
            }),
            (Names{company.name(), archived.name()}));
  EXPECT_EQ(
      list([&](Request& r) {
        r.set_cycle(c1.name());
        r.set_include_archived(true);
      }),
      (Names{company.name(), team.name(), individual.name(), under_kr.name(), archived.name()}));
  EXPECT_TRUE(list([&](Request& r) {
                r.set_cycle(c2.name());
                r.set_level(gv1::OBJECTIVE_LEVEL_TEAM);
              }).empty());

  // Paging one by one yields the same list, with no token on the last page.
  Request paged;
  paged.set_cycle(c1.name());
  paged.set_page_size(1);
  int pages = 0;
  EXPECT_EQ(AllObjectives(admin_, paged, &pages),
            (Names{company.name(), team.name(), individual.name(), under_kr.name()}));
  EXPECT_EQ(pages, 4);

  // A token continues only the listing it came from.
  gv1::ListObjectivesResponse first;
  ASSERT_TRUE(IsOk(ListObjectives(admin_, paged, &first)));
  ASSERT_FALSE(first.next_page_token().empty());
  Request changed = paged;
  changed.set_page_token(first.next_page_token());
  changed.set_cycle(c2.name());
  gv1::ListObjectivesResponse response;
  grpc::Status status = ListObjectives(admin_, changed, &response);
  EXPECT_TRUE(IsError(status, StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_TRUE(IsInvalid(status, "page_token"));

  Request both;
  both.set_parent(company.name());
  both.set_top_level_only(true);
  status = ListObjectives(admin_, both, &response);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_FALSE(Fields(status).empty());
  Request negative;
  negative.set_page_size(-5);
  EXPECT_TRUE(IsInvalid(ListObjectives(admin_, negative, &response), "page_size"));
  Request bad_cycle;
  bad_cycle.set_cycle("2027-Q1");
  EXPECT_TRUE(IsInvalid(ListObjectives(admin_, bad_cycle, &response), "cycle"));
  Request bad_parent;
  bad_parent.set_parent("people/dev");
  EXPECT_TRUE(IsInvalid(ListObjectives(admin_, bad_parent, &response), "parent"));
}

TEST_F(GoalsObjectivesTest, UpdateObjectiveAppliesTheMaskChecksTheEtagAndStates) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Objective original =
      NewObjective(PersonObjective(cycle.name(), "dev", "First title"), As("dev"));
  ASSERT_FALSE(original.name().empty());

  // Only masked fields change.
  gv1::Objective change = original;
  change.set_title("Second title");
  change.set_description("not in the mask");
  gv1::Objective updated;
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), change, {"title"}, &updated)));
  EXPECT_EQ(updated.title(), "Second title");
  EXPECT_EQ(updated.description(), "");
  EXPECT_NE(updated.etag(), original.etag());
  EXPECT_GT(Nanos(updated.update_time()), Nanos(original.update_time()));
  EXPECT_EQ(Nanos(updated.create_time()), Nanos(original.create_time()));
  EXPECT_EQ(Read(original.name()).title(), "Second title");

  // The first etag is stale now.
  gv1::Objective stale = original;
  stale.set_title("Lost update");
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), stale, {"title"}, nullptr), StatusCode::ABORTED,
                      "ETAG_MISMATCH"));
  EXPECT_EQ(Read(original.name()).title(), "Second title");
  // Without an etag the write is unconditional.
  stale.clear_etag();
  stale.set_title("Third title");
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), stale, {"title"}, &updated)));
  EXPECT_EQ(updated.title(), "Third title");

  // The mask is required and names only mutable fields.
  gv1::Objective current = updated;
  EXPECT_TRUE(IsInvalid(UpdateObjective(As("dev"), current, {}, nullptr), "update_mask"));
  for (const std::string& path :
       std::vector<std::string>{"progress", "cycle", "name", "create_time", "health", "bogus"}) {
    EXPECT_TRUE(IsInvalid(UpdateObjective(As("dev"), current, {path}, nullptr), "update_mask"))
        << path;
  }
  gv1::Objective bad = current;
  bad.set_title("   ");
  EXPECT_TRUE(IsInvalid(UpdateObjective(As("dev"), bad, {"title"}, nullptr), "objective.title"));
  bad = current;
  bad.set_weight(0);
  EXPECT_TRUE(IsInvalid(UpdateObjective(As("dev"), bad, {"weight"}, nullptr), "objective.weight"));
  bad = current;
  bad.set_level(gv1::OBJECTIVE_LEVEL_TEAM);  // still owned by a person
  EXPECT_TRUE(IsInvalid(UpdateObjective(admin_, bad, {"level"}, nullptr), "objective.level"));
  // A score outside a CLOSED cycle is refused.
  bad = current;
  bad.set_score(0.5);
  EXPECT_EQ(UpdateObjective(As("dev"), bad, {"score"}, nullptr).error_code(),
            StatusCode::FAILED_PRECONDITION);
  EXPECT_FALSE(Read(original.name()).has_score());
  EXPECT_EQ(Read(original.name()).etag(), current.etag());

  // `*` sets every mutable field from the message (output-only values in it are ignored).
  gv1::Objective full = Read(original.name());
  full.set_title("Everything");
  full.set_description("All at once");
  full.set_kind(gv1::OBJECTIVE_KIND_ASPIRATIONAL);
  full.set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
  full.set_weight(3);
  full.set_rollup_children(true);
  full.set_progress(0.75);
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), full, {"*"}, &updated)));
  EXPECT_EQ(updated.title(), "Everything");
  EXPECT_EQ(updated.description(), "All at once");
  EXPECT_EQ(updated.kind(), gv1::OBJECTIVE_KIND_ASPIRATIONAL);
  EXPECT_DOUBLE_EQ(updated.success_threshold(), 0.7);
  EXPECT_EQ(updated.visibility(), gv1::OBJECTIVE_VISIBILITY_PRIVATE);
  EXPECT_DOUBLE_EQ(updated.weight(), 3);
  EXPECT_TRUE(updated.rollup_children());
  EXPECT_DOUBLE_EQ(updated.progress(), 0.0);
  EXPECT_EQ(updated.owner_person(), "people/dev");

  // Setting owner_team clears owner_person (with a level that fits).
  gv1::Objective to_team = updated;
  to_team.set_owner_team("teams/eng");
  to_team.set_level(gv1::OBJECTIVE_LEVEL_TEAM);
  ASSERT_TRUE(IsOk(UpdateObjective(As("lead"), to_team, {"owner_team", "level"}, &updated)));
  EXPECT_EQ(updated.owner_team(), "teams/eng");
  EXPECT_EQ(updated.owner_person(), "");
  EXPECT_EQ(updated.level(), gv1::OBJECTIVE_LEVEL_TEAM);

  // State transitions: DRAFT <-> ACTIVE, DRAFT or ACTIVE -> ARCHIVED, ARCHIVED -> ACTIVE.
  auto move = [&](gv1::ObjectiveState state) {
    gv1::Objective objective = Read(original.name());
    objective.set_state(state);
    gv1::Objective out;
    grpc::Status status = UpdateObjective(admin_, objective, {"state"}, &out);
    if (status.ok()) {
      EXPECT_EQ(out.state(), state);
    }
    return status;
  };
  EXPECT_EQ(Read(original.name()).state(), gv1::OBJECTIVE_STATE_DRAFT);
  EXPECT_TRUE(IsOk(move(gv1::OBJECTIVE_STATE_ACTIVE)));
  EXPECT_TRUE(IsOk(move(gv1::OBJECTIVE_STATE_DRAFT)));
  EXPECT_TRUE(IsOk(move(gv1::OBJECTIVE_STATE_ARCHIVED)));
  EXPECT_TRUE(IsError(move(gv1::OBJECTIVE_STATE_DRAFT), StatusCode::FAILED_PRECONDITION,
                      "INVALID_STATE_TRANSITION"));
  EXPECT_EQ(Read(original.name()).state(), gv1::OBJECTIVE_STATE_ARCHIVED);
  EXPECT_TRUE(IsOk(move(gv1::OBJECTIVE_STATE_ACTIVE)));
  // CLOSED is set only by CloseCycle: ACTIVE -> CLOSED is not a transition UpdateObjective makes.
  EXPECT_TRUE(IsError(move(gv1::OBJECTIVE_STATE_CLOSED), StatusCode::FAILED_PRECONDITION,
                      "INVALID_STATE_TRANSITION"));
  EXPECT_EQ(Read(original.name()).state(), gv1::OBJECTIVE_STATE_ACTIVE);
  EXPECT_TRUE(IsOk(move(gv1::OBJECTIVE_STATE_ARCHIVED)));
  EXPECT_EQ(Read(original.name()).state(), gv1::OBJECTIVE_STATE_ARCHIVED);

  gv1::Objective ghost = current;
  ghost.set_name("objectives/ghost");
  ghost.clear_etag();
  EXPECT_TRUE(IsError(UpdateObjective(admin_, ghost, {"title"}, nullptr), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
}

TEST_F(GoalsObjectivesTest, AlignmentAcceptsObjectivesAndRollupKeyResultsAndRejectsCycles) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Cycle next = NewCycle(QuarterCycle("2027-Q2", 2027, 2));
  ASSERT_FALSE(cycle.name().empty());
  ASSERT_FALSE(next.name().empty());
  gv1::Objective company =
      NewObjective(PersonObjective(cycle.name(), "ceo", "Grow", gv1::OBJECTIVE_LEVEL_COMPANY));
  ASSERT_FALSE(company.name().empty());
  gv1::KeyResult rollup = NewRollupKeyResult(company.name(), "Teams ship");
  gv1::KeyResult numeric = NewNumericKeyResult(company.name(), "Revenue", 10);
  ASSERT_FALSE(rollup.name().empty());
  ASSERT_FALSE(numeric.name().empty());
  EXPECT_EQ(rollup.type(), gv1::KEY_RESULT_TYPE_ROLLUP);

  // Anyone may align their objective upward to anything they can read, in any team.
  gv1::Objective to_objective = NewObjective(
      WithParent(PersonObjective(cycle.name(), "dev", "Under company"), company.name()), As("dev"));
  EXPECT_EQ(to_objective.parent(), company.name());
  gv1::Objective to_rollup =
      NewObjective(WithParent(PersonObjective(cycle.name(), "outsider", "Under KR"), rollup.name()),
                   As("outsider"));
  EXPECT_EQ(to_rollup.parent(), rollup.name());
  EXPECT_EQ(Read(to_rollup.name()).parent(), rollup.name());

  EXPECT_TRUE(IsError(
      CreateObjective(As("dev"),
                      WithParent(PersonObjective(cycle.name(), "dev", "Bad KR"), numeric.name()),
                      nullptr),
      StatusCode::FAILED_PRECONDITION, "PARENT_KEY_RESULT_NOT_ROLLUP"));
  EXPECT_TRUE(IsError(
      CreateObjective(
          As("dev"), WithParent(PersonObjective(next.name(), "dev", "Other cycle"), company.name()),
          nullptr),
      StatusCode::FAILED_PRECONDITION, "PARENT_IN_OTHER_CYCLE"));
  EXPECT_TRUE(IsError(
      CreateObjective(As("dev"),
                      WithParent(PersonObjective(next.name(), "dev", "Other KR"), rollup.name()),
                      nullptr),
      StatusCode::FAILED_PRECONDITION, "PARENT_IN_OTHER_CYCLE"));
  EXPECT_TRUE(IsError(
      CreateObjective(
          As("dev"), WithParent(PersonObjective(cycle.name(), "dev", "Orphan"), "objectives/ghost"),
          nullptr),
      StatusCode::NOT_FOUND, "PARENT_NOT_FOUND"));
  EXPECT_TRUE(IsError(CreateObjective(As("dev"),
                                      WithParent(PersonObjective(cycle.name(), "dev", "Orphan KR"),
                                                 company.name() + "/keyResults/ghost"),
                                      nullptr),
                      StatusCode::NOT_FOUND, "PARENT_NOT_FOUND"));
  EXPECT_TRUE(IsInvalid(
      CreateObjective(As("dev"),
                      WithParent(PersonObjective(cycle.name(), "dev", "Odd"), "people/dev"),
                      nullptr),
      "objective.parent"));

  // A -> B -> A is refused, as is an objective aligned to itself, and a loop through a key result.
  gv1::Objective a = NewObjective(PersonObjective(cycle.name(), "dev", "A"), As("dev"));
  gv1::Objective b =
      NewObjective(WithParent(PersonObjective(cycle.name(), "dev", "B"), a.name()), As("dev"));
  gv1::Objective c =
      NewObjective(WithParent(PersonObjective(cycle.name(), "dev", "C"), b.name()), As("dev"));
  ASSERT_FALSE(c.name().empty());
  gv1::Objective loop = Read(a.name());
  loop.set_parent(b.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), loop, {"parent"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "ALIGNMENT_CYCLE"));
  loop.set_parent(c.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), loop, {"parent"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "ALIGNMENT_CYCLE"));
  loop.set_parent(a.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), loop, {"parent"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "ALIGNMENT_CYCLE"));
  EXPECT_EQ(Read(a.name()).parent(), "");
  gv1::KeyResult c_rollup = NewRollupKeyResult(c.name(), "C's roll-up");
  ASSERT_FALSE(c_rollup.name().empty());
  loop.set_parent(c_rollup.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), loop, {"parent"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "ALIGNMENT_CYCLE"));

  // Moving to a parent in another cycle is refused; re-parenting within the cycle works.
  gv1::Objective other_cycle_parent =
      NewObjective(PersonObjective(next.name(), "dev", "Next quarter"), As("dev"));
  gv1::Objective realign = Read(c.name());
  realign.set_parent(other_cycle_parent.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), realign, {"parent"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "PARENT_IN_OTHER_CYCLE"));
  realign.set_parent(numeric.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), realign, {"parent"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "PARENT_KEY_RESULT_NOT_ROLLUP"));
  realign.set_parent(rollup.name());
  gv1::Objective moved;
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), realign, {"parent"}, &moved)));
  EXPECT_EQ(moved.parent(), rollup.name());
  gv1::ListObjectivesRequest under_b;
  under_b.set_parent(b.name());
  EXPECT_TRUE(AllObjectives(admin_, under_b).empty());
  gv1::ListObjectivesRequest under_rollup;
  under_rollup.set_parent(rollup.name());
  EXPECT_EQ(AllObjectives(admin_, under_rollup),
            (std::vector<std::string>{to_rollup.name(), c.name()}));

  // Clearing the parent makes it top-level.
  moved.set_parent("");
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), moved, {"parent"}, &moved)));
  EXPECT_EQ(moved.parent(), "");
  gv1::ListObjectivesRequest top;
  top.set_cycle(cycle.name());
  top.set_top_level_only(true);
  EXPECT_EQ(AllObjectives(admin_, top),
            (std::vector<std::string>{company.name(), a.name(), c.name()}));
}

TEST_F(GoalsObjectivesTest, DeleteObjectiveNeedsChildrenRealignedFirst) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  ASSERT_FALSE(cycle.name().empty());
  gv1::Objective parent = NewObjective(PersonObjective(cycle.name(), "lead", "Parent"), As("lead"));
  gv1::Objective child = NewObjective(
      WithParent(PersonObjective(cycle.name(), "dev", "Child"), parent.name()), As("dev"));
  gv1::Objective with_kr =
      NewObjective(PersonObjective(cycle.name(), "lead", "Has a roll-up"), As("lead"));
  ASSERT_FALSE(with_kr.name().empty());
  gv1::KeyResult rollup = NewRollupKeyResult(with_kr.name(), "Roll-up");
  gv1::Objective kr_child = NewObjective(
      WithParent(PersonObjective(cycle.name(), "peer", "KR child"), rollup.name()), As("peer"));
  ASSERT_FALSE(kr_child.name().empty());

  EXPECT_TRUE(IsError(DeleteObjective(As("lead"), parent.name()), StatusCode::FAILED_PRECONDITION,
                      "OBJECTIVE_HAS_ALIGNED_CHILDREN"));
  EXPECT_TRUE(IsError(DeleteObjective(As("lead"), with_kr.name()), StatusCode::FAILED_PRECONDITION,
                      "OBJECTIVE_HAS_ALIGNED_CHILDREN"));
  EXPECT_EQ(Read(parent.name()).title(), "Parent");
  gv1::GetKeyResultRequest get_kr;
  get_kr.set_name(rollup.name());
  gv1::KeyResult kr;
  EXPECT_TRUE(IsOk(goals_->GetKeyResult(Context(admin_).get(), get_kr, &kr)));

  // A stale etag is refused; the current one (or none) deletes.
  gv1::Objective renamed = Read(child.name());
  renamed.set_title("Child, renamed");
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), renamed, {"title"}, &renamed)));
  EXPECT_TRUE(IsError(DeleteObjective(As("dev"), child.name(), child.etag()), StatusCode::ABORTED,
                      "ETAG_MISMATCH"));
  ASSERT_TRUE(IsOk(DeleteObjective(As("dev"), child.name(), renamed.etag())));
  gv1::Objective got;
  EXPECT_TRUE(IsError(GetObjective(admin_, child.name(), &got), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  EXPECT_TRUE(IsError(DeleteObjective(As("dev"), child.name()), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  ASSERT_TRUE(IsOk(DeleteObjective(As("lead"), parent.name())));
  EXPECT_TRUE(IsError(GetObjective(As("lead"), parent.name(), &got), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));

  // Realigning the key result's child frees its objective; the key results go with it.
  gv1::Objective loose = Read(kr_child.name());
  loose.set_parent("");
  ASSERT_TRUE(IsOk(UpdateObjective(As("peer"), loose, {"parent"}, nullptr)));
  ASSERT_TRUE(IsOk(DeleteObjective(admin_, with_kr.name())));
  EXPECT_EQ(goals_->GetKeyResult(Context(admin_).get(), get_kr, &kr).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(ObjectivesOfCycle(admin_, cycle.name()), (std::vector<std::string>{kr_child.name()}));
}

TEST_F(GoalsObjectivesTest, PagingIsStableWhileOthersWriteAndPageSizesAreCoerced) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  // 51 one-day cycles on distinct days: newest first is the reverse of creation.
  std::vector<std::string> newest_first;
  for (int i = 0; i < 51; ++i) {
    const auto day = MakeDate(2027, 1 + i / 28, 1 + i % 28);
    gv1::Cycle cycle = NewCycle(MakeCycle("day " + std::to_string(i), day, day));
    ASSERT_FALSE(cycle.name().empty());
    newest_first.insert(newest_first.begin(), cycle.name());
  }
  gv1::ListCyclesRequest request;  // page_size 0 means 50
  gv1::ListCyclesResponse page;
  ASSERT_TRUE(IsOk(ListCycles(admin_, request, &page)));
  EXPECT_EQ(page.cycles_size(), 50);
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(IsOk(ListCycles(admin_, request, &page)));
  EXPECT_EQ(NamesOf(page.cycles()), (std::vector<std::string>{newest_first.back()}));
  EXPECT_TRUE(page.next_page_token().empty());
  request.Clear();
  request.set_page_size(5000);  // coerced to 1000
  ASSERT_TRUE(IsOk(ListCycles(admin_, request, &page)));
  EXPECT_EQ(NamesOf(page.cycles()), newest_first);
  EXPECT_TRUE(page.next_page_token().empty());

  // A cycle that sorts before the cursor, created between pages, shifts no later page.
  request.Clear();
  request.set_page_size(10);
  std::vector<std::string> seen;
  ASSERT_TRUE(IsOk(ListCycles(admin_, request, &page)));
  for (const auto& cycle : page.cycles()) seen.push_back(cycle.name());
  gv1::Cycle newest = NewCycle(QuarterCycle("newest", 2028, 1));
  gv1::Cycle oldest = NewCycle(QuarterCycle("oldest", 2026, 1));
  request.set_page_token(page.next_page_token());
  while (!request.page_token().empty() && seen.size() < 200) {
    ASSERT_TRUE(IsOk(ListCycles(admin_, request, &page)));
    for (const auto& cycle : page.cycles()) seen.push_back(cycle.name());
    request.set_page_token(page.next_page_token());
  }
  std::erase(seen, newest.name());
  std::erase(seen, oldest.name());
  EXPECT_EQ(seen, newest_first);

  // Objectives: deleting one already listed, or adding one, neither skips nor repeats the others.
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q3", 2027, 3));
  std::vector<std::string> created;
  for (int i = 0; i < 6; ++i) {
    gv1::Objective objective =
        NewObjective(PersonObjective(cycle.name(), "dev", "O" + std::to_string(i)), As("dev"));
    ASSERT_FALSE(objective.name().empty());
    created.push_back(objective.name());
  }
  gv1::ListObjectivesRequest list;
  list.set_cycle(cycle.name());
  list.set_page_size(2);
  gv1::ListObjectivesResponse objectives;
  ASSERT_TRUE(IsOk(ListObjectives(As("peer"), list, &objectives)));
  std::vector<std::string> listed = NamesOf(objectives.objectives());
  ASSERT_TRUE(IsOk(DeleteObjective(As("dev"), created[0])));
  gv1::Objective late = NewObjective(PersonObjective(cycle.name(), "dev", "Late"), As("dev"));
  list.set_page_token(objectives.next_page_token());
  while (!list.page_token().empty() && listed.size() < 100) {
    ASSERT_TRUE(IsOk(ListObjectives(As("peer"), list, &objectives)));
    for (const auto& objective : objectives.objectives()) listed.push_back(objective.name());
    list.set_page_token(objectives.next_page_token());
  }
  std::erase(listed, late.name());
  EXPECT_EQ(listed, created);
}

TEST_F(GoalsObjectivesTest, RollUpChangesDoNotMoveTheEtagSoEditsStillSucceed) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Objective parent_spec = PersonObjective(cycle.name(), "lead", "Parent");
  parent_spec.set_rollup_children(true);
  gv1::Objective parent = NewObjective(parent_spec, As("lead"));
  gv1::Objective child = NewObjective(
      WithParent(PersonObjective(cycle.name(), "dev", "Child"), parent.name()), As("dev"));
  ASSERT_FALSE(child.name().empty());
  gv1::KeyResult kr = NewNumericKeyResult(child.name(), "Ten deals", 10);
  ASSERT_FALSE(kr.name().empty());
  const gv1::Objective child_before = Read(child.name());
  const gv1::Objective parent_before = Read(parent.name());

  CheckIn(kr.name(), 5);

  const gv1::Objective child_after = Read(child.name());
  const gv1::Objective parent_after = Read(parent.name());
  EXPECT_DOUBLE_EQ(child_after.progress(), 0.5);
  EXPECT_TRUE(child_after.has_measure());
  EXPECT_DOUBLE_EQ(parent_after.progress(), 0.5);  // current on return, through the child
  EXPECT_TRUE(parent_after.has_measure());
  EXPECT_EQ(child_after.etag(), child_before.etag());
  EXPECT_EQ(parent_after.etag(), parent_before.etag());
  EXPECT_EQ(Nanos(child_after.update_time()), Nanos(child_before.update_time()));

  // An edit made with the etag read before the check-in is not refused.
  gv1::Objective edit = child_before;
  edit.set_title("Child, renamed");
  gv1::Objective edited;
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), edit, {"title"}, &edited)));
  EXPECT_EQ(edited.title(), "Child, renamed");
  EXPECT_DOUBLE_EQ(edited.progress(), 0.5);
}

TEST_F(GoalsObjectivesTest, AReorgChangesWhoMayReadAndWriteAtOnce) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Objective secret =
      NewObjective(WithVisibility(PersonObjective(cycle.name(), "dev", "Private plan"),
                                  gv1::OBJECTIVE_VISIBILITY_PRIVATE),
                   As("dev"));
  gv1::Objective open = NewObjective(PersonObjective(cycle.name(), "dev", "Open plan"), As("dev"));
  ASSERT_FALSE(secret.name().empty());
  ASSERT_FALSE(open.name().empty());
  auto retitle = [&](const std::string& token, const std::string& title) {
    gv1::Objective objective = Read(open.name());
    objective.set_title(title);
    return UpdateObjective(token, objective, {"title"}, nullptr);
  };
  EXPECT_TRUE(IsOk(GetObjective(As("lead"), secret.name(), nullptr)));
  EXPECT_TRUE(IsOk(retitle(As("lead"), "Edited by lead")));
  EXPECT_TRUE(IsError(GetObjective(As("outsider"), secret.name(), nullptr), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));

  // dev now reports to outsider (who reports to ceo).
  ov1::BatchUpsertPeopleRequest move;
  auto* dev = move.add_people();
  dev->set_name("people/dev");
  dev->set_display_name("Person dev");
  dev->set_email("dev@example.com");
  dev->set_manager("people/outsider");
  dev->add_teams("teams/eng");
  ov1::BatchUpsertPeopleResponse moved;
  ASSERT_TRUE(IsOk(org_->BatchUpsertPeople(Context(admin_).get(), move, &moved)));

  for (const std::string& former : std::vector<std::string>{"lead", "vp"}) {
    EXPECT_TRUE(IsError(GetObjective(As(former), secret.name(), nullptr), StatusCode::NOT_FOUND,
                        "OBJECTIVE_NOT_FOUND"))
        << former;
    EXPECT_FALSE(Contains(ObjectivesOfCycle(As(former), cycle.name()), secret.name())) << former;
    EXPECT_TRUE(IsError(retitle(As(former), "Edited by " + former), StatusCode::PERMISSION_DENIED,
                        "OBJECTIVE_WRITE_DENIED"))
        << former;
    EXPECT_TRUE(IsError(
        CreateObjective(As(former), PersonObjective(cycle.name(), "dev", "For dev"), nullptr),
        StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"))
        << former;
  }
  for (const std::string& current : std::vector<std::string>{"outsider", "ceo"}) {
    EXPECT_TRUE(IsOk(GetObjective(As(current), secret.name(), nullptr))) << current;
    EXPECT_TRUE(IsOk(retitle(As(current), "Edited by " + current))) << current;
  }
  EXPECT_EQ(Read(open.name()).title(), "Edited by ceo");
}

// ---------------------------------------------------------------------------------------------
// Visibility and the authorization matrix
// ---------------------------------------------------------------------------------------------

TEST_F(GoalsObjectivesTest, PrivateObjectivesAreReadOnlyByTheOwnerTheirManagersAndAdmins) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  ASSERT_FALSE(cycle.name().empty());
  gv1::Objective open = NewObjective(PersonObjective(cycle.name(), "lead", "Open"), As("lead"));
  gv1::Objective secret =
      NewObjective(WithParent(WithVisibility(PersonObjective(cycle.name(), "dev", "Find a new job"),
                                             gv1::OBJECTIVE_VISIBILITY_PRIVATE),
                              open.name()),
                   As("dev"));
  gv1::Objective team_secret =
      NewObjective(WithVisibility(TeamObjective(cycle.name(), "eng", "Rewrite in secret"),
                                  gv1::OBJECTIVE_VISIBILITY_PRIVATE),
                   As("lead"));
  ASSERT_FALSE(secret.name().empty());
  ASSERT_FALSE(team_secret.name().empty());
  EXPECT_EQ(secret.visibility(), gv1::OBJECTIVE_VISIBILITY_PRIVATE);

  gv1::Objective got;
  for (const std::string& reader : std::vector<std::string>{"dev", "lead", "vp", "ceo"}) {
    EXPECT_TRUE(IsOk(GetObjective(As(reader), secret.name(), &got))) << reader;
    EXPECT_TRUE(Contains(ObjectivesOfCycle(As(reader), cycle.name()), secret.name())) << reader;
  }
  EXPECT_TRUE(IsOk(GetObjective(admin_, secret.name(), &got)));
  EXPECT_TRUE(Contains(ObjectivesOfCycle(admin_, cycle.name()), secret.name()));

  // Others learn nothing: NOT_FOUND exactly like a name that does not exist, and absent from lists.
  const std::string robot = test_support::E2eToken(tenant_, "robot", {});
  for (const std::string& token : {As("peer"), As("outsider"), robot}) {
    grpc::Status status = GetObjective(token, secret.name(), &got);
    EXPECT_TRUE(IsError(status, StatusCode::NOT_FOUND, "OBJECTIVE_NOT_FOUND"));
    EXPECT_TRUE(IsError(GetObjective(token, "objectives/ghost", &got), StatusCode::NOT_FOUND,
                        Reason(status)));
    const auto visible = ObjectivesOfCycle(token, cycle.name());
    EXPECT_FALSE(Contains(visible, secret.name()));
    EXPECT_TRUE(Contains(visible, open.name()));
    gv1::ListObjectivesRequest children;
    children.set_parent(open.name());
    EXPECT_TRUE(AllObjectives(token, children).empty());
    gv1::ListObjectivesRequest owned;
    owned.set_owner("people/dev");
    EXPECT_TRUE(AllObjectives(token, owned).empty());
  }

  // A team's PRIVATE objective: its members, its lead and the lead's managers read it.
  for (const std::string& reader : std::vector<std::string>{"dev", "lead", "vp", "ceo"}) {
    EXPECT_TRUE(IsOk(GetObjective(As(reader), team_secret.name(), &got))) << reader;
  }
  for (const std::string& outsider : std::vector<std::string>{"peer", "outsider"}) {
    EXPECT_TRUE(IsError(GetObjective(As(outsider), team_secret.name(), &got), StatusCode::NOT_FOUND,
                        "OBJECTIVE_NOT_FOUND"))
        << outsider;
    EXPECT_FALSE(Contains(ObjectivesOfCycle(As(outsider), cycle.name()), team_secret.name()));
  }

  // Writes by someone who may not read it answer NOT_FOUND too, and change nothing.
  gv1::Objective edit = secret;
  edit.set_title("Peeked");
  EXPECT_TRUE(IsError(UpdateObjective(As("peer"), edit, {"title"}, nullptr), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  EXPECT_TRUE(IsError(DeleteObjective(As("peer"), secret.name()), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  // Nor may they align to it.
  EXPECT_TRUE(IsError(
      CreateObjective(As("peer"),
                      WithParent(PersonObjective(cycle.name(), "peer", "Mine"), secret.name()),
                      nullptr),
      StatusCode::NOT_FOUND, "PARENT_NOT_FOUND"));
  EXPECT_EQ(Read(secret.name()).title(), "Find a new job");
  gv1::Objective peers = NewObjective(PersonObjective(cycle.name(), "peer", "Peer's"), As("peer"));
  gv1::Objective realign = peers;
  realign.set_parent(secret.name());
  EXPECT_TRUE(IsError(UpdateObjective(As("peer"), realign, {"parent"}, nullptr),
                      StatusCode::NOT_FOUND, "PARENT_NOT_FOUND"));
  EXPECT_EQ(Read(peers.name()).parent(), "");

  // Paging one by one past objectives the caller may not read still reaches every one it may.
  std::vector<std::string> expected_public = {open.name()};
  for (int i = 0; i < 3; ++i) {
    NewObjective(WithVisibility(PersonObjective(cycle.name(), "dev", "Hidden " + std::to_string(i)),
                                gv1::OBJECTIVE_VISIBILITY_PRIVATE),
                 As("dev"));
    NewObjective(WithVisibility(PersonObjective(cycle.name(), "dev", "Hidden too"),
                                gv1::OBJECTIVE_VISIBILITY_PRIVATE),
                 As("dev"));
    expected_public.push_back(
        NewObjective(PersonObjective(cycle.name(), "dev", "Shown " + std::to_string(i)), As("dev"))
            .name());
  }
  expected_public.insert(expected_public.begin() + 1, peers.name());
  gv1::ListObjectivesRequest one_by_one;
  one_by_one.set_cycle(cycle.name());
  one_by_one.set_page_size(1);
  EXPECT_EQ(AllObjectives(As("outsider"), one_by_one), expected_public);
  EXPECT_EQ(AllObjectives(As("peer"), one_by_one), expected_public);

  // Making it PUBLIC shows it to everyone.
  gv1::Objective publish = Read(secret.name());
  publish.set_visibility(gv1::OBJECTIVE_VISIBILITY_PUBLIC);
  ASSERT_TRUE(IsOk(UpdateObjective(As("dev"), publish, {"visibility"}, nullptr)));
  EXPECT_TRUE(IsOk(GetObjective(As("peer"), secret.name(), &got)));
  EXPECT_TRUE(Contains(ObjectivesOfCycle(As("outsider"), cycle.name()), secret.name()));
}

TEST_F(GoalsObjectivesTest, AServiceReaderReadsPrivateObjectivesButWritesNothingMore) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  ASSERT_FALSE(cycle.name().empty());
  gv1::Objective secret =
      NewObjective(WithVisibility(PersonObjective(cycle.name(), "dev", "Secret"),
                                  gv1::OBJECTIVE_VISIBILITY_PRIVATE),
                   As("dev"));
  ASSERT_FALSE(secret.name().empty());

  // A service identity with no person behind it, like the feedback service's own token.
  const std::string service = test_support::E2eToken(tenant_, "svc-feedback", {"service-reader"});
  gv1::Objective got;
  ASSERT_TRUE(IsOk(GetObjective(service, secret.name(), &got)));
  EXPECT_EQ(got.title(), "Secret");
  gv1::ListObjectivesRequest owned;
  owned.set_owner("people/dev");
  EXPECT_TRUE(Contains(AllObjectives(service, owned), secret.name()));

  // It may not write for anyone: not create, not edit, not delete.
  EXPECT_TRUE(
      IsError(CreateObjective(service, PersonObjective(cycle.name(), "dev", "Forged"), nullptr),
              StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  gv1::Objective edit = got;
  edit.set_title("Edited by a service");
  EXPECT_TRUE(IsError(UpdateObjective(service, edit, {"title"}, nullptr),
                      StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  EXPECT_TRUE(IsError(DeleteObjective(service, secret.name()), StatusCode::PERMISSION_DENIED,
                      "OBJECTIVE_WRITE_DENIED"));
  EXPECT_EQ(Read(secret.name()).title(), "Secret");
}

TEST_F(GoalsObjectivesTest, WritesFollowTheAuthorizationMatrix) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  ASSERT_FALSE(cycle.name().empty());

  // Cycles: admins only, decided before the request is validated.
  for (const std::string& token :
       {As("ceo"), As("dev"), test_support::E2eToken(tenant_, "root", {"Admin", "org-sync"})}) {
    EXPECT_TRUE(IsError(CreateCycle(token, QuarterCycle("2027-Q2", 2027, 2), nullptr),
                        StatusCode::PERMISSION_DENIED, "CYCLE_WRITE_DENIED"));
    EXPECT_TRUE(IsError(CreateCycle(token, gv1::Cycle(), nullptr), StatusCode::PERMISSION_DENIED,
                        "CYCLE_WRITE_DENIED"));
    EXPECT_TRUE(IsError(UpdateCycle(token, cycle, {"display_name"}, nullptr),
                        StatusCode::PERMISSION_DENIED, "CYCLE_WRITE_DENIED"));
    EXPECT_TRUE(IsError(UpdateCycle(token, gv1::Cycle(), {}, nullptr),
                        StatusCode::PERMISSION_DENIED, "CYCLE_WRITE_DENIED"));
    EXPECT_TRUE(IsError(CloseCycle(token, "cycles/ghost", "", nullptr),
                        StatusCode::PERMISSION_DENIED, "CYCLE_WRITE_DENIED"));
    EXPECT_TRUE(IsError(CloseCycle(token, cycle.name(), "", nullptr), StatusCode::PERMISSION_DENIED,
                        "CYCLE_WRITE_DENIED"));
  }
  gv1::Cycle got_cycle;
  ASSERT_TRUE(IsOk(GetCycle(As("dev"), cycle.name(), &got_cycle)));
  EXPECT_EQ(got_cycle.state(), gv1::CYCLE_STATE_PLANNING);
  EXPECT_EQ(AllCycles(As("dev"), {}), (std::vector<std::string>{cycle.name()}));

  // CreateObjective for a person: that person and their manager chain, and admins.
  for (const std::string& creator : std::vector<std::string>{"dev", "lead", "vp", "ceo"}) {
    EXPECT_TRUE(IsOk(CreateObjective(
        As(creator), PersonObjective(cycle.name(), "dev", "By " + creator), nullptr)))
        << creator;
  }
  EXPECT_TRUE(
      IsOk(CreateObjective(admin_, PersonObjective(cycle.name(), "dev", "By admin"), nullptr)));
  for (const std::string& creator : std::vector<std::string>{"peer", "outsider", "robot"}) {
    EXPECT_TRUE(
        IsError(CreateObjective(As(creator), PersonObjective(cycle.name(), "dev", "By " + creator),
                                nullptr),
                StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"))
        << creator;
  }
  EXPECT_TRUE(
      IsError(CreateObjective(As("dev"), PersonObjective(cycle.name(), "lead", "Upward"), nullptr),
              StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  // A non-steward learns nothing about whether the named owner exists; an admin does.
  EXPECT_TRUE(
      IsError(CreateObjective(As("dev"), PersonObjective(cycle.name(), "ghost", "Boo"), nullptr),
              StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  EXPECT_TRUE(
      IsError(CreateObjective(admin_, PersonObjective(cycle.name(), "ghost", "Boo"), nullptr),
              StatusCode::NOT_FOUND, "OWNER_NOT_FOUND"));
  EXPECT_TRUE(
      IsError(CreateObjective(As("dev"), TeamObjective(cycle.name(), "ghost-team", "Boo"), nullptr),
              StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));

  // CreateObjective for a team: its lead and the lead's managers, not its members.
  for (const std::string& creator : std::vector<std::string>{"lead", "vp", "ceo"}) {
    EXPECT_TRUE(IsOk(CreateObjective(
        As(creator), TeamObjective(cycle.name(), "eng", "Team by " + creator), nullptr)))
        << creator;
  }
  for (const std::string& creator : std::vector<std::string>{"dev", "peer", "outsider"}) {
    EXPECT_TRUE(
        IsError(CreateObjective(As(creator),
                                TeamObjective(cycle.name(), "eng", "Team by " + creator), nullptr),
                StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"))
        << creator;
  }

  // COMPANY level: admins only.
  for (const std::string& creator : std::vector<std::string>{"ceo", "dev"}) {
    EXPECT_TRUE(IsError(CreateObjective(As(creator),
                                        PersonObjective(cycle.name(), creator, "Company",
                                                        gv1::OBJECTIVE_LEVEL_COMPANY),
                                        nullptr),
                        StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"))
        << creator;
  }
  gv1::Objective company =
      NewObjective(PersonObjective(cycle.name(), "ceo", "Company", gv1::OBJECTIVE_LEVEL_COMPANY));
  EXPECT_EQ(company.level(), gv1::OBJECTIVE_LEVEL_COMPANY);

  // UpdateObjective on dev's PUBLIC objective.
  gv1::Objective target =
      NewObjective(PersonObjective(cycle.name(), "dev", "Dev's objective"), As("dev"));
  ASSERT_FALSE(target.name().empty());
  auto retitle = [&](const std::string& token, const std::string& title) {
    gv1::Objective objective = Read(target.name());
    objective.set_title(title);
    return UpdateObjective(token, objective, {"title"}, nullptr);
  };
  for (const std::string& writer : std::vector<std::string>{"dev", "lead", "vp", "ceo"}) {
    EXPECT_TRUE(IsOk(retitle(As(writer), "Edited by " + writer))) << writer;
  }
  EXPECT_TRUE(IsOk(retitle(admin_, "Edited by admin")));
  for (const std::string& writer : std::vector<std::string>{"peer", "outsider", "robot"}) {
    EXPECT_TRUE(IsError(retitle(As(writer), "Edited by " + writer), StatusCode::PERMISSION_DENIED,
                        "OBJECTIVE_WRITE_DENIED"))
        << writer;
  }
  EXPECT_TRUE(IsError(retitle(other_admin_, "Edited from afar"), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  EXPECT_TRUE(IsError(retitle(AsOther("dev"), "Edited from afar"), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  EXPECT_EQ(Read(target.name()).title(), "Edited by admin");

  // Changing the owner needs stewardship of the new owner as well.
  gv1::Objective hand_over = Read(target.name());
  hand_over.set_owner_person("people/peer");
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), hand_over, {"owner_person"}, nullptr),
                      StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  hand_over.set_owner_person("people/ghost");
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), hand_over, {"owner_person"}, nullptr),
                      StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  EXPECT_TRUE(IsError(UpdateObjective(admin_, hand_over, {"owner_person"}, nullptr),
                      StatusCode::NOT_FOUND, "OWNER_NOT_FOUND"));
  hand_over.set_owner_person("people/former");
  EXPECT_TRUE(IsError(UpdateObjective(admin_, hand_over, {"owner_person"}, nullptr),
                      StatusCode::FAILED_PRECONDITION, "OWNER_INACTIVE"));
  hand_over.set_owner_person("people/peer");
  gv1::Objective handed;
  ASSERT_TRUE(IsOk(UpdateObjective(As("lead"), hand_over, {"owner_person"}, &handed)));
  EXPECT_EQ(handed.owner_person(), "people/peer");
  // Now peer owns it, and dev is no longer a steward.
  EXPECT_TRUE(IsOk(retitle(As("peer"), "Peer's now")));
  EXPECT_TRUE(IsError(retitle(As("dev"), "Dev again"), StatusCode::PERMISSION_DENIED,
                      "OBJECTIVE_WRITE_DENIED"));

  // Moving to COMPANY level is for admins.
  gv1::Objective promote = Read(target.name());
  promote.set_level(gv1::OBJECTIVE_LEVEL_COMPANY);
  EXPECT_TRUE(IsError(UpdateObjective(As("lead"), promote, {"level"}, nullptr),
                      StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  gv1::Objective promoted;
  ASSERT_TRUE(IsOk(UpdateObjective(admin_, promote, {"level"}, &promoted)));
  EXPECT_EQ(promoted.level(), gv1::OBJECTIVE_LEVEL_COMPANY);

  // Team objective: the lead's chain writes it, members do not.
  gv1::Objective team = NewObjective(TeamObjective(cycle.name(), "eng", "Team goal"), As("lead"));
  gv1::Objective team_edit = team;
  team_edit.clear_etag();
  team_edit.set_title("Member edit");
  EXPECT_TRUE(IsError(UpdateObjective(As("dev"), team_edit, {"title"}, nullptr),
                      StatusCode::PERMISSION_DENIED, "OBJECTIVE_WRITE_DENIED"));
  team_edit.set_title("VP edit");
  EXPECT_TRUE(IsOk(UpdateObjective(As("vp"), team_edit, {"title"}, nullptr)));

  // Delete: a peer is denied, another tenant does not find it, the owner's manager deletes.
  gv1::Objective doomed = NewObjective(PersonObjective(cycle.name(), "dev", "Doomed"), As("dev"));
  ASSERT_FALSE(doomed.name().empty());
  EXPECT_TRUE(IsError(DeleteObjective(As("peer"), doomed.name()), StatusCode::PERMISSION_DENIED,
                      "OBJECTIVE_WRITE_DENIED"));
  EXPECT_TRUE(IsError(DeleteObjective(As("outsider"), doomed.name()), StatusCode::PERMISSION_DENIED,
                      "OBJECTIVE_WRITE_DENIED"));
  EXPECT_TRUE(IsError(DeleteObjective(other_admin_, doomed.name()), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
  EXPECT_TRUE(IsOk(GetObjective(As("dev"), doomed.name(), nullptr)));
  EXPECT_TRUE(IsOk(DeleteObjective(As("lead"), doomed.name())));
  EXPECT_TRUE(IsError(GetObjective(As("dev"), doomed.name(), nullptr), StatusCode::NOT_FOUND,
                      "OBJECTIVE_NOT_FOUND"));
}

TEST_F(GoalsObjectivesTest, AnotherTenantCannotReadWriteOrPageIntoObjectives) {
  ASSERT_NO_FATAL_FAILURE(SeedOrg(admin_));
  ASSERT_NO_FATAL_FAILURE(SeedOrg(other_admin_));  // same person ids, another organisation
  gv1::Cycle cycle = NewCycle(QuarterCycle("2027-Q1", 2027, 1));
  gv1::Cycle cycle2 = NewCycle(QuarterCycle("2027-Q2", 2027, 2));
  ASSERT_FALSE(cycle.name().empty());
  gv1::Objective mine = NewObjective(PersonObjective(cycle.name(), "dev", "Ours"), As("dev"));
  gv1::Objective mine2 = NewObjective(PersonObjective(cycle.name(), "dev", "Ours too"), As("dev"));
  ASSERT_FALSE(mine.name().empty());

  for (const std::string& token : {other_admin_, AsOther("dev")}) {
    gv1::Cycle cycle_out;
    grpc::Status status = GetCycle(token, cycle.name(), &cycle_out);
    EXPECT_TRUE(IsError(status, StatusCode::NOT_FOUND, "CYCLE_NOT_FOUND"));
    gv1::Objective out;
    status = GetObjective(token, mine.name(), &out);
    EXPECT_TRUE(IsError(status, StatusCode::NOT_FOUND, "OBJECTIVE_NOT_FOUND"));
    EXPECT_TRUE(out.title().empty());
    EXPECT_TRUE(
        IsError(DeleteObjective(token, mine.name()), StatusCode::NOT_FOUND, "OBJECTIVE_NOT_FOUND"));
    gv1::Objective edit = mine;
    edit.set_title("Taken over");
    EXPECT_TRUE(IsError(UpdateObjective(token, edit, {"title"}, nullptr), StatusCode::NOT_FOUND,
                        "OBJECTIVE_NOT_FOUND"));
    edit.clear_etag();
    EXPECT_TRUE(IsError(UpdateObjective(token, edit, {"title"}, nullptr), StatusCode::NOT_FOUND,
                        "OBJECTIVE_NOT_FOUND"));
    EXPECT_TRUE(AllCycles(token, {}).empty());
    EXPECT_TRUE(AllObjectives(token, {}).empty());
    gv1::ListObjectivesRequest by_cycle;
    by_cycle.set_cycle(cycle.name());
    EXPECT_TRUE(AllObjectives(token, by_cycle).empty());
    // Naming our cycle or our objective from there finds nothing.
    EXPECT_TRUE(IsError(
        CreateObjective(token, PersonObjective(cycle.name(), "dev", "Into theirs"), nullptr),
        StatusCode::NOT_FOUND, "CYCLE_NOT_FOUND"));
  }
  EXPECT_TRUE(IsError(CloseCycle(other_admin_, cycle.name(), "", nullptr), StatusCode::NOT_FOUND,
                      "CYCLE_NOT_FOUND"));
  gv1::Cycle rename = cycle;
  rename.set_display_name("Hijacked");
  EXPECT_TRUE(IsError(UpdateCycle(other_admin_, rename, {"display_name"}, nullptr),
                      StatusCode::NOT_FOUND, "CYCLE_NOT_FOUND"));
  gv1::Cycle theirs = QuarterCycle("Theirs", 2027, 1);
  gv1::Cycle their_cycle;
  ASSERT_TRUE(IsOk(CreateCycle(other_admin_, theirs, &their_cycle)));
  gv1::KeyResult our_rollup = NewRollupKeyResult(mine2.name(), "Ours to roll up");
  ASSERT_FALSE(our_rollup.name().empty());
  EXPECT_TRUE(IsError(
      CreateObjective(
          AsOther("dev"),
          WithParent(PersonObjective(their_cycle.name(), "dev", "Up KR"), our_rollup.name()),
          nullptr),
      StatusCode::NOT_FOUND, "PARENT_NOT_FOUND"));
  EXPECT_TRUE(IsError(
      CreateObjective(AsOther("dev"),
                      WithParent(PersonObjective(their_cycle.name(), "dev", "Up"), mine.name()),
                      nullptr),
      StatusCode::NOT_FOUND, "PARENT_NOT_FOUND"));

  // Page tokens are bound to their tenant, and cannot be forged.
  gv1::ListCyclesRequest cycles_request;
  cycles_request.set_page_size(1);
  gv1::ListCyclesResponse cycles_page;
  ASSERT_TRUE(IsOk(ListCycles(admin_, cycles_request, &cycles_page)));
  ASSERT_FALSE(cycles_page.next_page_token().empty());
  cycles_request.set_page_token(cycles_page.next_page_token());
  grpc::Status status = ListCycles(other_admin_, cycles_request, &cycles_page);
  EXPECT_TRUE(IsError(status, StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_EQ(cycles_page.cycles_size(), 0);

  gv1::ListObjectivesRequest objectives_request;
  objectives_request.set_page_size(1);
  gv1::ListObjectivesResponse objectives_page;
  ASSERT_TRUE(IsOk(ListObjectives(admin_, objectives_request, &objectives_page)));
  const std::string token = objectives_page.next_page_token();
  ASSERT_FALSE(token.empty());
  objectives_request.set_page_token(token);
  status = ListObjectives(other_admin_, objectives_request, &objectives_page);
  EXPECT_TRUE(IsError(status, StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"));
  EXPECT_TRUE(IsInvalid(status, "page_token"));
  EXPECT_EQ(objectives_page.objectives_size(), 0);

  std::string flipped = token;
  flipped[token.size() / 2] = flipped[token.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {flipped, token.substr(0, token.size() - 3), token + "x",
                                 std::string("garbage"), std::string(5000, 'A')}) {
    objectives_request.set_page_token(bad);
    status = ListObjectives(admin_, objectives_request, &objectives_page);
    EXPECT_TRUE(IsError(status, StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN")) << bad;
    EXPECT_EQ(objectives_page.objectives_size(), 0);
    cycles_request.set_page_token(bad);
    status = ListCycles(admin_, cycles_request, &cycles_page);
    EXPECT_TRUE(IsError(status, StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN")) << bad;
  }

  // The genuine token still works for its own tenant, and our records are untouched.
  objectives_request.set_page_token(token);
  ASSERT_TRUE(IsOk(ListObjectives(admin_, objectives_request, &objectives_page)));
  EXPECT_EQ(NamesOf(objectives_page.objectives()), (std::vector<std::string>{mine2.name()}));
  EXPECT_EQ(Read(mine.name()).title(), "Ours");
  gv1::Cycle ours;
  ASSERT_TRUE(IsOk(GetCycle(admin_, cycle.name(), &ours)));
  EXPECT_EQ(ours.display_name(), "2027-Q1");
  EXPECT_EQ(AllCycles(admin_, {}), (std::vector<std::string>{cycle2.name(), cycle.name()}));
}

TEST_F(GoalsObjectivesTest, CallsWithoutAValidTokenAreUnauthenticated) {
  gv1::ListCyclesRequest request;
  gv1::ListCyclesResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(goals_->ListCycles(&context, request, &response).error_code(),
            StatusCode::UNAUTHENTICATED);
  const std::string forged = test_support::E2eToken(tenant_, "root", {"admin"}, "someone-else");
  EXPECT_EQ(CreateCycle(forged, QuarterCycle("2027-Q1", 2027, 1), nullptr).error_code(),
            StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(AllCycles(admin_, {}).empty());
}

}  // namespace
}  // namespace okr
