// Reading org chart files for `okrctl org import`: people and teams from CSV and JSON, the kind
// told from the file name or columns, and each bad record reported with its line and field before
// anything is sent.
#include "tools/okrctl/org_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace okr::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ImportFile MustParse(std::string_view text, std::string_view format, std::string_view kind,
                     std::string_view file_name) {
  auto file = ParseImportFile(text, format, kind, file_name);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *file : ImportFile{};
}

// "field" of each problem of `row`.
std::vector<std::string> ProblemFields(const ImportRow& row) {
  std::vector<std::string> fields;
  for (const RowProblem& p : row.problems) fields.push_back(p.field);
  return fields;
}

TEST(OkrctlImportFileTest, PeopleCsvFillsEveryColumnWithQualifiedNames) {
  const ImportFile file = MustParse(
      "ID, Display Name ,E-Mail,manager,Teams,state\n"
      "bob,\"Builder, Bob\",bob@example.com,boss,sales; ops,inactive\n"
      "people/boss,Bea,boss@example.com,,teams/sales|x,\n",
      "csv", "", "people.csv");
  EXPECT_EQ(file.kind, ImportKind::kPeople);
  ASSERT_EQ(file.rows.size(), 2u);
  const ImportRow& bob = file.rows[0];
  EXPECT_EQ(bob.line, 2);
  EXPECT_THAT(bob.problems, IsEmpty());
  EXPECT_EQ(bob.person.name(), "people/bob");
  EXPECT_EQ(bob.person.display_name(), "Builder, Bob");
  EXPECT_EQ(bob.person.email(), "bob@example.com");
  EXPECT_EQ(bob.person.manager(), "people/boss");
  EXPECT_THAT(bob.person.teams(), ElementsAre("teams/sales", "teams/ops"));
  EXPECT_EQ(bob.person.state(), okr::org::v1::PERSON_STATE_INACTIVE);
  const ImportRow& boss = file.rows[1];
  EXPECT_EQ(boss.line, 3);
  EXPECT_THAT(boss.problems, IsEmpty());
  EXPECT_EQ(boss.person.name(), "people/boss");
  EXPECT_EQ(boss.person.manager(), "");
  EXPECT_THAT(boss.person.teams(), ElementsAre("teams/sales", "teams/x"));
  EXPECT_EQ(boss.person.state(), okr::org::v1::PERSON_STATE_UNSPECIFIED);
}

TEST(OkrctlImportFileTest, BadPeopleRowsNameTheirLineAndField) {
  const ImportFile file = MustParse(
      "id,display_name,email,manager,teams,state\n"
      "ok,Okay,ok@example.com,,,\n"
      "eve,Eve,eve-at-example.com,ok,,\n"
      "fay,,fay@example.com,ok,,\n"
      "gus,Gus,gus@example.com,not a person,,\n"
      "hal,Hal,hal@example.com\n"
      "ida,Ida,ida@example.com,ida,,\n"
      ",Nameless,n@example.com,,,\n"
      "jo,\"Jo\nJones\",jo@example.com,ok,bad team,\n"
      "kim,Kim,kim@example.com,,,retired\n",
      "csv", "people", "import.csv");
  ASSERT_EQ(file.rows.size(), 9u);
  EXPECT_THAT(file.rows[0].problems, IsEmpty());
  EXPECT_EQ(file.rows[1].line, 3);
  EXPECT_THAT(ProblemFields(file.rows[1]), ElementsAre("email"));
  EXPECT_THAT(file.rows[1].problems[0].description, HasSubstr("eve-at-example.com"));
  EXPECT_EQ(file.rows[2].line, 4);
  EXPECT_THAT(ProblemFields(file.rows[2]), ElementsAre("display_name"));
  EXPECT_EQ(file.rows[3].line, 5);
  EXPECT_THAT(ProblemFields(file.rows[3]), ElementsAre("manager"));
  EXPECT_THAT(file.rows[3].problems[0].description, HasSubstr("not a person"));
  // Too few fields: the row as a whole (no field), with both counts.
  EXPECT_EQ(file.rows[4].line, 6);
  ASSERT_EQ(file.rows[4].problems.size(), 1u);
  EXPECT_EQ(file.rows[4].problems[0].field, "");
  EXPECT_THAT(file.rows[4].problems[0].description, HasSubstr("has 3 fields, the header 6"));
  EXPECT_EQ(file.rows[5].line, 7);
  EXPECT_THAT(ProblemFields(file.rows[5]), ElementsAre("manager"));
  EXPECT_EQ(file.rows[6].line, 8);
  EXPECT_THAT(ProblemFields(file.rows[6]), ElementsAre("name"));
  // The display name spans two lines: the row is reported at the line it starts on...
  EXPECT_EQ(file.rows[7].line, 9);
  EXPECT_THAT(ProblemFields(file.rows[7]), ElementsAre("teams"));
  // ...and the next row's line counts both.
  EXPECT_EQ(file.rows[8].line, 11);
  EXPECT_THAT(ProblemFields(file.rows[8]), ElementsAre("state"));
  EXPECT_THAT(file.rows[8].problems[0].description, HasSubstr("retired"));
}

TEST(OkrctlImportFileTest, TeamsCsvQualifiesParentAndLeadAndChecksThem) {
  const ImportFile file = MustParse(
      "name,display_name,parent,lead,state\r\n"
      "sales,Sales,,boss,active\r\n"
      "teams/ops,Ops,sales,people/bob,\r\n"
      "loop,Loop,loop,,\r\n"
      "odd,Odd,,lead with spaces,\r\n",
      "csv", "", "teams.csv");
  EXPECT_EQ(file.kind, ImportKind::kTeams);
  ASSERT_EQ(file.rows.size(), 4u);
  EXPECT_THAT(file.rows[0].problems, IsEmpty());
  EXPECT_EQ(file.rows[0].team.name(), "teams/sales");
  EXPECT_EQ(file.rows[0].team.display_name(), "Sales");
  EXPECT_EQ(file.rows[0].team.lead(), "people/boss");
  EXPECT_EQ(file.rows[0].team.state(), okr::org::v1::TEAM_STATE_ACTIVE);
  EXPECT_THAT(file.rows[1].problems, IsEmpty());
  EXPECT_EQ(file.rows[1].team.name(), "teams/ops");
  EXPECT_EQ(file.rows[1].team.parent(), "teams/sales");
  EXPECT_EQ(file.rows[1].team.lead(), "people/bob");
  EXPECT_EQ(file.rows[2].line, 4);
  EXPECT_THAT(ProblemFields(file.rows[2]), ElementsAre("parent"));
  EXPECT_EQ(file.rows[3].line, 5);
  EXPECT_THAT(ProblemFields(file.rows[3]), ElementsAre("lead"));
}

TEST(OkrctlImportFileTest, KindComesFromTheFlagThenTheFileNameThenTheColumns) {
  const std::string_view people_csv = "id,display_name\nbob,Bob\n";
  const std::string_view team_csv = "id,display_name,parent\nops,Ops,\n";
  EXPECT_EQ(MustParse(people_csv, "csv", "", "/some/where/people-2027.csv").kind,
            ImportKind::kPeople);
  EXPECT_EQ(MustParse(people_csv, "csv", "", "Persons.csv").kind, ImportKind::kPeople);
  EXPECT_EQ(MustParse(people_csv, "csv", "", "TEAMS.CSV").kind, ImportKind::kTeams);
  // The folder's name does not count, only the file's.
  EXPECT_EQ(MustParse(people_csv, "csv", "", "/teams/org.csv").kind, ImportKind::kPeople);
  EXPECT_EQ(MustParse(team_csv, "csv", "", "org.csv").kind, ImportKind::kTeams);
  EXPECT_EQ(MustParse("id,display_name,Lead\nops,Ops,bob\n", "csv", "", "org.csv").kind,
            ImportKind::kTeams);
  EXPECT_EQ(MustParse(people_csv, "csv", "", "org.csv").kind, ImportKind::kPeople);
  // The flag wins over the file name (a people file read as teams: its columns are all known
  // to both).
  EXPECT_EQ(MustParse(people_csv, "csv", "teams", "people.csv").kind, ImportKind::kTeams);
}

TEST(OkrctlImportFileTest, UnknownColumnFailsTheWholeFile) {
  auto file = ParseImportFile("id,display_name,parent\nops,Ops,\n", "csv", "people", "x.csv");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("line 1"));
  EXPECT_THAT(file.status().message(), HasSubstr("unknown column \"parent\""));
  EXPECT_THAT(file.status().message(), HasSubstr("email"));  // the known columns are listed
}

TEST(OkrctlImportFileTest, CsvWithoutHeaderOrWithBrokenQuotingFails) {
  EXPECT_EQ(ParseImportFile("\n\n", "csv", "people", "p.csv").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto broken = ParseImportFile("id,display_name\nbob,\"Bob\n", "csv", "people", "p.csv");
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.status().message(), HasSubstr("line 2"));
}

TEST(OkrctlImportFileTest, UtfByteOrderMarkBeforeTheHeaderIsIgnored) {
  // Spreadsheets save "CSV UTF-8" with a byte order mark; it is not part of the first column.
  const ImportFile csv =
      MustParse("\xEF\xBB\xBFid,display_name\nbob,Bob\n", "csv", "", "people.csv");
  ASSERT_EQ(csv.rows.size(), 1u);
  EXPECT_EQ(csv.rows[0].person.name(), "people/bob");
  EXPECT_EQ(csv.rows[0].line, 2);
  const ImportFile json = MustParse("\xEF\xBB\xBF[{\"name\": \"bob\", \"displayName\": \"Bob\"}]",
                                    "json", "", "people.json");
  ASSERT_EQ(json.rows.size(), 1u);
  EXPECT_THAT(json.rows[0].problems, IsEmpty());
}

TEST(OkrctlImportFileTest, JsonArrayElementsKeepTheLineTheyStartOn) {
  const ImportFile file = MustParse(
      "[\n"
      "  {\"name\": \"people/bob\", \"displayName\": \"Bob, \\\"the\\\" builder\",\n"
      "   \"email\": \"bob@example.com\", \"manager\": \"boss\", \"teams\": [\"sales\"]},\n"
      "  {\"name\": \"carol\",\n"
      "   \"displayName\": \"Carol\", \"email\": \"carol.example.com\"},\n"
      "  {\"name\": \"dan\", \"displayName\": \"Dan\", \"state\": \"PERSON_STATE_INACTIVE\"}\n"
      "]\n",
      "json", "", "people.json");
  EXPECT_EQ(file.kind, ImportKind::kPeople);
  ASSERT_EQ(file.rows.size(), 3u);
  EXPECT_EQ(file.rows[0].line, 2);
  EXPECT_THAT(file.rows[0].problems, IsEmpty());
  EXPECT_EQ(file.rows[0].person.display_name(), "Bob, \"the\" builder");
  EXPECT_EQ(file.rows[0].person.manager(), "people/boss");
  EXPECT_THAT(file.rows[0].person.teams(), ElementsAre("teams/sales"));
  EXPECT_EQ(file.rows[1].line, 4);
  EXPECT_EQ(file.rows[1].person.name(), "people/carol");
  EXPECT_THAT(ProblemFields(file.rows[1]), ElementsAre("email"));
  EXPECT_EQ(file.rows[2].line, 6);
  EXPECT_EQ(file.rows[2].person.state(), okr::org::v1::PERSON_STATE_INACTIVE);
}

TEST(OkrctlImportFileTest, JsonLinesReportABrokenLineAndKeepCountingAfterIt) {
  const ImportFile file = MustParse(
      "{\"name\": \"bob\", \"displayName\": \"Bob\"}\n"
      "\n"
      "not json at all\n"
      "{\"name\": \"carol\", \"displayName\": \"Carol\", \"shoeSize\": 9}\n"
      "{\"name\": \"dan\", \"displayName\": \"\"}\n"
      "{\"name\": \"eve\", \"displayName\": \"Eve\"}\n",
      "json", "people", "people.jsonl");
  ASSERT_EQ(file.rows.size(), 5u);
  EXPECT_EQ(file.rows[0].line, 1);
  EXPECT_THAT(file.rows[0].problems, IsEmpty());
  EXPECT_EQ(file.rows[1].line, 3);
  EXPECT_THAT(ProblemFields(file.rows[1]), ElementsAre(""));
  // A field the proto does not have is a problem of that record.
  EXPECT_EQ(file.rows[2].line, 4);
  ASSERT_EQ(file.rows[2].problems.size(), 1u);
  EXPECT_THAT(file.rows[2].problems[0].description, HasSubstr("shoeSize"));
  EXPECT_EQ(file.rows[3].line, 5);
  EXPECT_THAT(ProblemFields(file.rows[3]), ElementsAre("display_name"));
  EXPECT_EQ(file.rows[4].line, 6);
  EXPECT_THAT(file.rows[4].problems, IsEmpty());
  EXPECT_EQ(file.rows[4].person.name(), "people/eve");
}

TEST(OkrctlImportFileTest, JsonLinesWithAStrayCommaLineReportItAndGoOn) {
  const ImportFile file = MustParse(
      "{\"name\": \"bob\", \"displayName\": \"Bob\"}\n"
      ",\n"
      "{\"name\": \"eve\", \"displayName\": \"Eve\"}\n",
      "json", "people", "people.jsonl");
  ASSERT_EQ(file.rows.size(), 3u);
  EXPECT_THAT(file.rows[0].problems, IsEmpty());
  EXPECT_EQ(file.rows[1].line, 2);
  EXPECT_THAT(ProblemFields(file.rows[1]), ElementsAre(""));
  EXPECT_EQ(file.rows[2].line, 3);
  EXPECT_EQ(file.rows[2].person.name(), "people/eve");
}

TEST(OkrctlImportFileTest, JsonTeamsAreToldByTheirKeys) {
  const ImportFile file = MustParse(
      "{\"name\": \"ops\", \"displayName\": \"Ops\", \"parent\": \"sales\", \"lead\": \"bob\"}\n",
      "json", "", "org.jsonl");
  EXPECT_EQ(file.kind, ImportKind::kTeams);
  ASSERT_EQ(file.rows.size(), 1u);
  EXPECT_THAT(file.rows[0].problems, IsEmpty());
  EXPECT_EQ(file.rows[0].team.name(), "teams/ops");
  EXPECT_EQ(file.rows[0].team.parent(), "teams/sales");
  EXPECT_EQ(file.rows[0].team.lead(), "people/bob");
}

TEST(OkrctlImportFileTest, UnclosedJsonArrayFailsTheWholeFile) {
  auto file = ParseImportFile("[{\"name\": \"bob\", \"displayName\": \"Bob\"},\n", "json", "people",
                              "people.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("not closed"));
}

TEST(OkrctlSplitBatchFieldTest, RowIndexAndTheRestOfThePath) {
  size_t index = 99;
  std::string rest = "unset";
  ASSERT_TRUE(SplitBatchField("people[3].email", "people", &index, &rest));
  EXPECT_EQ(index, 3u);
  EXPECT_EQ(rest, "email");
  ASSERT_TRUE(SplitBatchField("people[12].teams[0]", "people", &index, &rest));
  EXPECT_EQ(index, 12u);
  EXPECT_EQ(rest, "teams[0]");
  ASSERT_TRUE(SplitBatchField("teams[0]", "teams", &index, &rest));
  EXPECT_EQ(index, 0u);
  EXPECT_EQ(rest, "");
}

TEST(OkrctlSplitBatchFieldTest, FieldsAboutTheBatchOrAnotherCollectionAreNotRows) {
  size_t index = 0;
  std::string rest;
  EXPECT_FALSE(SplitBatchField("people", "people", &index, &rest));
  EXPECT_FALSE(SplitBatchField("teams[1].lead", "people", &index, &rest));
  EXPECT_FALSE(SplitBatchField("people[x].email", "people", &index, &rest));
  EXPECT_FALSE(SplitBatchField("people[-1].email", "people", &index, &rest));
  EXPECT_FALSE(SplitBatchField("people[3", "people", &index, &rest));
  EXPECT_FALSE(SplitBatchField("peoplex[3].email", "people", &index, &rest));
}

}  // namespace
}  // namespace okr::ctl
