// The demo plan: deterministic from its seed, and as complete as the issue asks (every key result
// type and direction, every trajectory, every feedback kind and visibility, requests answered,
// declined and pending, one-on-ones with notes and actions, a review cycle with assessments).
#include "tools/okr-demo/plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace okr::demo {
namespace {

const absl::CivilDay kToday(2026, 12, 4);

DemoPlan Make(uint64_t seed, int people = 200, int teams = 20) {
  PlanOptions options;
  options.seed = seed;
  options.people = people;
  options.teams = teams;
  options.today = kToday;
  std::string error;
  DemoPlan plan = MakePlan(options, &error);
  EXPECT_EQ(error, "");
  return plan;
}

// A digest of everything in the plan that the loader writes, to compare two plans.
std::string Digest(const DemoPlan& p) {
  std::string out = p.cycle_name;
  for (const Team& t : p.teams) out += "|T" + t.id + t.parent + t.lead;
  for (const Person& x : p.people) out += "|P" + x.id + x.manager + x.teams.front();
  for (const Objective& o : p.objectives) {
    out += "|O" + o.title + o.owner_team + o.owner_person + std::to_string(o.parent);
    for (const KeyResult& k : o.key_results) {
      out += "|K" + k.title + k.metric_key + std::to_string(static_cast<int>(k.trajectory));
      for (const CheckIn& c : k.check_ins) {
        out += "|C" + std::to_string(c.minute) + c.author + std::to_string(c.value.value_or(-1)) +
               std::to_string(c.confidence.value_or(-1)) + c.progress_note;
      }
    }
  }
  for (const Feedback& f : p.feedback) out += "|F" + f.author + f.recipient + f.body;
  for (const FeedbackRequest& r : p.requests) out += "|R" + r.requester + r.message;
  for (const OneOnOne& o : p.one_on_ones) out += "|1" + o.manager + o.report + o.shared_notes;
  for (const Assessment& a : p.review_cycle.assessments) {
    out += "|A" + a.reviewee + std::to_string(a.overall);
  }
  return out;
}

TEST(DemoPlanTest, TheSameSeedGivesTheSamePlanAndAnotherSeedAnotherOne) {
  EXPECT_EQ(Digest(Make(42)), Digest(Make(42)));
  EXPECT_NE(Digest(Make(42)), Digest(Make(43)));
}

TEST(DemoPlanTest, DefaultOrganisationHas200People20TeamsIn3Levels) {
  const DemoPlan p = Make(42);
  ASSERT_EQ(p.people.size(), 200u);
  ASSERT_EQ(p.teams.size(), 20u);
  std::map<std::string, const Team*> teams;
  std::map<int, int> per_level;
  for (const Team& t : p.teams) {
    // Parents come first, so the loader can write them in order.
    if (!t.parent.empty()) {
      ASSERT_TRUE(teams.contains(t.parent)) << t.id;
      EXPECT_EQ(teams[t.parent]->level + 1, t.level) << t.id;
    }
    EXPECT_TRUE(teams.emplace(t.id, &t).second) << "duplicate team " << t.id;
    ++per_level[t.level];
    EXPECT_FALSE(t.lead.empty()) << t.id;
  }
  EXPECT_EQ(per_level[0], 1);
  EXPECT_GE(per_level[1], 3);
  EXPECT_GE(per_level[2], 10);
  std::set<std::string> people;
  int without_manager = 0;
  for (const Person& x : p.people) {
    if (x.manager.empty()) {
      ++without_manager;
    } else {
      EXPECT_TRUE(people.contains(x.manager)) << x.id << " is listed before their manager";
    }
    EXPECT_TRUE(people.insert(x.id).second) << "duplicate person " << x.id;
    ASSERT_FALSE(x.teams.empty()) << x.id;
    for (const std::string& t : x.teams) EXPECT_TRUE(teams.contains(t)) << x.id << " in " << t;
    EXPECT_EQ(x.email, x.id + "@northwind.example");
  }
  EXPECT_EQ(without_manager, 1);  // The CEO.
  for (const Team& t : p.teams) EXPECT_TRUE(people.contains(t.lead)) << t.id;
}

TEST(DemoPlanTest, TheTreeGoesFromCompanyThroughTeamsToIndividuals) {
  const DemoPlan p = Make(42);
  std::map<Level, int> per_level;
  for (size_t i = 0; i < p.objectives.size(); ++i) {
    const Objective& o = p.objectives[i];
    ++per_level[o.level];
    EXPECT_NE(o.owner_team.empty(), o.owner_person.empty()) << o.title;
    EXPECT_FALSE(o.key_results.empty()) << o.title;
    if (o.level == Level::kCompany) {
      EXPECT_EQ(o.parent, -1);
      EXPECT_EQ(o.owner_team, "company");
      continue;
    }
    ASSERT_LT(o.parent, static_cast<int>(i)) << o.title << ": parents come first";
    if (o.parent < 0) continue;
    const Objective& parent = p.objectives[static_cast<size_t>(o.parent)];
    EXPECT_LE(static_cast<int>(parent.level), static_cast<int>(o.level)) << o.title;
    if (o.parent_key_result >= 0) {
      EXPECT_EQ(parent.key_results[static_cast<size_t>(o.parent_key_result)].type, KrType::kRollup);
    }
  }
  EXPECT_EQ(per_level[Level::kCompany], 3);
  // Every ROLLUP key result has objectives aligned to it, so none stays at 0 %.
  for (size_t i = 0; i < p.objectives.size(); ++i) {
    for (size_t k = 0; k < p.objectives[i].key_results.size(); ++k) {
      if (p.objectives[i].key_results[k].type != KrType::kRollup) continue;
      int aligned = 0;
      for (const Objective& o : p.objectives) {
        aligned += o.parent == static_cast<int>(i) && o.parent_key_result == static_cast<int>(k);
      }
      EXPECT_GE(aligned, 1) << p.objectives[i].key_results[k].title;
    }
  }
  EXPECT_GE(per_level[Level::kTeam], 20);
  EXPECT_GE(per_level[Level::kIndividual], 50);
}

TEST(DemoPlanTest, EveryKeyResultTypeDirectionAndTrajectoryOccurs) {
  const DemoPlan p = Make(42);
  std::set<KrType> types;
  std::set<Direction> directions;
  std::set<Trajectory> trajectories;
  std::set<std::string> metric_keys;
  int bound = 0, aspirational = 0, private_objectives = 0;
  for (const Objective& o : p.objectives) {
    aspirational += o.aspirational;
    private_objectives += o.private_visibility;
    for (const KeyResult& k : o.key_results) {
      types.insert(k.type);
      directions.insert(k.direction);
      if (k.type == KrType::kRollup) {
        EXPECT_TRUE(k.check_ins.empty());
        continue;
      }
      trajectories.insert(k.trajectory);
      if (!k.metric_key.empty()) {
        ++bound;
        // One key per key result: an event for a key moves every key result bound to it.
        EXPECT_TRUE(metric_keys.insert(k.metric_key).second) << k.metric_key;
      }
      if (k.type == KrType::kMilestone) {
        EXPECT_GE(k.milestones.size(), 3u) << k.title;
      }
    }
  }
  EXPECT_EQ(types.size(), 6u);
  for (Direction d :
       {Direction::kIncrease, Direction::kDecrease, Direction::kKeepAbove, Direction::kKeepBelow}) {
    EXPECT_TRUE(directions.contains(d)) << static_cast<int>(d);
  }
  EXPECT_EQ(trajectories.size(), 5u);
  EXPECT_GE(bound, 10);
  EXPECT_GE(aspirational, 5);
  EXPECT_GE(private_objectives, 2);
}

TEST(DemoPlanTest, EightWeeksOfHistoryShapedByTheTrajectory) {
  const DemoPlan p = Make(42);
  EXPECT_EQ(p.cycle_start, kToday - 63);
  EXPECT_EQ(p.cycle_end, p.cycle_start + 90);
  EXPECT_EQ(p.cycle_name, "2026-Q4");
  const int now_minute = 63 * 24 * 60;
  int checked = 0;
  for (const Objective& o : p.objectives) {
    for (const KeyResult& k : o.key_results) {
      if (k.type == KrType::kRollup) continue;
      ASSERT_FALSE(k.check_ins.empty()) << k.title;
      ++checked;
      int previous = -1;
      for (const CheckIn& c : k.check_ins) {
        EXPECT_GT(c.minute, previous) << k.title << ": in observation order";
        EXPECT_LT(c.minute, now_minute) << k.title << ": observed before today";
        EXPECT_FALSE(c.author.empty());
        ASSERT_TRUE(c.confidence.has_value());
        EXPECT_GE(*c.confidence, 0);
        EXPECT_LE(*c.confidence, 10);
        previous = c.minute;
      }
      const int last_day = k.check_ins.back().minute / (24 * 60);
      if (k.trajectory == Trajectory::kStale) {
        EXPECT_LE(last_day, 4 * 7 + 1) << k.title << ": a stale history stops in week 3 or 4";
      } else {
        EXPECT_GE(last_day, 7 * 8 - 2) << k.title << ": the history reaches week 8";
        EXPECT_GE(k.check_ins.size(), 6u) << k.title;
      }
      // Rising key results end above where they began when the work moves at all.
      if (k.direction == Direction::kIncrease && k.type != KrType::kBoolean &&
          k.trajectory == Trajectory::kOverAchieving) {
        EXPECT_GT(k.check_ins.back().value.value_or(0), k.check_ins.front().value.value_or(0))
            << k.title;
      }
    }
  }
  EXPECT_GE(checked, 200);
}

TEST(DemoPlanTest, FeedbackOfEveryKindAndVisibilityWithinTheServiceRules) {
  const DemoPlan p = Make(42);
  ASSERT_EQ(p.feedback.size(), 300u);  // 1.5 per person.
  std::set<std::pair<FeedbackKind, Visibility>> seen;
  int anonymous = 0, linked = 0;
  for (const Feedback& f : p.feedback) {
    EXPECT_NE(f.author, f.recipient);
    seen.insert({f.kind, f.visibility});
    if (f.kind == FeedbackKind::kRecognition) {
      EXPECT_EQ(f.visibility, Visibility::kPublic);
    }
    if (f.kind == FeedbackKind::kConstructive) {
      EXPECT_NE(f.visibility, Visibility::kPublic);
    }
    if (f.kind == FeedbackKind::kRecognition) {
      EXPECT_FALSE(f.anonymous);
    }
    anonymous += f.anonymous;
    linked += f.objective >= 0;
    if (f.objective >= 0) {
      EXPECT_FALSE(p.objectives[static_cast<size_t>(f.objective)].private_visibility);
    }
    EXPECT_EQ(f.body.find("{name}"), std::string::npos);
  }
  // Praise: all three; constructive: private and manager; recognition: public.
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_GE(anonymous, 5);
  EXPECT_GE(linked, 30);
}

TEST(DemoPlanTest, RequestsAreAnsweredDeclinedAndLeftPending) {
  const DemoPlan p = Make(42);
  EXPECT_GE(p.requests.size(), 20u);
  std::map<Answer, int> answers;
  for (const FeedbackRequest& r : p.requests) {
    ASSERT_EQ(r.recipients.size(), r.responses.size());
    std::set<std::string> distinct(r.recipients.begin(), r.recipients.end());
    EXPECT_EQ(distinct.size(), r.recipients.size());
    EXPECT_FALSE(distinct.contains(r.requester));
    EXPECT_GE(r.due_in_days, 0);
    for (const auto& response : r.responses) {
      ++answers[response.answer];
      if (response.answer != Answer::kPending) {
        EXPECT_FALSE(response.text.empty());
      }
    }
  }
  EXPECT_GE(answers[Answer::kAnswered], 10);
  EXPECT_GE(answers[Answer::kDeclined], 2);
  EXPECT_GE(answers[Answer::kPending], 5);
}

TEST(DemoPlanTest, OneOnOnePerManagerAndReportWithNotesAndActions) {
  const DemoPlan p = Make(42);
  EXPECT_EQ(p.one_on_ones.size(), 199u);
  std::set<std::pair<std::string, std::string>> pairs;
  int with_notes = 0, private_notes = 0, report_items = 0, done = 0, overdue_actions = 0,
      never_met = 0;
  for (const OneOnOne& o : p.one_on_ones) {
    EXPECT_TRUE(pairs.insert({o.manager, o.report}).second);
    ASSERT_FALSE(o.agenda.empty());
    ASSERT_FALSE(o.actions.empty());
    with_notes += !o.shared_notes.empty();
    private_notes += !o.manager_private_notes.empty() + !o.report_private_notes.empty();
    never_met += o.last_met_days_ago < 0;
    for (const auto& a : o.agenda) report_items += a.by_report;
    for (const auto& a : o.actions) {
      done += a.done;
      overdue_actions += !a.done && a.due_in_days < 0;
    }
  }
  EXPECT_GE(with_notes, 150);
  EXPECT_GE(private_notes, 100);
  EXPECT_GE(report_items, 50);
  EXPECT_GE(done, 20);
  EXPECT_GE(overdue_actions, 10);
  EXPECT_GE(never_met, 2);
}

TEST(DemoPlanTest, AReviewCycleUnderWayWithSelfAndManagerAssessments) {
  const DemoPlan p = Make(42);
  const ReviewCycle& r = p.review_cycle;
  EXPECT_LT(r.start_date, kToday);
  EXPECT_GT(r.end_date, kToday);
  EXPECT_EQ(r.competencies.size(), 4u);
  EXPECT_EQ(r.participants.size(), 2u);
  int self = 0, manager = 0;
  std::set<std::pair<std::string, bool>> seen;
  for (const Assessment& a : r.assessments) {
    EXPECT_TRUE(seen.insert({a.reviewee, a.self}).second) << a.reviewee;
    (a.self ? self : manager) += 1;
    ASSERT_EQ(a.ratings.size(), r.competencies.size());
    for (int rating : a.ratings) {
      EXPECT_GE(rating, 1);
      EXPECT_LE(rating, 5);
    }
  }
  EXPECT_GE(self, 20);
  EXPECT_GE(manager, 10);
}

TEST(DemoPlanTest, SmallerAndLargerCompaniesAndImpossibleOnes) {
  const DemoPlan small = Make(1, 12, 4);
  EXPECT_EQ(small.people.size(), 12u);
  EXPECT_EQ(small.teams.size(), 4u);
  const DemoPlan large = Make(1, 1000, 60);
  EXPECT_EQ(large.people.size(), 1000u);
  EXPECT_EQ(large.teams.size(), 60u);
  std::set<std::string> ids;
  for (const Person& x : large.people) EXPECT_TRUE(ids.insert(x.id).second) << x.id;
  for (auto [people, teams] : {std::pair{200, 2}, std::pair{10, 20}, std::pair{1001, 20}}) {
    PlanOptions options;
    options.people = people;
    options.teams = teams;
    options.today = kToday;
    std::string error;
    MakePlan(options, &error);
    EXPECT_NE(error, "") << people << " people, " << teams << " teams";
  }
}

}  // namespace
}  // namespace okr::demo
