// Feedback requests expire with an injected clock: FeedbackService in process over real gRPC and a
// real SQLite file, with goals replaced by fakes. An expiry shows at read time at once; the
// scheduler's pass records it durably and puts FEEDBACK_REQUEST_EXPIRED in the change feed.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "okr/common/aip/page_token.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/changelog/resume_token.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/grpc_server.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/storage/sqlite_database.h"
#include "services/feedback/src/api/derived_event_scheduler.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/clients/fake_goals_directory.h"
#include "services/feedback/src/clients/fake_org_directory.h"
#include "services/feedback/src/store/schema.h"
#include "tests/support/plain_tokens.h"
#include "tests/support/temp_dir.h"

namespace okr::feedback {
namespace {

// 2027-03-10 12:00 UTC.
const absl::Time kNow = absl::FromCivil(absl::CivilHour(2027, 3, 10, 12), absl::UTCTimeZone());

class RequestExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_us_ = absl::ToUnixMicros(kNow);
    for (const char* id : {"asker", "r1", "r2"}) org_.Put("t", {id, "", {}, true});
    common::SqliteDatabaseOptions db_options;
    db_options.path = dir_.path() + "/feedback.db";
    db_options.migrations = FeedbackMigrations();
    auto database = common::SqliteDatabase::Open(db_options);
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    executor_ = std::make_unique<common::ThreadPool>(2);
    runtime_ = std::make_unique<common::RpcRuntime>(executor_.get(), &verifier_,
                                                    "feedback.okr-suite", false);
    common::ChangeFeedOptions feed_options;
    feed_options.frame = [](const common::ChangeEntry&) { return std::string(); };
    feed_ = std::make_unique<common::ChangeFeed>(database_.get(), runtime_.get(), feed_options);
    ASSERT_TRUE(feed_->Open().ok());
    FeedbackOptions options;
    options.clock = [this] { return absl::FromUnixMicros(now_us_.load()); };
    options.author_key_secret = "k";
    service_ = std::make_unique<FeedbackService>(runtime_.get(), database_.get(), feed_.get(),
                                                 &page_tokens_, &org_, &goals_, nullptr, options);
    scheduler_ = std::make_unique<DerivedEventScheduler>(service_.get(), absl::Hours(1));
    common::ServerOptions server_options;
    server_options.listen = "127.0.0.1:0";
    server_options.drain_period = absl::ZeroDuration();
    auto server = common::GrpcServer::Start(
        server_options, {{service_.get(), v1::FeedbackService::service_full_name()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::FeedbackService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    feed_->Stop();
    if (server_) server_->Shutdown();
    executor_->Shutdown();
    database_->Close();
  }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& person) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer t." + person + ".");
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  v1::FeedbackRequest Ask(int due_day) {
    v1::CreateFeedbackRequestRequest request;
    request.mutable_feedback_request()->add_recipients("people/r1");
    request.mutable_feedback_request()->add_recipients("people/r2");
    google::type::Date* due = request.mutable_feedback_request()->mutable_due_date();
    due->set_year(2027);
    due->set_month(3);
    due->set_day(due_day);
    v1::FeedbackRequest out;
    grpc::Status s = stub_->CreateFeedbackRequest(Ctx("asker").get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::FeedbackRequest Load(const std::string& name) {
    v1::ListFeedbackRequestsResponse response;
    EXPECT_TRUE(stub_->ListFeedbackRequests(Ctx("asker").get(), {}, &response).ok());
    for (const auto& r : response.feedback_requests()) {
      if (r.name() == name) return r;
    }
    ADD_FAILURE() << name << " not listed";
    return {};
  }

  void Advance(absl::Duration d) { now_us_ += absl::ToInt64Microseconds(d); }

  test_support::TempDir dir_;
  std::atomic<int64_t> now_us_{0};
  test_support::PlainTokens verifier_;
  FakeOrgDirectory org_;
  FakeGoalsDirectory goals_;
  common::PageTokenCodec page_tokens_{"0123456789abcdef0123456789abcdef"};
  std::unique_ptr<common::SqliteDatabase> database_;
  std::unique_ptr<common::ThreadPool> executor_;
  std::unique_ptr<common::RpcRuntime> runtime_;
  std::unique_ptr<common::ChangeFeed> feed_;
  std::unique_ptr<FeedbackService> service_;
  std::unique_ptr<DerivedEventScheduler> scheduler_;
  std::unique_ptr<common::GrpcServer> server_;
  std::unique_ptr<v1::FeedbackService::Stub> stub_;
};

TEST_F(RequestExpiryTest, ExpiresAtTheEndOfTheDueDate) {
  v1::FeedbackRequest request = Ask(/*due_day=*/10);  // due today
  // r1 answers; r2 stays pending.
  v1::CreateFeedbackRequest answer;
  answer.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_PRAISE);
  answer.mutable_feedback()->set_body("Good");
  answer.mutable_feedback()->set_feedback_request(request.name());
  v1::Feedback answered;
  ASSERT_TRUE(stub_->CreateFeedback(Ctx("r1").get(), answer, &answered).ok());
  EXPECT_EQ(Load(request.name()).state(), v1::FEEDBACK_REQUEST_STATE_OPEN);

  // 23:59:59 on the due date: still open. The scheduler records nothing.
  Advance(absl::Hours(12) - absl::Seconds(1));
  ASSERT_TRUE(scheduler_->RunOnce().ok());
  EXPECT_EQ(Load(request.name()).state(), v1::FEEDBACK_REQUEST_STATE_OPEN);
  EXPECT_EQ(service_->ExpireRequests(absl::FromUnixMicros(now_us_)).value(), 0);

  // 24:00: expired at read time at once, before the scheduler ran.
  Advance(absl::Seconds(1));
  v1::FeedbackRequest read = Load(request.name());
  EXPECT_EQ(read.state(), v1::FEEDBACK_REQUEST_STATE_ANSWERED) << "someone answered";
  EXPECT_EQ(read.responses(1).state(), v1::FEEDBACK_RESPONSE_STATE_EXPIRED);
  // r2 can no longer answer or decline.
  grpc::Status s = stub_->CreateFeedback(Ctx("r2").get(), answer, &answered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::DeclineFeedbackRequestRequest decline;
  decline.set_name(request.name());
  v1::FeedbackRequest declined;
  EXPECT_EQ(stub_->DeclineFeedbackRequest(Ctx("r2").get(), decline, &declined).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The scheduler records it once; a second pass finds nothing.
  EXPECT_EQ(service_->ExpireRequests(absl::FromUnixMicros(now_us_)).value(), 1);
  EXPECT_EQ(service_->ExpireRequests(absl::FromUnixMicros(now_us_)).value(), 0);
  v1::FeedbackRequest stored = Load(request.name());
  EXPECT_EQ(stored.state(), v1::FEEDBACK_REQUEST_STATE_ANSWERED);
  EXPECT_EQ(stored.responses(1).state(), v1::FEEDBACK_RESPONSE_STATE_EXPIRED);
  EXPECT_NE(stored.etag(), read.etag());

  // The feed carries it, as a derived change with no actor.
  auto context = Ctx("asker");
  auto stream = stub_->WatchChanges(context.get(), [] {
    v1::WatchChangesRequest w;
    w.set_resume_token(common::EncodeResumeToken(0));
    return w;
  }());
  v1::WatchChangesResponse message;
  std::vector<v1::ChangeKind> kinds;
  while (stream->Read(&message)) {
    if (message.has_change()) {
      kinds.push_back(message.change().kind());
      if (message.change().kind() == v1::CHANGE_KIND_FEEDBACK_REQUEST_EXPIRED) {
        EXPECT_TRUE(message.change().actor().empty());
      }
    }
    if (message.has_checkpoint() && message.checkpoint().caught_up()) break;
  }
  context->TryCancel();
  EXPECT_EQ(kinds, (std::vector<v1::ChangeKind>{v1::CHANGE_KIND_FEEDBACK_REQUEST_CREATED,
                                                v1::CHANGE_KIND_FEEDBACK_CREATED,
                                                v1::CHANGE_KIND_FEEDBACK_REQUEST_UPDATED,
                                                v1::CHANGE_KIND_FEEDBACK_REQUEST_EXPIRED}));
}

TEST_F(RequestExpiryTest, NobodyAnsweredMeansExpired) {
  v1::FeedbackRequest request = Ask(/*due_day=*/12);
  v1::DeclineFeedbackRequestRequest decline;
  decline.set_name(request.name());
  v1::FeedbackRequest declined;
  ASSERT_TRUE(stub_->DeclineFeedbackRequest(Ctx("r1").get(), decline, &declined).ok());
  Advance(absl::Hours(24 * 3));
  ASSERT_TRUE(scheduler_->RunOnce().ok());
  v1::FeedbackRequest stored = Load(request.name());
  EXPECT_EQ(stored.state(), v1::FEEDBACK_REQUEST_STATE_EXPIRED);
  EXPECT_EQ(stored.responses(0).state(), v1::FEEDBACK_RESPONSE_STATE_DECLINED);
  EXPECT_EQ(stored.responses(1).state(), v1::FEEDBACK_RESPONSE_STATE_EXPIRED);
  // A due date before today is refused at creation.
  v1::CreateFeedbackRequestRequest late;
  late.mutable_feedback_request()->add_recipients("people/r1");
  *late.mutable_feedback_request()->mutable_due_date() = request.due_date();
  v1::FeedbackRequest out;
  EXPECT_EQ(stub_->CreateFeedbackRequest(Ctx("asker").get(), late, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace okr::feedback
