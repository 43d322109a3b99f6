// One-on-ones end to end: real okr-goals and okr-feedback processes over gRPC, one tenant per test.
#include <gmock/gmock.h>

#include <csignal>

#include "google/protobuf/util/time_util.h"
#include "tests/e2e/feedback/feedback_e2e.h"

namespace okr::e2e {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

google::protobuf::Timestamp Ago(absl::Duration d) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - d));
}

class OneOnOneTest : public FeedbackServersSuite {
 protected:
  void SetUp() override {
    FeedbackServersSuite::SetUp();
    UpsertOrg({{"boss", "", {}},
               {"mia", "boss", {}},
               {"rey", "mia", {}},
               {"sam", "mia", {}},
               {"xan", "boss", {}}});
  }

  fv1::OneOnOne Pair(const std::string& manager = "mia", const std::string& report = "rey") {
    fv1::OneOnOne o;
    o.set_manager("people/" + manager);
    o.set_report("people/" + report);
    o.set_cadence(fv1::ONE_ON_ONE_CADENCE_WEEKLY);
    return o;
  }

  grpc::Status Create(const std::string& token, const fv1::OneOnOne& o, fv1::OneOnOne* out,
                      const std::string& request_id = "") {
    fv1::CreateOneOnOneRequest request;
    *request.mutable_one_on_one() = o;
    request.set_request_id(request_id);
    return feedback_stub_->CreateOneOnOne(Ctx(token).get(), request, out);
  }

  fv1::OneOnOne MustCreate(const std::string& token, const fv1::OneOnOne& o) {
    fv1::OneOnOne out;
    grpc::Status s = Create(token, o, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Get(const std::string& token, const std::string& name, fv1::OneOnOne* out) {
    fv1::GetOneOnOneRequest request;
    request.set_name(name);
    return feedback_stub_->GetOneOnOne(Ctx(token).get(), request, out);
  }

  grpc::Status Update(const std::string& token, const fv1::OneOnOne& o,
                      const std::vector<std::string>& paths, fv1::OneOnOne* out) {
    fv1::UpdateOneOnOneRequest request;
    *request.mutable_one_on_one() = o;
    for (const std::string& p : paths) request.mutable_update_mask()->add_paths(p);
    return feedback_stub_->UpdateOneOnOne(Ctx(token).get(), request, out);
  }

  grpc::Status List(const std::string& token, const fv1::ListOneOnOnesRequest& request,
                    fv1::ListOneOnOnesResponse* out) {
    return feedback_stub_->ListOneOnOnes(Ctx(token).get(), request, out);
  }

  std::vector<std::string> Names(const fv1::ListOneOnOnesResponse& page) {
    std::vector<std::string> names;
    for (const auto& o : page.one_on_ones()) names.push_back(o.name());
    return names;
  }
};

TEST_F(OneOnOneTest, CreateThenParticipantsReadWithTheirOwnPrivateNotes) {
  fv1::OneOnOne o = Pair();
  o.add_agenda_items()->set_text("Roadmap");
  o.set_shared_notes("shared");
  o.set_private_notes("rey's own");
  const fv1::OneOnOne created = MustCreate(Token("rey"), o);
  EXPECT_THAT(created.name(), ::testing::StartsWith("oneOnOnes/"));
  ASSERT_EQ(created.agenda_items_size(), 1);
  EXPECT_FALSE(created.agenda_items(0).id().empty());
  EXPECT_EQ(created.agenda_items(0).author(), "people/rey");
  EXPECT_EQ(created.private_notes(), "rey's own");
  EXPECT_FALSE(created.etag().empty());
  EXPECT_FALSE(created.overdue());
  EXPECT_EQ(TimeUtil::TimestampToSeconds(created.next_due_time()) -
                TimeUtil::TimestampToSeconds(created.create_time()),
            7 * 24 * 3600);

  fv1::OneOnOne seen;
  ASSERT_TRUE(Get(Token("mia"), created.name(), &seen).ok());
  EXPECT_EQ(seen.shared_notes(), "shared");
  EXPECT_EQ(seen.private_notes(), "");  // rey's notes are never shown to mia
  EXPECT_EQ(seen.agenda_items(0).text(), "Roadmap");

  ASSERT_TRUE(Get(Token("rey"), created.name(), &seen).ok());
  EXPECT_EQ(seen.private_notes(), "rey's own");

  // mia writes her own private notes: rey's stay as they were, and the etag moves.
  fv1::OneOnOne change;
  change.set_name(created.name());
  change.set_private_notes("mia's own");
  fv1::OneOnOne updated;
  ASSERT_TRUE(Update(Token("mia"), change, {"private_notes"}, &updated).ok());
  EXPECT_EQ(updated.private_notes(), "mia's own");
  EXPECT_NE(updated.etag(), created.etag());
  ASSERT_TRUE(Get(Token("rey"), created.name(), &seen).ok());
  EXPECT_EQ(seen.private_notes(), "rey's own");
  EXPECT_EQ(seen.etag(), updated.etag());
}

TEST_F(OneOnOneTest, CreateIsDeniedToStrangersBeforeAnythingElse) {
  fv1::OneOnOne out;
  fv1::OneOnOne o = Pair();
  o.set_cadence(fv1::ONE_ON_ONE_CADENCE_UNSPECIFIED);  // invalid too, but not looked at
  grpc::Status s = Create(Token("xan"), o, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(s), "ONE_ON_ONE_WRITE_DENIED");
  // Administrators do not start other people's one-on-ones either.
  s = Create(Admin(), Pair(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(OneOnOneTest, CreateValidatesThePairAndItsFields) {
  fv1::OneOnOne out;
  fv1::OneOnOne o = Pair("rey", "rey");
  o.set_cadence(fv1::ONE_ON_ONE_CADENCE_UNSPECIFIED);
  grpc::Status s = Create(Token("rey"), o, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), UnorderedElementsAre("one_on_one.report", "one_on_one.cadence"));

  o = Pair();
  o.set_cadence(static_cast<fv1::OneOnOneCadence>(7));
  o.add_agenda_items()->set_text("   ");
  fv1::ActionItem* a = o.add_action_items();
  a->set_owner("people/xan");
  a->set_text("t");
  fv1::ActionItem* b = o.add_action_items();
  b->set_owner("people/rey");
  b->set_text(std::string(1001, 'x'));
  *b->mutable_due_date() = Date(2027, 2, 30);
  *o.mutable_last_meeting_time() = Ago(-absl::Hours(1));
  s = Create(Token("rey"), o, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      FeedbackFields(s),
      UnorderedElementsAre("one_on_one.cadence", "one_on_one.agenda_items[0].text",
                           "one_on_one.action_items[1].text", "one_on_one.action_items[1].due_date",
                           "one_on_one.last_meeting_time"));
  // Owners are checked against the pair once the formats are right.
  o = Pair();
  a = o.add_action_items();
  a->set_owner("people/xan");
  a->set_text("t");
  s = Create(Token("rey"), o, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.action_items[0].owner"));
}

TEST_F(OneOnOneTest, CreateNeedsBothPeopleAndOnePerPair) {
  fv1::OneOnOne out;
  grpc::Status s = Create(Token("rey"), Pair("nobody", "rey"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "PERSON_NOT_FOUND");
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.manager"));

  MustCreate(Token("rey"), Pair());
  s = Create(Token("mia"), Pair(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(FeedbackReason(s), "ONE_ON_ONE_EXISTS");
  // A skip-level pair is another pair.
  MustCreate(Token("boss"), Pair("boss", "rey"));
}

TEST_F(OneOnOneTest, RequestIdReturnsTheFirstResult) {
  const std::string id = "3f2a6c1e-8b4d-4e2f-9a7b-1c2d3e4f5a6b";
  fv1::OneOnOne first;
  fv1::OneOnOne second;
  ASSERT_TRUE(Create(Token("rey"), Pair(), &first, id).ok());
  grpc::Status s = Create(Token("rey"), Pair(), &second, id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  s = Create(Token("rey"), Pair(), &second, "not-a-uuid");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(OneOnOneTest, AdministratorsReadWithoutNotesOthersFindNothing) {
  fv1::OneOnOne o = Pair();
  o.set_shared_notes("shared");
  o.set_private_notes("mine");
  const fv1::OneOnOne created = MustCreate(Token("mia"), o);
  fv1::OneOnOne seen;
  ASSERT_TRUE(Get(Admin(), created.name(), &seen).ok());
  EXPECT_EQ(seen.shared_notes(), "");
  EXPECT_EQ(seen.private_notes(), "");
  EXPECT_EQ(seen.manager(), "people/mia");
  ASSERT_TRUE(Get(Token("svc", {"service-reader"}), created.name(), &seen).ok());
  EXPECT_EQ(seen.shared_notes(), "");

  for (const std::string& token : {Token("hr1", {"hr"}), Token("xan"), Token("boss")}) {
    grpc::Status s = Get(token, created.name(), &seen);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(FeedbackReason(s), "ONE_ON_ONE_NOT_FOUND");
  }
  grpc::Status missing = Get(Token("mia"), "oneOnOnes/nosuchone", &seen);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(missing), "ONE_ON_ONE_NOT_FOUND");

  fv1::OneOnOne change;
  change.set_name(created.name());
  change.set_shared_notes("x");
  grpc::Status s = Update(Admin(), change, {"shared_notes"}, &seen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FeedbackReason(s), "ONE_ON_ONE_WRITE_DENIED");
  s = Update(Token("xan"), change, {"shared_notes"}, &seen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(OneOnOneTest, UpdateChecksMaskAndEtag) {
  const fv1::OneOnOne created = MustCreate(Token("rey"), Pair());
  fv1::OneOnOne change;
  change.set_name(created.name());
  change.set_shared_notes("v2");
  fv1::OneOnOne out;
  grpc::Status s = Update(Token("rey"), change, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("update_mask"));
  for (const char* path : {"manager", "etag", "next_due_time", "bogus"}) {
    s = Update(Token("rey"), change, {path}, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(FeedbackFields(s), ElementsAre("update_mask")) << path;
  }
  s = Update(Token("rey"), change, {"*", "shared_notes"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  change.set_etag(created.etag());
  ASSERT_TRUE(Update(Token("rey"), change, {"shared_notes"}, &out).ok());
  EXPECT_EQ(out.shared_notes(), "v2");
  change.set_shared_notes("v3");
  s = Update(Token("mia"), change, {"shared_notes"}, &out);  // the etag is stale now
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);

  // `*` with an unset cadence clears nothing silently: cadence is required.
  fv1::OneOnOne all;
  all.set_name(created.name());
  s = Update(Token("rey"), all, {"*"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.cadence"));
}

TEST_F(OneOnOneTest, ItemsKeepTheirIdsAndUnknownIdsAreRejected) {
  fv1::OneOnOne o = Pair();
  o.add_agenda_items()->set_text("first");
  const fv1::OneOnOne created = MustCreate(Token("rey"), o);
  const std::string first_id = created.agenda_items(0).id();

  fv1::OneOnOne change;
  change.set_name(created.name());
  *change.add_agenda_items() = created.agenda_items(0);
  change.mutable_agenda_items(0)->set_text("first, edited");
  change.add_agenda_items()->set_text("second");
  fv1::ActionItem* a = change.add_action_items();
  a->set_owner("people/mia");
  a->set_text("send the doc");
  a->set_done(true);
  fv1::OneOnOne out;
  ASSERT_TRUE(Update(Token("mia"), change, {"agenda_items", "action_items"}, &out).ok());
  ASSERT_EQ(out.agenda_items_size(), 2);
  EXPECT_EQ(out.agenda_items(0).id(), first_id);
  EXPECT_EQ(out.agenda_items(0).author(), "people/rey");
  EXPECT_EQ(out.agenda_items(1).author(), "people/mia");
  EXPECT_NE(out.agenda_items(1).id(), first_id);
  EXPECT_TRUE(out.action_items(0).has_complete_time());

  // Reopening clears the completion time.
  fv1::OneOnOne reopen;
  reopen.set_name(created.name());
  *reopen.add_action_items() = out.action_items(0);
  reopen.mutable_action_items(0)->set_done(false);
  ASSERT_TRUE(Update(Token("rey"), reopen, {"action_items"}, &out).ok());
  EXPECT_FALSE(out.action_items(0).has_complete_time());

  fv1::OneOnOne bad;
  bad.set_name(created.name());
  bad.add_agenda_items()->set_text("x");
  bad.mutable_agenda_items(0)->set_id("made-up");
  grpc::Status s = Update(Token("rey"), bad, {"agenda_items"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.agenda_items[0].id"));

  fv1::OneOnOne too_many;
  too_many.set_name(created.name());
  for (int i = 0; i < 101; ++i) too_many.add_agenda_items()->set_text("t");
  s = Update(Token("rey"), too_many, {"agenda_items"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.agenda_items"));
}

TEST_F(OneOnOneTest, RecordingAMeetingCarriesOverOpenActionItems) {
  fv1::OneOnOne o = Pair();
  o.add_agenda_items()->set_text("talked about");
  o.add_agenda_items()->set_text("for next time");
  for (const char* text : {"already done", "still open", "done today"}) {
    fv1::ActionItem* a = o.add_action_items();
    a->set_owner("people/rey");
    a->set_text(text);
  }
  o.mutable_action_items(0)->set_done(true);
  const fv1::OneOnOne created = MustCreate(Token("rey"), o);

  // After the meeting: the first topic was discussed, "done today" is ticked off, and the meeting
  // is recorded, all in one update.
  fv1::OneOnOne after = created;
  after.mutable_agenda_items(0)->set_discussed(true);
  after.mutable_action_items(2)->set_done(true);
  *after.mutable_last_meeting_time() = Ago(absl::Minutes(5));
  fv1::OneOnOne out;
  grpc::Status s =
      Update(Token("mia"), after, {"agenda_items", "action_items", "last_meeting_time"}, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.agenda_items_size(), 1);
  EXPECT_EQ(out.agenda_items(0).text(), "for next time");
  ASSERT_EQ(out.action_items_size(), 2);
  EXPECT_EQ(out.action_items(0).text(), "still open");
  EXPECT_EQ(out.action_items(1).text(), "done today");
  EXPECT_EQ(TimeUtil::TimestampToSeconds(out.next_due_time()),
            TimeUtil::TimestampToSeconds(out.last_meeting_time()) + 7 * 24 * 3600);

  // The next recorded meeting drops what was done before it.
  fv1::OneOnOne next;
  next.set_name(created.name());
  *next.mutable_last_meeting_time() = Ago(absl::Minutes(1));
  ASSERT_TRUE(Update(Token("rey"), next, {"last_meeting_time"}, &out).ok());
  ASSERT_EQ(out.action_items_size(), 1);
  EXPECT_EQ(out.action_items(0).text(), "still open");
  EXPECT_EQ(out.agenda_items_size(), 1);
}

TEST_F(OneOnOneTest, ListFiltersOrdersAndPages) {
  const fv1::OneOnOne a = MustCreate(Token("rey"), Pair("mia", "rey"));
  fv1::OneOnOne late = Pair("mia", "sam");
  late.set_cadence(fv1::ONE_ON_ONE_CADENCE_MONTHLY);
  *late.mutable_last_meeting_time() = Ago(absl::Hours(24 * 40));
  const fv1::OneOnOne b = MustCreate(Token("mia"), late);
  EXPECT_TRUE(b.overdue());
  const fv1::OneOnOne c = MustCreate(Token("boss"), Pair("boss", "mia"));

  fv1::ListOneOnOnesRequest request;
  fv1::ListOneOnOnesResponse page;
  ASSERT_TRUE(List(Token("mia"), request, &page).ok());
  EXPECT_THAT(Names(page), ElementsAre(a.name(), b.name(), c.name()));
  ASSERT_TRUE(List(Token("rey"), request, &page).ok());
  EXPECT_THAT(Names(page), ElementsAre(a.name()));
  ASSERT_TRUE(List(Token("hr1", {"hr"}), request, &page).ok());
  EXPECT_THAT(Names(page), IsEmpty());
  ASSERT_TRUE(List(Admin(), request, &page).ok());
  EXPECT_THAT(Names(page), ElementsAre(a.name(), b.name(), c.name()));
  EXPECT_EQ(page.one_on_ones(0).shared_notes(), "");

  request.set_manager("people/mia");
  ASSERT_TRUE(List(Token("mia"), request, &page).ok());
  EXPECT_THAT(Names(page), ElementsAre(a.name(), b.name()));
  request.set_overdue_only(true);
  ASSERT_TRUE(List(Token("mia"), request, &page).ok());
  EXPECT_THAT(Names(page), ElementsAre(b.name()));

  fv1::ListOneOnOnesRequest paged;
  paged.set_page_size(2);
  ASSERT_TRUE(List(Admin(), paged, &page).ok());
  EXPECT_THAT(Names(page), ElementsAre(a.name(), b.name()));
  ASSERT_FALSE(page.next_page_token().empty());
  paged.set_page_token(page.next_page_token());
  fv1::ListOneOnOnesResponse second;
  ASSERT_TRUE(List(Admin(), paged, &second).ok());
  EXPECT_THAT(Names(second), ElementsAre(c.name()));
  EXPECT_TRUE(second.next_page_token().empty());
  paged.set_report("people/rey");  // another filter: the token does not fit
  grpc::Status s = List(Admin(), paged, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  paged.clear_report();
  paged.set_page_size(-1);
  s = List(Admin(), paged, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_report("rey");
  s = List(Token("mia"), request, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("report"));
}

TEST_F(OneOnOneTest, PrivateObjectivesAreShownOnlyToWhoLinkedThem) {
  const std::string cycle = CreateCycle("2027-Q1", Date(2027, 1, 1), Date(2027, 3, 31));
  const std::string shared = CreateObjective(cycle, "rey", "Ship it");
  const std::string secret = CreateObjective(cycle, "rey", "Secret", /*is_private=*/true);
  const std::string strangers = CreateObjective(cycle, "xan", "Not yours", /*is_private=*/true);

  fv1::OneOnOne o = Pair();
  o.add_objectives(shared);
  o.add_objectives(secret);
  o.add_objectives(secret);  // a repeat links it once
  const fv1::OneOnOne created = MustCreate(Token("rey"), o);
  EXPECT_THAT(created.objectives(), ElementsAre(shared, secret));

  fv1::OneOnOne seen;
  ASSERT_TRUE(Get(Token("mia"), created.name(), &seen).ok());
  EXPECT_THAT(seen.objectives(), ElementsAre(shared));
  ASSERT_TRUE(Get(Admin(), created.name(), &seen).ok());
  EXPECT_THAT(seen.objectives(), ElementsAre(shared, secret));

  // mia clears the list she sees: the private objective rey linked stays.
  fv1::OneOnOne change;
  change.set_name(created.name());
  fv1::OneOnOne out;
  ASSERT_TRUE(Update(Token("mia"), change, {"objectives"}, &out).ok());
  EXPECT_THAT(out.objectives(), IsEmpty());
  ASSERT_TRUE(Get(Token("rey"), created.name(), &seen).ok());
  EXPECT_THAT(seen.objectives(), ElementsAre(secret));

  change.add_objectives(strangers);  // rey may not read xan's private objective
  grpc::Status s = Update(Token("rey"), change, {"objectives"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.objectives[0]"));
  change.set_objectives(0, "objectives/doesnotexist");
  s = Update(Token("rey"), change, {"objectives"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FeedbackReason(s), "GOAL_NOT_FOUND");
  change.set_objectives(0, "goals/x");
  s = Update(Token("rey"), change, {"objectives"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FeedbackFields(s), ElementsAre("one_on_one.objectives[0]"));
}

// Its own suite: it stops okr-goals.
class OneOnOneGoalsDownTest : public OneOnOneTest {};

TEST_F(OneOnOneGoalsDownTest, WritesThatNeedGoalsFailReadsGoOn) {
  const std::string cycle = CreateCycle("2027-Q2", Date(2027, 4, 1), Date(2027, 6, 30));
  const std::string objective = CreateObjective(cycle, "rey", "Ship it");
  const fv1::OneOnOne created = MustCreate(Token("rey"), Pair());
  ASSERT_TRUE(goals_->process().Signal(SIGKILL).ok());

  fv1::OneOnOne change;
  change.set_name(created.name());
  change.add_objectives(objective);
  fv1::OneOnOne out;
  grpc::Status s = Update(Token("rey"), change, {"objectives"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  fv1::OneOnOne seen;
  s = Get(Token("mia"), created.name(), &seen);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(seen.etag(), created.etag());  // the failed write wrote nothing
  EXPECT_THAT(seen.objectives(), IsEmpty());
  // Writes that do not need goals still work.
  change.clear_objectives();
  change.set_shared_notes("goals is down");
  s = Update(Token("rey"), change, {"shared_notes"}, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace okr::e2e
