// The visibility matrix of feedback over real gRPC: every viewer (author, recipient, the
// recipient's manager and manager's manager, a peer, hr, an administrator, the same person id in
// another tenant) against every visibility (PRIVATE, MANAGER, PUBLIC and anonymous feedback) in
// GetFeedback, ListFeedback with and without each filter, and WatchChanges. The anonymous author's
// id must appear in no byte a non-author reads: responses, error details and change frames.
#include <map>
#include <set>

#include "tests/e2e/feedback/feedback_e2e.h"

namespace okr::e2e {
namespace {

// Distinctive, so a search of raw bytes finds any leak.
constexpr char kAuthor[] = "anon-author-q7zx";

struct Column {
  std::string label;
  fv1::FeedbackVisibility visibility;
  bool anonymous;
};

const std::vector<Column> kColumns = {
    {"PRIVATE", fv1::FEEDBACK_VISIBILITY_PRIVATE, false},
    {"MANAGER", fv1::FEEDBACK_VISIBILITY_MANAGER, false},
    {"PUBLIC", fv1::FEEDBACK_VISIBILITY_PUBLIC, false},
    {"ANONYMOUS_MANAGER", fv1::FEEDBACK_VISIBILITY_MANAGER, true},
    {"ANONYMOUS_PUBLIC", fv1::FEEDBACK_VISIBILITY_PUBLIC, true},
};

struct Row {
  std::string label;
  std::string person;
  std::vector<std::string> roles;
  bool other_tenant = false;
  // Which columns the viewer reads, in kColumns order.
  std::vector<bool> reads;
  bool is_author = false;
};

const std::vector<Row> kRows = {
    {"author", kAuthor, {}, false, {true, true, true, true, true}, true},
    {"recipient", "rec", {}, false, {true, true, true, true, true}},
    {"manager", "mgr", {}, false, {false, true, true, true, true}},
    {"manager's manager", "top", {}, false, {false, true, true, true, true}},
    {"peer", "peer", {}, false, {false, false, true, false, true}},
    {"hr", "hr1", {"hr"}, false, {false, true, true, true, true}},
    {"admin", "boss", {"admin"}, false, {true, true, true, true, true}},
    {"other tenant", "mgr", {"admin"}, true, {false, false, false, false, false}},
};

class VisibilityMatrixTest : public FeedbackServersSuite {
 protected:
  void SetUp() override {
    FeedbackServersSuite::SetUp();
    if (HasFatalFailure()) return;
    UpsertOrg({{"top", "", {}},
               {"mgr", "top", {}},
               {"rec", "mgr", {"eng"}},
               {"peer", "mgr", {"eng"}},
               {kAuthor, "top", {}},
               {"hr1", "top", {}},
               {"boss", "", {}}});
    other_tenant_ = tenant_ + "-other";
    cycle_ = CreateCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
    objective_ = CreateObjective(cycle_, "rec", "Ship the thing");
    // A position before any feedback, for the watchers.
    start_token_ = FirstCheckpoint(Token("rec"));
    for (const Column& c : kColumns) {
      fv1::CreateFeedbackRequest request;
      fv1::Feedback* f = request.mutable_feedback();
      f->set_recipient("people/rec");
      f->set_kind(fv1::FEEDBACK_KIND_PRAISE);
      f->set_body("Great work on " + c.label);
      f->set_visibility(c.visibility);
      f->set_anonymous(c.anonymous);
      f->set_objective(objective_);
      f->add_tags("Ownership");
      fv1::Feedback out;
      grpc::Status s = feedback_stub_->CreateFeedback(Ctx(Token(kAuthor)).get(), request, &out);
      ASSERT_TRUE(s.ok()) << c.label << ": " << s.error_message();
      EXPECT_EQ(out.author(), std::string("people/") + kAuthor) << "the author sees themselves";
      names_.push_back(out.name());
      create_time_ = out.create_time();
    }
  }

  std::string TokenFor(const Row& row) const {
    return test_support::E2eToken(row.other_tenant ? other_tenant_ : tenant_, row.person,
                                  row.roles);
  }

  // Opens a watch from now and returns the position of its first checkpoint.
  std::string FirstCheckpoint(const std::string& token) {
    auto context = Ctx(token);
    auto stream = feedback_stub_->WatchChanges(context.get(), fv1::WatchChangesRequest());
    fv1::WatchChangesResponse message;
    EXPECT_TRUE(stream->Read(&message));
    context->TryCancel();
    return message.checkpoint().resume_token();
  }

  // Every change after `token` the viewer is sent until the stream has caught up, and the raw
  // bytes of everything it was sent.
  std::vector<fv1::Change> Watch(const std::string& token, const std::string& resume,
                                 std::string* bytes, grpc::Status* status) {
    auto context = Ctx(token);
    fv1::WatchChangesRequest request;
    request.set_resume_token(resume);
    auto stream = feedback_stub_->WatchChanges(context.get(), request);
    std::vector<fv1::Change> changes;
    fv1::WatchChangesResponse message;
    while (stream->Read(&message)) {
      bytes->append(message.SerializeAsString());
      if (message.has_change()) changes.push_back(message.change());
      if (message.has_checkpoint() && message.checkpoint().caught_up()) break;
    }
    context->TryCancel();
    *status = stream->Finish();
    return changes;
  }

  // The names a List returns (all pages), with every byte of the responses.
  std::vector<std::string> List(const std::string& token, fv1::ListFeedbackRequest request,
                                std::string* bytes, grpc::Status* status) {
    std::vector<std::string> names;
    request.set_page_size(2);
    do {
      fv1::ListFeedbackResponse response;
      *status = feedback_stub_->ListFeedback(Ctx(token).get(), request, &response);
      if (!status->ok()) {
        bytes->append(status->error_message()).append(status->error_details());
        return names;
      }
      bytes->append(response.SerializeAsString());
      for (const auto& f : response.feedback()) names.push_back(f.name());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  std::string other_tenant_;
  std::string cycle_;
  std::string objective_;
  std::string start_token_;
  std::vector<std::string> names_;
  google::protobuf::Timestamp create_time_;
};

TEST_F(VisibilityMatrixTest, GetListAndWatchShowEachViewerExactlyWhatTheyMayRead) {
  // The filters each List is repeated with; each matches all five pieces of feedback for a
  // reader who may see them (the author filter only where the author is shown).
  std::map<std::string, fv1::ListFeedbackRequest> filters;
  filters["none"] = fv1::ListFeedbackRequest();
  filters["author"].set_author(std::string("people/") + kAuthor);
  filters["recipient"].set_recipient("people/rec");
  filters["kind"].set_kind(fv1::FEEDBACK_KIND_PRAISE);
  filters["objective"].set_objective(objective_);
  filters["tag"].set_tag("ownership");
  *filters["time"].mutable_create_time_start() = google::protobuf::Timestamp();
  for (const Column& c : kColumns) {
    filters["visibility=" + c.label].set_visibility(c.visibility);
  }

  for (const Row& row : kRows) {
    SCOPED_TRACE(row.label);
    const std::string token = TokenFor(row);
    std::string seen;  // every byte this viewer was sent
    // Get.
    for (size_t i = 0; i < kColumns.size(); ++i) {
      SCOPED_TRACE(kColumns[i].label);
      fv1::GetFeedbackRequest get;
      get.set_name(names_[i]);
      fv1::Feedback out;
      grpc::Status s = feedback_stub_->GetFeedback(Ctx(token).get(), get, &out);
      seen.append(out.SerializeAsString()).append(s.error_message()).append(s.error_details());
      if (row.reads[i]) {
        ASSERT_TRUE(s.ok()) << s.error_message();
        EXPECT_EQ(out.name(), names_[i]);
        EXPECT_EQ(out.recipient(), "people/rec");
        EXPECT_EQ(out.anonymous(), kColumns[i].anonymous);
        const bool author_shown = !kColumns[i].anonymous || row.is_author;
        EXPECT_EQ(out.author(), author_shown ? std::string("people/") + kAuthor : "");
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
        EXPECT_EQ(FeedbackReason(s), "FEEDBACK_NOT_FOUND");
      }
    }
    // List, with and without each filter.
    for (const auto& [label, request] : filters) {
      SCOPED_TRACE("filter " + label);
      grpc::Status s;
      std::vector<std::string> listed = List(token, request, &seen, &s);
      ASSERT_TRUE(s.ok()) << s.error_message();
      std::set<std::string> want;
      for (size_t i = 0; i < kColumns.size(); ++i) {
        if (!row.reads[i]) continue;
        if (label == "author" && kColumns[i].anonymous && !row.is_author) continue;
        if (label.rfind("visibility=", 0) == 0 && request.visibility() != kColumns[i].visibility) {
          continue;
        }
        want.insert(names_[i]);
      }
      EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), want);
      EXPECT_EQ(listed.size(), want.size()) << "no duplicates across pages";
    }
    // WatchChanges from before the feedback.
    {
      grpc::Status s;
      std::vector<fv1::Change> changes = Watch(token, start_token_, &seen, &s);
      std::set<std::string> want;
      for (size_t i = 0; i < kColumns.size(); ++i) {
        if (row.reads[i]) want.insert(names_[i]);
      }
      std::set<std::string> got;
      for (const fv1::Change& change : changes) {
        if (change.kind() != fv1::CHANGE_KIND_FEEDBACK_CREATED) continue;
        got.insert(change.resource_name());
        const fv1::Feedback& f = change.feedback().feedback();
        const bool author_shown = !f.anonymous() || row.is_author;
        EXPECT_EQ(f.author(), author_shown ? std::string("people/") + kAuthor : "");
        EXPECT_EQ(change.actor(), author_shown ? std::string("people/") + kAuthor : "");
        EXPECT_TRUE(change.feedback().author_key().empty()) << "people get no author keys";
      }
      if (row.other_tenant) {
        // A token of another tenant names a position of this database: nothing of this tenant.
        EXPECT_TRUE(got.empty());
      } else {
        EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::CANCELLED) << s.error_message();
        EXPECT_EQ(got, want);
      }
    }
    // A viewer who reads no named feedback of this author must never see the author's id.
    size_t named = 0;
    for (size_t i = 0; i < kColumns.size(); ++i) {
      if (row.reads[i] && !kColumns[i].anonymous) ++named;
    }
    if (!row.is_author && named == 0) {
      EXPECT_EQ(seen.find(kAuthor), std::string::npos) << "the author leaked to " << row.label;
    }
  }
}

// Anonymous feedback alone: nobody but the author ever sees the author's id in any byte.
TEST_F(VisibilityMatrixTest, AnonymousAuthorAppearsInNoByteANonAuthorReads) {
  // A separate recipient whose only feedback is anonymous, so any occurrence is a leak.
  UpsertOrg({{"solo", "mgr", {}}});
  fv1::CreateFeedbackRequest request;
  request.mutable_feedback()->set_recipient("people/solo");
  request.mutable_feedback()->set_kind(fv1::FEEDBACK_KIND_CONSTRUCTIVE);
  request.mutable_feedback()->set_body("Please review sooner");
  request.mutable_feedback()->set_visibility(fv1::FEEDBACK_VISIBILITY_MANAGER);
  request.mutable_feedback()->set_anonymous(true);
  const std::string other_author = "hidden-writer-m4k2";
  UpsertOrg({{other_author, "top", {}}});
  fv1::Feedback created;
  ASSERT_TRUE(
      feedback_stub_->CreateFeedback(Ctx(Token(other_author)).get(), request, &created).ok());
  for (const Row& row : kRows) {
    if (row.is_author) continue;
    SCOPED_TRACE(row.label);
    const std::string token = TokenFor(row);
    std::string seen;
    fv1::GetFeedbackRequest get;
    get.set_name(created.name());
    fv1::Feedback out;
    grpc::Status s = feedback_stub_->GetFeedback(Ctx(token).get(), get, &out);
    seen.append(out.SerializeAsString()).append(s.error_message()).append(s.error_details());
    for (const std::string& filter_author :
         {std::string("people/") + other_author, std::string()}) {
      fv1::ListFeedbackRequest list;
      list.set_author(filter_author);
      list.set_recipient("people/solo");
      grpc::Status ls;
      std::vector<std::string> names = List(token, list, &seen, &ls);
      ASSERT_TRUE(ls.ok()) << ls.error_message();
      if (!filter_author.empty()) {
        EXPECT_TRUE(names.empty()) << "an author filter must not find anonymous feedback";
      }
    }
    grpc::Status ws;
    Watch(token, start_token_, &seen, &ws);
    // Deleting it is refused without naming anyone.
    fv1::DeleteFeedbackRequest del;
    del.set_name(created.name());
    google::protobuf::Empty empty;
    if (row.roles.empty()) {
      grpc::Status ds = feedback_stub_->DeleteFeedback(Ctx(token).get(), del, &empty);
      EXPECT_FALSE(ds.ok());
      seen.append(ds.error_message()).append(ds.error_details());
    }
    EXPECT_EQ(seen.find(other_author), std::string::npos) << "leaked to " << row.label;
  }
  // The author finds it with the author filter.
  fv1::ListFeedbackRequest mine;
  mine.set_author("people/" + other_author);
  fv1::ListFeedbackResponse response;
  ASSERT_TRUE(feedback_stub_->ListFeedback(Ctx(Token(other_author)).get(), mine, &response).ok());
  ASSERT_EQ(response.feedback_size(), 1);
  EXPECT_EQ(response.feedback(0).author(), "people/" + other_author);
}

}  // namespace
}  // namespace okr::e2e
