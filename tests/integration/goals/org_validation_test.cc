// The rules of OrgService requests: every broken rule is reported as a field violation, all at
// once, with a stable reason; valid requests become normalised records.
#include "services/goals/src/api/org_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "okr/common/status/errors.h"

namespace okr::goals {
namespace {

using ::testing::ElementsAre;

org::v1::Person ValidPerson(const std::string& id) {
  org::v1::Person person;
  person.set_name("people/" + id);
  person.set_display_name("Person " + id);
  return person;
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : common::ErrorFieldViolations(status)) {
    fields.push_back(violation.field);
  }
  return fields;
}

TEST(OrgValidationTest, ValidPeopleBecomeNormalisedRecords) {
  org::v1::BatchUpsertPeopleRequest request;
  auto* person = request.add_people();
  *person = ValidPerson("e-1");
  person->set_display_name("  Ada Lovelace \t");
  person->set_email("Ada@Example.COM");
  person->set_manager("people/e-0");
  person->add_teams("teams/zeta");
  person->add_teams("teams/alpha");
  person->set_etag("\"3\"");
  auto people = PeopleFromRequest(request);
  ASSERT_TRUE(people.ok()) << people.status();
  ASSERT_EQ(people->size(), 1u);
  const Person& record = people->front();
  EXPECT_EQ(record.id, "e-1");
  EXPECT_EQ(record.display_name, "Ada Lovelace");
  EXPECT_EQ(record.email, "Ada@Example.COM");  // stored as given
  EXPECT_EQ(record.manager, "e-0");
  EXPECT_THAT(record.teams, ElementsAre("alpha", "zeta"));
  EXPECT_EQ(record.state, OrgState::kActive);
  EXPECT_EQ(record.etag, "\"3\"");
}

TEST(OrgValidationTest, BatchSizeLimits) {
  org::v1::BatchUpsertPeopleRequest request;
  auto empty = PeopleFromRequest(request);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReason(empty.status()), "BATCH_EMPTY");

  for (int i = 0; i < 1000; ++i) *request.add_people() = ValidPerson("p" + std::to_string(i));
  EXPECT_TRUE(PeopleFromRequest(request).ok());
  *request.add_people() = ValidPerson("p1000");
  auto too_large = PeopleFromRequest(request);
  EXPECT_EQ(too_large.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReason(too_large.status()), "BATCH_TOO_LARGE");
  EXPECT_THAT(ViolatedFields(too_large.status()), ElementsAre("people"));

  org::v1::BatchUpsertTeamsRequest teams;
  EXPECT_EQ(common::ErrorReason(TeamsFromRequest(teams).status()), "BATCH_EMPTY");
}

TEST(OrgValidationTest, EveryPersonRuleIsReportedWithItsField) {
  org::v1::BatchUpsertPeopleRequest request;
  *request.add_people() = ValidPerson("ok");
  auto* bad = request.add_people();
  bad->set_name("person/x");              // wrong collection
  bad->set_display_name("   ");           // empty after trimming
  bad->set_email(std::string(321, 'e'));  // too long
  bad->set_manager("people/");            // malformed reference
  bad->add_teams("teams/a");
  bad->add_teams("teams/a");                             // duplicate
  bad->add_teams("groups/b");                            // malformed
  bad->set_state(static_cast<org::v1::PersonState>(7));  // unknown enum value
  auto* twin = request.add_people();
  *twin = ValidPerson("ok");       // duplicate name in the batch
  twin->set_manager("people/ok");  // own manager
  auto* oversized = request.add_people();
  *oversized = ValidPerson("-starts-with-dash");
  oversized->set_display_name(std::string(201, 'n'));

  auto people = PeopleFromRequest(request);
  ASSERT_FALSE(people.ok());
  EXPECT_EQ(people.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReason(people.status()), "INVALID_PERSON");
  EXPECT_THAT(
      ViolatedFields(people.status()),
      ::testing::UnorderedElementsAre(
          "people[1].name", "people[1].display_name", "people[1].email", "people[1].manager",
          "people[1].teams[1]", "people[1].teams[2]", "people[1].state", "people[2].name",
          "people[2].manager", "people[3].name", "people[3].display_name"));
}

TEST(OrgValidationTest, NamesAndDisplayNamesAtTheirLimits) {
  org::v1::BatchUpsertPeopleRequest request;
  auto* person = request.add_people();
  *person = ValidPerson(std::string(128, 'a'));
  // 200 code points of two bytes each: the limit counts characters, not bytes.
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xC3\xA9";
  person->set_display_name(name);
  person->set_email(std::string(320, 'e'));
  for (int i = 0; i < 100; ++i) person->add_teams("teams/t" + std::to_string(i));
  EXPECT_TRUE(PeopleFromRequest(request).ok()) << PeopleFromRequest(request).status();

  person->set_name("people/" + std::string(129, 'a'));
  person->set_display_name(name + "\xC3\xA9");
  person->add_teams("teams/t100");
  EXPECT_THAT(ViolatedFields(PeopleFromRequest(request).status()),
              ElementsAre("people[0].name", "people[0].display_name", "people[0].teams"));

  person->set_name("people/a");
  person->clear_teams();
  person->set_display_name("bad \xC3 utf8");
  EXPECT_THAT(ViolatedFields(PeopleFromRequest(request).status()),
              ElementsAre("people[0].display_name"));
}

TEST(OrgValidationTest, EveryTeamRuleIsReportedWithItsField) {
  org::v1::BatchUpsertTeamsRequest request;
  auto* team = request.add_teams();
  team->set_name("teams/eng");
  team->set_display_name("Engineering");
  team->set_parent("teams/eng");  // its own parent
  team->set_lead("teams/x");      // a lead is a person
  auto* other = request.add_teams();
  other->set_name("teams/ops");
  other->set_state(static_cast<org::v1::TeamState>(-1));
  auto teams = TeamsFromRequest(request);
  EXPECT_EQ(common::ErrorReason(teams.status()), "INVALID_TEAM");
  EXPECT_THAT(
      ViolatedFields(teams.status()),
      ElementsAre("teams[0].parent", "teams[0].lead", "teams[1].display_name", "teams[1].state"));
}

TEST(OrgValidationTest, ReferencesToRecordsNotSyncedYetAreWellFormedEnough) {
  org::v1::BatchUpsertTeamsRequest request;
  auto* team = request.add_teams();
  team->set_name("teams/eng");
  team->set_display_name("Engineering");
  team->set_parent("teams/not-synced-yet");
  team->set_lead("people/not-synced-yet");
  team->set_state(org::v1::TEAM_STATE_INACTIVE);
  auto teams = TeamsFromRequest(request);
  ASSERT_TRUE(teams.ok()) << teams.status();
  EXPECT_EQ(teams->front().parent, "not-synced-yet");
  EXPECT_EQ(teams->front().lead, "not-synced-yet");
  EXPECT_EQ(teams->front().state, OrgState::kInactive);
}

TEST(OrgValidationTest, NamesFiltersAndDepth) {
  EXPECT_EQ(*PersonIdFromField("people/a.b_c-1", "name"), "a.b_c-1");
  for (const std::string name :
       {"", "people/", "people/a/b", "teams/a", "people/a b", "people/.a"}) {
    auto id = PersonIdFromField(name, "name");
    ASSERT_FALSE(id.ok()) << name;
    EXPECT_EQ(common::ErrorReason(id.status()), "INVALID_NAME");
    EXPECT_THAT(ViolatedFields(id.status()), ElementsAre("name"));
  }
  EXPECT_EQ(*TeamIdFromField("teams/Eng", "name"), "Eng");

  org::v1::ListPeopleRequest list;
  list.set_team("people/x");
  list.set_manager("teams/y");
  auto filter = PeopleFilterFromRequest(list);
  EXPECT_EQ(common::ErrorReason(filter.status()), "INVALID_FILTER");
  EXPECT_THAT(ViolatedFields(filter.status()), ElementsAre("team", "manager"));
  list.set_team("teams/x");
  list.set_manager("people/y");
  EXPECT_EQ(PeopleFilterFromRequest(list)->team, "x");

  org::v1::ListTeamsRequest teams;
  teams.set_parent("nonsense");
  EXPECT_THAT(ViolatedFields(TeamFilterFromRequest(teams).status()), ElementsAre("parent"));

  EXPECT_TRUE(CheckMaxDepth(0).ok());
  EXPECT_EQ(common::ErrorReason(CheckMaxDepth(-1)), "INVALID_MAX_DEPTH");
}

}  // namespace
}  // namespace okr::goals
