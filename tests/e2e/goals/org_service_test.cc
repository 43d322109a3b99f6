// okr.org.v1.OrgService end to end: the real okr-goals binary, driven through the generated client
// as a platform team's directory sync would drive it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "okr/common/status/errors.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/e2e/goals/goals_e2e.h"

namespace okr {
namespace {

namespace v1 = org::v1;

std::string Token(const std::string& tenant, std::vector<std::string> roles) {
  return test_support::E2eToken(tenant, "sync-bot", roles);
}

v1::Person MakePerson(const std::string& id, const std::string& manager = "",
                      std::vector<std::string> teams = {}) {
  v1::Person person;
  person.set_name("people/" + id);
  person.set_display_name("Person " + id);
  person.set_email(id + "@example.com");
  if (!manager.empty()) person.set_manager("people/" + manager);
  for (const auto& team : teams) person.add_teams("teams/" + team);
  return person;
}

v1::Team MakeTeam(const std::string& id, const std::string& parent = "") {
  v1::Team team;
  team.set_name("teams/" + id);
  team.set_display_name("Team " + id);
  if (!parent.empty()) team.set_parent("teams/" + parent);
  return team;
}

using e2e::Fields;
using e2e::Reason;

std::vector<std::string> Names(const google::protobuf::RepeatedPtrField<v1::Person>& people) {
  std::vector<std::string> names;
  for (const auto& person : people) names.push_back(person.name());
  return names;
}

// One okr-goals process serves the whole suite (starting one takes seconds); each test works in
// tenants of its own, named after the test, so tests cannot see each other's records.
class OrgServiceTest : public e2e::GoalsServerSuite {
 protected:
  void SetUp() override {
    ASSERT_TRUE(serving_) << ServerProblem();
    org_ = v1::OrgService::NewStub(server_->channel());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    tenant_ = std::string("t-") + info->name();
    other_tenant_ = tenant_ + "-other";
    admin_ = Token(tenant_, {"admin"});
  }

  // A context with the token and a deadline, for one call.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  grpc::Status UpsertPeople(const std::vector<v1::Person>& people,
                            v1::BatchUpsertPeopleResponse* response = nullptr,
                            const std::string& token = "") {
    v1::BatchUpsertPeopleRequest request;
    for (const auto& person : people) *request.add_people() = person;
    v1::BatchUpsertPeopleResponse ignored;
    return org_->BatchUpsertPeople(Context(token.empty() ? admin_ : token).get(), request,
                                   response != nullptr ? response : &ignored);
  }

  grpc::Status UpsertTeams(const std::vector<v1::Team>& teams,
                           v1::BatchUpsertTeamsResponse* response = nullptr,
                           const std::string& token = "") {
    v1::BatchUpsertTeamsRequest request;
    for (const auto& team : teams) *request.add_teams() = team;
    v1::BatchUpsertTeamsResponse ignored;
    return org_->BatchUpsertTeams(Context(token.empty() ? admin_ : token).get(), request,
                                  response != nullptr ? response : &ignored);
  }

  grpc::Status GetPerson(const std::string& name, v1::Person* person,
                         const std::string& token = "") {
    v1::GetPersonRequest request;
    request.set_name(name);
    return org_->GetPerson(Context(token.empty() ? admin_ : token).get(), request, person);
  }

  grpc::Status ListPeople(const v1::ListPeopleRequest& request, v1::ListPeopleResponse* response,
                          const std::string& token = "") {
    response->Clear();
    return org_->ListPeople(Context(token.empty() ? admin_ : token).get(), request, response);
  }

  // Every person the listing yields, following page tokens (at most 100 pages).
  std::vector<std::string> ListAll(v1::ListPeopleRequest request, int* pages = nullptr) {
    std::vector<std::string> names;
    int count = 0;
    do {
      v1::ListPeopleResponse response;
      grpc::Status status = ListPeople(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& person : response.people()) names.push_back(person.name());
      request.set_page_token(response.next_page_token());
      ++count;
    } while (!request.page_token().empty() && count < 100);
    if (pages != nullptr) *pages = count;
    return names;
  }

  std::unique_ptr<v1::OrgService::Stub> org_;
  std::string tenant_;
  std::string other_tenant_;
  std::string admin_;
};

TEST_F(OrgServiceTest, EveryRpcServesTheDirectory) {
  v1::BatchUpsertTeamsResponse teams;
  ASSERT_TRUE(UpsertTeams({MakeTeam("org"), MakeTeam("eng", "org")}, &teams).ok());
  ASSERT_EQ(teams.teams_size(), 2);
  EXPECT_EQ(teams.teams(1).parent(), "teams/org");
  EXPECT_EQ(teams.teams(1).state(), v1::TEAM_STATE_ACTIVE);
  EXPECT_FALSE(teams.teams(1).etag().empty());
  EXPECT_GT(teams.teams(1).create_time().seconds(), 0);

  v1::BatchUpsertPeopleResponse people;
  ASSERT_TRUE(
      UpsertPeople({MakePerson("dev", "lead", {"eng"}), MakePerson("lead", "", {"eng", "org"})},
                   &people)
          .ok());
  ASSERT_EQ(people.people_size(), 2);
  EXPECT_EQ(people.people(0).name(), "people/dev");  // request order
  EXPECT_EQ(people.people(0).state(), v1::PERSON_STATE_ACTIVE);

  v1::Person dev;
  ASSERT_TRUE(GetPerson("people/dev", &dev).ok());
  EXPECT_EQ(dev.display_name(), "Person dev");
  EXPECT_EQ(dev.email(), "dev@example.com");
  EXPECT_EQ(dev.manager(), "people/lead");
  EXPECT_EQ(dev.etag(), people.people(0).etag());
  EXPECT_EQ(dev.update_time().seconds(), people.people(0).update_time().seconds());
  EXPECT_EQ(dev.update_time().nanos(), people.people(0).update_time().nanos());

  v1::GetTeamRequest get_team;
  get_team.set_name("teams/eng");
  v1::Team eng;
  ASSERT_TRUE(org_->GetTeam(Context(admin_).get(), get_team, &eng).ok());
  EXPECT_EQ(eng.display_name(), "Team eng");

  v1::ListPeopleRequest list;
  list.set_team("teams/eng");
  EXPECT_EQ(ListAll(list), (std::vector<std::string>{"people/dev", "people/lead"}));
  v1::ListTeamsRequest list_teams;
  v1::ListTeamsResponse listed_teams;
  ASSERT_TRUE(org_->ListTeams(Context(admin_).get(), list_teams, &listed_teams).ok());
  ASSERT_EQ(listed_teams.teams_size(), 2);
  EXPECT_EQ(listed_teams.teams(0).name(), "teams/eng");
  EXPECT_TRUE(listed_teams.next_page_token().empty());

  v1::GetReportingChainRequest chain_request;
  chain_request.set_name("people/dev");
  v1::GetReportingChainResponse chain;
  ASSERT_TRUE(org_->GetReportingChain(Context(admin_).get(), chain_request, &chain).ok());
  EXPECT_EQ(Names(chain.managers()), (std::vector<std::string>{"people/lead"}));
  EXPECT_EQ(chain.unresolved_manager(), "");
}

TEST_F(OrgServiceTest, BatchOf1000IsAcceptedAnd1001IsRejected) {
  std::vector<v1::Person> batch;
  for (int i = 0; i < 1001; ++i) batch.push_back(MakePerson("p" + std::to_string(i)));
  v1::BatchUpsertPeopleResponse response;
  grpc::Status status = UpsertPeople(batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(status), "BATCH_TOO_LARGE");
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"people"}));
  v1::Person person;
  EXPECT_EQ(GetPerson("people/p0", &person).error_code(), grpc::StatusCode::NOT_FOUND);

  batch.pop_back();
  status = UpsertPeople(batch, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.people_size(), 1000);
  v1::ListPeopleRequest list;
  list.set_page_size(5000);  // coerced to 1000
  v1::ListPeopleResponse page;
  ASSERT_TRUE(ListPeople(list, &page).ok());
  EXPECT_EQ(page.people_size(), 1000);
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(OrgServiceTest, OneBadRecordLeavesNothingWritten) {
  std::vector<v1::Person> batch = {MakePerson("a"), MakePerson("b"), MakePerson("c")};
  batch[1].set_display_name("");
  batch[2].set_email(std::string(400, 'x'));
  grpc::Status status = UpsertPeople(batch);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(status), "INVALID_PERSON");
  EXPECT_EQ(Fields(status),
            (std::vector<std::string>{"people[1].display_name", "people[2].email"}));
  EXPECT_TRUE(ListAll({}).empty());

  std::vector<v1::Team> teams = {MakeTeam("ok"), MakeTeam("bad/name")};
  status = UpsertTeams(teams);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"teams[1].name"}));
  v1::ListTeamsResponse listed;
  ASSERT_TRUE(org_->ListTeams(Context(admin_).get(), {}, &listed).ok());
  EXPECT_EQ(listed.teams_size(), 0);
}

TEST_F(OrgServiceTest, UpsertingTheSameBatchAgainChangesNothing) {
  const std::vector<v1::Person> batch = {MakePerson("a", "", {"x", "y"}), MakePerson("b", "a")};
  v1::BatchUpsertPeopleResponse first;
  ASSERT_TRUE(UpsertPeople(batch, &first).ok());
  absl::SleepFor(absl::Milliseconds(20));  // a change would now get a later update_time
  v1::BatchUpsertPeopleResponse second;
  ASSERT_TRUE(UpsertPeople(batch, &second).ok());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(second.people(i).etag(), first.people(i).etag());
    EXPECT_EQ(second.people(i).update_time().seconds(), first.people(i).update_time().seconds());
    EXPECT_EQ(second.people(i).update_time().nanos(), first.people(i).update_time().nanos());
  }
  // The team order a client sends does not matter: the server sorts them.
  v1::Person reordered = MakePerson("a", "", {"y", "x"});
  v1::BatchUpsertPeopleResponse third;
  ASSERT_TRUE(UpsertPeople({reordered}, &third).ok());
  EXPECT_EQ(third.people(0).etag(), first.people(0).etag());
  EXPECT_EQ(third.people(0).teams(0), "teams/x");

  // A real change moves etag and update_time, but not create_time.
  v1::Person changed = MakePerson("a", "", {"x"});
  v1::BatchUpsertPeopleResponse fourth;
  ASSERT_TRUE(UpsertPeople({changed}, &fourth).ok());
  EXPECT_NE(fourth.people(0).etag(), first.people(0).etag());
  EXPECT_EQ(fourth.people(0).create_time().seconds(), first.people(0).create_time().seconds());
  EXPECT_GT(absl::FromUnixSeconds(fourth.people(0).update_time().seconds()) +
                absl::Nanoseconds(fourth.people(0).update_time().nanos()),
            absl::FromUnixSeconds(first.people(0).update_time().seconds()) +
                absl::Nanoseconds(first.people(0).update_time().nanos()));
}

TEST_F(OrgServiceTest, ReferencesToRecordsNotSyncedYetAreAcceptedAndResolveLater) {
  // People first, naming a manager and a team that come later.
  ASSERT_TRUE(UpsertPeople({MakePerson("dev", "boss", {"eng"})}).ok());
  ASSERT_TRUE(UpsertTeams({[] {
                auto team = MakeTeam("eng", "later-parent");
                team.set_lead("people/boss");
                return team;
              }()})
                  .ok());
  v1::GetReportingChainRequest request;
  request.set_name("people/dev");
  v1::GetReportingChainResponse chain;
  ASSERT_TRUE(org_->GetReportingChain(Context(admin_).get(), request, &chain).ok());
  EXPECT_EQ(chain.managers_size(), 0);
  EXPECT_EQ(chain.unresolved_manager(), "people/boss");

  ASSERT_TRUE(UpsertPeople({MakePerson("boss")}).ok());
  ASSERT_TRUE(org_->GetReportingChain(Context(admin_).get(), request, &chain).ok());
  EXPECT_EQ(Names(chain.managers()), (std::vector<std::string>{"people/boss"}));
  EXPECT_EQ(chain.unresolved_manager(), "");
}

TEST_F(OrgServiceTest, ManagerAndTeamCyclesAreRejectedWithViolations) {
  ASSERT_TRUE(UpsertPeople({MakePerson("ceo"), MakePerson("vp", "ceo")}).ok());
  grpc::Status status = UpsertPeople({MakePerson("new"), MakePerson("ceo", "vp")});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(status), "MANAGER_CYCLE");
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"people[1].manager"}));
  v1::Person person;
  EXPECT_EQ(GetPerson("people/new", &person).error_code(), grpc::StatusCode::NOT_FOUND);

  status = UpsertPeople({MakePerson("self", "self")});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"people[0].manager"}));

  ASSERT_TRUE(UpsertTeams({MakeTeam("a", "b"), MakeTeam("b")}).ok());
  status = UpsertTeams({MakeTeam("b", "a")});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(status), "TEAM_CYCLE");
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"teams[0].parent"}));
}

TEST_F(OrgServiceTest, StaleEtagIsAbortedAndWritesNothing) {
  v1::BatchUpsertPeopleResponse first;
  ASSERT_TRUE(UpsertPeople({MakePerson("a"), MakePerson("b")}, &first).ok());
  v1::Person a = first.people(0);
  a.set_display_name("Ada");
  v1::BatchUpsertPeopleResponse second;
  ASSERT_TRUE(UpsertPeople({a}, &second).ok());  // the current etag: accepted

  a.set_display_name("Ada again");  // still carries the first etag, now stale
  v1::Person b = first.people(1);
  b.set_display_name("Bob");
  grpc::Status status = UpsertPeople({b, a});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Reason(status), "ETAG_MISMATCH");
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"people[1].etag"}));
  v1::Person stored;
  ASSERT_TRUE(GetPerson("people/b", &stored).ok());
  EXPECT_EQ(stored.display_name(), "Person b");

  // An etag for a record that does not exist is stale as well.
  v1::Person ghost = MakePerson("ghost");
  ghost.set_etag(first.people(0).etag());
  EXPECT_EQ(UpsertPeople({ghost}).error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(OrgServiceTest, PaginationWithFiltersIsCompleteAndStable) {
  std::vector<v1::Person> batch = {MakePerson("boss")};
  std::vector<std::string> expected;
  for (int i = 0; i < 130; ++i) {
    char id[8];
    std::snprintf(id, sizeof(id), "p%03d", i);
    const bool reports = i % 2 == 0;
    const bool in_eng = i % 5 != 0;
    batch.push_back(
        MakePerson(id, reports ? "boss" : "",
                   in_eng ? std::vector<std::string>{"eng"} : std::vector<std::string>{}));
    if (i == 42) batch.back().set_state(v1::PERSON_STATE_INACTIVE);
    if (reports && in_eng && i != 42) expected.push_back(std::string("people/") + id);
  }
  ASSERT_TRUE(UpsertPeople(batch).ok());

  v1::ListPeopleRequest request;
  request.set_team("teams/eng");
  request.set_manager("people/boss");
  request.set_page_size(10);
  int pages = 0;
  EXPECT_EQ(ListAll(request, &pages), expected);
  EXPECT_EQ(expected.size(), 51u);
  EXPECT_EQ(pages, 6);

  // Inactive people appear only when asked for.
  request.set_include_inactive(true);
  auto with_inactive = ListAll(request);
  EXPECT_EQ(with_inactive.size(), 52u);
  EXPECT_NE(std::find(with_inactive.begin(), with_inactive.end(), "people/p042"),
            with_inactive.end());

  // A token continues only the listing it came from.
  request.set_include_inactive(false);
  v1::ListPeopleResponse first;
  ASSERT_TRUE(ListPeople(request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  v1::ListPeopleRequest changed = request;
  changed.set_page_token(first.next_page_token());
  changed.set_manager("");
  v1::ListPeopleResponse response;
  grpc::Status status = ListPeople(changed, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(status), "INVALID_PAGE_TOKEN");
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_token"}));
  changed = request;
  changed.set_page_token(first.next_page_token());
  changed.set_page_size(11);
  EXPECT_EQ(ListPeople(changed, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The same token twice gives the same page.
  changed.set_page_size(10);
  v1::ListPeopleResponse again;
  ASSERT_TRUE(ListPeople(changed, &response).ok());
  ASSERT_TRUE(ListPeople(changed, &again).ok());
  EXPECT_EQ(Names(response.people()), Names(again.people()));

  v1::ListPeopleRequest negative;
  negative.set_page_size(-1);
  status = ListPeople(negative, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"page_size"}));
  v1::ListPeopleRequest bad_filter;
  bad_filter.set_team("eng");
  status = ListPeople(bad_filter, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"team"}));
}

TEST_F(OrgServiceTest, TamperedOrForeignPageTokensAreInvalidArgument) {
  std::vector<v1::Person> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(MakePerson("p" + std::to_string(i)));
  ASSERT_TRUE(UpsertPeople(batch).ok());
  const std::string other_admin = Token(other_tenant_, {"admin"});
  ASSERT_TRUE(
      UpsertPeople({MakePerson("p0"), MakePerson("p1"), MakePerson("p2")}, nullptr, other_admin)
          .ok());

  v1::ListPeopleRequest request;
  request.set_page_size(2);
  v1::ListPeopleResponse first;
  ASSERT_TRUE(ListPeople(request, &first).ok());
  const std::string token = first.next_page_token();
  ASSERT_FALSE(token.empty());

  std::vector<std::string> tampered = {token.substr(0, token.size() - 4), token + "A",
                                       "not a token", std::string(10000, 'A'), "%%%"};
  std::string flipped = token;
  flipped[token.size() / 2] = flipped[token.size() / 2] == 'A' ? 'B' : 'A';
  tampered.push_back(flipped);
  for (const std::string& bad : tampered) {
    request.set_page_token(bad);
    v1::ListPeopleResponse response;
    grpc::Status status = ListPeople(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(Reason(status), "INVALID_PAGE_TOKEN") << bad;
    EXPECT_EQ(response.people_size(), 0);
  }

  // One tenant's token in another tenant's hands is refused, not served from either tenant.
  request.set_page_token(token);
  v1::ListPeopleResponse response;
  grpc::Status status = ListPeople(request, &response, other_admin);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reason(status), "INVALID_PAGE_TOKEN");
  EXPECT_EQ(response.people_size(), 0);

  // The process is still serving after all of that.
  ASSERT_TRUE(ListPeople(request, &response).ok());
  EXPECT_EQ(Names(response.people()), (std::vector<std::string>{"people/p2", "people/p3"}));
}

TEST_F(OrgServiceTest, AnotherTenantCannotSeeOrProbeRecords) {
  ASSERT_TRUE(UpsertTeams({MakeTeam("secret-team")}).ok());
  ASSERT_TRUE(UpsertPeople({MakePerson("ceo"), MakePerson("cfo", "ceo", {"secret-team"})}).ok());
  const std::string other = Token(other_tenant_, {"admin"});
  const std::string other_reader = Token(other_tenant_, {});

  for (const std::string& token : {other, other_reader}) {
    v1::Person person;
    grpc::Status status = GetPerson("people/cfo", &person, token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(Reason(status), "PERSON_NOT_FOUND");
    // An unknown name answers exactly the same, so nothing tells the two apart.
    grpc::Status unknown = GetPerson("people/nobody-at-all", &person, token);
    EXPECT_EQ(unknown.error_code(), status.error_code());
    EXPECT_EQ(Reason(unknown), Reason(status));

    v1::GetTeamRequest get_team;
    get_team.set_name("teams/secret-team");
    v1::Team team;
    EXPECT_EQ(org_->GetTeam(Context(token).get(), get_team, &team).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::GetReportingChainRequest chain_request;
    chain_request.set_name("people/cfo");
    v1::GetReportingChainResponse chain;
    EXPECT_EQ(org_->GetReportingChain(Context(token).get(), chain_request, &chain).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::ListPeopleRequest list;
    list.set_team("teams/secret-team");
    list.set_include_inactive(true);
    v1::ListPeopleResponse listed;
    ASSERT_TRUE(ListPeople(list, &listed, token).ok());
    EXPECT_EQ(listed.people_size(), 0);
  }

  // The other tenant upserting the same names creates its own records; ours stay untouched.
  v1::Person impostor = MakePerson("cfo");
  impostor.set_display_name("Impostor");
  ASSERT_TRUE(UpsertPeople({impostor}, nullptr, other).ok());
  v1::Person cfo;
  ASSERT_TRUE(GetPerson("people/cfo", &cfo).ok());
  EXPECT_EQ(cfo.display_name(), "Person cfo");
  EXPECT_EQ(cfo.manager(), "people/ceo");
}

TEST_F(OrgServiceTest, WritesNeedTheAdminOrOrgSyncRole) {
  const std::string reader = Token(tenant_, {"employee"});
  // Decided before validation, so even a malformed batch only learns PERMISSION_DENIED.
  v1::Person malformed;
  malformed.set_name("nonsense");
  for (const auto& batch : {std::vector<v1::Person>{MakePerson("a")}, {malformed}}) {
    grpc::Status status = UpsertPeople(batch, nullptr, reader);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Reason(status), "ORG_WRITE_DENIED");
  }
  EXPECT_EQ(UpsertTeams({MakeTeam("t")}, nullptr, reader).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Role names match exactly.
  EXPECT_EQ(
      UpsertPeople({MakePerson("a")}, nullptr, Token(tenant_, {"Admin", "org_sync"})).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(ListAll({}).empty());

  ASSERT_TRUE(UpsertPeople({MakePerson("a")}, nullptr, Token(tenant_, {"org-sync"})).ok());
  ASSERT_TRUE(UpsertTeams({MakeTeam("t")}, nullptr, Token(tenant_, {"org-sync"})).ok());
  // Everyone in the tenant may read.
  v1::Person person;
  EXPECT_TRUE(GetPerson("people/a", &person, reader).ok());
}

TEST_F(OrgServiceTest, ReportingChainIsNearestFirst) {
  ASSERT_TRUE(
      UpsertPeople({MakePerson("dev", "lead"), MakePerson("lead", "director"),
                    MakePerson("director", "vp"), MakePerson("vp", "ceo"), MakePerson("ceo")})
          .ok());
  v1::GetReportingChainRequest request;
  request.set_name("people/dev");
  v1::GetReportingChainResponse chain;
  ASSERT_TRUE(org_->GetReportingChain(Context(admin_).get(), request, &chain).ok());
  EXPECT_EQ(Names(chain.managers()), (std::vector<std::string>{"people/lead", "people/director",
                                                               "people/vp", "people/ceo"}));
  request.set_max_depth(2);
  ASSERT_TRUE(org_->GetReportingChain(Context(admin_).get(), request, &chain).ok());
  EXPECT_EQ(Names(chain.managers()), (std::vector<std::string>{"people/lead", "people/director"}));
  EXPECT_EQ(chain.unresolved_manager(), "");

  request.set_max_depth(-1);
  grpc::Status status = org_->GetReportingChain(Context(admin_).get(), request, &chain);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"max_depth"}));
  request.set_max_depth(0);
  request.set_name("people/nobody");
  EXPECT_EQ(org_->GetReportingChain(Context(admin_).get(), request, &chain).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_name("dev");
  EXPECT_EQ(org_->GetReportingChain(Context(admin_).get(), request, &chain).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(OrgServiceTest, CallsWithoutATokenAreUnauthenticated) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::BatchUpsertPeopleRequest request;
  *request.add_people() = MakePerson("a");
  v1::BatchUpsertPeopleResponse response;
  EXPECT_EQ(org_->BatchUpsertPeople(&context, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(ListAll({}).empty());
}

}  // namespace
}  // namespace okr
