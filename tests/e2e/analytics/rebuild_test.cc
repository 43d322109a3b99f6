// Analytics end to end, the exactly-once property: after random workloads across goals and
// feedback (creates, check-ins, moves, archives, deletes, org changes, feedback of every kind and
// visibility, requests, one-on-ones), the aggregates analytics kept incrementally from the feeds
// equal those of a fresh analytics that rebuilt everything from the List calls, exactly; also
// when the incremental one was killed with SIGKILL in the middle and restarted, and when its
// feed streams were cut at random moments (connections reset by a proxy).
#include <signal.h>

#include <random>
#include <thread>

#include "tests/e2e/analytics/analytics_e2e.h"
#include "tests/support/tcp_proxy.h"

namespace okr::e2e {
namespace {

using google::protobuf::util::MessageDifferencer;

// What depends on the reading time rather than on the facts.
template <typename Summary>
void DropTimes(Summary& s) {
  s.clear_computed_time();
  s.clear_freshness();
}
void DropTimes(av1::GoalSummary& g) { g.clear_expected_progress(); }
void DropTimes(av1::EngagementMetrics& e) { e.clear_time_since_last_check_in(); }

class AnalyticsRebuildTest : public AnalyticsServersSuite {
 protected:
  void BuildOrg() {
    // Two levels of teams: org > (alpha > (alpha-1), beta).
    ov1::BatchUpsertTeamsRequest teams;
    auto team = [&](const std::string& id, const std::string& parent) {
      ov1::Team* t = teams.add_teams();
      t->set_name("teams/" + id);
      t->set_display_name(id);
      if (!parent.empty()) t->set_parent("teams/" + parent);
      team_ids_.push_back(id);
    };
    team("org", "");
    team("alpha", "org");
    team("alpha-1", "alpha");
    team("beta", "org");
    ov1::BatchUpsertTeamsResponse out;
    ASSERT_TRUE(org_stub_->BatchUpsertTeams(Ctx(Admin()).get(), teams, &out).ok());
    UpsertOrg({{"ceo", "", {"org"}},
               {"ann", "ceo", {"alpha"}},
               {"al1", "ann", {"alpha-1"}},
               {"al2", "ann", {"alpha-1"}},
               {"al3", "ann", {"alpha-1", "beta"}},
               {"bea", "ceo", {"beta"}},
               {"be1", "bea", {"beta"}},
               {"be2", "bea", {"beta"}}});
    people_ = {"ceo", "ann", "al1", "al2", "al3", "bea", "be1", "be2"};
    cycles_ = {CreateActiveCycle("Now", Date(2026, 10, 1), Date(2027, 3, 31)),
               CreateCycle("Next", Date(2027, 4, 1), Date(2027, 6, 30))};
  }

  // One random write; failures (a move that would make a cycle, a deleted target...) are part
  // of the workload and change nothing.
  void RandomWrite(std::mt19937& rng) {
    auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    const int op = static_cast<int>(rng() % 100);
    grpc::Status s;
    if (op < 15 || objectives_.empty()) {
      gv1::CreateObjectiveRequest request;
      gv1::Objective* o = request.mutable_objective();
      o->set_cycle(chance(85) ? cycles_[0] : cycles_[1]);
      o->set_title(absl::StrCat("Objective ", rng() % 1000));
      if (chance(30)) {
        o->set_owner_team("teams/" + pick(team_ids_));
        o->set_level(chance(20) ? gv1::OBJECTIVE_LEVEL_COMPANY : gv1::OBJECTIVE_LEVEL_TEAM);
      } else {
        o->set_owner_person("people/" + pick(people_));
        o->set_level(gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
      }
      if (chance(30)) o->set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
      if (!objectives_.empty() && chance(60)) o->set_parent(pick(objectives_));
      o->set_kind(chance(50) ? gv1::OBJECTIVE_KIND_ASPIRATIONAL : gv1::OBJECTIVE_KIND_COMMITTED);
      gv1::Objective out;
      s = goals_stub_->CreateObjective(Ctx(Admin()).get(), request, &out);
      if (s.ok()) objectives_.push_back(out.name());
    } else if (op < 30) {
      const std::string kr = CreateKeyResult(pick(objectives_), "", &s);
      if (!kr.empty()) key_results_.push_back(kr);
    } else if (op < 55 && !key_results_.empty()) {
      gv1::CreateCheckInRequest request;
      request.set_parent(pick(key_results_));
      request.mutable_check_in()->set_value(static_cast<double>(rng() % 140));
      request.mutable_check_in()->set_confidence(static_cast<int>(rng() % 11));
      gv1::CheckIn out;
      s = goals_stub_->CreateCheckIn(Ctx(Admin()).get(), request, &out);
    } else if (op < 62) {
      gv1::UpdateObjectiveRequest request;
      request.mutable_objective()->set_name(pick(objectives_));
      request.mutable_objective()->set_parent(chance(20) ? "" : pick(objectives_));
      request.mutable_update_mask()->add_paths("parent");
      gv1::Objective out;
      s = goals_stub_->UpdateObjective(Ctx(Admin()).get(), request, &out);
    } else if (op < 66) {
      gv1::UpdateObjectiveRequest request;
      request.mutable_objective()->set_name(pick(objectives_));
      request.mutable_objective()->set_state(chance(50) ? gv1::OBJECTIVE_STATE_ARCHIVED
                                                        : gv1::OBJECTIVE_STATE_ACTIVE);
      request.mutable_update_mask()->add_paths("state");
      gv1::Objective out;
      s = goals_stub_->UpdateObjective(Ctx(Admin()).get(), request, &out);
    } else if (op < 69) {
      gv1::DeleteObjectiveRequest request;
      request.set_name(pick(objectives_));
      google::protobuf::Empty out;
      s = goals_stub_->DeleteObjective(Ctx(Admin()).get(), request, &out);
    } else if (op < 71 && !key_results_.empty()) {
      gv1::DeleteKeyResultRequest request;
      request.set_name(pick(key_results_));
      google::protobuf::Empty out;
      s = goals_stub_->DeleteKeyResult(Ctx(Admin()).get(), request, &out);
    } else if (op < 86) {
      const std::string author = pick(people_);
      std::string recipient = pick(people_);
      if (recipient == author) recipient = author == "ceo" ? "ann" : "ceo";
      fv1::CreateFeedbackRequest request;
      fv1::Feedback* f = request.mutable_feedback();
      f->set_recipient("people/" + recipient);
      f->set_kind(static_cast<fv1::FeedbackKind>(1 + rng() % 3));
      f->set_visibility(static_cast<fv1::FeedbackVisibility>(1 + rng() % 3));
      f->set_anonymous(chance(30));
      f->set_body("Noticed your work");
      fv1::Feedback out;
      s = feedback_stub_->CreateFeedback(Ctx(Token(author)).get(), request, &out);
      if (s.ok()) feedback_.push_back({out.name(), author});
    } else if (op < 88 && !feedback_.empty()) {
      const auto [name, author] = pick(feedback_);
      fv1::DeleteFeedbackRequest request;
      request.set_name(name);
      google::protobuf::Empty out;
      s = feedback_stub_->DeleteFeedback(Ctx(Token(author)).get(), request, &out);
    } else if (op < 92) {
      const std::string asker = pick(people_);
      fv1::CreateFeedbackRequestRequest request;
      for (const std::string& p : people_) {
        if (p != asker && chance(30))
          request.mutable_feedback_request()->add_recipients("people/" + p);
      }
      fv1::FeedbackRequest out;
      s = feedback_stub_->CreateFeedbackRequest(Ctx(Token(asker)).get(), request, &out);
      if (s.ok()) requests_.push_back(out);
    } else if (op < 95 && !requests_.empty()) {
      const fv1::FeedbackRequest r = pick(requests_);
      fv1::DeclineFeedbackRequestRequest request;
      request.set_name(r.name());
      fv1::FeedbackRequest out;
      const std::string who = r.recipients(static_cast<int>(rng() % r.recipients_size()));
      s = feedback_stub_->DeclineFeedbackRequest(Ctx(Token(who.substr(7))).get(), request, &out);
    } else if (op < 97) {
      static const std::vector<std::pair<std::string, std::string>> pairs = {
          {"ceo", "ann"}, {"ann", "al1"}, {"ann", "al2"}, {"bea", "be1"}, {"ceo", "bea"}};
      const auto [manager, report] = pick(pairs);
      fv1::CreateOneOnOneRequest request;
      request.mutable_one_on_one()->set_manager("people/" + manager);
      request.mutable_one_on_one()->set_report("people/" + report);
      request.mutable_one_on_one()->set_cadence(fv1::ONE_ON_ONE_CADENCE_WEEKLY);
      fv1::OneOnOne out;
      s = feedback_stub_->CreateOneOnOne(Ctx(Token(manager)).get(), request, &out);
    } else {
      // A re-org: someone moves team.
      const std::string who = pick(std::vector<std::string>{"al3", "be1", "be2", "al2"});
      ov1::BatchUpsertPeopleRequest request;
      ov1::Person* p = request.add_people();
      p->set_name("people/" + who);
      p->set_display_name("Person " + who);
      p->set_email(who + "@example.com");
      p->set_manager(chance(50) ? "people/ann" : "people/bea");
      p->add_teams("teams/" + pick(team_ids_));
      ov1::BatchUpsertPeopleResponse out;
      s = org_stub_->BatchUpsertPeople(Ctx(Admin()).get(), request, &out);
    }
    ++writes_;
    if (s.ok()) ++accepted_;
  }

  // Every aggregate of the tenant as an admin reads it from `stub`, printed with the
  // time-dependent fields cleared; errors (a deleted objective) as their code.
  std::vector<std::string> Everything(av1::AnalyticsService::Stub& stub) {
    std::vector<std::string> out;
    const std::string admin = Admin();
    for (const std::string& cycle : cycles_) {
      for (const std::string& team : team_ids_) {
        for (bool sub : {false, true}) {
          grpc::Status s;
          av1::TeamSummary t = TeamSummary(admin, "teams/" + team, cycle, sub, &s, &stub);
          DropTimes(t);
          DropTimes(*t.mutable_goals());
          DropTimes(*t.mutable_engagement());
          out.push_back(absl::StrCat("team ", team, sub ? "+" : "", " ", cycle, ": ",
                                     s.ok() ? t.ShortDebugString() : absl::StrCat(s.error_code())));
        }
      }
      for (const std::string& person : people_) {
        av1::GetPersonSummaryRequest request;
        request.set_person("people/" + person);
        request.set_cycle(cycle);
        av1::PersonSummary p;
        grpc::Status s = stub.GetPersonSummary(Ctx(admin).get(), request, &p);
        DropTimes(p);
        DropTimes(*p.mutable_goals());
        DropTimes(*p.mutable_engagement());
        out.push_back(absl::StrCat("person ", person, " ", cycle, ": ",
                                   s.ok() ? p.ShortDebugString() : absl::StrCat(s.error_code())));
      }
      av1::GetCycleSummaryRequest request;
      request.set_cycle(cycle);
      av1::CycleSummary c;
      grpc::Status s = stub.GetCycleSummary(Ctx(admin).get(), request, &c);
      DropTimes(c);
      DropTimes(*c.mutable_goals());
      DropTimes(*c.mutable_engagement());
      out.push_back(absl::StrCat("cycle ", cycle, ": ",
                                 s.ok() ? c.ShortDebugString() : absl::StrCat(s.error_code())));
    }
    for (const std::string& objective : objectives_) {
      av1::GetObjectiveRollupRequest request;
      request.set_objective(objective);
      av1::ObjectiveRollup r;
      grpc::Status s = stub.GetObjectiveRollup(Ctx(admin).get(), request, &r);
      DropTimes(r);
      DropTimes(*r.mutable_subtree());
      out.push_back(absl::StrCat("rollup ", objective, ": ",
                                 s.ok() ? r.ShortDebugString() : absl::StrCat(s.error_code())));
    }
    return out;
  }

  // Waits until `incremental` answers exactly what a fresh analytics rebuilt from scratch
  // answers; fails with the first difference.
  void ExpectEqualToRebuild(av1::AnalyticsService::Stub& incremental,
                            test_support::ServiceProcess* process = nullptr) {
    test_support::TempDir fresh_dir;
    auto fresh = StartAnalytics(fresh_dir.path());
    ASSERT_NE(fresh, nullptr) << problem_;
    auto fresh_stub = av1::AnalyticsService::NewStub(fresh->channel());
    std::vector<std::string> want;
    std::vector<std::string> got;
    // Both follow the live feeds: wait until they agree (a wrong incremental never does).
    const bool equal = Eventually(
        [&] {
          want = Everything(*fresh_stub);
          got = Everything(incremental);
          return want == got;
        },
        absl::Seconds(20));
    if (!equal) {
      int shown = 0;
      for (size_t i = 0; i < want.size() && i < got.size() && shown < 3; ++i) {
        if (want[i] == got[i] || (shown > 0 && !want[i].starts_with("rollup"))) continue;
        ++shown;
        ADD_FAILURE() << "differs from the rebuild:\n rebuilt:     " << want[i]
                      << "\n incremental: " << got[i];
      }
    }
    EXPECT_TRUE(equal) << (process != nullptr ? process->Log() : analytics_->Log());
    std::cout << "[          ] " << want.size() << " aggregates equal to the rebuild after "
              << writes_ << " writes (" << accepted_ << " accepted)\n";
  }

  std::vector<std::string> team_ids_;
  std::vector<std::string> people_;
  std::vector<std::string> cycles_;
  std::vector<std::string> objectives_;
  std::vector<std::string> key_results_;
  std::vector<std::pair<std::string, std::string>> feedback_;
  std::vector<fv1::FeedbackRequest> requests_;
  int writes_ = 0;
  int accepted_ = 0;
};

TEST_F(AnalyticsRebuildTest, IncrementalAggregatesEqualARebuildAfterRandomWorkloads) {
  ASSERT_NO_FATAL_FAILURE(BuildOrg());
  // Analytics follows the tenant from its first read, before most of the writes.
  TeamSummary(Admin(), "teams/org", cycles_[0], true);
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed());
  for (int i = 0; i < 400; ++i) ASSERT_NO_FATAL_FAILURE(RandomWrite(rng));
  ExpectEqualToRebuild(*analytics_stub_);
}

TEST_F(AnalyticsRebuildTest, KilledMidFeedAndRestartedItCountsNothingTwice) {
  ASSERT_NO_FATAL_FAILURE(BuildOrg());
  test_support::TempDir dir;
  auto own = StartAnalytics(dir.path());
  ASSERT_NE(own, nullptr) << problem_;
  auto stub = av1::AnalyticsService::NewStub(own->channel());
  TeamSummary(Admin(), "teams/org", cycles_[0], true, nullptr, stub.get());
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed() + 1);
  for (int round = 0; round < 3; ++round) {
    // Writes go on while analytics dies in the middle of applying them.
    std::jthread writer([&] {
      for (int i = 0; i < 150; ++i) RandomWrite(rng);
    });
    absl::SleepFor(absl::Milliseconds(100 + 100 * round));
    ASSERT_TRUE(own->process().Signal(SIGKILL).ok());
    writer.join();
    own.reset();
    own = StartAnalytics(dir.path());
    ASSERT_NE(own, nullptr) << problem_;
    stub = av1::AnalyticsService::NewStub(own->channel());
  }
  ExpectEqualToRebuild(*stub, own.get());
}

TEST_F(AnalyticsRebuildTest, FeedStreamsCutAtRandomCountNothingTwice) {
  ASSERT_NO_FATAL_FAILURE(BuildOrg());
  auto goals_proxy = test_support::TcpProxy::Start(goals_->port());
  auto feedback_proxy = test_support::TcpProxy::Start(FeedbackServersSuite::feedback_->port());
  ASSERT_TRUE(goals_proxy.ok() && feedback_proxy.ok());
  test_support::TempDir dir;
  auto own = StartAnalytics(
      dir.path(), {"--goals-address", absl::StrCat("127.0.0.1:", (*goals_proxy)->port()),
                   "--feedback-address", absl::StrCat("127.0.0.1:", (*feedback_proxy)->port())});
  ASSERT_NE(own, nullptr) << problem_;
  auto stub = av1::AnalyticsService::NewStub(own->channel());
  TeamSummary(Admin(), "teams/org", cycles_[0], true, nullptr, stub.get());
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed() + 2);
  const int64_t connected = (*goals_proxy)->accepted() + (*feedback_proxy)->accepted();
  auto reconnects = [&] {
    return (*goals_proxy)->accepted() + (*feedback_proxy)->accepted() - connected;
  };
  {
    // Stopped and joined on every way out of this block, failed assertions included.
    std::jthread cutter([&, seed = rng()](std::stop_token stop) {
      std::mt19937 cut_rng(seed);
      while (!stop.stop_requested()) {
        absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(2, 30)(cut_rng)));
        ((cut_rng() & 1) ? *goals_proxy : *feedback_proxy)->ResetAll();
      }
    });
    // At least 300 writes, and on until the feeds were cut and made again a few times (each
    // reconnection follows a backoff of 100 ms and up, so fast writes can outrun them).
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    for (int i = 0; i < 300 || (reconnects() < 3 && absl::Now() < give_up); ++i) {
      ASSERT_NO_FATAL_FAILURE(RandomWrite(rng));
    }
  }
  // Every cut connection was made again by analytics' feeds.
  std::cout << "[          ] " << reconnects()
            << " feed reconnections after cuts during the writes\n";
  EXPECT_GE(reconnects(), 3);
  ExpectEqualToRebuild(*stub, own.get());
}

}  // namespace
}  // namespace okr::e2e
