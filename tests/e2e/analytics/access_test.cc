// Analytics end to end, who reads what: PRIVATE objectives count everywhere but are named only to
// their readers, a person's figures are for the person, their managers and admins, and
// anonymous or upward feedback is published only for enough distinct authors.
#include "tests/e2e/analytics/analytics_e2e.h"

namespace okr::e2e {
namespace {

class AnalyticsAccessTest : public AnalyticsServersSuite {
 protected:
  void SetUp() override {
    AnalyticsServersSuite::SetUp();
    UpsertOrg({{"boss", "", {"all"}},
               {"ann", "boss", {"all"}},
               {"bob", "ann", {"all"}},
               {"cid", "ann", {"all"}},
               {"dan", "ann", {"all"}},
               {"eve", "boss", {"all"}}});
    cycle_ = CreateActiveCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  }

  av1::ObjectiveRollup Rollup(const std::string& token, const std::string& objective,
                              grpc::Status* status) {
    av1::GetObjectiveRollupRequest request;
    request.set_objective(objective);
    av1::ObjectiveRollup out;
    *status =
        analytics_stub_->GetObjectiveRollup(Ctx(token, absl::Seconds(30)).get(), request, &out);
    return out;
  }

  av1::PersonSummary Person(const std::string& token, const std::string& person,
                            grpc::Status* status) {
    av1::GetPersonSummaryRequest request;
    request.set_person("people/" + person);
    request.set_cycle(cycle_);
    av1::PersonSummary out;
    *status = analytics_stub_->GetPersonSummary(Ctx(token, absl::Seconds(30)).get(), request, &out);
    return out;
  }

  std::string cycle_;
};

TEST_F(AnalyticsAccessTest, PrivateObjectivesCountButAreNamedOnlyToTheirReaders) {
  const std::string root = CreateObjective(cycle_, "ann", "Public root");
  const std::string secret = CreateObjective(cycle_, "bob", "Secret plan", /*is_private=*/true);
  const std::string open = CreateObjective(cycle_, "cid", "Open plan");
  for (const std::string& child : {secret, open}) {
    gv1::UpdateObjectiveRequest request;
    request.mutable_objective()->set_name(child);
    request.mutable_objective()->set_parent(root);
    request.mutable_update_mask()->add_paths("parent");
    gv1::Objective out;
    ASSERT_TRUE(goals_stub_->UpdateObjective(Ctx(Admin()).get(), request, &out).ok());
  }
  grpc::Status s;
  // Wait until analytics has both children.
  ASSERT_TRUE(Eventually([&] { return Rollup(Admin(), root, &s).child_count() == 2; }));

  // eve is no reader of bob's objective: it counts, unnamed.
  av1::ObjectiveRollup seen_by_eve = Rollup(Token("eve"), root, &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(seen_by_eve.subtree().objective_count(), 3);
  EXPECT_EQ(seen_by_eve.subtree().hidden_objective_count(), 1);
  EXPECT_EQ(seen_by_eve.child_count(), 2);
  EXPECT_EQ(seen_by_eve.hidden_child_count(), 1);
  ASSERT_EQ(seen_by_eve.children_size(), 1);
  EXPECT_EQ(seen_by_eve.children(0).objective(), open);
  EXPECT_EQ(seen_by_eve.ShortDebugString().find("Secret"), std::string::npos);
  EXPECT_EQ(seen_by_eve.ShortDebugString().find(secret.substr(11)), std::string::npos);
  // The same answer again comes from memory, and still hides it from eve.
  av1::ObjectiveRollup again = Rollup(Token("eve"), root, &s);
  EXPECT_EQ(again.freshness().source(), av1::VALUE_SOURCE_MEMORY);
  EXPECT_EQ(again.children_size(), 1);
  // bob's manager chain and the owner see it named.
  for (const char* reader : {"bob", "ann", "boss"}) {
    av1::ObjectiveRollup seen = Rollup(Token(std::string(reader)), root, &s);
    EXPECT_EQ(seen.hidden_child_count(), 0) << reader;
    EXPECT_EQ(seen.children_size(), 2) << reader;
  }
  // The PRIVATE objective's own roll-up does not exist for eve.
  Rollup(Token("eve"), secret, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "OBJECTIVE_NOT_FOUND");
  Rollup(Token("ann"), secret, &s);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // Team and cycle summaries count it for everyone and hide it from eve.
  const av1::TeamSummary team = TeamSummary(Token("eve"), "teams/all", cycle_);
  EXPECT_EQ(team.goals().objective_count(), 3);
  EXPECT_EQ(team.goals().hidden_objective_count(), 1);
  EXPECT_EQ(TeamSummary(Admin(), "teams/all", cycle_).goals().hidden_objective_count(), 0);
}

TEST_F(AnalyticsAccessTest, PersonFiguresAreForThePersonTheirManagersAndAdmins) {
  CreateObjective(cycle_, "bob", "Mine");
  grpc::Status s;
  for (const char* reader : {"bob", "ann", "boss"}) {
    const av1::PersonSummary p = Person(Token(std::string(reader)), "bob", &s);
    EXPECT_TRUE(s.ok()) << reader << ": " << s.error_message();
  }
  Person(Admin(), "bob", &s);
  EXPECT_TRUE(s.ok()) << s.error_message();
  for (const char* reader : {"cid", "eve"}) {
    Person(Token(std::string(reader)), "bob", &s);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << reader;
    EXPECT_EQ(FeedbackReason(s), "PERSON_FIGURES_DENIED");
  }
  av1::GetEngagementRequest request;
  request.set_cycle(cycle_);
  request.set_person("people/bob");
  av1::Engagement out;
  s = analytics_stub_->GetEngagement(Ctx(Token("eve")).get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Person(Token("bob"), "nobody", &s);
  EXPECT_EQ(FeedbackReason(s), "PERSON_NOT_FOUND");
}

TEST_F(AnalyticsAccessTest, AnonymousAndUpwardFeedbackNeedThreeDistinctAuthors) {
  // ann's reports give her upward feedback; two anonymous notes come from bob.
  GiveFeedback("bob", "ann", fv1::FEEDBACK_KIND_CONSTRUCTIVE, fv1::FEEDBACK_VISIBILITY_PRIVATE,
               /*anonymous=*/true);
  GiveFeedback("bob", "ann", fv1::FEEDBACK_KIND_PRAISE, fv1::FEEDBACK_VISIBILITY_PRIVATE, true);
  GiveFeedback("cid", "ann", fv1::FEEDBACK_KIND_PRAISE, fv1::FEEDBACK_VISIBILITY_MANAGER);
  GiveFeedback("eve", "ann", fv1::FEEDBACK_KIND_RECOGNITION, fv1::FEEDBACK_VISIBILITY_PUBLIC);
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    const av1::PersonSummary p = Person(Token("boss"), "ann", &s);
    return p.engagement().feedback_received().attributed().recognition_count() == 1;
  }));
  av1::PersonSummary p = Person(Token("boss"), "ann", &s);
  const av1::ProtectedFeedbackCounts& hidden =
      p.engagement().feedback_received().anonymous_or_upward();
  EXPECT_TRUE(hidden.not_enough_responses());
  EXPECT_EQ(hidden.min_author_count(), 3);
  EXPECT_EQ(hidden.author_count(), 0);
  EXPECT_FALSE(hidden.has_counts());

  // A third distinct author publishes the counts (two pseudonymous authors and cid).
  GiveFeedback("dan", "ann", fv1::FEEDBACK_KIND_PRAISE, fv1::FEEDBACK_VISIBILITY_PRIVATE, true);
  ASSERT_TRUE(Eventually([&] {
    return !Person(Token("boss"), "ann", &s)
                .engagement()
                .feedback_received()
                .anonymous_or_upward()
                .not_enough_responses();
  })) << analytics_->Log();
  p = Person(Token("ann"), "ann", &s);
  const av1::ProtectedFeedbackCounts& published =
      p.engagement().feedback_received().anonymous_or_upward();
  EXPECT_EQ(published.author_count(), 3);
  EXPECT_EQ(published.counts().praise_count(), 3);
  EXPECT_EQ(published.counts().constructive_count(), 1);
  EXPECT_EQ(p.engagement().feedback_received().attributed().recognition_count(), 1);
  // No author is named anywhere in what analytics answers.
  for (const char* name : {"people/bob", "people/dan"}) {
    EXPECT_EQ(p.ShortDebugString().find(name), std::string::npos);
  }
  // The records analytics rebuilds from (pseudonymous authors) are for service identities only.
  fv1::ListFeedbackRequest records;
  records.set_as_records(true);
  fv1::ListFeedbackResponse listed;
  s = feedback_stub_->ListFeedback(Ctx(Admin()).get(), records, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(s), "RECORDS_FOR_SERVICES_ONLY");
  s = feedback_stub_->ListFeedback(Ctx(Token("svc", {"service-reader"})).get(), records, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(listed.feedback_size(), 0);
  ASSERT_EQ(listed.records_size(), 5);
  for (const fv1::FeedbackRecord& r : listed.records()) {
    EXPECT_FALSE(r.author_key().empty());
    if (r.feedback().anonymous()) {
      EXPECT_TRUE(r.feedback().author().empty());
    }
  }

  // One person's given feedback is one author: never published.
  const av1::PersonSummary cid = Person(Token("cid"), "cid", &s);
  EXPECT_TRUE(cid.engagement().feedback_given().anonymous_or_upward().not_enough_responses());
}

}  // namespace
}  // namespace okr::e2e
