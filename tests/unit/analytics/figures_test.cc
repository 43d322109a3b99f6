// Analytics' figures from hand-built facts: scopes (subtrees, teams with sub-teams, people,
// cycles), distributions, engagement, the privacy threshold and who sees which objectives.
#include "services/analytics/src/domain/figures.h"

#include <gtest/gtest.h>

#include <map>

#include "services/analytics/src/domain/reader.h"
#include "services/analytics/src/domain/trends.h"

namespace okr::analytics {
namespace {

const absl::Time kBegin = absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone());
const absl::Time kEnd = absl::FromCivil(absl::CivilDay(2027, 4, 1), absl::UTCTimeZone());
const absl::Time kMid = kBegin + (kEnd - kBegin) / 2;

class FiguresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CycleFact c;
    c.id = "q1";
    c.begin = c.utc_begin = kBegin;
    c.end = c.utc_end = kEnd;
    c.state = CycleState::kActive;
    state_.Upsert(c);
    // teams: eng > (web, data); people: boss leads eng; ann, bob in web; cid in data.
    Team("eng", "", "boss");
    Team("web", "eng", "ann");
    Team("data", "eng", "cid");
    Person("boss", "", {"eng"});
    Person("ann", "boss", {"web"});
    Person("bob", "ann", {"web"});
    Person("cid", "boss", {"data"});
  }

  void Team(const std::string& id, const std::string& parent, const std::string& lead) {
    TeamFact t;
    t.id = id;
    t.parent = parent;
    t.lead = lead;
    state_.Upsert(t);
  }
  void Person(const std::string& id, const std::string& manager, std::vector<std::string> teams) {
    PersonFact p;
    p.id = id;
    p.manager = manager;
    p.teams = std::move(teams);
    state_.Upsert(p);
  }
  ObjectiveFact& Objective(const std::string& id, const std::string& owner_person,
                           const std::string& parent, double progress, Health health) {
    ObjectiveFact o;
    o.id = id;
    o.title = "Objective " + id;
    o.cycle = "q1";
    o.owner_person = owner_person;
    o.level = owner_person.empty() ? ObjectiveLevel::kCompany : ObjectiveLevel::kIndividual;
    o.parent = parent;
    o.state = ObjectiveState::kActive;
    o.progress = progress;
    o.has_measure = true;
    o.health = health;
    objectives_[id] = o;
    state_.Upsert(o);
    return objectives_[id];
  }
  void Update(const ObjectiveFact& o) { state_.Upsert(o); }
  void KeyResult(const std::string& objective, const std::string& k, double attainment, bool stale,
                 std::optional<absl::Time> checked = std::nullopt) {
    KeyResultFact kr;
    kr.name = "objectives/" + objective + "/keyResults/" + k;
    kr.objective = objective;
    kr.progress = std::clamp(attainment, 0.0, 1.0);
    kr.attainment = attainment;
    kr.has_measure = true;
    kr.stale = stale;
    kr.last_check_in_time = checked;
    state_.Upsert(kr);
  }
  void Feedback(const std::string& id, const std::string& author, const std::string& recipient,
                FeedbackKind kind, bool anonymous = false, bool upward = false) {
    FeedbackFact f;
    f.id = id;
    f.author = anonymous ? "" : author;
    f.author_key = "key-" + author;
    f.recipient = recipient;
    f.kind = kind;
    f.anonymous = anonymous;
    f.upward = upward;
    f.create_time = kMid;
    state_.Upsert(f);
  }

  TenantState state_;
  FiguresConfig config_;
  std::map<std::string, ObjectiveFact> objectives_;
};

TEST_F(FiguresTest, SubtreeCountsEveryDepthAndLeavesArchivedBranchesOut) {
  Objective("root", "", "", 0.5, Health::kOnTrack);
  Objective("a", "ann", "root", 0.2, Health::kOffTrack);
  Objective("b", "bob", "a", 0.95, Health::kOnTrack);
  ObjectiveFact& gone = Objective("c", "cid", "root", 0.6, Health::kAtRisk);
  Objective("under-c", "cid", "c", 0.1, Health::kOffTrack);
  gone.state = ObjectiveState::kArchived;
  Update(gone);

  const Scope scope = SubtreeScope(state_, *state_.FindObjective("root"));
  EXPECT_EQ(scope.objectives, (std::vector<std::string>{"a", "b", "root"}));
  const GoalFigures g = SummarizeGoals(state_, scope, kMid, config_);
  EXPECT_EQ(g.objective_count, 3);
  EXPECT_DOUBLE_EQ(g.average_progress, (0.5 + 0.2 + 0.95) / 3);
  EXPECT_NEAR(g.expected_progress, 0.5, 1e-9);
  EXPECT_EQ(g.on_track_count, 2);
  EXPECT_EQ(g.off_track_count, 1);
  EXPECT_EQ(g.histogram[5], 1);  // 0.5
  EXPECT_EQ(g.histogram[2], 1);  // 0.2
  EXPECT_EQ(g.histogram[9], 1);  // 0.95 is in the last bucket
  EXPECT_EQ(g.teams_with_objectives_count, 0);

  const RollupFigures r = SummarizeRollup(state_, *state_.FindObjective("root"), kMid, config_);
  ASSERT_EQ(r.children.size(), 1u);  // the archived child left
  EXPECT_EQ(r.children[0].id, "a");
  EXPECT_EQ(r.children[0].owner, "people/ann");
}

TEST_F(FiguresTest, RollupChildrenAreWorstFirst) {
  Objective("root", "", "", 0.5, Health::kOnTrack);
  Objective("fine", "ann", "root", 0.9, Health::kOnTrack);
  Objective("late2", "bob", "root", 0.4, Health::kAtRisk);
  Objective("late1", "cid", "root", 0.3, Health::kAtRisk);
  Objective("bad", "cid", "root", 0.1, Health::kOffTrack);
  ObjectiveFact& none = Objective("none", "ann", "root", 0, Health::kNoMeasure);
  none.has_measure = false;
  Update(none);
  const RollupFigures r = SummarizeRollup(state_, *state_.FindObjective("root"), kMid, config_);
  std::vector<std::string> order;
  for (const ChildFigure& c : r.children) order.push_back(c.id);
  EXPECT_EQ(order, (std::vector<std::string>{"bad", "late1", "late2", "fine", "none"}));
}

TEST_F(FiguresTest, TeamScopeTakesSubTeamsMembersAndTheirObjectives) {
  Objective("ann-o", "ann", "", 0.5, Health::kOnTrack);
  Objective("cid-o", "cid", "", 0.5, Health::kOnTrack);
  ObjectiveFact team_o;
  team_o.id = "web-o";
  team_o.cycle = "q1";
  team_o.owner_team = "web";
  team_o.level = ObjectiveLevel::kTeam;
  team_o.state = ObjectiveState::kDraft;
  state_.Upsert(team_o);

  const Scope web = TeamScope(state_, "web", "q1", false);
  EXPECT_EQ(web.people, (TenantState::Ids{"ann", "bob"}));
  EXPECT_EQ(web.objectives, (std::vector<std::string>{"ann-o", "web-o"}));
  const Scope eng = TeamScope(state_, "eng", "q1", true);
  EXPECT_EQ(eng.teams, (TenantState::Ids{"data", "eng", "web"}));
  EXPECT_EQ(eng.people, (TenantState::Ids{"ann", "bob", "boss", "cid"}));
  EXPECT_EQ(eng.objectives, (std::vector<std::string>{"ann-o", "cid-o", "web-o"}));
  const GoalFigures g = SummarizeGoals(state_, eng, kMid, config_);
  EXPECT_EQ(g.no_measure_count, 1);           // the team objective has no key result
  EXPECT_DOUBLE_EQ(g.average_progress, 0.5);  // and is left out of the mean
  EXPECT_EQ(g.teams_with_objectives_count, 1);
  EXPECT_EQ(TeamScope(state_, "eng", "q1", false).objectives.size(), 0u);
}

TEST_F(FiguresTest, KeyResultsFallInAttainmentZonesAndStaleOnesCount) {
  Objective("o", "ann", "", 0.5, Health::kOnTrack);
  KeyResult("o", "k1", 0.1, true);
  KeyResult("o", "k2", 0.3, false, kMid);  // the edge belongs to the upper zone
  KeyResult("o", "k3", 0.69, false);
  KeyResult("o", "k4", 0.7, false);
  KeyResult("o", "k5", 1.0, false);
  KeyResult("o", "k6", 1.4, false, kMid - absl::Hours(1));
  const Scope scope = PersonScope(state_, "ann", "q1");
  const GoalFigures g = SummarizeGoals(state_, scope, kMid, config_);
  EXPECT_EQ(g.zone_counts, (std::array<int, 4>{1, 2, 1, 2}));
  EXPECT_EQ(g.key_result_count, 6);
  EXPECT_EQ(g.stale_key_result_count, 1);
  FiguresConfig other;
  other.commit_edge = 0.5;
  other.target_edge = 0.8;
  other.stretch_edge = 1.2;
  EXPECT_EQ(SummarizeGoals(state_, scope, kMid, other).zone_counts,
            (std::array<int, 4>{2, 2, 1, 1}));

  const EngagementFigures e = SummarizeEngagement(state_, scope, kMid, config_);
  EXPECT_EQ(e.active_key_result_count, 6);
  EXPECT_EQ(e.checked_in_key_result_count, 5);
  ASSERT_TRUE(e.last_check_in_time.has_value());
  EXPECT_EQ(*e.last_check_in_time, kMid);
}

TEST_F(FiguresTest, ScoresAndAchievementUseTheSuccessThreshold) {
  ObjectiveFact& aspirational = Objective("asp", "ann", "", 0.72, Health::kOnTrack);
  aspirational.success_threshold = 0.7;
  Update(aspirational);
  ObjectiveFact& committed = Objective("com", "ann", "", 0.9, Health::kOnTrack);
  committed.score = 0.8;
  Update(committed);
  const GoalFigures g = SummarizeGoals(state_, PersonScope(state_, "ann", "q1"), kMid, config_);
  EXPECT_EQ(g.achieved_objective_count, 1);  // 0.72 >= 0.7; a score of 0.8 < 1.0
  ASSERT_TRUE(g.average_score.has_value());
  EXPECT_DOUBLE_EQ(*g.average_score, 0.8);
}

TEST_F(FiguresTest, AlignmentCoverageLeavesCompanyObjectivesOut) {
  Objective("root", "", "", 0.5, Health::kOnTrack);
  Objective("a", "ann", "root", 0.5, Health::kOnTrack);
  Objective("b", "ann", "", 0.5, Health::kOnTrack);
  const EngagementFigures e = SummarizeEngagement(state_, CycleScope(state_, "q1"), kMid, config_);
  EXPECT_EQ(e.alignable_objective_count, 2);
  EXPECT_EQ(e.aligned_objective_count, 1);
}

TEST_F(FiguresTest, AnonymousAndUpwardFeedbackNeedEnoughDistinctAuthors) {
  Feedback("f1", "bob", "ann", FeedbackKind::kPraise, /*anonymous=*/true);
  Feedback("f2", "bob", "ann", FeedbackKind::kConstructive, /*anonymous=*/true);
  Feedback("f3", "cid", "ann", FeedbackKind::kPraise, false, /*upward=*/false);
  Feedback("f4", "boss", "ann", FeedbackKind::kRecognition);
  // Two distinct authors of protected feedback (bob twice, cid once upward).
  Feedback("f5", "cid", "ann", FeedbackKind::kConstructive, false, /*upward=*/true);
  Scope ann = PersonScope(state_, "ann", "q1");
  EngagementFigures e = SummarizeEngagement(state_, ann, kMid, config_);
  EXPECT_EQ(e.feedback_received.attributed, (KindCounts{1, 0, 1}));
  EXPECT_TRUE(e.feedback_received.anonymous_or_upward.not_enough_responses);
  EXPECT_EQ(e.feedback_received.anonymous_or_upward.author_count, 0);
  EXPECT_EQ(e.feedback_received.anonymous_or_upward.counts, KindCounts{});

  Feedback("f6", "boss", "ann", FeedbackKind::kPraise, /*anonymous=*/true);
  e = SummarizeEngagement(state_, ann, kMid, config_);
  EXPECT_FALSE(e.feedback_received.anonymous_or_upward.not_enough_responses);
  EXPECT_EQ(e.feedback_received.anonymous_or_upward.author_count, 3);
  EXPECT_EQ(e.feedback_received.anonymous_or_upward.counts, (KindCounts{2, 2, 0}));

  // One person's own given feedback is one author: never published.
  Scope cid = PersonScope(state_, "cid", "q1");
  e = SummarizeEngagement(state_, cid, kMid, config_);
  EXPECT_EQ(e.feedback_given.attributed, (KindCounts{1, 0, 0}));
  EXPECT_TRUE(e.feedback_given.anonymous_or_upward.not_enough_responses);
  // Anonymous feedback is not attributed to its author anywhere (analytics does not know them).
  EXPECT_TRUE(state_.FeedbackBy("bob").empty());

  // Feedback outside the cycle's dates does not count.
  FeedbackFact late = *state_.FindFeedback("f4");
  late.create_time = kEnd + absl::Hours(1);
  state_.Upsert(late);
  e = SummarizeEngagement(state_, ann, kMid, config_);
  EXPECT_EQ(e.feedback_received.attributed, (KindCounts{1, 0, 0}));
}

TEST_F(FiguresTest, RequestsAndOneOnOnesOfPeopleInScope) {
  RequestFact r;
  r.id = "r1";
  r.requester = "boss";
  r.create_time = kMid;
  r.responses = {{"ann", ResponseState::kAnswered},
                 {"bob", ResponseState::kDeclined},
                 {"cid", ResponseState::kPending}};
  state_.Upsert(r);
  OneOnOneFact late{"m1", "ann", "bob", kMid - absl::Hours(1)};
  OneOnOneFact fine{"m2", "boss", "ann", kMid + absl::Hours(1)};
  state_.Upsert(late);
  state_.Upsert(fine);
  const EngagementFigures web =
      SummarizeEngagement(state_, TeamScope(state_, "web", "q1", false), kMid, config_);
  EXPECT_EQ(web.settled_request_count, 2);
  EXPECT_EQ(web.answered_request_count, 1);
  EXPECT_EQ(web.one_on_one_count, 2);
  EXPECT_EQ(web.overdue_one_on_one_count, 1);
}

TEST_F(FiguresTest, PrivateObjectivesAreSeenByOwnerChainTeamAndKeyResultOwners) {
  ObjectiveFact& mine = Objective("p", "bob", "", 0.5, Health::kOnTrack);
  mine.is_private = true;
  Update(mine);
  const ObjectiveFact& o = *state_.FindObjective("p");
  EXPECT_TRUE(MaySeeObjective(state_, Reader{"bob"}, o));
  EXPECT_TRUE(MaySeeObjective(state_, Reader{"ann"}, o));   // manager
  EXPECT_TRUE(MaySeeObjective(state_, Reader{"boss"}, o));  // manager's manager
  EXPECT_FALSE(MaySeeObjective(state_, Reader{"cid"}, o));
  EXPECT_TRUE(MaySeeObjective(state_, Reader{"cid", true}, o));
  EXPECT_TRUE(MaySeeObjective(state_, Reader{"x", false, true}, o));
  KeyResultFact kr;
  kr.name = "objectives/p/keyResults/k";
  kr.objective = "p";
  kr.owner = "cid";
  state_.Upsert(kr);
  EXPECT_TRUE(MaySeeObjective(state_, Reader{"cid"}, o));
  EXPECT_EQ(
      SummarizeGoals(state_, PersonScope(state_, "bob", "q1"), kMid, config_).private_objectives,
      (std::vector<std::string>{"p"}));

  EXPECT_TRUE(MayReadPerson(state_, Reader{"boss"}, "bob"));
  EXPECT_TRUE(MayReadPerson(state_, Reader{"bob"}, "bob"));
  EXPECT_FALSE(MayReadPerson(state_, Reader{"cid"}, "bob"));
  EXPECT_FALSE(MayReadPerson(state_, Reader{"bob"}, "ann"));  // not upward
}

TEST_F(FiguresTest, MovesAndDeletesKeepTheIndexesRight) {
  Objective("root", "", "", 0.5, Health::kOnTrack);
  Objective("other", "", "", 0.5, Health::kOnTrack);
  ObjectiveFact& a = Objective("a", "ann", "root", 0.5, Health::kOnTrack);
  KeyResult("a", "k", 0.5, false);
  a.parent = "other";
  Update(a);
  EXPECT_TRUE(state_.ChildrenOf("root").empty());
  EXPECT_EQ(state_.ChildrenOf("other"), (TenantState::Ids{"a"}));
  state_.RemoveObjective("a");
  EXPECT_TRUE(state_.ChildrenOf("other").empty());
  EXPECT_EQ(state_.key_result_count(), 0u);
  // A person moved to another team leaves the old team's members.
  Person("bob", "ann", {"data"});
  EXPECT_EQ(state_.MembersOf("web"), (TenantState::Ids{"ann"}));
  EXPECT_EQ(state_.MembersOf("data"), (TenantState::Ids{"bob", "cid"}));
  PersonFact gone = *state_.FindPerson("cid");
  gone.active = false;
  state_.Upsert(gone);
  EXPECT_EQ(state_.MembersOf("data"), (TenantState::Ids{"bob"}));
}

TEST_F(FiguresTest, TrendPointsCoverTheCycleEveryTeamBothWaysAndEachLiveObjective) {
  Objective("root", "", "", 0.5, Health::kOnTrack);
  Objective("a", "ann", "root", 0.2, Health::kOffTrack);
  ObjectiveFact& gone = Objective("b", "cid", "root", 0.9, Health::kAtRisk);
  gone.state = ObjectiveState::kArchived;
  Update(gone);
  KeyResult("a", "k1", 0.2, /*stale=*/true, kMid);
  KeyResult("a", "k2", 0.4, /*stale=*/false);

  const std::vector<ScopePoint> points = CyclePoints(state_, "q1", kMid, config_);
  std::map<std::string, TrendValues> by_scope;
  for (const ScopePoint& p : points) by_scope[p.scope] = p.values;
  // The cycle; eng with sub-teams (ann's objective) and web both ways, not eng alone (boss owns
  // nothing) nor data (cid's objective is archived): no objectives, no point; the two objectives
  // not archived.
  EXPECT_EQ(points.size(), 1u + 3 + 2);
  EXPECT_FALSE(by_scope.contains(TeamScopeKey("eng", false)));
  EXPECT_FALSE(by_scope.contains(TeamScopeKey("data", true)));
  ASSERT_TRUE(by_scope.contains(CycleScopeKey()));
  ASSERT_TRUE(by_scope.contains(TeamScopeKey("eng", true)));
  ASSERT_TRUE(by_scope.contains(ObjectiveScopeKey("a")));
  EXPECT_FALSE(by_scope.contains(ObjectiveScopeKey("b")));

  const TrendValues cycle = by_scope[CycleScopeKey()];
  EXPECT_DOUBLE_EQ(cycle.progress, (0.5 + 0.2) / 2);
  EXPECT_EQ(cycle.on_track, 1);
  EXPECT_EQ(cycle.off_track, 1);
  EXPECT_EQ(cycle.at_risk, 0);
  EXPECT_EQ(cycle.stale_key_results, 1);
  EXPECT_DOUBLE_EQ(cycle.check_in_rate, 0.5);  // k1 checked in (and stale since), k2 never
  EXPECT_EQ(cycle, CycleValues(state_, "q1", kMid, config_));

  // An objective's progress is its own roll-up; its other figures are its subtree's.
  const TrendValues root = by_scope[ObjectiveScopeKey("root")];
  EXPECT_DOUBLE_EQ(root.progress, 0.5);
  EXPECT_EQ(root.off_track, 1);
  EXPECT_EQ(by_scope[TeamScopeKey("web", false)],
            TeamValues(state_, "web", "q1", false, kMid, config_));
  EXPECT_EQ(by_scope[TeamScopeKey("web", false)].off_track, 1);  // ann's objective
}

}  // namespace
}  // namespace okr::analytics
