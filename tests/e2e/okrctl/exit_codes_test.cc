// okrctl's exit code for each class of failure against real services (2 usage, 3 not found, 4
// permission, 5 unavailable, 6 conflict), and what stderr says: the call and gRPC code, then the
// ErrorInfo reason and each field violation on a line of its own, or one JSON object with -o json.
#include "tests/e2e/okrctl/okrctl_e2e.h"
#include "tests/support/free_port.h"

namespace okr::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

// The lines of `text` without their line ends.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

class OkrctlErrorClassTest : public OkrctlSuite {
 protected:
  void SetUp() override {
    OkrctlSuite::SetUp();
    if (HasFatalFailure()) return;
    ImportOrg();
    cycle_ = CreatedName({"cycles", "create", "--name", "Q", "--start", DayText(CycleStart()),
                          "--end", DayText(CycleEnd())});
    ASSERT_FALSE(HasFailure());
  }

  // A loopback address nothing listens on.
  static std::string DeadAddress() {
    return absl::StrCat("127.0.0.1:", test_support::PickFreePort());
  }

  std::string cycle_;
};

TEST_F(OkrctlErrorClassTest, BadCommandLinesExitTwoBeforeAnyCall) {
  const CtlRun unknown = Ctl({"objectives", "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("A subcommand is required"));
  EXPECT_THAT(unknown.out, IsEmpty());
  const CtlRun flag = Ctl({"cycles", "list", "--colour", "always"});
  EXPECT_EQ(flag.exit_code, 2) << flag;
  EXPECT_THAT(flag.err, HasSubstr("--colour"));
  const CtlRun missing = Ctl({"krs", "show"});
  EXPECT_EQ(missing.exit_code, 2) << missing;
  EXPECT_THAT(missing.err, HasSubstr("key-result is required"));
  const CtlRun format = Ctl({"cycles", "list", "-o", "yaml"});
  EXPECT_EQ(format.exit_code, 2) << format;
  EXPECT_THAT(format.err, HasSubstr("yaml"));
  const CtlRun timeout = Ctl({"cycles", "list", "--timeout", "soon"});
  EXPECT_EQ(timeout.exit_code, 2) << timeout;
  EXPECT_THAT(
      Lines(timeout.err),
      ElementsAre("okrctl: --timeout must be a positive duration such as 10s, got \"soon\""));
  const CtlRun date = Ctl({"cycles", "create", "--name", "Q2", "--start", "March", "--end", "x"});
  EXPECT_EQ(date.exit_code, 2) << date;
  EXPECT_THAT(Lines(date.err), ElementsAre("okrctl: --start must be a date such as 2027-01-01"));
  // Nothing was created by the failed create.
  EXPECT_EQ(CtlJson({"cycles", "list"})["cycles"].size(), 1u);
}

TEST_F(OkrctlErrorClassTest, InvalidArgumentExitsTwoWithReasonAndEachFieldViolationOnItsLine) {
  const CtlRun run =
      Ctl({"cycles", "create", "--name", " ", "--start", "2027-03-31", "--end", "2027-01-01"});
  EXPECT_EQ(run.exit_code, 2) << run;
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_THAT(Lines(run.err),
              ElementsAre("okrctl: CreateCycle failed: INVALID_ARGUMENT: the cycle is not valid",
                          "  reason: INVALID_CYCLE", "  field cycle.display_name: is required",
                          "  field cycle.end_date: must be on or after start_date"))
      << run;

  // The same error as one JSON object on stderr.
  const CtlRun json = Ctl({"cycles", "create", "--name", " ", "--start", "2027-03-31", "--end",
                           "2027-01-01", "-o", "json"});
  EXPECT_EQ(json.exit_code, 2) << json;
  EXPECT_THAT(json.out, IsEmpty());
  ASSERT_THAT(Lines(json.err), SizeIs(1)) << json;
  const nlohmann::json e = nlohmann::json::parse(json.err)["error"];
  EXPECT_EQ(e["call"], "CreateCycle");
  EXPECT_EQ(e["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(e["message"], "the cycle is not valid");
  EXPECT_EQ(e["reason"], "INVALID_CYCLE");
  EXPECT_EQ(e["fieldViolations"], nlohmann::json::parse(R"([
              {"field": "cycle.display_name", "description": "is required"},
              {"field": "cycle.end_date", "description": "must be on or after start_date"}])"));
}

TEST_F(OkrctlErrorClassTest, NotFoundExitsThreeWithTheReason) {
  const CtlRun objective = Ctl({"objectives", "show", "nope"});
  EXPECT_EQ(objective.exit_code, 3) << objective;
  EXPECT_THAT(objective.out, IsEmpty());
  EXPECT_THAT(Lines(objective.err),
              ElementsAre("okrctl: GetObjective failed: NOT_FOUND: no objective objectives/nope",
                          "  reason: OBJECTIVE_NOT_FOUND"));
  const CtlRun person = Ctl({"org", "show", "nobody"});
  EXPECT_EQ(person.exit_code, 3) << person;
  ASSERT_THAT(Lines(person.err), SizeIs(2)) << person;
  EXPECT_THAT(Lines(person.err)[0], StartsWith("okrctl: GetPerson failed: NOT_FOUND: "));
  EXPECT_THAT(Lines(person.err)[1], StartsWith("  reason: "));
  const CtlRun json = Ctl({"tree", "cycles/nope", "-o", "json"});
  EXPECT_EQ(json.exit_code, 3) << json;
  const nlohmann::json e = nlohmann::json::parse(json.err)["error"];
  EXPECT_EQ(e["call"], "GetObjectiveTree");
  EXPECT_EQ(e["code"], "NOT_FOUND");
  EXPECT_EQ(e["fieldViolations"], nlohmann::json::array());
}

TEST_F(OkrctlErrorClassTest, PermissionDeniedAndUnauthenticatedExitFour) {
  CtlOptions member;
  member.token = Token("bob");
  const CtlRun denied = Ctl({"cycles", "create", "--name", "Q2", "--start", DayText(CycleStart()),
                             "--end", DayText(CycleEnd())},
                            member);
  EXPECT_EQ(denied.exit_code, 4) << denied;
  const std::vector<std::string> lines = Lines(denied.err);
  ASSERT_THAT(lines, SizeIs(2)) << denied;
  EXPECT_THAT(lines[0], StartsWith("okrctl: CreateCycle failed: PERMISSION_DENIED: "));
  EXPECT_EQ(lines[1], "  reason: CYCLE_WRITE_DENIED");
  EXPECT_EQ(CtlJson({"cycles", "list"})["cycles"].size(), 1u);

  CtlOptions nobody;
  nobody.token = "";
  const CtlRun anonymous = Ctl({"cycles", "list"}, nobody);
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous;
  EXPECT_THAT(anonymous.err, StartsWith("okrctl: ListCycles failed: UNAUTHENTICATED: "));
  EXPECT_THAT(anonymous.err, HasSubstr("\n  reason: MISSING_CREDENTIALS\n"));

  CtlOptions forged;
  forged.token = test_support::E2eToken(tenant_, "admin", {"admin"}, "someone-else");
  const CtlRun rejected = Ctl({"cycles", "list"}, forged);
  EXPECT_EQ(rejected.exit_code, 4) << rejected;
  EXPECT_THAT(rejected.err, StartsWith("okrctl: ListCycles failed: UNAUTHENTICATED: "));
  EXPECT_THAT(rejected.err, HasSubstr("\n  reason: INVALID_TOKEN"));
}

TEST_F(OkrctlErrorClassTest, NothingListeningExitsFive) {
  const CtlRun goals = Ctl({"cycles", "list", "--goals-addr", DeadAddress(), "--timeout", "5s"});
  EXPECT_EQ(goals.exit_code, 5) << goals;
  EXPECT_THAT(goals.out, IsEmpty());
  // A transport failure has no details: one line, no reason.
  ASSERT_THAT(Lines(goals.err), SizeIs(1)) << goals;
  EXPECT_THAT(goals.err, StartsWith("okrctl: ListCycles failed: UNAVAILABLE: "));

  // The address from the environment, and a dead analytics behind a live goals.
  CtlOptions dead_analytics;
  dead_analytics.env = {{"OKR_ANALYTICS_ADDRESS", DeadAddress()}};
  const CtlRun dashboard = Ctl({"dashboard", "--cycle", cycle_, "--timeout", "5s"}, dead_analytics);
  EXPECT_EQ(dashboard.exit_code, 5) << dashboard;
  EXPECT_THAT(dashboard.err, StartsWith("okrctl: GetCycleSummary failed: UNAVAILABLE: "));
  const CtlRun json =
      Ctl({"dashboard", "--cycle", cycle_, "--timeout", "5s", "-o", "json"}, dead_analytics);
  EXPECT_EQ(json.exit_code, 5) << json;
  EXPECT_EQ(nlohmann::json::parse(json.err)["error"]["code"], "UNAVAILABLE");
}

TEST_F(OkrctlErrorClassTest, StaleEtagIsAConflictExitingSix) {
  const CtlRun run = Ctl({"cycles", "close", cycle_, "--etag", "\"not-the-etag\""});
  EXPECT_EQ(run.exit_code, 6) << run;
  EXPECT_THAT(run.err, StartsWith("okrctl: CloseCycle failed: ABORTED: "));
  EXPECT_THAT(run.err, HasSubstr("\n  reason: "));
  EXPECT_EQ(CtlJson({"cycles", "list"})["cycles"][0]["state"], "CYCLE_STATE_ACTIVE");
}

}  // namespace
}  // namespace okr::e2e
