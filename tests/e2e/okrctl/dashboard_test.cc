// `okrctl dashboard` against a real okr-analytics following real goals and feedback: the
// company's and a team's cycle summary in `-o json`, read field by field once analytics has
// caught up (it is eventually consistent, so each read is polled with a deadline), the figures
// moving after a check-in, and the same summary as a plain table when piped.
#include "tests/e2e/okrctl/okrctl_e2e.h"

namespace okr::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kEps = 1e-9;

// The counts of the ten progress buckets, lowest first.
std::vector<int> Histogram(const nlohmann::json& goals) {
  std::vector<int> counts;
  for (const nlohmann::json& bucket : goals["progressHistogram"]) {
    counts.push_back(bucket["count"].get<int>());
  }
  return counts;
}

double Number(const nlohmann::json& value) { return value.is_number() ? value.get<double>() : -1; }

class OkrctlDashboardTest : public OkrctlSuite {
 protected:
  void SetUp() override {
    OkrctlSuite::SetUp();
    if (HasFatalFailure()) return;
    company_ = SeedCompany();
    ASSERT_FALSE(HasFailure()) << "seeding the company through okrctl failed";
    // bob (sales) praises carol (ops): given in sales, received in ops.
    CtlOptions as_bob;
    as_bob.token = Token("bob");
    MustCtl({"feedback", "give", "--to", "carol", "-m", "Great churn analysis"}, as_bob);
  }

  // `dashboard args... -o json` once analytics is current and shows `objectives` objectives at
  // `average_progress`, every key result checked in and the praise above counted.
  nlohmann::json DashboardOnce(std::vector<std::string> args, int objectives,
                               double average_progress) {
    args.insert(args.begin(), "dashboard");
    return CtlJsonUntil(args, [&](const nlohmann::json& d) {
      const nlohmann::json& s = d["summary"];
      return s["freshness"]["state"] == "FRESHNESS_STATE_CURRENT" &&
             s["goals"]["objectiveCount"] == objectives &&
             std::abs(Number(s["goals"]["averageProgress"]) - average_progress) < kEps &&
             s["engagement"]["checkedInKeyResultCount"] == s["goals"]["keyResultCount"] &&
             (s["engagement"]["feedbackGiven"]["attributed"]["praiseCount"] == 1 ||
              s["engagement"]["feedbackReceived"]["attributed"]["praiseCount"] == 1);
    });
  }

  Company company_;
};

TEST_F(OkrctlDashboardTest, CycleSummaryJsonFieldByFieldThenAfterACheckIn) {
  // A 0.75 (on track), B 0.1 (off track), C 0.35 (at risk): mean 0.4.
  nlohmann::json d = DashboardOnce({}, 3, 0.4);
  const nlohmann::json& s = d["summary"];
  EXPECT_EQ(s["cycle"], company_.cycle);
  const nlohmann::json& g = s["goals"];
  EXPECT_EQ(g["objectiveCount"], 3);
  EXPECT_EQ(g["hiddenObjectiveCount"], 0);
  EXPECT_NEAR(Number(g["averageProgress"]), 0.4, kEps);
  const double expected = Number(g["expectedProgress"]);
  EXPECT_GT(expected, 0.45);  // 45 of the cycle's 90 days
  EXPECT_LT(expected, 0.56);
  EXPECT_EQ(
      g["healthCounts"],
      nlohmann::json(
          {{"onTrackCount", 1}, {"atRiskCount", 1}, {"offTrackCount", 1}, {"noMeasureCount", 0}}));
  EXPECT_THAT(Histogram(g), ElementsAre(0, 1, 0, 1, 0, 0, 0, 1, 0, 0));
  EXPECT_NEAR(Number(g["progressHistogram"][3]["lowerBound"]), 0.3, kEps);
  EXPECT_NEAR(Number(g["progressHistogram"][9]["upperBound"]), 1.0, kEps);
  EXPECT_EQ(g["keyResultCount"], 4);
  EXPECT_EQ(g["staleKeyResultCount"], 0);
  EXPECT_FALSE(g.contains("averageScore")) << "nothing is graded yet";
  // a1 0.8 and a2 0.7 reach target, c1 0.35 commit, b1 0.1 is below commit.
  const nlohmann::json& z = g["attainmentZones"];
  EXPECT_EQ(z["belowCommitCount"], 1);
  EXPECT_EQ(z["commitCount"], 1);
  EXPECT_EQ(z["targetCount"], 2);
  EXPECT_EQ(z["stretchCount"], 0);
  EXPECT_NEAR(Number(z["commitThreshold"]), 0.3, kEps);
  EXPECT_NEAR(Number(z["targetThreshold"]), 0.7, kEps);
  EXPECT_EQ(g["achievedObjectiveCount"], 0);
  EXPECT_EQ(g["teamsWithObjectivesCount"], 0) << "every objective is a person's";

  const nlohmann::json& e = s["engagement"];
  EXPECT_NEAR(Number(e["checkInRate"]), 1.0, kEps);
  EXPECT_EQ(e["activeKeyResultCount"], 4);
  EXPECT_EQ(e["checkedInKeyResultCount"], 4);
  EXPECT_TRUE(e["lastCheckInTime"].is_string()) << e.dump();
  EXPECT_NEAR(Number(e["alignmentCoverage"]), 1.0 / 3, kEps);  // C of A, B, C
  EXPECT_EQ(e["alignableObjectiveCount"], 3);
  EXPECT_EQ(e["alignedObjectiveCount"], 1);
  EXPECT_EQ(
      e["feedbackGiven"]["attributed"],
      nlohmann::json({{"praiseCount", 1}, {"constructiveCount", 0}, {"recognitionCount", 0}}));
  EXPECT_EQ(e["feedbackReceived"]["attributed"]["praiseCount"], 1);
  EXPECT_EQ(e["feedbackReceived"]["anonymousOrUpward"]["notEnoughResponses"], true);
  EXPECT_EQ(e["oneOnOneCount"], 0);
  EXPECT_EQ(s["freshness"]["state"], "FRESHNESS_STATE_CURRENT");

  // The trend runs from the cycle's start to today; only today has objectives, so one point.
  const nlohmann::json& t = d["trend"];
  EXPECT_EQ(t["metric"], "TREND_METRIC_PROGRESS");
  EXPECT_EQ(t["cycle"], company_.cycle);
  const absl::CivilDay start = CycleStart();
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  EXPECT_EQ(
      t["startDate"],
      nlohmann::json({{"year", start.year()}, {"month", start.month()}, {"day", start.day()}}));
  EXPECT_EQ(
      t["endDate"],
      nlohmann::json({{"year", today.year()}, {"month", today.month()}, {"day", today.day()}}));
  ASSERT_EQ(t["points"].size(), 1u) << t.dump();
  EXPECT_EQ(t["points"][0]["date"], t["endDate"]);
  EXPECT_NEAR(Number(t["points"][0]["value"]), 0.4, kEps);
  EXPECT_EQ(d["staleKeyResults"], nlohmann::json::array());

  // Churn improves: b1 1 -> 8 of 10 moves B to 0.8, on track, and into the target zone.
  MustCtl({"checkin", company_.b1, "--value", "8", "--confidence", "7"});
  d = DashboardOnce({"--cycle", company_.cycle}, 3, (0.75 + 0.8 + 0.35) / 3);
  const nlohmann::json& after = d["summary"]["goals"];
  EXPECT_EQ(after["healthCounts"]["onTrackCount"], 2);
  EXPECT_EQ(after["healthCounts"]["atRiskCount"], 1);
  EXPECT_EQ(after["healthCounts"]["offTrackCount"], 0);
  EXPECT_THAT(Histogram(after), ElementsAre(0, 0, 0, 1, 0, 0, 0, 1, 1, 0));
  EXPECT_EQ(after["attainmentZones"]["belowCommitCount"], 0);
  EXPECT_EQ(after["attainmentZones"]["targetCount"], 3);
  ASSERT_EQ(d["trend"]["points"].size(), 1u);
  EXPECT_NEAR(Number(d["trend"]["points"][0]["value"]), (0.75 + 0.8 + 0.35) / 3, kEps);
}

TEST_F(OkrctlDashboardTest, TeamSummaryJsonCountsTheTeamsMembersAndTheirObjectives) {
  // sales: boss, bob and dan, so A (bob) and C (dan): mean (0.75 + 0.35) / 2.
  nlohmann::json d = DashboardOnce({"--team", "sales"}, 2, 0.55);
  const nlohmann::json& s = d["summary"];
  EXPECT_EQ(s["team"], "teams/sales");
  EXPECT_EQ(s["cycle"], company_.cycle);
  EXPECT_EQ(s["includeSubTeams"], false);
  EXPECT_EQ(s["teamCount"], 1);
  EXPECT_EQ(s["memberCount"], 3);
  const nlohmann::json& g = s["goals"];
  EXPECT_EQ(g["keyResultCount"], 3);
  EXPECT_EQ(
      g["healthCounts"],
      nlohmann::json(
          {{"onTrackCount", 1}, {"atRiskCount", 1}, {"offTrackCount", 0}, {"noMeasureCount", 0}}));
  EXPECT_THAT(Histogram(g), ElementsAre(0, 0, 0, 1, 0, 0, 0, 1, 0, 0));
  const nlohmann::json& e = s["engagement"];
  EXPECT_EQ(e["activeKeyResultCount"], 3);
  EXPECT_NEAR(Number(e["alignmentCoverage"]), 0.5, kEps);
  EXPECT_EQ(e["feedbackGiven"]["attributed"]["praiseCount"], 1);     // bob's
  EXPECT_EQ(e["feedbackReceived"]["attributed"]["praiseCount"], 0);  // carol is in ops
  EXPECT_EQ(d["trend"]["team"], "teams/sales");
  ASSERT_EQ(d["trend"]["points"].size(), 1u) << d["trend"].dump();
  EXPECT_NEAR(Number(d["trend"]["points"][0]["value"]), 0.55, kEps);
  EXPECT_EQ(d["staleKeyResults"], nlohmann::json::array());

  // With its sub-team ops (carol, dan): everyone, so all three objectives.
  d = DashboardOnce({"--team", "teams/sales", "--sub-teams"}, 3, 0.4);
  EXPECT_EQ(d["summary"]["includeSubTeams"], true);
  EXPECT_EQ(d["summary"]["teamCount"], 2);
  EXPECT_EQ(d["summary"]["memberCount"], 4);
  EXPECT_EQ(d["summary"]["goals"]["keyResultCount"], 4);
  EXPECT_EQ(d["summary"]["engagement"]["feedbackReceived"]["attributed"]["praiseCount"], 1);
  EXPECT_EQ(d["trend"]["includeSubTeams"], true);

  // ops alone: carol and dan, so B and C.
  d = DashboardOnce({"--team", "ops"}, 2, (0.1 + 0.35) / 2);
  EXPECT_EQ(d["summary"]["memberCount"], 2);
  EXPECT_EQ(d["summary"]["goals"]["healthCounts"]["offTrackCount"], 1);
  EXPECT_EQ(d["summary"]["goals"]["healthCounts"]["onTrackCount"], 0);
}

TEST_F(OkrctlDashboardTest, PipedDashboardIsAPlainTableOfTheSameFigures) {
  DashboardOnce({}, 3, 0.4);  // analytics has caught up
  const CtlRun run = MustCtl({"dashboard"});
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(run.out, Not(HasSubstr("█")));
  EXPECT_THAT(run.out, Not(HasSubstr("▁")));
  // The title, then the freshness (current or lagging, from memory, cache or state).
  EXPECT_EQ(run.out.rfind("Q (" + company_.cycle + "), whole company   (", 0), 0u) << run.out;
  EXPECT_THAT(run.out.substr(0, run.out.find('\n')), HasSubstr(", from "));
  EXPECT_THAT(run.out, HasSubstr("objectives   3   key results 4   stale 0   achieved 0\n"));
  EXPECT_THAT(run.out, HasSubstr("progress      40%   expected 5"));
  EXPECT_THAT(run.out,
              HasSubstr("health       on-track 1  at-risk 1  off-track 1  no-measure 0\n"));
  EXPECT_THAT(run.out, HasSubstr("histogram    0%:0 10%:1 20%:0 30%:1 "));
  EXPECT_THAT(run.out, HasSubstr("attainment   below commit 1  commit 1  target 2  stretch 0\n"));
  EXPECT_THAT(run.out, HasSubstr("trend        40% -> 40% over 1 days"));
  EXPECT_THAT(run.out, HasSubstr("check-ins    100% of 4 active key results"));
  EXPECT_THAT(run.out, HasSubstr("alignment    33% (1 of 3)\n"));
  // No anonymous or upward feedback: fewer than 3 authors, so it is not shown.
  EXPECT_THAT(run.out, HasSubstr("given: 1 praise, 0 constructive, 0 recognition (+ "
                                 "anonymous/upward: not enough responses to show)\n"));
  EXPECT_THAT(run.out, HasSubstr("received: 1 praise, 0 constructive, 0 recognition"));
  EXPECT_THAT(run.out, HasSubstr("one-on-ones  0 (0 overdue)"));
  EXPECT_THAT(run.err, ::testing::IsEmpty());

  const CtlRun team = MustCtl({"dashboard", "--team", "sales", "--sub-teams"});
  EXPECT_EQ(team.out.rfind("teams/sales and sub-teams in Q (" + company_.cycle + ")", 0), 0u)
      << team.out;
  EXPECT_THAT(team.out, HasSubstr("objectives   3   key results 4"));
}

}  // namespace
}  // namespace okr::e2e
