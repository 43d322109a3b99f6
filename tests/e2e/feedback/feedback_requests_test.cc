// Feedback requests over real gRPC: asking 1 to 50 people about yourself or your goal, answers
// that name the request, declines with a reason, what the requester and each recipient see.
#include "tests/e2e/feedback/feedback_e2e.h"

namespace okr::e2e {
namespace {

class FeedbackRequestsTest : public FeedbackServersSuite {
 protected:
  void SetUp() override {
    FeedbackServersSuite::SetUp();
    if (HasFatalFailure()) return;
    UpsertOrg({{"mgr", "", {}},
               {"asker", "mgr", {"eng"}},
               {"r1", "mgr", {}},
               {"r2", "mgr", {}},
               {"r3", "mgr", {}},
               {"outsider", "", {}}});
  }

  grpc::Status Ask(const std::vector<std::string>& recipients, fv1::FeedbackRequest* out,
                   const std::string& objective = "") {
    fv1::CreateFeedbackRequestRequest request;
    for (const auto& r : recipients) request.mutable_feedback_request()->add_recipients(r);
    request.mutable_feedback_request()->set_message("How did my launch go?");
    if (!objective.empty()) request.mutable_feedback_request()->set_objective(objective);
    fv1::FeedbackRequest ignored;
    return feedback_stub_->CreateFeedbackRequest(Ctx(Token("asker")).get(), request,
                                                 out ? out : &ignored);
  }

  fv1::FeedbackRequest Load(const std::string& token, const std::string& name) {
    fv1::ListFeedbackRequestsResponse response;
    EXPECT_TRUE(feedback_stub_->ListFeedbackRequests(Ctx(token).get(), {}, &response).ok());
    for (const auto& r : response.feedback_requests()) {
      if (r.name() == name) return r;
    }
    ADD_FAILURE() << name << " not listed";
    return {};
  }
};

TEST_F(FeedbackRequestsTest, BadRequestsNameTheirFields) {
  grpc::Status s = Ask({}, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"feedback_request.recipients"}));
  s = Ask({"people/r1", "people/r1", "people/asker", "bad"}, nullptr);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"feedback_request.recipients[1]",
                                                         "feedback_request.recipients[2]",
                                                         "feedback_request.recipients[3]"}));
  std::vector<std::string> many;
  for (int i = 0; i < 51; ++i) many.push_back("people/p" + std::to_string(i));
  EXPECT_EQ(Ask(many, nullptr).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = Ask({"people/r1", "people/ghost"}, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "RECIPIENT_NOT_FOUND");
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"feedback_request.recipients[1]"}));
  fv1::CreateFeedbackRequestRequest past;
  past.mutable_feedback_request()->add_recipients("people/r1");
  *past.mutable_feedback_request()->mutable_due_date() = Date(2020, 1, 1);
  fv1::FeedbackRequest out;
  s = feedback_stub_->CreateFeedbackRequest(Ctx(Token("asker")).get(), past, &out);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"feedback_request.due_date"}));
  // Someone else's goal is not a subject the asker may ask about.
  const std::string cycle = CreateCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  const std::string theirs = CreateObjective(cycle, "r1", "Not mine");
  s = Ask({"people/r2"}, nullptr, theirs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(s), "SUBJECT_NOT_YOURS");
  fv1::ListFeedbackRequestsResponse listed;
  ASSERT_TRUE(feedback_stub_->ListFeedbackRequests(Ctx(Admin()).get(), {}, &listed).ok());
  EXPECT_EQ(listed.feedback_requests_size(), 0) << "nothing written";
}

TEST_F(FeedbackRequestsTest, AnswerDeclineAndWhatEachOneSees) {
  const std::string cycle = CreateCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  const std::string goal = CreateObjective(cycle, "asker", "Launch");
  fv1::FeedbackRequest created;
  ASSERT_TRUE(Ask({"people/r1", "people/r2", "people/r3"}, &created, goal).ok());
  EXPECT_EQ(created.state(), fv1::FEEDBACK_REQUEST_STATE_OPEN);
  EXPECT_EQ(created.responses_size(), 3);
  EXPECT_TRUE(created.has_due_date()) << "14 days by default";
  EXPECT_EQ(created.objective(), goal);

  // r1 answers with feedback naming the request: the recipient and subject come from it.
  fv1::CreateFeedbackRequest answer;
  answer.mutable_feedback()->set_kind(fv1::FEEDBACK_KIND_PRAISE);
  answer.mutable_feedback()->set_body("It went well");
  answer.mutable_feedback()->set_feedback_request(created.name());
  fv1::Feedback answered;
  ASSERT_TRUE(feedback_stub_->CreateFeedback(Ctx(Token("r1")).get(), answer, &answered).ok());
  EXPECT_EQ(answered.recipient(), "people/asker");
  EXPECT_EQ(answered.objective(), goal);
  EXPECT_EQ(answered.feedback_request(), created.name());
  // Answering twice, or anonymously, is refused.
  grpc::Status s = feedback_stub_->CreateFeedback(Ctx(Token("r1")).get(), answer, &answered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FeedbackReason(s), "FEEDBACK_REQUEST_NOT_OPEN");
  answer.mutable_feedback()->set_anonymous(true);
  EXPECT_EQ(feedback_stub_->CreateFeedback(Ctx(Token("r2")).get(), answer, &answered).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  answer.mutable_feedback()->set_anonymous(false);
  // Someone not asked learns nothing about it.
  s = feedback_stub_->CreateFeedback(Ctx(Token("outsider")).get(), answer, &answered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  // r2 declines with a reason; a second decline returns it unchanged; a stale etag is ABORTED.
  fv1::DeclineFeedbackRequestRequest decline;
  decline.set_name(created.name());
  decline.set_reason("Did not work with you on it");
  decline.set_etag(created.etag());
  fv1::FeedbackRequest after;
  s = feedback_stub_->DeclineFeedbackRequest(Ctx(Token("r2")).get(), decline, &after);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << "r1's answer moved the etag";
  decline.clear_etag();
  ASSERT_TRUE(feedback_stub_->DeclineFeedbackRequest(Ctx(Token("r2")).get(), decline, &after).ok());
  ASSERT_EQ(after.responses_size(), 1) << "a recipient sees only their own response";
  EXPECT_EQ(after.responses(0).state(), fv1::FEEDBACK_RESPONSE_STATE_DECLINED);
  fv1::FeedbackRequest again;
  ASSERT_TRUE(feedback_stub_->DeclineFeedbackRequest(Ctx(Token("r2")).get(), decline, &again).ok());
  EXPECT_EQ(again.etag(), after.etag());
  // The requester may not decline; r1 (answered) may not either.
  EXPECT_EQ(feedback_stub_->DeclineFeedbackRequest(Ctx(Token("asker")).get(), decline, &again)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(
                feedback_stub_->DeclineFeedbackRequest(Ctx(Token("r1")).get(), decline, &again)),
            "RESPONSE_NOT_PENDING");

  // The requester sees who answered and who declined, with the answer's name.
  fv1::FeedbackRequest mine = Load(Token("asker"), created.name());
  ASSERT_EQ(mine.responses_size(), 3);
  EXPECT_EQ(mine.responses(0).state(), fv1::FEEDBACK_RESPONSE_STATE_ANSWERED);
  EXPECT_EQ(mine.responses(0).feedback(), answered.name());
  EXPECT_EQ(mine.responses(1).state(), fv1::FEEDBACK_RESPONSE_STATE_DECLINED);
  EXPECT_EQ(mine.responses(1).decline_reason(), "Did not work with you on it");
  EXPECT_EQ(mine.responses(2).state(), fv1::FEEDBACK_RESPONSE_STATE_PENDING);
  EXPECT_EQ(mine.state(), fv1::FEEDBACK_REQUEST_STATE_OPEN);

  // r3 declines too: nobody is pending, someone answered.
  ASSERT_TRUE(feedback_stub_->DeclineFeedbackRequest(Ctx(Token("r3")).get(), decline, &after).ok());
  EXPECT_EQ(Load(Token("asker"), created.name()).state(), fv1::FEEDBACK_REQUEST_STATE_ANSWERED);

  // Filters: waiting for my answer; made by me; an outsider sees none.
  fv1::ListFeedbackRequestsRequest waiting;
  waiting.set_recipient("people/r3");
  waiting.set_recipient_state(fv1::FEEDBACK_RESPONSE_STATE_PENDING);
  fv1::ListFeedbackRequestsResponse listed;
  ASSERT_TRUE(feedback_stub_->ListFeedbackRequests(Ctx(Token("r3")).get(), waiting, &listed).ok());
  EXPECT_EQ(listed.feedback_requests_size(), 0);
  waiting.set_recipient_state(fv1::FEEDBACK_RESPONSE_STATE_DECLINED);
  ASSERT_TRUE(feedback_stub_->ListFeedbackRequests(Ctx(Token("r3")).get(), waiting, &listed).ok());
  EXPECT_EQ(listed.feedback_requests_size(), 1);
  fv1::ListFeedbackRequestsRequest no_recipient;
  no_recipient.set_recipient_state(fv1::FEEDBACK_RESPONSE_STATE_PENDING);
  EXPECT_EQ(feedback_stub_->ListFeedbackRequests(Ctx(Token("r3")).get(), no_recipient, &listed)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  fv1::ListFeedbackRequestsResponse none;
  ASSERT_TRUE(feedback_stub_->ListFeedbackRequests(Ctx(Token("outsider")).get(), {}, &none).ok());
  EXPECT_EQ(none.feedback_requests_size(), 0);

  // Deleting the answer leaves the response ANSWERED without a name.
  fv1::DeleteFeedbackRequest del;
  del.set_name(answered.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(feedback_stub_->DeleteFeedback(Ctx(Token("r1")).get(), del, &empty).ok());
  mine = Load(Token("asker"), created.name());
  EXPECT_EQ(mine.responses(0).state(), fv1::FEEDBACK_RESPONSE_STATE_ANSWERED);
  EXPECT_TRUE(mine.responses(0).feedback().empty());
}

}  // namespace
}  // namespace okr::e2e
