// `okrctl feedback give|list` and `okrctl review show` against real okr-feedback and okr-goals:
// what each reader's `-o json` list holds under the visibility rules (anonymous authors hidden),
// the filters, and a review's goal scores and feedback summary as the caller may see them.
#include "tests/e2e/okrctl/okrctl_e2e.h"

namespace okr::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class OkrctlFeedbackTest : public OkrctlSuite {
 protected:
  void SetUp() override {
    OkrctlSuite::SetUp();
    if (HasFatalFailure()) return;
    company_ = SeedCompany();
    ASSERT_FALSE(HasFailure()) << "seeding the company through okrctl failed";
  }

  CtlOptions As(const std::string& person) {
    CtlOptions options;
    options.token = Token(person);
    return options;
  }

  // bob praises carol in public about B; dan tells carol something for her managers, anonymously;
  // carol thanks bob in private. Returns the three names in that order.
  std::vector<std::string> GiveFeedback() {
    std::vector<std::string> names;
    nlohmann::json praise =
        CtlJson({"feedback", "give", "--to", "carol", "-m", "Great churn analysis", "--tag",
                 "analysis", "--objective", company_.b},
                As("bob"));
    EXPECT_EQ(praise["author"], "people/bob");
    EXPECT_EQ(praise["recipient"], "people/carol");
    EXPECT_EQ(praise["kind"], "FEEDBACK_KIND_PRAISE");
    EXPECT_EQ(praise["visibility"], "FEEDBACK_VISIBILITY_PUBLIC");
    EXPECT_EQ(praise["body"], "Great churn analysis");
    EXPECT_EQ(praise["tags"], nlohmann::json::array({"analysis"}));
    EXPECT_EQ(praise["objective"], company_.b);
    EXPECT_EQ(praise["anonymous"], false);
    names.push_back(praise.value("name", ""));
    nlohmann::json tip =
        CtlJson({"feedback", "give", "--to", "people/carol", "--kind", "constructive",
                 "--visibility", "manager", "--anonymous", "-m", "Share the churn data earlier"},
                As("dan"));
    EXPECT_EQ(tip["author"], "people/dan") << "the author sees themselves";
    EXPECT_EQ(tip["anonymous"], true);
    EXPECT_EQ(tip["visibility"], "FEEDBACK_VISIBILITY_MANAGER");
    names.push_back(tip.value("name", ""));
    nlohmann::json thanks = CtlJson({"feedback", "give", "--to", "bob", "--visibility", "private",
                                     "-m", "Thanks for the intro"},
                                    As("carol"));
    EXPECT_EQ(thanks["visibility"], "FEEDBACK_VISIBILITY_PRIVATE");
    names.push_back(thanks.value("name", ""));
    return names;
  }

  Company company_;
};

TEST_F(OkrctlFeedbackTest, ListJsonHoldsWhatEachReaderMaySee) {
  const std::vector<std::string> f = GiveFeedback();
  ASSERT_FALSE(HasFailure());
  const std::string& praise = f[0];
  const std::string& tip = f[1];
  const std::string& thanks = f[2];

  // carol's manager reads the public and the manager feedback, newest first, without dan's name.
  nlohmann::json boss = CtlJson({"feedback", "list", "--to", "carol"}, As("boss"));
  EXPECT_THAT(Values(boss["feedback"], "name"), ElementsAre(tip, praise));
  nlohmann::json hidden = FindBy(boss["feedback"], "name", tip);
  EXPECT_EQ(hidden["author"], "");
  EXPECT_EQ(hidden["anonymous"], true);
  EXPECT_EQ(hidden["kind"], "FEEDBACK_KIND_CONSTRUCTIVE");
  EXPECT_EQ(hidden["body"], "Share the churn data earlier");
  EXPECT_EQ(FindBy(boss["feedback"], "name", praise)["author"], "people/bob");
  EXPECT_EQ(boss.dump().find("people/dan"), std::string::npos) << boss.dump();
  // Someone outside carol's chain reads only the public one.
  EXPECT_THAT(Values(CtlJson({"feedback", "list", "--to", "carol"}, As("bob"))["feedback"], "name"),
              ElementsAre(praise));
  // The recipient reads both, the author still hidden; the author reads their own, named.
  nlohmann::json carol = CtlJson({"feedback", "list", "--to", "carol"}, As("carol"));
  EXPECT_THAT(Values(carol["feedback"], "author"), ElementsAre("", "people/bob"));
  nlohmann::json dan = CtlJson({"feedback", "list", "--from", "dan"}, As("dan"));
  EXPECT_THAT(Values(dan["feedback"], "author"), ElementsAre("people/dan"));
  // PRIVATE feedback is for its two people only, not bob's manager.
  EXPECT_THAT(CtlJson({"feedback", "list", "--to", "bob"}, As("boss"))["feedback"], IsEmpty());
  EXPECT_THAT(Values(CtlJson({"feedback", "list", "--to", "bob"}, As("bob"))["feedback"], "name"),
              ElementsAre(thanks));

  // Filters reach the server.
  EXPECT_THAT(
      Values(CtlJson({"feedback", "list", "--kind", "constructive"}, As("carol"))["feedback"],
             "name"),
      ElementsAre(tip));
  EXPECT_THAT(
      Values(CtlJson({"feedback", "list", "--tag", "analysis"}, As("carol"))["feedback"], "name"),
      ElementsAre(praise));
  EXPECT_THAT(
      Values(CtlJson({"feedback", "list", "--objective", company_.b}, As("carol"))["feedback"],
             "name"),
      ElementsAre(praise));
  EXPECT_THAT(
      Values(CtlJson({"feedback", "list", "--limit", "1"}, As("carol"))["feedback"], "name"),
      ElementsAre(thanks));

  // Piped, a plain table naming no anonymous author.
  const CtlRun table = MustCtl({"feedback", "list", "--to", "carol"}, As("carol"));
  EXPECT_THAT(table.out, ::testing::StartsWith("NAME "));
  EXPECT_THAT(table.out, HasSubstr("(anonymous)"));
  EXPECT_THAT(table.out, HasSubstr("people/bob"));
  EXPECT_THAT(table.out, HasSubstr("constructive"));
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("people/dan")));
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("\x1b[")));
}

TEST_F(OkrctlFeedbackTest, ReviewShowJsonHasGoalScoresAndTheFeedbackTheCallerMayRead) {
  const std::string thanks = GiveFeedback().at(2);
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  auto date = [](absl::CivilDay d) { return Date(static_cast<int>(d.year()), d.month(), d.day()); };
  fv1::CreateReviewCycleRequest request;
  fv1::ReviewCycle* cycle = request.mutable_review_cycle();
  cycle->set_display_name("Mid-cycle check");
  cycle->set_goals_cycle(company_.cycle);
  *cycle->mutable_start_date() = date(today - 1);
  *cycle->mutable_end_date() = date(today + 20);
  cycle->mutable_rating_scale()->set_min_rating(1);
  cycle->mutable_rating_scale()->set_max_rating(5);
  cycle->add_competencies()->set_id("craft");
  cycle->mutable_competencies(0)->set_display_name("Craft");
  cycle->add_participants("people/bob");
  fv1::ReviewCycle created;
  grpc::Status s = feedback_stub_->CreateReviewCycle(Ctx(Admin()).get(), request, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string name = created.name() + "/reviews/bob";

  nlohmann::json boss = CtlJson({"review", "show", name}, As("boss"));
  EXPECT_EQ(boss["name"], name);
  EXPECT_EQ(boss["reviewee"], "people/bob");
  EXPECT_EQ(boss["reviewer"], "people/boss");
  EXPECT_EQ(boss["state"], "REVIEW_STATE_PENDING");
  ASSERT_EQ(boss["goalScores"].size(), 1u) << boss.dump();
  const nlohmann::json& a = boss["goalScores"][0];
  EXPECT_EQ(a["objective"], company_.a);
  EXPECT_EQ(a["title"], "Win the mid-market");
  EXPECT_DOUBLE_EQ(a["progress"].get<double>(), 0.75);
  EXPECT_FALSE(a.contains("score")) << "the cycle is not graded";
  EXPECT_DOUBLE_EQ(a["successThreshold"].get<double>(), 1.0);
  EXPECT_EQ(boss["hiddenGoalCount"], 0);
  // carol's thanks to bob is PRIVATE: not in what his manager's summary counts...
  EXPECT_EQ(boss["feedbackSummary"]["praiseCount"], 0);
  EXPECT_EQ(boss["feedbackSummary"]["authorCount"], 0);
  // ...but in bob's own.
  nlohmann::json bob = CtlJson({"review", "show", name}, As("bob"));
  EXPECT_EQ(bob["feedbackSummary"]["praiseCount"], 1);
  EXPECT_EQ(bob["feedbackSummary"]["authorCount"], 1);
  EXPECT_EQ(bob["feedbackSummary"]["feedback"], nlohmann::json::array({thanks}));

  const CtlRun table = MustCtl({"review", "show", name}, As("boss"));
  EXPECT_THAT(table.out,
              HasSubstr("reviewee: people/bob   reviewer: people/boss   state: pending\n"));
  EXPECT_THAT(table.out, HasSubstr("Win the mid-market"));
  EXPECT_THAT(table.out, HasSubstr("75%"));
  EXPECT_THAT(table.out, HasSubstr("self assessment: not submitted\n"));
  EXPECT_THAT(table.out, HasSubstr("manager assessment: not submitted\n"));

  // Someone outside bob's chain learns nothing.
  const CtlRun other = Ctl({"review", "show", name}, As("carol"));
  EXPECT_EQ(other.exit_code, 3) << other;
  EXPECT_THAT(other.err, HasSubstr("reason: REVIEW_NOT_FOUND"));
}

}  // namespace
}  // namespace okr::e2e
