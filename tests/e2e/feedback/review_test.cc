// Review cycles end to end: real okr-goals and okr-feedback processes, a graded goals cycle, the
// goal scores each reader sees, assessments and their finality, and the input checks.
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "tests/e2e/feedback/feedback_e2e.h"

namespace okr::e2e {
namespace {

using grpc::StatusCode;

google::type::Date DayFromToday(int days) {
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days;
  return Date(static_cast<int>(day.year()), day.month(), day.day());
}

class ReviewTest : public FeedbackServersSuite {
 protected:
  void SetUp() override {
    FeedbackServersSuite::SetUp();
    // ceo <- lead <- dev, peer (team eng); ops is people operations (role hr).
    ASSERT_NO_FATAL_FAILURE(UpsertOrg({{"ceo", "", {}},
                                       {"lead", "ceo", {"eng"}},
                                       {"dev", "lead", {"eng"}},
                                       {"peer", "lead", {"eng"}},
                                       {"ops", "ceo", {}}}));
  }

  std::string Hr() const { return Token("ops", {"hr"}); }

  // A cycle definition: two competencies on a 1..5 scale.
  fv1::ReviewCycle Definition(const std::string& goals_cycle, const google::type::Date& start,
                              const google::type::Date& end,
                              const std::vector<std::string>& participants) {
    fv1::ReviewCycle cycle;
    cycle.set_display_name("H2 review");
    cycle.set_goals_cycle(goals_cycle);
    *cycle.mutable_start_date() = start;
    *cycle.mutable_end_date() = end;
    cycle.mutable_rating_scale()->set_min_rating(1);
    cycle.mutable_rating_scale()->set_max_rating(5);
    fv1::RatingLabel* meets = cycle.mutable_rating_scale()->add_labels();
    meets->set_rating(3);
    meets->set_label("Meets expectations");
    fv1::RatingLabel* low = cycle.mutable_rating_scale()->add_labels();
    low->set_rating(1);
    low->set_label("Below");
    for (const char* id : {"craft", "impact"}) {
      fv1::Competency* c = cycle.add_competencies();
      c->set_id(id);
      c->set_display_name(std::string("About ") + id);
    }
    for (const std::string& p : participants) cycle.add_participants(p);
    return cycle;
  }

  grpc::Status CreateReviewCycle(const std::string& token, const fv1::ReviewCycle& cycle,
                                 fv1::ReviewCycle* out, const std::string& request_id = "") {
    fv1::CreateReviewCycleRequest request;
    *request.mutable_review_cycle() = cycle;
    request.set_request_id(request_id);
    return feedback_stub_->CreateReviewCycle(Ctx(token).get(), request, out);
  }

  grpc::Status GetReview(const std::string& token, const std::string& name, fv1::Review* out) {
    fv1::GetReviewRequest request;
    request.set_name(name);
    out->Clear();
    return feedback_stub_->GetReview(Ctx(token).get(), request, out);
  }

  fv1::Review Review(const std::string& token, const std::string& name) {
    fv1::Review review;
    grpc::Status s = GetReview(token, name, &review);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return review;
  }

  fv1::SubmitAssessmentRequest Assessment(const std::string& review, fv1::AssessmentKind kind,
                                          int craft, int impact) {
    fv1::SubmitAssessmentRequest request;
    request.set_name(review);
    request.set_kind(kind);
    // Given in the reverse of the cycle's order: the stored assessment follows the cycle's.
    fv1::CompetencyRating* i = request.add_ratings();
    i->set_competency("impact");
    i->set_rating(impact);
    fv1::CompetencyRating* c = request.add_ratings();
    c->set_competency("craft");
    c->set_rating(craft);
    c->set_comment("Clean, tested code");
    request.set_overall_rating(3);
    request.set_comments("A good half year");
    return request;
  }

  grpc::Status Submit(const std::string& token, const fv1::SubmitAssessmentRequest& request,
                      fv1::Review* out) {
    out->Clear();
    return feedback_stub_->SubmitAssessment(Ctx(token).get(), request, out);
  }

  // An ACTIVE individual objective of `owner`, created by the owner's manager chain (admin).
  std::string ActiveObjective(const std::string& cycle, const std::string& owner,
                              const std::string& title, bool is_private) {
    gv1::CreateObjectiveRequest request;
    gv1::Objective* o = request.mutable_objective();
    o->set_cycle(cycle);
    o->set_owner_person("people/" + owner);
    o->set_title(title);
    o->set_level(gv1::OBJECTIVE_LEVEL_INDIVIDUAL);
    o->set_state(gv1::OBJECTIVE_STATE_ACTIVE);
    if (is_private) o->set_visibility(gv1::OBJECTIVE_VISIBILITY_PRIVATE);
    gv1::Objective out;
    grpc::Status s = goals_stub_->CreateObjective(Ctx(Admin()).get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  // A NUMERIC key result 0 -> 10 with one check-in at `value`; returns the objective's progress
  // contribution through goals' own roll-up.
  void KeyResultAt(const std::string& objective, double value) {
    gv1::CreateKeyResultRequest request;
    request.set_parent(objective);
    gv1::KeyResult* kr = request.mutable_key_result();
    kr->set_title("Endpoints shipped");
    kr->set_type(gv1::KEY_RESULT_TYPE_NUMERIC);
    kr->set_direction(gv1::KEY_RESULT_DIRECTION_INCREASE);
    kr->set_start_value(0);
    kr->set_target_value(10);
    gv1::KeyResult created;
    grpc::Status s = goals_stub_->CreateKeyResult(Ctx(Admin()).get(), request, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
    gv1::CreateCheckInRequest check_in;
    check_in.set_parent(created.name());
    check_in.mutable_check_in()->set_value(value);
    check_in.mutable_check_in()->set_confidence(7);
    gv1::CheckIn out;
    s = goals_stub_->CreateCheckIn(Ctx(Token("dev")).get(), check_in, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Grade(const std::string& objective, double score) {
    gv1::UpdateObjectiveRequest request;
    request.mutable_objective()->set_name(objective);
    request.mutable_objective()->set_score(score);
    request.mutable_update_mask()->add_paths("score");
    gv1::Objective out;
    grpc::Status s = goals_stub_->UpdateObjective(Ctx(Admin()).get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void CloseGoalsCycle(const std::string& cycle) {
    gv1::CloseCycleRequest request;
    request.set_name(cycle);
    gv1::Cycle out;
    grpc::Status s = goals_stub_->CloseCycle(Ctx(Admin()).get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Gives feedback to dev; false when CreateFeedback is not implemented yet.
  bool GiveFeedback(const std::string& author, fv1::FeedbackKind kind,
                    fv1::FeedbackVisibility visibility, bool anonymous) {
    fv1::CreateFeedbackRequest request;
    fv1::Feedback* f = request.mutable_feedback();
    f->set_recipient("people/dev");
    f->set_kind(kind);
    f->set_visibility(visibility);
    f->set_anonymous(anonymous);
    f->set_body("Thanks for the reviews of my changes");
    fv1::Feedback out;
    grpc::Status s = feedback_stub_->CreateFeedback(Ctx(Token(author)).get(), request, &out);
    if (s.error_code() == StatusCode::UNIMPLEMENTED) return false;
    EXPECT_TRUE(s.ok()) << s.error_message();
    return true;
  }

  static std::vector<std::string> Titles(const fv1::Review& review) {
    std::vector<std::string> titles;
    for (const fv1::GoalScore& g : review.goal_scores()) titles.push_back(g.title());
    return titles;
  }
};

TEST_F(ReviewTest, ReviewAssemblesGoalScoresOfAGradedCycleAsEachReaderMaySeeThem) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-60), DayFromToday(40));
  ASSERT_FALSE(goals_cycle.empty());
  const std::string api = ActiveObjective(goals_cycle, "dev", "Ship the API", false);
  const std::string rust = ActiveObjective(goals_cycle, "dev", "Learn Rust", true);
  const std::string draft = CreateObjective(goals_cycle, "dev", "A draft idea");
  ActiveObjective(goals_cycle, "peer", "Peer's own", false);
  ASSERT_NO_FATAL_FAILURE(KeyResultAt(api, 5));

  fv1::ReviewCycle cycle;
  ASSERT_TRUE(CreateReviewCycle(Admin(),
                                Definition(goals_cycle, DayFromToday(-2), DayFromToday(20),
                                           {"people/dev", "people/peer"}),
                                &cycle)
                  .ok());
  EXPECT_EQ(cycle.state(), fv1::REVIEW_CYCLE_STATE_ACTIVE);
  EXPECT_EQ(cycle.review_count(), 2);
  const std::string name = cycle.name() + "/reviews/dev";

  // Live scores before the goals cycle closes: progress from the check-in, no score yet. The
  // DRAFT objective is not reviewed.
  fv1::Review live = Review(Token("lead"), name);
  EXPECT_EQ(live.reviewee(), "people/dev");
  EXPECT_EQ(live.reviewer(), "people/lead");
  EXPECT_EQ(live.state(), fv1::REVIEW_STATE_PENDING);
  ASSERT_EQ(Titles(live), (std::vector<std::string>{"Learn Rust", "Ship the API"}));
  EXPECT_NEAR(live.goal_scores(1).progress(), 0.5, 1e-9);
  EXPECT_FALSE(live.goal_scores(1).has_score());
  EXPECT_TRUE(live.has_goal_scores_time());
  EXPECT_EQ(live.hidden_goal_count(), 0);

  // Graded: closing scores every objective at its progress (the draft too, and it becomes
  // CLOSED); an admin then overrides one grade.
  ASSERT_NO_FATAL_FAILURE(CloseGoalsCycle(goals_cycle));
  ASSERT_NO_FATAL_FAILURE(Grade(rust, 0.8));
  fv1::Review graded = Review(Token("lead"), name);
  ASSERT_EQ(Titles(graded),
            (std::vector<std::string>{"A draft idea", "Learn Rust", "Ship the API"}));
  EXPECT_EQ(graded.goal_scores(0).objective(), draft);
  EXPECT_EQ(graded.goal_scores(1).objective(), rust);
  EXPECT_NEAR(graded.goal_scores(1).score(), 0.8, 1e-9);
  EXPECT_EQ(graded.goal_scores(2).objective(), api);
  EXPECT_NEAR(graded.goal_scores(2).progress(), 0.5, 1e-9);
  ASSERT_TRUE(graded.goal_scores(2).has_score());
  EXPECT_NEAR(graded.goal_scores(2).score(), 0.5, 1e-9);
  EXPECT_NEAR(graded.goal_scores(2).success_threshold(), 1.0, 1e-9);
  EXPECT_NE(graded.etag(), live.etag()) << "a refresh of the scores moves the etag";

  // hr reads the review but not the PRIVATE objective: it is counted, never named.
  fv1::Review for_hr = Review(Hr(), name);
  EXPECT_EQ(Titles(for_hr), (std::vector<std::string>{"A draft idea", "Ship the API"}));
  EXPECT_EQ(for_hr.hidden_goal_count(), 1);
  EXPECT_EQ(for_hr.etag(), graded.etag()) << "one version, whoever reads it";
  // The reviewee and the skip-level manager see their own / their report's PRIVATE objective.
  EXPECT_EQ(Review(Token("dev"), name).hidden_goal_count(), 0);
  EXPECT_EQ(Review(Token("ceo"), name).hidden_goal_count(), 0);
  // Others learn nothing, exactly as for a review that does not exist.
  fv1::Review none;
  grpc::Status hidden = GetReview(Token("peer"), name, &none);
  EXPECT_EQ(hidden.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(hidden), "REVIEW_NOT_FOUND");
  grpc::Status missing = GetReview(Token("lead"), cycle.name() + "/reviews/nobody", &none);
  EXPECT_EQ(missing.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(missing), "REVIEW_NOT_FOUND");
}

TEST_F(ReviewTest, AssessmentsAreFinalAndTheRevieweeWaitsForTheCloseToReadTheManagers) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-60), DayFromToday(40));
  const std::string api = ActiveObjective(goals_cycle, "dev", "Ship the API", false);
  ASSERT_NO_FATAL_FAILURE(KeyResultAt(api, 2));
  fv1::ReviewCycle cycle;
  ASSERT_TRUE(CreateReviewCycle(Admin(),
                                Definition(goals_cycle, DayFromToday(-1), DayFromToday(10),
                                           {"teams/eng", "people/ceo"}),
                                &cycle)
                  .ok());
  const std::string name = cycle.name() + "/reviews/dev";
  fv1::Review review;

  // Who may submit what.
  EXPECT_EQ(Submit(Token("lead"), Assessment(name, fv1::ASSESSMENT_KIND_SELF, 3, 3), &review)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  grpc::Status denied =
      Submit(Token("dev"), Assessment(name, fv1::ASSESSMENT_KIND_MANAGER, 3, 3), &review);
  EXPECT_EQ(denied.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(denied), "ASSESSMENT_SUBMIT_DENIED");
  EXPECT_EQ(
      Submit(Admin(), Assessment(name, fv1::ASSESSMENT_KIND_MANAGER, 3, 3), &review).error_code(),
      StatusCode::PERMISSION_DENIED)
      << "an admin stands in only when there is no reviewer";
  EXPECT_EQ(Submit(Token("peer"), Assessment(name, fv1::ASSESSMENT_KIND_SELF, 3, 3), &review)
                .error_code(),
            StatusCode::NOT_FOUND);

  // Ratings must fit the cycle.
  fv1::SubmitAssessmentRequest bad = Assessment(name, fv1::ASSESSMENT_KIND_SELF, 0, 3);
  bad.add_ratings()->set_competency("speed");
  bad.mutable_ratings(2)->set_rating(3);
  grpc::Status invalid = Submit(Token("dev"), bad, &review);
  EXPECT_EQ(invalid.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackFields(invalid),
            (std::vector<std::string>{"ratings[1].rating", "ratings[2].competency"}));
  fv1::SubmitAssessmentRequest partial = Assessment(name, fv1::ASSESSMENT_KIND_SELF, 3, 3);
  partial.mutable_ratings()->RemoveLast();
  partial.set_overall_rating(9);
  EXPECT_EQ(FeedbackFields(Submit(Token("dev"), partial, &review)),
            (std::vector<std::string>{"ratings", "overall_rating"}));

  // The self assessment: stored in the cycle's competency order, final.
  fv1::SubmitAssessmentRequest self = Assessment(name, fv1::ASSESSMENT_KIND_SELF, 4, 2);
  self.set_request_id("6f1c2c8e-3c5e-4c55-9a0b-0c7a4f1f5a01");
  ASSERT_TRUE(Submit(Token("dev"), self, &review).ok());
  EXPECT_EQ(review.state(), fv1::REVIEW_STATE_SELF_SUBMITTED);
  ASSERT_EQ(review.self_assessment().ratings_size(), 2);
  EXPECT_EQ(review.self_assessment().ratings(0).competency(), "craft");
  EXPECT_EQ(review.self_assessment().ratings(0).rating(), 4);
  EXPECT_EQ(review.self_assessment().author(), "people/dev");
  EXPECT_EQ(review.self_assessment().overall_rating(), 3);
  EXPECT_TRUE(review.self_assessment().has_submit_time());
  const std::string after_self = review.etag();
  fv1::Review again;
  ASSERT_TRUE(Submit(Token("dev"), self, &again).ok()) << "a repeated request id replays";
  EXPECT_EQ(again.self_assessment().SerializeAsString(),
            review.self_assessment().SerializeAsString());
  grpc::Status twice =
      Submit(Token("dev"), Assessment(name, fv1::ASSESSMENT_KIND_SELF, 1, 1), &again);
  EXPECT_EQ(twice.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FeedbackReason(twice), "ASSESSMENT_ALREADY_SUBMITTED");

  // The manager assessment: a stale etag is refused; then it freezes the goal scores.
  fv1::SubmitAssessmentRequest manager = Assessment(name, fv1::ASSESSMENT_KIND_MANAGER, 3, 4);
  manager.set_etag(Review(Token("lead"), name).etag());
  const std::string before_edit = manager.etag();
  EXPECT_EQ(before_edit, after_self);
  fv1::SubmitAssessmentRequest stale = manager;
  stale.set_etag("\"1\"");
  grpc::Status aborted = Submit(Token("lead"), stale, &review);
  EXPECT_EQ(aborted.error_code(), StatusCode::ABORTED);
  ASSERT_TRUE(Submit(Token("lead"), manager, &review).ok());
  EXPECT_EQ(review.state(), fv1::REVIEW_STATE_COMPLETED);
  EXPECT_EQ(review.manager_assessment().author(), "people/lead");
  ASSERT_EQ(review.goal_scores_size(), 1);
  EXPECT_NEAR(review.goal_scores(0).progress(), 0.2, 1e-9);
  const auto frozen_at = review.goal_scores_time().seconds();

  // Goals moves on; the review keeps the scores frozen at the manager's assessment.
  ASSERT_NO_FATAL_FAILURE(KeyResultAt(api, 9));
  fv1::Review for_lead = Review(Token("lead"), name);
  ASSERT_EQ(for_lead.goal_scores_size(), 1);
  EXPECT_NEAR(for_lead.goal_scores(0).progress(), 0.2, 1e-9);
  EXPECT_EQ(for_lead.goal_scores_time().seconds(), frozen_at);
  EXPECT_TRUE(for_lead.has_manager_assessment());
  EXPECT_EQ(for_lead.manager_assessment().ratings(1).rating(), 4);

  // The reviewee sees that it is complete but not what the manager wrote until the cycle closes;
  // their managers, hr and admins read it.
  fv1::Review for_dev = Review(Token("dev"), name);
  EXPECT_EQ(for_dev.state(), fv1::REVIEW_STATE_COMPLETED);
  EXPECT_TRUE(for_dev.has_self_assessment());
  EXPECT_FALSE(for_dev.has_manager_assessment());
  EXPECT_TRUE(Review(Token("ceo"), name).has_manager_assessment());
  EXPECT_TRUE(Review(Hr(), name).has_manager_assessment());
  EXPECT_TRUE(Review(Admin(), name).has_manager_assessment());
  grpc::Status final_manager = Submit(Token("lead"), manager, &again);
  EXPECT_EQ(FeedbackReason(final_manager), "ASSESSMENT_ALREADY_SUBMITTED");

  // The top of the org has no reviewer: an admin submits the manager assessment.
  const std::string top = cycle.name() + "/reviews/ceo";
  EXPECT_EQ(Review(Admin(), top).reviewer(), "");
  ASSERT_TRUE(Submit(Admin(), Assessment(top, fv1::ASSESSMENT_KIND_MANAGER, 5, 5), &review).ok());
  EXPECT_EQ(review.manager_assessment().author(), "people/admin");
}

TEST_F(ReviewTest, FeedbackSummaryCountsWhatTheCallerMayReadAndAuthorsWithoutNamingThem) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-60), DayFromToday(40));
  fv1::ReviewCycle cycle;
  ASSERT_TRUE(
      CreateReviewCycle(Admin(),
                        Definition(goals_cycle, DayFromToday(-1), DayFromToday(10), {"people/dev"}),
                        &cycle)
          .ok());
  const std::string name = cycle.name() + "/reviews/dev";
  if (!GiveFeedback("peer", fv1::FEEDBACK_KIND_PRAISE, fv1::FEEDBACK_VISIBILITY_PUBLIC, false)) {
    GTEST_SKIP() << "CreateFeedback is not implemented yet";
  }
  ASSERT_TRUE(GiveFeedback("peer", fv1::FEEDBACK_KIND_CONSTRUCTIVE,
                           fv1::FEEDBACK_VISIBILITY_MANAGER, true));
  ASSERT_TRUE(
      GiveFeedback("ceo", fv1::FEEDBACK_KIND_RECOGNITION, fv1::FEEDBACK_VISIBILITY_PUBLIC, false));
  ASSERT_TRUE(GiveFeedback("lead", fv1::FEEDBACK_KIND_CONSTRUCTIVE,
                           fv1::FEEDBACK_VISIBILITY_PRIVATE, false));

  const fv1::FeedbackSummary mine = Review(Token("dev"), name).feedback_summary();
  EXPECT_EQ(mine.praise_count(), 1);
  EXPECT_EQ(mine.constructive_count(), 2);
  EXPECT_EQ(mine.recognition_count(), 1);
  EXPECT_EQ(mine.author_count(), 3) << "peer wrote twice, once anonymously";
  EXPECT_EQ(mine.feedback_size(), 4);
  EXPECT_EQ(mine.answered_request_count(), 0);
  // hr reads MANAGER and PUBLIC feedback, not PRIVATE.
  const fv1::FeedbackSummary for_hr = Review(Hr(), name).feedback_summary();
  EXPECT_EQ(for_hr.feedback_size(), 3);
  EXPECT_EQ(for_hr.author_count(), 2);
  // The newest comes first: the list of what dev reads ends with the first feedback.
  EXPECT_EQ(mine.feedback(0), Review(Token("lead"), name).feedback_summary().feedback(0));
}

TEST_F(ReviewTest, CyclesOutsideTheirDatesTakeNoAssessments) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-200), DayFromToday(40));
  fv1::ReviewCycle past;
  ASSERT_TRUE(CreateReviewCycle(
                  Admin(),
                  Definition(goals_cycle, DayFromToday(-90), DayFromToday(-1), {"people/dev"}),
                  &past)
                  .ok());
  EXPECT_EQ(past.state(), fv1::REVIEW_CYCLE_STATE_CLOSED);
  fv1::ReviewCycle future;
  ASSERT_TRUE(
      CreateReviewCycle(Admin(),
                        Definition(goals_cycle, DayFromToday(1), DayFromToday(30), {"people/dev"}),
                        &future)
          .ok());
  EXPECT_EQ(future.state(), fv1::REVIEW_CYCLE_STATE_SCHEDULED);

  const std::string closed = past.name() + "/reviews/dev";
  EXPECT_EQ(Review(Token("dev"), closed).state(), fv1::REVIEW_STATE_INCOMPLETE);
  EXPECT_EQ(Review(Token("dev"), future.name() + "/reviews/dev").state(),
            fv1::REVIEW_STATE_PENDING);
  fv1::Review review;
  for (const std::string& cycle : {past.name(), future.name()}) {
    grpc::Status s = Submit(
        Token("dev"), Assessment(cycle + "/reviews/dev", fv1::ASSESSMENT_KIND_SELF, 3, 3), &review);
    EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION) << cycle;
    EXPECT_EQ(FeedbackReason(s), "REVIEW_CYCLE_NOT_ACTIVE") << cycle;
  }
}

TEST_F(ReviewTest, CreateReviewCycleChecksTheCallerThenEveryField) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-60), DayFromToday(40));
  fv1::ReviewCycle out;
  fv1::ReviewCycle empty;
  grpc::Status denied = CreateReviewCycle(Token("lead"), empty, &out);
  EXPECT_EQ(denied.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(denied), "REVIEW_CYCLE_WRITE_DENIED");

  fv1::ReviewCycle bad = Definition(goals_cycle, DayFromToday(0), DayFromToday(400),
                                    {"people/dev", "robots/r2", "teams/eng", "people/dev"});
  bad.set_display_name("  ");
  bad.mutable_rating_scale()->set_max_rating(101);
  bad.mutable_rating_scale()->mutable_labels(1)->set_rating(3);
  bad.mutable_competencies(1)->set_id("craft");
  bad.add_competencies()->set_id("Bad Id");
  grpc::Status invalid = CreateReviewCycle(Admin(), bad, &out);
  EXPECT_EQ(invalid.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackReason(invalid), "INVALID_REVIEW_CYCLE");
  EXPECT_EQ(FeedbackFields(invalid), (std::vector<std::string>{
                                         "review_cycle.display_name",
                                         "review_cycle.end_date",
                                         "review_cycle.rating_scale.max_rating",
                                         "review_cycle.rating_scale.labels[1].rating",
                                         "review_cycle.competencies[1].id",
                                         "review_cycle.competencies[2].id",
                                         "review_cycle.competencies[2].display_name",
                                         "review_cycle.participants[1]",
                                     }));

  fv1::ReviewCycle backwards = Definition(goals_cycle, DayFromToday(5), DayFromToday(4), {});
  backwards.mutable_start_date()->set_month(13);
  EXPECT_EQ(FeedbackFields(CreateReviewCycle(Admin(), backwards, &out)),
            (std::vector<std::string>{"review_cycle.start_date", "review_cycle.participants"}));

  grpc::Status no_cycle = CreateReviewCycle(
      Admin(), Definition("cycles/nope", DayFromToday(0), DayFromToday(9), {"people/dev"}), &out);
  EXPECT_EQ(no_cycle.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(no_cycle), "GOALS_CYCLE_NOT_FOUND");

  grpc::Status no_person =
      CreateReviewCycle(Admin(),
                        Definition(goals_cycle, DayFromToday(0), DayFromToday(9),
                                   {"people/dev", "people/ghost", "teams/ghosts"}),
                        &out);
  EXPECT_EQ(no_person.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(no_person), "PARTICIPANT_NOT_FOUND");
  EXPECT_EQ(FeedbackFields(no_person), (std::vector<std::string>{"review_cycle.participants[1]",
                                                                 "review_cycle.participants[2]"}));
}

TEST_F(ReviewTest, CreateReviewCycleExpandsTeamsOnceAndRepeatsARequestId) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-60), DayFromToday(40));
  const fv1::ReviewCycle definition = Definition(goals_cycle, DayFromToday(0), DayFromToday(9),
                                                 {"teams/eng", "people/dev", "people/ceo"});
  const std::string request_id = "0b7f0c1e-8d2a-4d7e-9f3b-2a1c5e6d7f80";
  fv1::ReviewCycle first;
  ASSERT_TRUE(CreateReviewCycle(Admin(), definition, &first, request_id).ok());
  EXPECT_EQ(first.review_count(), 4) << "lead, dev, peer from the team; dev once; ceo";
  EXPECT_EQ(first.participants_size(), 3);
  ASSERT_EQ(first.rating_scale().labels_size(), 2);
  EXPECT_EQ(first.rating_scale().labels(0).rating(), 1) << "labels come back sorted";
  EXPECT_TRUE(first.has_create_time());
  fv1::ReviewCycle second;
  ASSERT_TRUE(CreateReviewCycle(Admin(), definition, &second, request_id).ok());
  EXPECT_EQ(second.name(), first.name());
  fv1::ReviewCycle other;
  ASSERT_TRUE(CreateReviewCycle(Admin(), definition, &other).ok());
  EXPECT_NE(other.name(), first.name());

  EXPECT_EQ(Review(Admin(), first.name() + "/reviews/peer").reviewer(), "people/lead");
  EXPECT_EQ(Review(Admin(), first.name() + "/reviews/lead").reviewer(), "people/ceo");
  fv1::Review none;
  EXPECT_EQ(GetReview(Admin(), first.name() + "/reviews/ops", &none).error_code(),
            StatusCode::NOT_FOUND);
  grpc::Status bad_name = GetReview(Admin(), "reviewCycles/x/reviewz/dev", &none);
  EXPECT_EQ(bad_name.error_code(), StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReviewTest, TheChangeFeedCarriesCreationAndAssessmentsRedactedForTheReviewee) {
  const std::string goals_cycle = CreateCycle("2026-H2", DayFromToday(-60), DayFromToday(40));
  ActiveObjective(goals_cycle, "dev", "Learn Rust", true);
  // The reviewee's own watch: from now on, review kinds only.
  auto context = Ctx(Token("dev"), absl::Seconds(20));
  fv1::WatchChangesRequest watch;
  for (auto kind : {fv1::CHANGE_KIND_REVIEW_CYCLE_CREATED, fv1::CHANGE_KIND_REVIEW_CREATED,
                    fv1::CHANGE_KIND_REVIEW_UPDATED}) {
    watch.add_kinds(kind);
  }
  auto stream = feedback_stub_->WatchChanges(context.get(), watch);
  fv1::WatchChangesResponse message;
  ASSERT_TRUE(stream->Read(&message)) << "the first checkpoint";
  ASSERT_TRUE(message.has_checkpoint());

  fv1::ReviewCycle cycle;
  ASSERT_TRUE(CreateReviewCycle(Admin(),
                                Definition(goals_cycle, DayFromToday(-1), DayFromToday(10),
                                           {"people/dev", "people/peer"}),
                                &cycle)
                  .ok());
  const std::string name = cycle.name() + "/reviews/dev";
  fv1::Review review;
  ASSERT_TRUE(
      Submit(Token("lead"), Assessment(name, fv1::ASSESSMENT_KIND_MANAGER, 2, 2), &review).ok());

  // dev sees the cycle, their own review (not peer's) and the update without its content.
  std::vector<fv1::Change> changes;
  while (changes.size() < 3 && stream->Read(&message)) {
    if (message.has_change()) changes.push_back(message.change());
  }
  context->TryCancel();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind(), fv1::CHANGE_KIND_REVIEW_CYCLE_CREATED);
  EXPECT_EQ(changes[0].review_cycle().name(), cycle.name());
  EXPECT_EQ(changes[0].actor(), "people/admin");
  EXPECT_EQ(changes[1].kind(), fv1::CHANGE_KIND_REVIEW_CREATED);
  EXPECT_EQ(changes[1].resource_name(), name);
  EXPECT_EQ(changes[1].review().state(), fv1::REVIEW_STATE_PENDING);
  EXPECT_EQ(changes[2].kind(), fv1::CHANGE_KIND_REVIEW_UPDATED);
  EXPECT_EQ(changes[2].review().state(), fv1::REVIEW_STATE_MANAGER_SUBMITTED);
  EXPECT_FALSE(changes[2].review().has_manager_assessment());
  // The payload is shared by every watcher: PRIVATE objectives are only counted.
  EXPECT_EQ(changes[2].review().goal_scores_size(), 0);
  EXPECT_EQ(changes[2].review().hidden_goal_count(), 1);
}

}  // namespace
}  // namespace okr::e2e
