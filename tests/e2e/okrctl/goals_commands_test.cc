// okrctl against real services: cycles, objectives, key results, check-ins and the alignment
// tree, in `-o json` (read back field by field) and as plain tables when piped.
#include "tests/e2e/okrctl/okrctl_e2e.h"

namespace okr::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class OkrctlGoalsTest : public OkrctlSuite {
 protected:
  void SetUp() override {
    OkrctlSuite::SetUp();
    if (HasFatalFailure()) return;
    company_ = SeedCompany();
    ASSERT_FALSE(HasFailure()) << "seeding the company through okrctl failed";
  }

  // The line of `text` that contains `needle` ("" when none does).
  static std::string LineWith(const std::string& text, const std::string& needle) {
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (absl::StrContains(line, needle)) return std::string(line);
    }
    return "";
  }

  Company company_;
};

TEST_F(OkrctlGoalsTest, CyclesListJson) {
  nlohmann::json list = CtlJson({"cycles", "list"});
  ASSERT_EQ(list["cycles"].size(), 1u) << list.dump();
  nlohmann::json& c = list["cycles"][0];
  EXPECT_EQ(c["name"], company_.cycle);
  EXPECT_EQ(c["displayName"], "Q");
  EXPECT_EQ(c["state"], "CYCLE_STATE_ACTIVE");
  const absl::CivilDay start = CycleStart();
  const absl::CivilDay end = CycleEnd();
  EXPECT_EQ(
      c["startDate"],
      nlohmann::json({{"year", start.year()}, {"month", start.month()}, {"day", start.day()}}));
  EXPECT_EQ(c["endDate"],
            nlohmann::json({{"year", end.year()}, {"month", end.month()}, {"day", end.day()}}));
  EXPECT_EQ(c["timeZone"], "UTC");
}

TEST_F(OkrctlGoalsTest, ObjectivesListJsonHasProgressHealthOwnersAndAlignment) {
  nlohmann::json list = CtlJson({"objectives", "list", "--cycle", company_.cycle});
  nlohmann::json& objectives = list["objectives"];
  ASSERT_EQ(objectives.size(), 3u) << list.dump();
  EXPECT_THAT(Values(objectives, "title"),
              UnorderedElementsAre("Win the mid-market", "Cut churn", "Grow the pipeline"));
  nlohmann::json a = FindBy(objectives, "name", company_.a);
  nlohmann::json b = FindBy(objectives, "name", company_.b);
  nlohmann::json c = FindBy(objectives, "name", company_.c);
  ASSERT_TRUE(a.is_object() && b.is_object() && c.is_object()) << list.dump();
  EXPECT_EQ(a["title"], "Win the mid-market");
  EXPECT_EQ(a["ownerPerson"], "people/bob");
  EXPECT_EQ(a["cycle"], company_.cycle);
  EXPECT_EQ(a["level"], "OBJECTIVE_LEVEL_INDIVIDUAL");
  EXPECT_EQ(a["state"], "OBJECTIVE_STATE_ACTIVE");
  EXPECT_DOUBLE_EQ(a["progress"].get<double>(), 0.75);
  EXPECT_EQ(a["health"], "HEALTH_ON_TRACK");
  EXPECT_EQ(a["confidence"], 6);  // the lowest of its key results'
  EXPECT_EQ(a["parent"], "");
  const double expected = a["expectedProgress"].get<double>();
  EXPECT_GT(expected, 0.45);
  EXPECT_LT(expected, 0.56);
  EXPECT_EQ(b["ownerPerson"], "people/carol");
  EXPECT_DOUBLE_EQ(b["progress"].get<double>(), 0.1);
  EXPECT_EQ(b["health"], "HEALTH_OFF_TRACK");
  EXPECT_EQ(b["confidence"], 3);
  EXPECT_EQ(c["ownerPerson"], "people/dan");
  EXPECT_DOUBLE_EQ(c["progress"].get<double>(), 0.35);
  EXPECT_EQ(c["health"], "HEALTH_AT_RISK");
  EXPECT_EQ(c["parent"], company_.a);

  // Filters reach the server.
  nlohmann::json aligned = CtlJson({"objectives", "list", "--parent", company_.a});
  EXPECT_THAT(Values(aligned["objectives"], "name"), ElementsAre(company_.c));
  nlohmann::json carols = CtlJson({"objectives", "list", "--owner", "people/carol"});
  EXPECT_THAT(Values(carols["objectives"], "name"), ElementsAre(company_.b));
  nlohmann::json top = CtlJson({"objectives", "list", "--top-level"});
  EXPECT_THAT(Values(top["objectives"], "name"), UnorderedElementsAre(company_.a, company_.b));
}

TEST_F(OkrctlGoalsTest, ObjectivesShowJsonHasTheObjectiveAndItsKeyResults) {
  nlohmann::json shown = CtlJson({"objectives", "show", company_.a});
  nlohmann::json& o = shown["objective"];
  EXPECT_EQ(o["name"], company_.a);
  EXPECT_EQ(o["title"], "Win the mid-market");
  EXPECT_EQ(o["ownerPerson"], "people/bob");
  EXPECT_DOUBLE_EQ(o["progress"].get<double>(), 0.75);
  EXPECT_EQ(o["health"], "HEALTH_ON_TRACK");
  nlohmann::json& krs = shown["keyResults"];
  ASSERT_EQ(krs.size(), 2u) << shown.dump();
  nlohmann::json a1 = FindBy(krs, "name", company_.a1);
  nlohmann::json a2 = FindBy(krs, "name", company_.a2);
  ASSERT_TRUE(a1.is_object() && a2.is_object()) << shown.dump();
  EXPECT_EQ(a1["title"], "Close 40 deals");
  EXPECT_EQ(a1["type"], "KEY_RESULT_TYPE_NUMERIC");
  EXPECT_EQ(a1["direction"], "KEY_RESULT_DIRECTION_INCREASE");
  EXPECT_EQ(a1["unit"], "deals");
  EXPECT_EQ(a1["metricKey"], "sales.deals");
  EXPECT_DOUBLE_EQ(a1["startValue"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(a1["targetValue"].get<double>(), 40);
  EXPECT_DOUBLE_EQ(a1["currentValue"].get<double>(), 32);
  EXPECT_DOUBLE_EQ(a1["progress"].get<double>(), 0.8);
  EXPECT_EQ(a1["latestConfidence"], 8);
  EXPECT_EQ(a2["title"], "NPS to 100");
  EXPECT_EQ(a2["type"], "KEY_RESULT_TYPE_PERCENT");
  EXPECT_DOUBLE_EQ(a2["currentValue"].get<double>(), 70);
  EXPECT_DOUBLE_EQ(a2["progress"].get<double>(), 0.7);
  EXPECT_EQ(a2["latestConfidence"], 6);
}

TEST_F(OkrctlGoalsTest, CheckInThenKrsShowReflectsValueConfidenceAndNote) {
  const CtlRun checked = MustCtl({"checkin", company_.a1, "--value", "38", "--confidence", "9",
                                  "--note", "38 signed", "--challenges", "legal review"});
  EXPECT_THAT(checked.out, HasSubstr("checked in: " + company_.a1 + "/checkIns/"));
  EXPECT_THAT(checked.out, HasSubstr("38 / 40 deals"));
  EXPECT_THAT(checked.out, HasSubstr("95%"));
  EXPECT_THAT(checked.out, HasSubstr("9/10"));

  nlohmann::json shown = CtlJson({"krs", "show", company_.a1});
  nlohmann::json& kr = shown["keyResult"];
  EXPECT_EQ(kr["name"], company_.a1);
  EXPECT_DOUBLE_EQ(kr["currentValue"].get<double>(), 38);
  EXPECT_DOUBLE_EQ(kr["progress"].get<double>(), 0.95);
  EXPECT_EQ(kr["latestConfidence"], 9);
  EXPECT_FALSE(kr["stale"].get<bool>());
  nlohmann::json& history = shown["checkIns"];
  ASSERT_EQ(history.size(), 2u) << shown.dump();
  // Newest first.
  EXPECT_DOUBLE_EQ(history[0]["value"].get<double>(), 38);
  EXPECT_EQ(history[0]["confidence"], 9);
  EXPECT_EQ(history[0]["note"]["progress"], "38 signed");
  EXPECT_EQ(history[0]["note"]["challenges"], "legal review");
  EXPECT_EQ(history[0]["author"], "people/admin");
  EXPECT_EQ(history[0]["source"], "CHECK_IN_SOURCE_MANUAL");
  EXPECT_DOUBLE_EQ(history[1]["value"].get<double>(), 32);
  EXPECT_EQ(history[1]["note"]["progress"], "32 signed");

  // --check-ins limits the history; the objective moved with the key result.
  EXPECT_EQ(CtlJson({"krs", "show", company_.a1, "--check-ins", "1"})["checkIns"].size(), 1u);
  EXPECT_DOUBLE_EQ(
      CtlJson({"objectives", "show", company_.a})["objective"]["progress"].get<double>(),
      (0.95 + 0.7) / 2);

  // checkin -o json prints the check-in itself.
  nlohmann::json created = CtlJson({"checkin", company_.b1, "--value", "4"});
  EXPECT_DOUBLE_EQ(created["value"].get<double>(), 4);
  EXPECT_THAT(created["name"].get<std::string>(), ::testing::StartsWith(company_.b1 + "/"));
}

TEST_F(OkrctlGoalsTest, TreeJsonNestsAlignedObjectivesAndKeyResults) {
  nlohmann::json tree = CtlJson({"tree", company_.cycle});
  EXPECT_EQ(tree["cycle"], company_.cycle);
  nlohmann::json& roots = tree["roots"];
  ASSERT_EQ(roots.size(), 2u) << tree.dump();
  nlohmann::json a, b;
  for (nlohmann::json& root : roots) {
    if (root["objective"]["name"] == company_.a) a = root;
    if (root["objective"]["name"] == company_.b) b = root;
  }
  ASSERT_TRUE(a.is_object() && b.is_object()) << tree.dump();
  EXPECT_EQ(a["objective"]["title"], "Win the mid-market");
  EXPECT_DOUBLE_EQ(a["objective"]["progress"].get<double>(), 0.75);
  EXPECT_EQ(a["objective"]["health"], "HEALTH_ON_TRACK");
  EXPECT_FALSE(a["redacted"].get<bool>());
  ASSERT_EQ(a["keyResults"].size(), 2u) << a.dump();
  std::vector<std::string> kr_titles;
  for (nlohmann::json& k : a["keyResults"]) {
    kr_titles.push_back(k["keyResult"]["title"].get<std::string>());
  }
  EXPECT_THAT(kr_titles, UnorderedElementsAre("Close 40 deals", "NPS to 100"));
  ASSERT_EQ(a["children"].size(), 1u) << a.dump();
  nlohmann::json& c = a["children"][0];
  EXPECT_EQ(c["objective"]["name"], company_.c);
  EXPECT_EQ(c["objective"]["ownerPerson"], "people/dan");
  EXPECT_DOUBLE_EQ(c["objective"]["progress"].get<double>(), 0.35);
  EXPECT_EQ(c["objective"]["health"], "HEALTH_AT_RISK");
  ASSERT_EQ(c["keyResults"].size(), 1u);
  EXPECT_DOUBLE_EQ(c["keyResults"][0]["keyResult"]["currentValue"].get<double>(), 35);
  EXPECT_EQ(b["objective"]["health"], "HEALTH_OFF_TRACK");
  EXPECT_TRUE(b["children"].empty());

  // The default root is the active cycle; an objective can be the root too.
  EXPECT_EQ(CtlJson({"tree"})["roots"].size(), 2u);
  nlohmann::json sub = CtlJson({"tree", company_.c});
  ASSERT_EQ(sub["roots"].size(), 1u) << sub.dump();
  EXPECT_EQ(sub["roots"][0]["objective"]["name"], company_.c);
}

TEST_F(OkrctlGoalsTest, PipedTablesArePlainAndHoldTheRows) {
  const CtlRun list = MustCtl({"objectives", "list", "-o", "table"});
  EXPECT_THAT(list.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(list.out, Not(HasSubstr("█")));
  EXPECT_THAT(LineWith(list.out, "NAME"), HasSubstr("PROGRESS"));
  const std::string a = LineWith(list.out, "Win the mid-market");
  EXPECT_THAT(a, HasSubstr(company_.a));
  EXPECT_THAT(a, HasSubstr("people/bob"));
  EXPECT_THAT(a, HasSubstr("75%"));
  EXPECT_THAT(a, HasSubstr("on-track"));
  EXPECT_THAT(a, HasSubstr("6/10"));
  const std::string b = LineWith(list.out, "Cut churn");
  EXPECT_THAT(b, HasSubstr("10%"));
  EXPECT_THAT(b, HasSubstr("off-track"));
  const std::string c = LineWith(list.out, "Grow the pipeline");
  EXPECT_THAT(c, HasSubstr("35%"));
  EXPECT_THAT(c, HasSubstr("at-risk"));

  const CtlRun shown = MustCtl({"objectives", "show", company_.a});
  EXPECT_THAT(shown.out, HasSubstr("owner:      people/bob"));
  EXPECT_THAT(shown.out, HasSubstr("expected 5"));  // 50% or 51%, about half the cycle
  const std::string a1 = LineWith(shown.out, "Close 40 deals");
  EXPECT_THAT(a1, HasSubstr("32 / 40 deals"));
  EXPECT_THAT(a1, HasSubstr("80%"));
  EXPECT_THAT(a1, HasSubstr("8/10"));
  EXPECT_THAT(LineWith(shown.out, "NPS to 100"), HasSubstr("70% / 100%"));

  const CtlRun cycles = MustCtl({"cycles", "list"});
  const std::string q = LineWith(cycles.out, company_.cycle);
  EXPECT_THAT(q, HasSubstr("active"));
  EXPECT_THAT(q, HasSubstr(DayText(CycleStart())));
  EXPECT_THAT(q, HasSubstr(DayText(CycleEnd())));
  EXPECT_THAT(q, HasSubstr("7d"));
}

TEST_F(OkrctlGoalsTest, PipedTreeDrawsWithAsciiBranches) {
  const CtlRun tree = MustCtl({"tree", "-k"});
  EXPECT_THAT(tree.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(tree.out, Not(HasSubstr("├")));
  EXPECT_THAT(tree.out, Not(HasSubstr("█")));
  EXPECT_EQ(tree.out.rfind(company_.cycle + "  as of ", 0), 0u) << tree.out;
  EXPECT_THAT(LineWith(tree.out, "as of"), ::testing::EndsWith(" UTC"));
  const std::string a = LineWith(tree.out, "Win the mid-market");
  EXPECT_EQ(a.rfind("Win the mid-market", 0), 0u) << "a root starts its line: " << tree.out;
  EXPECT_THAT(a, HasSubstr("75%"));
  EXPECT_THAT(a, HasSubstr("on-track"));
  EXPECT_THAT(LineWith(tree.out, "KR Close 40 deals"), HasSubstr("|- KR Close 40 deals"));
  EXPECT_THAT(LineWith(tree.out, "KR Close 40 deals"), HasSubstr("80%"));
  // C is A's last child, below A's key results.
  const std::string c = LineWith(tree.out, "Grow the pipeline");
  EXPECT_THAT(c, HasSubstr("`- Grow the pipeline"));
  EXPECT_THAT(c, HasSubstr("35%"));
  EXPECT_THAT(c, HasSubstr("at-risk"));
  EXPECT_LT(tree.out.find("KR NPS to 100"), tree.out.find("Grow the pipeline"));
  // Key results only with -k.
  EXPECT_THAT(MustCtl({"tree"}).out, Not(HasSubstr("KR Close 40 deals")));
}

TEST_F(OkrctlGoalsTest, ArchiveAndAlignChangeTheObjective) {
  nlohmann::json moved = CtlJson({"objectives", "align", company_.b, "--to", company_.a});
  EXPECT_EQ(moved["parent"], company_.a);
  nlohmann::json archived = CtlJson({"objectives", "archive", company_.c});
  EXPECT_EQ(archived["state"], "OBJECTIVE_STATE_ARCHIVED");
  EXPECT_THAT(Values(CtlJson({"objectives", "list"})["objectives"], "name"),
              UnorderedElementsAre(company_.a, company_.b));
  EXPECT_THAT(Values(CtlJson({"objectives", "list", "--include-archived"})["objectives"], "name"),
              UnorderedElementsAre(company_.a, company_.b, company_.c));
}

}  // namespace
}  // namespace okr::e2e
