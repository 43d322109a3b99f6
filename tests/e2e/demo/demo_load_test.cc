// okr-demo end to end: the real binary loads the default organisation into real okr-goals and
// okr-feedback (default durability, synchronous=FULL) through their public RPCs; the test reads
// back through the same RPCs what a newcomer would see.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "okr/common/aip/proto_time.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/support/e2e/service_process.h"
#include "tests/support/temp_dir.h"
#include "tools/okr-demo/plan.h"

namespace okr::e2e {
namespace {

namespace gv1 = ::okr::goals::v1;
namespace fv1 = ::okr::feedback::v1;
namespace ov1 = ::okr::org::v1;
using test_support::ServiceProcess;

struct DemoRun {
  int exit_code = -1;
  std::string output;
  double seconds = 0;
};

class DemoLoadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test_support::TempDir;
    // Default durability: no --db-synchronous override.
    auto goals = ServiceProcess::Start("goals", dir_->path(), {"--drain-period", "0s"});
    ASSERT_TRUE(goals.ok()) << goals.status();
    goals_ = goals->release();
    ASSERT_TRUE(goals_->WaitServing()) << goals_->Log();
    auto feedback = ServiceProcess::Start(
        "feedback", dir_->path(),
        {"--drain-period", "0s", "--goals-address", absl::StrCat("127.0.0.1:", goals_->port())});
    ASSERT_TRUE(feedback.ok()) << feedback.status();
    feedback_ = feedback->release();
    ASSERT_TRUE(feedback_->WaitServing()) << feedback_->Log();
  }

  static void TearDownTestSuite() {
    delete feedback_;
    delete goals_;
    delete dir_;
    feedback_ = nullptr;
    goals_ = nullptr;
    dir_ = nullptr;
  }

  // Runs bin/okr-demo against this suite's servers with `flags` added.
  static DemoRun Demo(const std::string& tenant, std::vector<std::string> flags = {},
                      const std::string& secret = test_support::kE2eSecret) {
    static int runs = 0;
    const std::string log = absl::StrCat(dir_->path(), "/okr-demo-", ++runs, ".log");
    std::vector<std::string> argv = {test_support::BinDir() + "/okr-demo",
                                     "--tenant",
                                     tenant,
                                     "--goals-address",
                                     absl::StrCat("127.0.0.1:", goals_->port()),
                                     "--feedback-address",
                                     absl::StrCat("127.0.0.1:", feedback_->port()),
                                     "--jwt-secret",
                                     secret,
                                     "--jwt-issuer",
                                     test_support::kE2eIssuer,
                                     "--jwt-audience",
                                     test_support::kE2eAudience};
    argv.insert(argv.end(), flags.begin(), flags.end());
    DemoRun run;
    const absl::Time start = absl::Now();
    auto process = test_support::Subprocess::Start(argv, {}, log);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return run;
    absl::StatusOr<int> code = (*process)->Wait(absl::Seconds(120));
    run.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    run.exit_code = code.ok() ? *code : -1;
    run.output = test_support::ReadFile(log);
    return run;
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& tenant) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization",
                         "Bearer " + test_support::E2eToken(tenant, "admin", {"admin"}));
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return context;
  }

  // What a newcomer sees of a tenant, counted through the public RPCs as an administrator.
  struct Counts {
    int people = 0, teams = 0, cycles = 0, objectives = 0, feedback = 0, one_on_ones = 0;
    std::string cycle;
    bool operator==(const Counts&) const = default;
  };

  static Counts Count(const std::string& tenant) {
    Counts c;
    auto org = ov1::OrgService::NewStub(goals_->channel());
    auto goals = gv1::GoalsService::NewStub(goals_->channel());
    auto feedback = fv1::FeedbackService::NewStub(feedback_->channel());
    std::string token;
    do {
      ov1::ListPeopleRequest request;
      request.set_page_size(100);
      request.set_page_token(token);
      ov1::ListPeopleResponse response;
      EXPECT_TRUE(org->ListPeople(Ctx(tenant).get(), request, &response).ok());
      c.people += response.people_size();
      token = response.next_page_token();
    } while (!token.empty());
    ov1::ListTeamsRequest teams;
    teams.set_page_size(1000);
    ov1::ListTeamsResponse teams_response;
    EXPECT_TRUE(org->ListTeams(Ctx(tenant).get(), teams, &teams_response).ok());
    c.teams = teams_response.teams_size();
    gv1::ListCyclesRequest cycles;
    gv1::ListCyclesResponse cycles_response;
    EXPECT_TRUE(goals->ListCycles(Ctx(tenant).get(), cycles, &cycles_response).ok());
    c.cycles = cycles_response.cycles_size();
    if (c.cycles > 0) c.cycle = cycles_response.cycles(0).name();
    do {
      gv1::ListObjectivesRequest request;
      request.set_page_size(100);
      request.set_page_token(token);
      request.set_cycle(c.cycle);
      gv1::ListObjectivesResponse response;
      EXPECT_TRUE(goals->ListObjectives(Ctx(tenant).get(), request, &response).ok());
      c.objectives += response.objectives_size();
      token = response.next_page_token();
    } while (!token.empty() && !c.cycle.empty());
    token.clear();
    do {
      fv1::ListFeedbackRequest request;
      request.set_page_size(100);
      request.set_page_token(token);
      fv1::ListFeedbackResponse response;
      EXPECT_TRUE(feedback->ListFeedback(Ctx(tenant).get(), request, &response).ok());
      c.feedback += response.feedback_size();
      token = response.next_page_token();
    } while (!token.empty());
    do {
      fv1::ListOneOnOnesRequest request;
      request.set_page_size(100);
      request.set_page_token(token);
      fv1::ListOneOnOnesResponse response;
      EXPECT_TRUE(feedback->ListOneOnOnes(Ctx(tenant).get(), request, &response).ok());
      c.one_on_ones += response.one_on_ones_size();
      token = response.next_page_token();
    } while (!token.empty());
    return c;
  }

  static gv1::ObjectiveTree Tree(const std::string& tenant, const std::string& cycle) {
    auto goals = gv1::GoalsService::NewStub(goals_->channel());
    gv1::GetObjectiveTreeRequest request;
    request.set_name(cycle);
    gv1::ObjectiveTree tree;
    grpc::Status s = goals->GetObjectiveTree(Ctx(tenant).get(), request, &tree);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return tree;
  }

  static okr::demo::DemoPlan DefaultPlan() {
    okr::demo::PlanOptions options;
    options.today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    std::string error;
    return okr::demo::MakePlan(options, &error);
  }

  static test_support::TempDir* dir_;
  static ServiceProcess* goals_;
  static ServiceProcess* feedback_;
};

test_support::TempDir* DemoLoadTest::dir_ = nullptr;
ServiceProcess* DemoLoadTest::goals_ = nullptr;
ServiceProcess* DemoLoadTest::feedback_ = nullptr;

TEST_F(DemoLoadTest, LoadsTheDefaultOrganisationInUnderAMinuteAndAllOfItIsThere) {
  const DemoRun run = Demo("acme");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_LT(run.seconds, 60.0) << run.output;
  std::cout << "[ okr-demo ] default organisation loaded in " << run.seconds << " s\n";
  EXPECT_NE(run.output.find("okr-demo: loaded in"), std::string::npos) << run.output;

  const okr::demo::DemoPlan plan = DefaultPlan();
  const Counts c = Count("acme");
  EXPECT_EQ(c.people, 200);
  EXPECT_EQ(c.teams, 20);
  EXPECT_EQ(c.cycles, 1);
  EXPECT_EQ(c.objectives, static_cast<int>(plan.objectives.size()));
  // Answers to feedback requests are feedback too.
  int answers = 0;
  for (const auto& r : plan.requests) {
    for (const auto& response : r.responses)
      answers += response.answer == okr::demo::Answer::kAnswered;
  }
  EXPECT_EQ(c.feedback, static_cast<int>(plan.feedback.size()) + answers);
  EXPECT_EQ(c.one_on_ones, 199);

  // The tree: three company objectives, each with progress made over the quarter, and key results
  // bound to metrics moved by streamed events, with the manual history behind the others.
  const gv1::ObjectiveTree tree = Tree("acme", c.cycle);
  ASSERT_EQ(tree.roots_size(), 3);
  auto goals = gv1::GoalsService::NewStub(goals_->channel());
  int streamed = 0, manual = 0;
  std::function<void(const gv1::ObjectiveNode&)> walk = [&](const gv1::ObjectiveNode& node) {
    for (const gv1::KeyResultNode& k : node.key_results()) {
      for (const gv1::ObjectiveNode& child : k.children()) walk(child);
      if (k.key_result().type() == gv1::KEY_RESULT_TYPE_ROLLUP || (streamed > 0 && manual > 0)) {
        continue;
      }
      gv1::ListCheckInsRequest request;
      request.set_parent(k.key_result().name());
      request.set_page_size(100);
      gv1::ListCheckInsResponse response;
      ASSERT_TRUE(goals->ListCheckIns(Ctx("acme").get(), request, &response).ok());
      ASSERT_GE(response.check_ins_size(), 2) << k.key_result().title();
      for (const gv1::CheckIn& check_in : response.check_ins()) {
        streamed += check_in.source() == gv1::CHECK_IN_SOURCE_STREAMED;
        manual += check_in.source() == gv1::CHECK_IN_SOURCE_MANUAL;
        // The history is backdated over the quarter's first eight weeks.
        EXPECT_LT(okr::common::FromTimestamp(check_in.observed_at()), absl::Now());
      }
    }
    for (const gv1::ObjectiveNode& child : node.children()) walk(child);
  };
  for (const gv1::ObjectiveNode& root : tree.roots()) {
    EXPECT_EQ(root.objective().level(), gv1::OBJECTIVE_LEVEL_COMPANY);
    EXPECT_GT(root.objective().progress(), 0.2) << root.objective().title();
    EXPECT_LT(root.objective().progress(), 0.95) << root.objective().title();
    EXPECT_GT(root.children_size() + root.key_results_size(), 1);
    walk(root);
  }
  EXPECT_GT(streamed, 0);
  EXPECT_GT(manual, 0);
}

TEST_F(DemoLoadTest, TheSameSeedGivesTheSameTopLevelProgress) {
  ASSERT_EQ(Demo("same-a", {"--seed", "7"}).exit_code, 0);
  ASSERT_EQ(Demo("same-b", {"--seed", "7"}).exit_code, 0);
  ASSERT_EQ(Demo("other", {"--seed", "8"}).exit_code, 0);
  auto tops = [](const std::string& tenant) {
    std::map<std::string, double> out;
    const gv1::ObjectiveTree tree = Tree(tenant, Count(tenant).cycle);
    for (const gv1::ObjectiveNode& root : tree.roots()) {
      out[root.objective().title()] = root.objective().progress();
    }
    return out;
  };
  const auto a = tops("same-a");
  ASSERT_EQ(a.size(), 3u);
  // The same to within 1e-9: the incremental roll-up adds children's changes in the order the
  // writes commit, and the loader writes in parallel, so the last bits of a sum can differ.
  const auto b = tops("same-b");
  ASSERT_EQ(b.size(), a.size());
  for (const auto& [title, progress] : a) {
    ASSERT_TRUE(b.contains(title)) << title;
    EXPECT_NEAR(b.at(title), progress, 1e-9) << title;
  }
  const auto other = tops("other");
  double difference = 0;
  for (const auto& [title, progress] : a) {
    difference += std::abs(progress - (other.contains(title) ? other.at(title) : 0.0));
  }
  EXPECT_GT(difference, 0.01) << "another seed gives another company";
}

TEST_F(DemoLoadTest, IfEmptyLeavesALoadedTenantAloneAndARepeatedLoadCreatesNothingTwice) {
  ASSERT_EQ(Demo("again").exit_code, 0);
  const Counts before = Count("again");
  const DemoRun skipped = Demo("again", {"--if-empty"});
  EXPECT_EQ(skipped.exit_code, 0);
  EXPECT_NE(skipped.output.find("already has a cycle; nothing loaded"), std::string::npos)
      << skipped.output;
  EXPECT_EQ(Count("again"), before);
  // A load cut off and run again replays its request ids and event ids: nothing is doubled.
  const DemoRun repeated = Demo("again");
  EXPECT_EQ(repeated.exit_code, 0) << repeated.output;
  EXPECT_EQ(Count("again"), before);
}

TEST_F(DemoLoadTest, BadFlagsAndAWrongSecretFailClearly) {
  const DemoRun small = Demo("bad", {"--people", "30", "--teams", "20"});
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_NE(small.output.find("--people must be at least twice --teams"), std::string::npos)
      << small.output;
  const DemoRun wrong = Demo("bad", {}, "not-the-secret-0123456789abcdef0123");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.output.find("UNAUTHENTICATED"), std::string::npos) << wrong.output;
  EXPECT_EQ(Count("bad").people, 0);
}

}  // namespace
}  // namespace okr::e2e
