// CreateFeedback, GetFeedback, ListFeedback and DeleteFeedback over real gRPC against real goals:
// validation with field paths, recipients and goals checked in goals, idempotent creates, paging,
// deletion rights.
#include "tests/e2e/feedback/feedback_e2e.h"

namespace okr::e2e {
namespace {

class FeedbackRpcsTest : public FeedbackServersSuite {
 protected:
  void SetUp() override {
    FeedbackServersSuite::SetUp();
    if (HasFatalFailure()) return;
    UpsertOrg({{"top", "", {}},
               {"mgr", "top", {}},
               {"rec", "mgr", {}},
               {"peer", "mgr", {}},
               {"author", "top", {}}});
    cycle_ = CreateCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  }

  fv1::Feedback Praise(const std::string& recipient, const std::string& body) {
    fv1::Feedback f;
    f.set_recipient("people/" + recipient);
    f.set_kind(fv1::FEEDBACK_KIND_PRAISE);
    f.set_body(body);
    return f;
  }

  grpc::Status Create(const std::string& token, const fv1::Feedback& f, fv1::Feedback* out,
                      const std::string& request_id = "") {
    fv1::CreateFeedbackRequest request;
    *request.mutable_feedback() = f;
    request.set_request_id(request_id);
    fv1::Feedback ignored;
    return feedback_stub_->CreateFeedback(Ctx(token).get(), request, out ? out : &ignored);
  }

  std::string cycle_;
};

TEST_F(FeedbackRpcsTest, BadInputNamesEveryField) {
  fv1::Feedback f;
  f.set_recipient("people/author");  // the author themselves
  f.set_kind(static_cast<fv1::FeedbackKind>(9));
  f.set_body("   ");
  f.add_tags("no spaces");
  grpc::Status s = Create(Token("author"), f, nullptr);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackReason(s), "INVALID_FEEDBACK");
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"feedback.recipient", "feedback.kind",
                                                         "feedback.body", "feedback.tags[0]"}));
  fv1::Feedback recognition = Praise("rec", "Thanks");
  recognition.set_kind(fv1::FEEDBACK_KIND_RECOGNITION);
  recognition.set_visibility(fv1::FEEDBACK_VISIBILITY_PRIVATE);
  s = Create(Token("author"), recognition, nullptr);
  EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{"feedback.visibility"}));
  fv1::Feedback constructive = Praise("rec", "Do better");
  constructive.set_kind(fv1::FEEDBACK_KIND_CONSTRUCTIVE);
  constructive.set_visibility(fv1::FEEDBACK_VISIBILITY_PUBLIC);
  EXPECT_EQ(FeedbackFields(Create(Token("author"), constructive, nullptr)),
            (std::vector<std::string>{"feedback.visibility"}));
  fv1::Feedback bad_name = Praise("rec", "x");
  bad_name.set_recipient("persons/rec");
  bad_name.set_objective("objectives/Not_Valid");
  EXPECT_EQ(FeedbackFields(Create(Token("author"), bad_name, nullptr)),
            (std::vector<std::string>{"feedback.recipient", "feedback.objective"}));
  fv1::Feedback huge = Praise("rec", std::string(10001, 'a'));
  EXPECT_EQ(FeedbackFields(Create(Token("author"), huge, nullptr)),
            (std::vector<std::string>{"feedback.body"}));
  // Unknown recipient: asked of goals' directory.
  s = Create(Token("author"), Praise("nobody", "hello"), nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "RECIPIENT_NOT_FOUND");
  // A malformed request id.
  EXPECT_EQ(FeedbackReason(Create(Token("author"), Praise("rec", "x"), nullptr, "not-a-uuid")),
            "INVALID_REQUEST_ID");
  // Nothing was written by any of these.
  fv1::ListFeedbackResponse listed;
  ASSERT_TRUE(feedback_stub_->ListFeedback(Ctx(Admin()).get(), {}, &listed).ok());
  EXPECT_EQ(listed.feedback_size(), 0);
}

TEST_F(FeedbackRpcsTest, DefaultsNormalisedTagsAndTheStoredForm) {
  fv1::Feedback f = Praise("rec", "  Great demo!  ");
  f.add_tags("Ownership");
  f.add_tags("craft");
  f.add_tags("OWNERSHIP");
  fv1::Feedback out;
  ASSERT_TRUE(Create(Token("author"), f, &out).ok());
  EXPECT_EQ(out.author(), "people/author");
  EXPECT_EQ(out.body(), "Great demo!");
  EXPECT_EQ(out.visibility(), fv1::FEEDBACK_VISIBILITY_PRIVATE);
  EXPECT_EQ(std::vector<std::string>(out.tags().begin(), out.tags().end()),
            (std::vector<std::string>{"ownership", "craft"}));
  EXPECT_TRUE(out.has_create_time());
  fv1::Feedback recognition = Praise("rec", "Kudos");
  recognition.set_kind(fv1::FEEDBACK_KIND_RECOGNITION);
  ASSERT_TRUE(Create(Token("author"), recognition, &out).ok());
  EXPECT_EQ(out.visibility(), fv1::FEEDBACK_VISIBILITY_PUBLIC);
  // Everyone reads it back the same way.
  fv1::GetFeedbackRequest get;
  get.set_name(out.name());
  fv1::Feedback read;
  ASSERT_TRUE(feedback_stub_->GetFeedback(Ctx(Token("peer")).get(), get, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), out.SerializeAsString());
}

TEST_F(FeedbackRpcsTest, RequestIdReturnsTheFirstResultAndWritesNothing) {
  const std::string id = "3f1c6a52-8a9e-4d2b-9c1e-0a1b2c3d4e5f";
  fv1::Feedback first;
  ASSERT_TRUE(Create(Token("author"), Praise("rec", "one"), &first, id).ok());
  fv1::Feedback second;
  ASSERT_TRUE(Create(Token("author"), Praise("rec", "two"), &second, id).ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.body(), "one");
  // Another caller's same id is theirs alone.
  fv1::Feedback other;
  ASSERT_TRUE(Create(Token("peer"), Praise("rec", "three"), &other, id).ok());
  EXPECT_NE(other.name(), first.name());
  fv1::ListFeedbackResponse listed;
  ASSERT_TRUE(feedback_stub_->ListFeedback(Ctx(Admin()).get(), {}, &listed).ok());
  EXPECT_EQ(listed.feedback_size(), 2);
}

TEST_F(FeedbackRpcsTest, LinkedGoalsAreCheckedAsTheCaller) {
  const std::string open = CreateObjective(cycle_, "rec", "Open goal");
  const std::string hidden = CreateObjective(cycle_, "rec", "Hidden goal", /*is_private=*/true);
  fv1::Feedback f = Praise("rec", "About the open goal");
  f.set_objective(open);
  fv1::Feedback out;
  ASSERT_TRUE(Create(Token("author"), f, &out).ok());
  EXPECT_EQ(out.objective(), open);
  // The author may not read the PRIVATE objective: goals says NOT_FOUND, and so do we.
  f.set_objective(hidden);
  grpc::Status s = Create(Token("author"), f, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "GOAL_NOT_FOUND");
  f.set_objective("objectives/doesnotexist");
  EXPECT_EQ(FeedbackReason(Create(Token("author"), f, nullptr)), "GOAL_NOT_FOUND");
  f.set_key_result(open + "/keyResults/none");
  EXPECT_EQ(FeedbackReason(Create(Token("author"), f, nullptr)), "GOAL_NOT_FOUND");
  // The manager (a steward) may link the private one; the recipient reads the link (an owner),
  // a peer reads the PUBLIC feedback without it.
  fv1::Feedback from_mgr = Praise("rec", "About the hidden goal");
  from_mgr.set_objective(hidden);
  from_mgr.set_visibility(fv1::FEEDBACK_VISIBILITY_PUBLIC);
  ASSERT_TRUE(Create(Token("mgr"), from_mgr, &out).ok());
  fv1::GetFeedbackRequest get;
  get.set_name(out.name());
  fv1::Feedback as_rec;
  ASSERT_TRUE(feedback_stub_->GetFeedback(Ctx(Token("rec")).get(), get, &as_rec).ok());
  EXPECT_EQ(as_rec.objective(), hidden);
  fv1::Feedback as_peer;
  ASSERT_TRUE(feedback_stub_->GetFeedback(Ctx(Token("peer")).get(), get, &as_peer).ok());
  EXPECT_TRUE(as_peer.objective().empty());
  EXPECT_EQ(as_peer.body(), "About the hidden goal");
}

TEST_F(FeedbackRpcsTest, PagesAreStableAndTokensBoundToTheirFilters) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    fv1::Feedback out;
    ASSERT_TRUE(Create(Token("author"), Praise("rec", "n" + std::to_string(i)), &out).ok());
    created.push_back(out.name());
  }
  fv1::ListFeedbackRequest request;
  request.set_recipient("people/rec");
  request.set_page_size(3);
  std::vector<std::string> seen;
  std::string first_token;
  do {
    fv1::ListFeedbackResponse page;
    ASSERT_TRUE(feedback_stub_->ListFeedback(Ctx(Token("rec")).get(), request, &page).ok());
    EXPECT_LE(page.feedback_size(), 3);
    for (const auto& f : page.feedback()) seen.push_back(f.name());
    if (first_token.empty()) first_token = page.next_page_token();
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(seen, std::vector<std::string>(created.rbegin(), created.rend())) << "newest first";
  // A token with other filters, another caller's tenant, or garbage is refused.
  fv1::ListFeedbackRequest changed;
  changed.set_recipient("people/peer");
  changed.set_page_size(3);
  changed.set_page_token(first_token);
  fv1::ListFeedbackResponse page;
  grpc::Status s = feedback_stub_->ListFeedback(Ctx(Token("rec")).get(), changed, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FeedbackReason(s), "INVALID_PAGE_TOKEN");
  changed.set_recipient("people/rec");
  changed.set_page_token("garbage");
  EXPECT_EQ(FeedbackReason(feedback_stub_->ListFeedback(Ctx(Token("rec")).get(), changed, &page)),
            "INVALID_PAGE_TOKEN");
  fv1::ListFeedbackRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(feedback_stub_->ListFeedback(Ctx(Token("rec")).get(), negative, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(FeedbackRpcsTest, OnlyTheAuthorOrAnAdministratorDeletes) {
  fv1::Feedback f = Praise("rec", "Public praise");
  f.set_visibility(fv1::FEEDBACK_VISIBILITY_PUBLIC);
  fv1::Feedback out;
  ASSERT_TRUE(Create(Token("author"), f, &out).ok());
  fv1::DeleteFeedbackRequest del;
  del.set_name(out.name());
  google::protobuf::Empty empty;
  // The recipient reads it but may not delete it.
  grpc::Status s = feedback_stub_->DeleteFeedback(Ctx(Token("rec")).get(), del, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(s), "FEEDBACK_DELETE_DENIED");
  // PRIVATE feedback a peer cannot read: NOT_FOUND, like a missing one.
  fv1::Feedback hidden;
  ASSERT_TRUE(Create(Token("author"), Praise("rec", "Private"), &hidden).ok());
  fv1::DeleteFeedbackRequest del_hidden;
  del_hidden.set_name(hidden.name());
  EXPECT_EQ(
      feedback_stub_->DeleteFeedback(Ctx(Token("peer")).get(), del_hidden, &empty).error_code(),
      grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(feedback_stub_->DeleteFeedback(Ctx(Token("author")).get(), del, &empty).ok());
  EXPECT_EQ(feedback_stub_->DeleteFeedback(Ctx(Token("author")).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(feedback_stub_->DeleteFeedback(Ctx(Admin()).get(), del_hidden, &empty).ok());
  fv1::GetFeedbackRequest get;
  get.set_name(hidden.name());
  fv1::Feedback read;
  EXPECT_EQ(feedback_stub_->GetFeedback(Ctx(Token("author")).get(), get, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace okr::e2e
