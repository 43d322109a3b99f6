// okr.goals.v1.ProgressIngestService's error handling, end to end: bad events are answered one by
// one while the stream goes on, a caller without the ingest role is refused, and requests that
// break the protocol end the stream.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/e2e/ingest/ingest_e2e.h"

namespace okr::e2e {
namespace {

using Stream = grpc::ClientReaderWriter<gv1::IngestProgressRequest, gv1::IngestProgressResponse>;

// One raw IngestProgress stream, with what it answered so far.
class RawStream {
 public:
  RawStream(Tenant& tenant, const std::string& token)
      : context_(Context(token, absl::Seconds(60))),
        stream_(tenant.ingest().IngestProgress(context_.get())) {}

  // Reads the first response, which carries only the window; false if the stream ended instead.
  bool Open() {
    gv1::IngestProgressResponse first;
    if (!stream_->Read(&first)) return false;
    EXPECT_GT(first.max_unacked_events(), 0);
    EXPECT_TRUE(first.acked_event_ids().empty() && first.errors().empty())
        << first.ShortDebugString();
    return true;
  }

  bool Write(const std::vector<gv1::ProgressEvent>& events) {
    gv1::IngestProgressRequest request;
    for (const auto& event : events) *request.add_events() = event;
    return stream_->Write(request);
  }

  // Reads until `ids` are all answered; false if the stream ended first.
  bool AwaitAnswers(const std::set<std::string>& ids) {
    auto pending = [&] {
      for (const auto& id : ids) {
        if (!acked_.contains(id) && !errors_.contains(id)) return true;
      }
      return false;
    };
    gv1::IngestProgressResponse response;
    while (pending()) {
      if (!stream_->Read(&response)) return false;
      Record(response);
    }
    return true;
  }

  // Half-closes, reads the remaining answers and returns how the stream ended.
  grpc::Status Finish() {
    stream_->WritesDone();
    gv1::IngestProgressResponse response;
    while (stream_->Read(&response)) Record(response);
    return stream_->Finish();
  }

  const std::set<std::string>& acked() const { return acked_; }
  const std::map<std::string, gv1::ProgressEventError>& errors() const { return errors_; }

 private:
  void Record(const gv1::IngestProgressResponse& response) {
    for (const auto& id : response.acked_event_ids()) {
      EXPECT_TRUE(acked_.insert(id).second) << "acked twice on one stream: " << id;
    }
    for (const auto& error : response.errors()) {
      EXPECT_TRUE(errors_.emplace(error.event_id(), error).second)
          << "answered twice: " << error.ShortDebugString();
    }
  }

  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<Stream> stream_;
  std::set<std::string> acked_;
  std::map<std::string, gv1::ProgressEventError> errors_;
};

class IngestErrorsTest : public GoalsSuite {
 protected:
  void SetUp() override {
    StartTenant("t-ingerr-");
    ASSERT_FALSE(HasFailure());
    const gv1::Cycle cycle = tenant_->NewCycle();
    objective_ = tenant_->NewObjective(cycle, "Measured");
    kr_ = tenant_->NewKeyResult(objective_, 0, 1000, "e.metric");
    base_ = ObservationBase();
    ASSERT_FALSE(HasFailure());
  }

  std::set<std::string> CheckInIds(const std::string& kr) {
    std::set<std::string> ids;
    for (const auto& check_in : tenant_->CheckIns(kr)) ids.insert(check_in.event_id());
    return ids;
  }

  absl::Time At(int seconds) const { return base_ + absl::Seconds(seconds); }

  gv1::Objective objective_;
  gv1::KeyResult kr_;
  absl::Time base_;
};

TEST_F(IngestErrorsTest, BadEventsAreAnsweredOneByOneAndTheStreamGoesOn) {
  // A key result of a cycle that is closed by now.
  const gv1::Cycle closed = tenant_->NewCycle();
  const gv1::Objective old = tenant_->NewObjective(closed, "Last quarter");
  const gv1::KeyResult old_kr = tenant_->NewKeyResult(old, 0, 10);
  tenant_->CloseCycle(closed.name());
  ASSERT_FALSE(HasFailure());

  const Target kr = Kr(kr_.name());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  gv1::ProgressEvent no_mode = SetEvent("b-mode", kr, 1, At(1));
  no_mode.set_mode(gv1::PROGRESS_MODE_UNSPECIFIED);
  gv1::ProgressEvent no_time = SetEvent("b-no-time", kr, 1, At(1));
  no_time.clear_observed_at();
  const std::vector<gv1::ProgressEvent> first = {
      SetEvent("g1", kr, 10, At(1)),
      SetEvent("b-no-kr", Kr(objective_.name() + "/keyResults/nosuchkr"), 1, At(1)),
      IncEvent("g2", Metric("e.metric"), 5, At(2)),
      SetEvent("b-metric", Metric("no.such.metric"), 1, At(2)),
      SetEvent("b-nan", kr, nan, At(2)),
      IncEvent("b-inf", kr, inf, At(2)),
      no_mode,
      SetEvent("b-future", kr, 1, absl::Now() + absl::Hours(1)),
      no_time,
      SetEvent("bad id!", kr, 1, At(2)),
      SetEvent("b-closed", Kr(old_kr.name()), 1, At(2)),
      SetEvent("g3", kr, 42, At(3)),
  };
  const std::map<std::string, std::pair<grpc::StatusCode, std::string>> want_errors = {
      {"b-no-kr", {grpc::StatusCode::NOT_FOUND, "KEY_RESULT_NOT_FOUND"}},
      {"b-metric", {grpc::StatusCode::NOT_FOUND, "UNKNOWN_METRIC_KEY"}},
      {"b-nan", {grpc::StatusCode::INVALID_ARGUMENT, "VALUE_NOT_FINITE"}},
      {"b-inf", {grpc::StatusCode::INVALID_ARGUMENT, "VALUE_NOT_FINITE"}},
      {"b-mode", {grpc::StatusCode::INVALID_ARGUMENT, "PROGRESS_MODE_MISSING"}},
      {"b-future", {grpc::StatusCode::INVALID_ARGUMENT, "OBSERVED_AT_IN_FUTURE"}},
      {"b-no-time", {grpc::StatusCode::INVALID_ARGUMENT, "OBSERVED_AT_INVALID"}},
      {"bad id!", {grpc::StatusCode::INVALID_ARGUMENT, "INVALID_EVENT_ID"}},
      {"b-closed", {grpc::StatusCode::FAILED_PRECONDITION, "CYCLE_CLOSED"}},
  };

  RawStream stream(*tenant_, tenant_->ingest_token());
  ASSERT_TRUE(stream.Open());
  ASSERT_TRUE(stream.Write(first));
  std::set<std::string> first_ids;
  for (const auto& event : first) first_ids.insert(event.event_id());
  ASSERT_TRUE(stream.AwaitAnswers(first_ids)) << "the stream ended on per-event errors";
  EXPECT_EQ(stream.acked(), (std::set<std::string>{"g1", "g2", "g3"}));
  EXPECT_EQ(stream.errors().size(), want_errors.size());
  for (const auto& [id, want] : want_errors) {
    const auto it = stream.errors().find(id);
    if (it == stream.errors().end()) {
      ADD_FAILURE() << "no error for " << id;
      continue;
    }
    EXPECT_EQ(it->second.code(), static_cast<int>(want.first)) << it->second.ShortDebugString();
    EXPECT_EQ(it->second.reason(), want.second) << it->second.ShortDebugString();
  }
  EXPECT_EQ(tenant_->GetKeyResult(kr_.name()).current_value(), 42);

  // A later request on the same stream, with another bad event between good ones.
  ASSERT_TRUE(stream.Write({SetEvent("g4", kr, 50, At(4)), SetEvent("b-nan2", kr, nan, At(4)),
                            IncEvent("g5", kr, 1, At(5))}));
  ASSERT_TRUE(stream.AwaitAnswers({"g4", "b-nan2", "g5"}));
  EXPECT_TRUE(stream.acked().contains("g4") && stream.acked().contains("g5"));
  EXPECT_TRUE(stream.errors().contains("b-nan2"));
  const grpc::Status end = stream.Finish();
  EXPECT_TRUE(end.ok()) << Describe(end);

  EXPECT_EQ(tenant_->GetKeyResult(kr_.name()).current_value(), 51);
  EXPECT_EQ(CheckInIds(kr_.name()), (std::set<std::string>{"g1", "g2", "g3", "g4", "g5"}));
  EXPECT_TRUE(CheckInIds(old_kr.name()).empty());

  // A rejected id is not remembered: fixed and sent again, it applies.
  RawStream again(*tenant_, tenant_->ingest_token());
  ASSERT_TRUE(again.Open());
  ASSERT_TRUE(again.Write({SetEvent("b-nan", kr, 7, At(6))}));
  ASSERT_TRUE(again.AwaitAnswers({"b-nan"}));
  EXPECT_TRUE(again.acked().contains("b-nan"));
  EXPECT_TRUE(again.Finish().ok());
  EXPECT_EQ(tenant_->GetKeyResult(kr_.name()).current_value(), 7);
}

TEST_F(IngestErrorsTest, ClientGoesOnPastRejectedEvents) {
  Answers answers;
  auto client = NewIngestClient(server_->channel(), tenant_->ingest_token(), &answers, 300);
  ASSERT_TRUE(client.ok()) << client.status();
  std::set<std::string> good;
  std::set<std::string> bad;
  double total = kr_.start_value();
  for (int i = 0; i < 1400; ++i) {
    const std::string id = "c-" + std::to_string(i);
    if (i % 7 == 3) {
      ASSERT_TRUE((*client)->Send(IncEvent(id, Metric("not.bound"), 1, At(i))).ok());
      bad.insert(id);
    } else {
      ASSERT_TRUE((*client)->Send(IncEvent(id, Kr(kr_.name()), 2, At(i))).ok());
      good.insert(id);
      total += 2;
    }
  }
  ASSERT_TRUE((*client)->Flush(absl::Seconds(60)).ok());
  EXPECT_EQ(answers.AckedIds(), good);
  std::set<std::string> rejected;
  for (const auto& error : answers.Errors()) {
    rejected.insert(error.event_id());
    EXPECT_EQ(error.reason(), "UNKNOWN_METRIC_KEY") << error.ShortDebugString();
  }
  EXPECT_EQ(rejected, bad);
  EXPECT_EQ(CheckInIds(kr_.name()), good);
  EXPECT_EQ(tenant_->GetKeyResult(kr_.name()).current_value(), total);
}

TEST_F(IngestErrorsTest, CallerWithoutTheIngestRoleIsDenied) {
  for (const auto& roles : {std::vector<std::string>{}, std::vector<std::string>{"admin"}}) {
    SCOPED_TRACE(roles.empty() ? "no role" : roles[0]);
    RawStream stream(*tenant_, test_support::E2eToken(tenant_->id(), "ceo", roles));
    if (stream.Open()) stream.Write({SetEvent("denied-1", Kr(kr_.name()), 3, At(1))});
    const grpc::Status end = stream.Finish();
    EXPECT_EQ(end.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(end);
    EXPECT_TRUE(stream.acked().empty());
  }
  EXPECT_TRUE(CheckInIds(kr_.name()).empty());
}

TEST_F(IngestErrorsTest, ProtocolViolationsEndTheStream) {
  const Target kr = Kr(kr_.name());
  std::vector<gv1::ProgressEvent> too_many;
  for (int i = 0; i < 501; ++i)
    too_many.push_back(SetEvent("many-" + std::to_string(i), kr, i, At(i)));
  gv1::ProgressEvent no_id = SetEvent("", kr, 1, At(1));
  const std::vector<std::pair<std::string, std::vector<gv1::ProgressEvent>>> violations = {
      {"event without id", {SetEvent("before-no-id", kr, 1, At(1)), no_id}},
      {"duplicate ids", {SetEvent("twice", kr, 1, At(1)), SetEvent("twice", kr, 2, At(2))}},
      {"501 events", too_many},
  };
  int n = 0;
  for (const auto& [what, events] : violations) {
    SCOPED_TRACE(what);
    RawStream stream(*tenant_, tenant_->ingest_token());
    ASSERT_TRUE(stream.Open());
    // A good request first: answered and applied before the violation ends the stream.
    const std::string good = "fine-" + std::to_string(++n);
    ASSERT_TRUE(stream.Write({SetEvent(good, kr, 100 + n, At(100 + n))}));
    ASSERT_TRUE(stream.AwaitAnswers({good}));
    EXPECT_TRUE(stream.acked().contains(good));
    stream.Write(events);
    const grpc::Status end = stream.Finish();
    EXPECT_EQ(end.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(end);
    // Nothing of the violating request is applied.
    std::set<std::string> ids = CheckInIds(kr_.name());
    for (const auto& event : events) {
      EXPECT_FALSE(ids.contains(event.event_id())) << event.event_id() << " was applied";
    }
    EXPECT_TRUE(ids.contains(good));
  }

  // 500 events in one request is within the protocol.
  too_many.pop_back();
  RawStream stream(*tenant_, tenant_->ingest_token());
  ASSERT_TRUE(stream.Open());
  ASSERT_TRUE(stream.Write(too_many));
  const grpc::Status end = stream.Finish();
  EXPECT_TRUE(end.ok()) << Describe(end);
  EXPECT_EQ(stream.acked().size(), 500u);
  EXPECT_TRUE(stream.errors().empty());
}

}  // namespace
}  // namespace okr::e2e
