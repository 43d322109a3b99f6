// What the feedback service learns from goals and what happens when goals is gone: a re-org in
// goals changes who reads MANAGER feedback within the stated bound (the goals change feed, about a
// second; the org cache's TTL when the feed is down), and with goals stopped, writes that need it
// fail UNAVAILABLE writing nothing while reads that do not need it keep working.
#include <csignal>

#include "tests/e2e/feedback/feedback_e2e.h"
#include "tests/support/free_port.h"
#include "tests/support/http_get.h"

namespace okr::e2e {
namespace {

// With a TTL far longer than the test, only the change feed can make the re-org visible.
class ReorgTest : public FeedbackServersSuite {
 protected:
  static void SetUpTestSuite() { StartServers({"--org-cache-ttl", "10m"}); }
};

bool Reads(fv1::FeedbackService::Stub& stub, const std::string& token, const std::string& name) {
  fv1::GetFeedbackRequest get;
  get.set_name(name);
  fv1::Feedback out;
  return stub.GetFeedback(Ctx(token).get(), get, &out).ok();
}

TEST_F(ReorgTest, ANewManagerReadsManagerFeedbackWithinTheBound) {
  UpsertOrg({{"old-mgr", "", {}}, {"new-mgr", "", {}}, {"rec", "old-mgr", {}}, {"author", "", {}}});
  fv1::CreateFeedbackRequest request;
  request.mutable_feedback()->set_recipient("people/rec");
  request.mutable_feedback()->set_kind(fv1::FEEDBACK_KIND_CONSTRUCTIVE);
  request.mutable_feedback()->set_body("Share plans earlier");
  request.mutable_feedback()->set_visibility(fv1::FEEDBACK_VISIBILITY_MANAGER);
  fv1::Feedback created;
  ASSERT_TRUE(feedback_stub_->CreateFeedback(Ctx(Token("author")).get(), request, &created).ok());
  // Both chains are now cached (for ten minutes).
  ASSERT_TRUE(Reads(*feedback_stub_, Token("old-mgr"), created.name()));
  ASSERT_FALSE(Reads(*feedback_stub_, Token("new-mgr"), created.name()));
  // The follower of this tenant's goals feed is live once it stored its first position; a re-org
  // before then is covered by the forgetting at that moment. Give it a moment either way.
  absl::SleepFor(absl::Milliseconds(500));

  UpsertOrg({{"rec", "new-mgr", {}}});
  const absl::Time reorg = absl::Now();
  // The bound for this test: 5 s (the feed delivers in well under a second on loopback).
  const absl::Duration bound = absl::Seconds(5);
  bool moved = false;
  while (absl::Now() - reorg < bound) {
    if (Reads(*feedback_stub_, Token("new-mgr"), created.name()) &&
        !Reads(*feedback_stub_, Token("old-mgr"), created.name())) {
      moved = true;
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(moved) << "the re-org was not seen within " << bound;
  std::cerr << "re-org visible after " << absl::ToInt64Milliseconds(absl::Now() - reorg) << " ms\n";
  // The position in the goals feed is kept in feedback's own database.
  EXPECT_NE(feedback_->Log().find("serving"), std::string::npos);
}

// Goals stopped mid-test: a suite of its own, since it kills the suite's goals process. A TTL of
// one second, so the test also sees cached facts served past it while goals is unreachable.
class GoalsDownTest : public FeedbackServersSuite {
 protected:
  static void SetUpTestSuite() {
    metrics_port_ = test_support::PickFreePort();
    StartServers(
        {"--org-cache-ttl", "1s", "--metrics-listen", absl::StrCat("127.0.0.1:", metrics_port_)});
  }

  // The value of one sample of okr-feedback's /metrics, e.g.
  // `okr_feedback_org_cache_total{result="stale"}`; -1 when it is not there.
  static double Sample(const std::string& series) {
    return test_support::MetricSample(metrics_port_, series);
  }

  static inline int metrics_port_ = 0;
};

TEST_F(GoalsDownTest, WritesThatNeedGoalsFailUnavailableAndReadsAnswer) {
  UpsertOrg({{"mgr", "", {}}, {"rec", "mgr", {}}, {"author", "", {}}, {"fresh", "", {}}});
  const std::string cycle = CreateCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  const std::string goal = CreateObjective(cycle, "rec", "Goal");
  fv1::CreateFeedbackRequest request;
  request.mutable_feedback()->set_recipient("people/rec");
  request.mutable_feedback()->set_kind(fv1::FEEDBACK_KIND_PRAISE);
  request.mutable_feedback()->set_body("Before the outage");
  request.mutable_feedback()->set_visibility(fv1::FEEDBACK_VISIBILITY_MANAGER);
  fv1::Feedback before;
  ASSERT_TRUE(feedback_stub_->CreateFeedback(Ctx(Token("author")).get(), request, &before).ok());
  // The manager reads it once: the recipient's chain is cached.
  ASSERT_TRUE(Reads(*feedback_stub_, Token("mgr"), before.name()));

  const std::string stale = R"(okr_feedback_org_cache_total{result="stale"})";
  const double stale_before = Sample(stale);
  ASSERT_GE(stale_before, 0) << "no " << stale << " in /metrics";
  ASSERT_TRUE(goals_->process().Signal(SIGKILL).ok());
  // Past the cache's TTL: what it knows is now stale, and still served (--org-cache-serve-stale).
  absl::SleepFor(absl::Milliseconds(1500));
  ASSERT_TRUE(goals_->process().Wait(absl::Seconds(10)).ok());

  // A recipient never asked about, and a goal never checked: goals is needed, and unreachable.
  fv1::CreateFeedbackRequest to_fresh = request;
  to_fresh.mutable_feedback()->set_recipient("people/fresh");
  fv1::Feedback out;
  grpc::Status s = feedback_stub_->CreateFeedback(Ctx(Token("author")).get(), to_fresh, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_EQ(FeedbackReason(s), "GOALS_UNAVAILABLE");
  fv1::CreateFeedbackRequest linked = request;
  linked.mutable_feedback()->set_objective(goal);
  s = feedback_stub_->CreateFeedback(Ctx(Token("author")).get(), linked, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  fv1::CreateFeedbackRequestRequest ask;
  ask.mutable_feedback_request()->add_recipients("people/fresh");
  fv1::FeedbackRequest asked;
  EXPECT_EQ(
      feedback_stub_->CreateFeedbackRequest(Ctx(Token("rec")).get(), ask, &asked).error_code(),
      grpc::StatusCode::UNAVAILABLE);

  // Reads: the author, the recipient and an administrator need nothing from goals; the manager's
  // rights come from the stale chain.
  for (const std::string& token : {Token("author"), Token("rec"), Admin(), Token("mgr")}) {
    EXPECT_TRUE(Reads(*feedback_stub_, token, before.name()));
    fv1::ListFeedbackResponse listed;
    grpc::Status list_status = feedback_stub_->ListFeedback(Ctx(token).get(), {}, &listed);
    ASSERT_TRUE(list_status.ok()) << FeedbackReason(list_status) << ": "
                                  << list_status.error_message();
    ASSERT_EQ(listed.feedback_size(), 1) << "nothing was written by the failed calls";
    EXPECT_EQ(listed.feedback(0).name(), before.name());
  }
  // The manager's reads were answered from the stale chain, and counted as such.
  EXPECT_GT(Sample(stale), stale_before);
  fv1::ListFeedbackRequestsResponse requests;
  ASSERT_TRUE(feedback_stub_->ListFeedbackRequests(Ctx(Admin()).get(), {}, &requests).ok());
  EXPECT_EQ(requests.feedback_requests_size(), 0);
}

}  // namespace
}  // namespace okr::e2e
