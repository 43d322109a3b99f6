// `okrctl org import` and `org show` against a real okr-goals: bad rows are reported by line and
// field on stderr and fail their whole batch (nothing of it is stored), good files import, a
// re-import is unchanged and a changed row counts as updated.
#include "tests/e2e/okrctl/okrctl_e2e.h"

namespace okr::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class OkrctlOrgImportTest : public OkrctlSuite {
 protected:
  // Every person of the tenant, read over gRPC (not through okrctl).
  std::vector<std::string> StoredPeople() {
    ov1::ListPeopleRequest request;
    request.set_page_size(1000);
    request.set_include_inactive(true);
    ov1::ListPeopleResponse response;
    grpc::Status s = org_stub_->ListPeople(Ctx(Admin()).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> names;
    for (const auto& p : response.people()) names.push_back(p.name());
    return names;
  }
};

TEST_F(OkrctlOrgImportTest, BadRowsAreReportedByLineAndFieldAndNothingOfTheBatchIsStored) {
  const std::string path = WriteFile("people.csv",
                                     "id,display_name,email,manager\n"
                                     "ann,Ann,ann@example.com,\n"
                                     "eve,Eve,eve-at-example.com,ann\n"
                                     "fay,,fay@example.com,ann\n"
                                     "gus,Gus,gus@example.com,not a person\n"
                                     "hal,Hal,hal@example.com\n"
                                     "ida,Ida,ida@example.com,ann\n");
  const CtlRun run = Ctl({"org", "import", path});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_THAT(run.out, HasSubstr("people: 6 rows, 0 created, 0 updated, 0 unchanged, 6 failed"));
  EXPECT_THAT(run.err,
              HasSubstr("line 3: email: is not an e-mail address: \"eve-at-example.com\""));
  EXPECT_THAT(run.err, HasSubstr("line 4: display_name: is required"));
  EXPECT_THAT(run.err, HasSubstr("line 5: manager: must be an id"));
  EXPECT_THAT(run.err, HasSubstr("line 6: has 3 fields, the header 4"));
  // The good rows are named too, as not imported.
  EXPECT_THAT(run.err, HasSubstr("line 2: not imported"));
  EXPECT_THAT(run.err, HasSubstr("line 7: not imported"));
  EXPECT_THAT(run.out, Not(HasSubstr("line ")));

  EXPECT_THAT(StoredPeople(), IsEmpty());
  const CtlRun ann = Ctl({"org", "show", "ann"});
  EXPECT_EQ(ann.exit_code, 3) << ann;
  EXPECT_THAT(ann.err, HasSubstr("NOT_FOUND"));

  // The same as JSON: one object on stdout with every error.
  const CtlRun json = Ctl({"org", "import", path, "-o", "json"});
  EXPECT_EQ(json.exit_code, 1) << json;
  nlohmann::json report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["kind"], "people");
  EXPECT_EQ(report["rows"], 6);
  EXPECT_EQ(report["created"], 0);
  EXPECT_EQ(report["failed"], 6);
  nlohmann::json eve = FindBy(report["errors"], "field", "email");
  ASSERT_TRUE(eve.is_object()) << report.dump();
  EXPECT_EQ(eve["line"], 3);
  nlohmann::json fay = FindBy(report["errors"], "field", "display_name");
  ASSERT_TRUE(fay.is_object()) << report.dump();
  EXPECT_EQ(fay["line"], 4);
  nlohmann::json gus = FindBy(report["errors"], "field", "manager");
  ASSERT_TRUE(gus.is_object()) << report.dump();
  EXPECT_EQ(gus["line"], 5);
  EXPECT_THAT(StoredPeople(), IsEmpty());
}

TEST_F(OkrctlOrgImportTest, RowsTheServerRejectsAreMappedBackToTheirLines) {
  // Valid one by one, but the manager links make a loop: goals rejects the batch and names the
  // rows by index; okrctl reports their lines.
  const std::string path = WriteFile("people.csv",
                                     "id,display_name,manager\n"
                                     "top,Top,\n"
                                     "ann,Ann,bea\n"
                                     "\n"
                                     "bea,\"Bea\nBrown\",ann\n");
  const CtlRun run = Ctl({"org", "import", path});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_THAT(run.out, HasSubstr("3 rows, 0 created, 0 updated, 0 unchanged, 3 failed"));
  EXPECT_THAT(run.err, HasSubstr("line 3: manager: would make a cycle"));
  EXPECT_THAT(run.err, HasSubstr("line 5: manager: would make a cycle"));
  EXPECT_THAT(run.err, HasSubstr("line 2: not imported"));
  EXPECT_THAT(StoredPeople(), IsEmpty());
}

TEST_F(OkrctlOrgImportTest, OnlyTheFailedBatchIsLeftOut) {
  const std::string path = WriteFile("people.csv",
                                     "id,display_name,email\n"
                                     "p1,P1,p1@example.com\n"
                                     "p2,P2,p2@example.com\n"
                                     "p3,P3,p3@example.com\n"
                                     "p4,P4,not-an-email\n"
                                     "p5,P5,p5@example.com\n");
  const CtlRun run = Ctl({"org", "import", path, "--batch-size", "2"});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_THAT(run.out, HasSubstr("5 rows, 3 created, 0 updated, 0 unchanged, 2 failed"));
  EXPECT_THAT(run.err, HasSubstr("line 5: email:"));
  EXPECT_THAT(run.err, HasSubstr("line 4: not imported: another row of its batch is invalid"));
  // Batches [p1 p2] and [p5] are stored, [p3 p4] is not.
  EXPECT_THAT(StoredPeople(), UnorderedElementsAre("people/p1", "people/p2", "people/p5"));
}

TEST_F(OkrctlOrgImportTest, GoodFilesImportThenReimportIsUnchangedAndChangesAreUpdates) {
  const CtlRun teams = MustCtl({"org", "import", WriteFile("teams.json", kTeamsJson)});
  EXPECT_THAT(teams.out, HasSubstr("teams: 2 rows, 2 created, 0 updated, 0 unchanged, 0 failed"));
  EXPECT_THAT(teams.err, IsEmpty());
  const std::string people = WriteFile("people.csv", kPeopleCsv);
  const nlohmann::json first = CtlJson({"org", "import", people});
  EXPECT_EQ(first["kind"], "people");
  EXPECT_EQ(first["rows"], 4);
  EXPECT_EQ(first["created"], 4);
  EXPECT_EQ(first["updated"], 0);
  EXPECT_EQ(first["unchanged"], 0);
  EXPECT_EQ(first["failed"], 0);
  EXPECT_TRUE(first["errors"].empty());
  EXPECT_THAT(StoredPeople(),
              UnorderedElementsAre("people/boss", "people/bob", "people/carol", "people/dan"));

  nlohmann::json bob = CtlJson({"org", "show", "bob"});
  EXPECT_EQ(bob["person"]["name"], "people/bob");
  EXPECT_EQ(bob["person"]["displayName"], "Builder, Bob");
  EXPECT_EQ(bob["person"]["email"], "bob@example.com");
  EXPECT_EQ(bob["person"]["manager"], "people/boss");
  EXPECT_EQ(bob["person"]["teams"], nlohmann::json::array({"teams/sales"}));
  EXPECT_EQ(bob["person"]["state"], "PERSON_STATE_ACTIVE");
  EXPECT_THAT(Values(bob["reportingChain"]["managers"], "name"), ElementsAre("people/boss"));
  EXPECT_EQ(bob["reportingChain"]["unresolvedManager"], "");
  EXPECT_THAT(Values(bob["directReports"], "name"), ElementsAre("people/dan"));
  nlohmann::json dan = CtlJson({"org", "show", "people/dan"});
  EXPECT_EQ(dan["person"]["teams"], nlohmann::json::array({"teams/ops", "teams/sales"}));
  EXPECT_THAT(Values(dan["reportingChain"]["managers"], "name"),
              ElementsAre("people/bob", "people/boss"));

  const CtlRun again = MustCtl({"org", "import", people});
  EXPECT_THAT(again.out, HasSubstr("people: 4 rows, 0 created, 0 updated, 4 unchanged, 0 failed"));

  // bob's e-mail changes, zed is new and reports to someone not in the directory yet.
  std::string text = std::string(kPeopleCsv) + "zed,Zed,zed@example.com,ghost,\n";
  text.replace(text.find("bob@example.com"), 15, "bob@new.example.com");
  const std::string changed = WriteFile("people-2.csv", text);
  const nlohmann::json second = CtlJson({"org", "import", changed});
  EXPECT_EQ(second["rows"], 5);
  EXPECT_EQ(second["created"], 1);
  EXPECT_EQ(second["updated"], 1);
  EXPECT_EQ(second["unchanged"], 3);
  EXPECT_EQ(second["failed"], 0);
  EXPECT_EQ(CtlJson({"org", "show", "bob"})["person"]["email"], "bob@new.example.com");
  nlohmann::json zed = CtlJson({"org", "show", "zed"});
  EXPECT_EQ(zed["person"]["manager"], "people/ghost");
  EXPECT_EQ(zed["reportingChain"]["unresolvedManager"], "people/ghost");

  // As a table: the chain and the reports.
  const CtlRun shown = MustCtl({"org", "show", "bob"});
  EXPECT_THAT(shown.out, HasSubstr("Builder, Bob  people/bob"));
  EXPECT_THAT(shown.out, HasSubstr("email:   bob@new.example.com"));
  EXPECT_THAT(shown.out, HasSubstr("reports to: Builder, Bob -> Bea Boss (people/boss)"));
  EXPECT_THAT(shown.out, HasSubstr("direct reports (1):"));
  EXPECT_THAT(shown.out, HasSubstr("Dan  people/dan"));
  EXPECT_THAT(MustCtl({"org", "show", "zed"}).out,
              HasSubstr("people/ghost (not in the directory)"));
}

TEST_F(OkrctlOrgImportTest, JsonLinesFromStdinWithTheKindGiven) {
  const std::string path = WriteFile(
      "org.txt",
      "{\"name\": \"people/ann\", \"displayName\": \"Ann\", \"email\": \"ann@example.com\"}\n"
      "{\"name\": \"ben\", \"displayName\": \"Ben\", \"manager\": \"ann\", \"state\": "
      "\"PERSON_STATE_INACTIVE\"}\n");
  CtlOptions from_stdin;
  from_stdin.stdin_path = path;
  const CtlRun run =
      MustCtl({"org", "import", "-", "--format", "json", "--kind", "people"}, from_stdin);
  EXPECT_THAT(run.out, HasSubstr("people: 2 rows, 2 created"));
  nlohmann::json ben = CtlJson({"org", "show", "ben"});
  EXPECT_EQ(ben["person"]["state"], "PERSON_STATE_INACTIVE");
  EXPECT_EQ(ben["person"]["manager"], "people/ann");
}

TEST_F(OkrctlOrgImportTest, FileProblemsAndMissingRightsHaveTheirExitCodes) {
  const CtlRun columns =
      Ctl({"org", "import", WriteFile("people.csv", "id,display_name,shoe_size\nann,Ann,9\n")});
  EXPECT_EQ(columns.exit_code, 2) << columns;
  EXPECT_THAT(columns.err, HasSubstr("unknown column \"shoe_size\""));
  const CtlRun missing = Ctl({"org", "import", work_->path() + "/nothing.csv"});
  EXPECT_EQ(missing.exit_code, 2) << missing;
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));

  CtlOptions member;
  member.token = Token("bob");
  const CtlRun denied =
      Ctl({"org", "import", WriteFile("people.csv", "id,display_name\nann,Ann\n")}, member);
  EXPECT_EQ(denied.exit_code, 4) << denied;
  EXPECT_THAT(denied.err, HasSubstr("BatchUpsertPeople failed: PERMISSION_DENIED"));
  EXPECT_THAT(denied.err, HasSubstr("reason: ORG_WRITE_DENIED"));
  EXPECT_THAT(StoredPeople(), IsEmpty());
}

}  // namespace
}  // namespace okr::e2e
