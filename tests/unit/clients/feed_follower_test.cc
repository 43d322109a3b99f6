// FeedFollower against a fake WatchChanges in this process: resume from the stored token after a
// dropped stream, handler failures, OUT_OF_RANGE resets and permanent errors.
#include "okr/clients/feed_follower.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/clients/resume_token_store.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "tests/unit/clients/fake_server.h"

namespace okr::clients {
namespace {

using okr::goals::v1::Change;
using okr::goals::v1::WatchChangesRequest;
using okr::goals::v1::WatchChangesResponse;
using test::FakeServer;
using ::testing::ElementsAre;

// A feed of changes 1..`last`, change i with token "t<i>". Token "expired" gives OUT_OF_RANGE,
// anything else not of the form "t<i>" INVALID_ARGUMENT; an empty token starts at `head` with a
// checkpoint "t<head>". After the backlog it sends a caught-up checkpoint and waits, like the real
// feed, until the client goes away.
class FakeGoalsService final : public okr::goals::v1::GoalsService::Service {
 public:
  struct Config {
    int last = 10;
    int head = 0;
    // On the first stream: end with UNAVAILABLE after this many changes (0: never).
    int drop_first_stream_after = 0;
  };

  explicit FakeGoalsService(Config config) : config_(config) {}

  grpc::Status WatchChanges(grpc::ServerContext* context, const WatchChangesRequest* request,
                            grpc::ServerWriter<WatchChangesResponse>* writer) override {
    int stream_no = 0;
    {
      absl::MutexLock lock(&mu_);
      stream_no = static_cast<int>(requests_.size());
      requests_.push_back(*request);
    }
    const std::string& token = request->resume_token();
    int after = 0;
    WatchChangesResponse response;
    if (token == "expired") {
      return grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "resume token expired");
    } else if (token.empty()) {
      after = config_.head;
      response.mutable_checkpoint()->set_resume_token(absl::StrCat("t", after));
      writer->Write(response);
    } else if (token[0] != 't' || !absl::SimpleAtoi(token.substr(1), &after)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed resume token");
    }
    int sent = 0;
    for (int i = after + 1; i <= config_.last; ++i) {
      Change* change = response.mutable_change();
      change->set_resume_token(absl::StrCat("t", i));
      change->set_resource_name(absl::StrCat("objectives/", i));
      change->set_kind(okr::goals::v1::CHANGE_KIND_OBJECTIVE_UPDATED);
      if (!writer->Write(response)) return grpc::Status::CANCELLED;
      if (stream_no == 0 && ++sent == config_.drop_first_stream_after) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "dropped by the test");
      }
    }
    response.mutable_checkpoint()->set_resume_token(absl::StrCat("t", config_.last));
    response.mutable_checkpoint()->set_caught_up(true);
    writer->Write(response);
    // Live and idle until the client cancels; bounded so a broken client cannot hang the suite.
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (!context->IsCancelled() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    return grpc::Status::OK;
  }

  std::vector<std::string> TokensSeen() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> tokens;
    for (const WatchChangesRequest& r : requests_) tokens.push_back(r.resume_token());
    return tokens;
  }
  std::vector<WatchChangesRequest> Requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  const Config config_;
  absl::Mutex mu_;
  std::vector<WatchChangesRequest> requests_ ABSL_GUARDED_BY(mu_);
};

// What the handler saw, and a way to wait for it.
struct Seen {
  absl::Mutex mu;
  std::vector<std::string> log ABSL_GUARDED_BY(mu);  // "objectives/<i>" per call, "reset" per reset
};

std::string Stored(ResumeTokenStore& store) {
  absl::StatusOr<std::string> token = store.Load();
  return token.ok() ? *token : token.status().ToString();
}

// Runs the follower on a thread; gives up (stops it and returns nullopt) after `timeout`.
std::optional<absl::Status> RunBounded(FeedFollower& follower,
                                       absl::Duration timeout = absl::Seconds(4)) {
  absl::Status result;
  absl::Notification done;
  std::thread runner([&] {
    result = follower.Run();
    done.Notify();
  });
  const bool finished = done.WaitForNotificationWithTimeout(timeout);
  if (!finished) follower.Stop();
  runner.join();
  if (!finished) return std::nullopt;
  return result;
}

class FeedFollowerTest : public ::testing::Test {
 protected:
  FeedFollowerOptions Options(FakeServer& server, std::shared_ptr<ResumeTokenStore> store) {
    FeedFollowerOptions options;
    options.channel = server.Channel();
    options.bearer_token = "reader";
    options.store = std::move(store);
    options.request.set_cycle("cycles/c1");
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(50);
    return options;
  }

  Seen seen_;
};

TEST_F(FeedFollowerTest, ResumesFromTheStoredTokenAfterADroppedStream) {
  FakeGoalsService service({.last = 10, .head = 0, .drop_first_stream_after = 3});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>("t2");
  FeedFollower* follower_ptr = nullptr;
  FeedFollowerOptions options = Options(server, store);
  options.handler = [&](const Change& change) {
    absl::MutexLock lock(&seen_.mu);
    seen_.log.push_back(change.resource_name());
    if (change.resource_name() == "objectives/10") follower_ptr->Stop();
    return absl::OkStatus();
  };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();
  follower_ptr = follower->get();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_TRUE(result->ok()) << *result;

  {
    absl::MutexLock lock(&seen_.mu);
    EXPECT_THAT(seen_.log,
                ElementsAre("objectives/3", "objectives/4", "objectives/5", "objectives/6",
                            "objectives/7", "objectives/8", "objectives/9", "objectives/10"));
  }
  // The second stream starts right after the last change handled on the first.
  EXPECT_THAT(service.TokensSeen(), ElementsAre("t2", "t5"));
  for (const WatchChangesRequest& request : service.Requests()) {
    EXPECT_EQ(request.cycle(), "cycles/c1");
  }
  EXPECT_EQ(Stored(*store), "t10");
  const FeedFollowerStats stats = (*follower)->stats();
  EXPECT_EQ(stats.changes_handled, 8);
  EXPECT_EQ(stats.reconnects, 1);
}

TEST_F(FeedFollowerTest, StoresCheckpointsAndStopsFromAnotherThread) {
  FakeGoalsService service({.last = 4, .head = 2});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>();
  absl::Notification got_last;
  FeedFollowerOptions options = Options(server, store);
  options.handler = [&](const Change& change) {
    if (change.resource_name() == "objectives/4") got_last.Notify();
    return absl::OkStatus();
  };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();

  absl::Status result = absl::UnknownError("not run");
  std::thread runner([&] { result = (*follower)->Run(); });
  const bool handled = got_last.WaitForNotificationWithTimeout(absl::Seconds(3));
  (*follower)->Stop();
  runner.join();
  ASSERT_TRUE(handled);
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_THAT(service.TokensSeen(), ElementsAre(""));
  EXPECT_EQ(Stored(*store), "t4");
  // The opening checkpoint "t2" and, usually, the caught-up one "t4".
  EXPECT_GE((*follower)->stats().checkpoints_stored, 1);
  EXPECT_EQ((*follower)->stats().changes_handled, 2);
  // Stop is sticky.
  EXPECT_TRUE((*follower)->Run().ok());
}

TEST_F(FeedFollowerTest, HandlerAskingToRetryGetsTheChangeAgain) {
  FakeGoalsService service({.last = 6});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>();
  FeedFollower* follower_ptr = nullptr;
  bool failed_once = false;
  FeedFollowerOptions options = Options(server, store);
  options.handler = [&](const Change& change) {
    absl::MutexLock lock(&seen_.mu);
    seen_.log.push_back(change.resource_name());
    if (change.resource_name() == "objectives/4" && !failed_once) {
      failed_once = true;
      return absl::UnavailableError("database busy");
    }
    if (change.resource_name() == "objectives/6") follower_ptr->Stop();
    return absl::OkStatus();
  };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();
  follower_ptr = follower->get();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_TRUE(result->ok()) << *result;
  {
    absl::MutexLock lock(&seen_.mu);
    EXPECT_THAT(seen_.log,
                ElementsAre("objectives/1", "objectives/2", "objectives/3", "objectives/4",
                            "objectives/4", "objectives/5", "objectives/6"));
  }
  EXPECT_THAT(service.TokensSeen(), ElementsAre("", "t3"));
  EXPECT_EQ((*follower)->stats().handler_failures, 1);
}

TEST_F(FeedFollowerTest, HandlerErrorEndsRunAndKeepsTheLastHandledToken) {
  FakeGoalsService service({.last = 5});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>("t0");
  FeedFollowerOptions options = Options(server, store);
  options.handler = [&](const Change& change) {
    if (change.resource_name() == "objectives/2") return absl::InternalError("bug");
    return absl::OkStatus();
  };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_EQ(result->code(), absl::StatusCode::kInternal) << *result;
  EXPECT_EQ(Stored(*store), "t1");
}

TEST_F(FeedFollowerTest, ExpiredTokenReachesOnResetBeforeTheNewChanges) {
  FakeGoalsService service({.last = 9, .head = 7});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>("expired");
  FeedFollower* follower_ptr = nullptr;
  FeedFollowerOptions options = Options(server, store);
  options.store_checkpoints = false;  // The reset's checkpoint is saved anyway.
  options.on_reset = [&](const absl::Status& cause) {
    absl::MutexLock lock(&seen_.mu);
    seen_.log.push_back(
        absl::StrCat("reset:", absl::StatusCodeToString(cause.code()), ":", Stored(*store)));
    return absl::OkStatus();
  };
  options.handler = [&](const Change& change) {
    absl::MutexLock lock(&seen_.mu);
    seen_.log.push_back(absl::StrCat(change.resource_name(), ":", Stored(*store)));
    if (change.resource_name() == "objectives/9") follower_ptr->Stop();
    return absl::OkStatus();
  };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();
  follower_ptr = follower->get();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_TRUE(result->ok()) << *result;
  {
    absl::MutexLock lock(&seen_.mu);
    // The expired token stays stored while the snapshot is rebuilt (a crash there resets again);
    // then the new stream's first checkpoint replaces it.
    EXPECT_THAT(seen_.log,
                ElementsAre("reset:OUT_OF_RANGE:expired", "objectives/8:t7", "objectives/9:t8"));
  }
  EXPECT_THAT(service.TokensSeen(), ElementsAre("expired", ""));
  EXPECT_EQ(Stored(*store), "t9");
  EXPECT_EQ((*follower)->stats().resets, 1);
}

TEST_F(FeedFollowerTest, FirstStartWithResetWithoutTokenSnapshotsAtTheFeedsPosition) {
  FakeGoalsService service({.last = 9, .head = 7});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>();
  FeedFollower* follower_ptr = nullptr;
  FeedFollowerOptions options = Options(server, store);
  options.reset_without_token = true;
  options.on_reset = [&](const absl::Status& cause) {
    absl::MutexLock lock(&seen_.mu);
    seen_.log.push_back(absl::StrCat("reset:", absl::StatusCodeToString(cause.code())));
    return absl::OkStatus();
  };
  // Batches: each message's changes in one call, the last token saved after it.
  options.batch_handler = [&](absl::Span<const Change* const> changes) {
    absl::MutexLock lock(&seen_.mu);
    for (const Change* change : changes) {
      seen_.log.push_back(absl::StrCat(change->resource_name(), ":", Stored(*store)));
      if (change->resource_name() == "objectives/9") follower_ptr->Stop();
    }
    return absl::OkStatus();
  };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();
  follower_ptr = follower->get();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_TRUE(result->ok()) << *result;
  {
    absl::MutexLock lock(&seen_.mu);
    // The snapshot is taken after the position (t7) and before the changes after it.
    EXPECT_THAT(seen_.log, ElementsAre("reset:NOT_FOUND", "objectives/8:t7", "objectives/9:t8"));
  }
  EXPECT_THAT(service.TokensSeen(), ElementsAre(""));
  EXPECT_EQ(Stored(*store), "t9");
  EXPECT_EQ((*follower)->stats().changes_handled, 2);
}

TEST_F(FeedFollowerTest, ExpiredTokenWithoutOnResetEndsRun) {
  FakeGoalsService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>("expired");
  FeedFollowerOptions options = Options(server, store);
  options.handler = [](const Change&) { return absl::OkStatus(); };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_EQ(result->code(), absl::StatusCode::kOutOfRange) << *result;
  EXPECT_EQ(Stored(*store), "expired");
}

TEST_F(FeedFollowerTest, MalformedTokenIsPermanent) {
  FakeGoalsService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto store = std::make_shared<InMemoryResumeTokenStore>("garbage");
  FeedFollowerOptions options = Options(server, store);
  options.handler = [](const Change&) { return absl::OkStatus(); };
  auto follower = FeedFollower::Create(std::move(options));
  ASSERT_TRUE(follower.ok()) << follower.status();

  const std::optional<absl::Status> result = RunBounded(**follower);
  ASSERT_TRUE(result.has_value()) << "Run did not return";
  EXPECT_EQ(result->code(), absl::StatusCode::kInvalidArgument) << *result;
  EXPECT_EQ(service.TokensSeen().size(), 1u);
}

TEST_F(FeedFollowerTest, CreateRequiresChannelStoreAndHandler) {
  EXPECT_EQ(FeedFollower::Create(FeedFollowerOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  FakeGoalsService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  FeedFollowerOptions both = Options(server, std::make_shared<InMemoryResumeTokenStore>());
  both.handler = [](const Change&) { return absl::OkStatus(); };
  both.batch_handler = [](absl::Span<const Change* const>) { return absl::OkStatus(); };
  EXPECT_EQ(FeedFollower::Create(std::move(both)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace okr::clients
