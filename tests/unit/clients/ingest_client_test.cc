// IngestClient against a fake ProgressIngestService in this process: acks, rejections, resends
// after dropped streams, the server's window, the pending bound and permanent errors.
#include "okr/clients/ingest_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/goals/v1/progress_ingest_service.grpc.pb.h"
#include "tests/unit/clients/fake_server.h"

namespace okr::clients {
namespace {

using okr::goals::v1::IngestProgressRequest;
using okr::goals::v1::IngestProgressResponse;
using okr::goals::v1::ProgressEvent;
using okr::goals::v1::ProgressEventError;
using test::FakeServer;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr char kToken[] = "good";

// Answers like the real service, with knobs for the failures a client must survive.
class FakeIngestService final : public okr::goals::v1::ProgressIngestService::Service {
 public:
  struct Config {
    int max_unacked = 1000;
    // Ids starting with this are rejected (NOT_FOUND, UNKNOWN_METRIC_KEY).
    std::string reject_prefix = "bad-";
    // On the first stream: end it with UNAVAILABLE once this many events were read (0: never),
    // never answering the ids in `withhold`.
    int drop_first_stream_after = 0;
    std::set<std::string> withhold;
    // Answer from a second thread every few milliseconds instead of per request, so that a client
    // ignoring the window would get ahead of the answers.
    bool answer_late = false;
    // Never answer anything.
    bool silent = false;
  };

  explicit FakeIngestService(Config config) : config_(std::move(config)) {}

  grpc::Status IngestProgress(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<IngestProgressResponse, IngestProgressRequest>* stream) override {
    int stream_no = 0;
    auto auth = context->client_metadata().find("authorization");
    const std::string authorization = auth == context->client_metadata().end()
                                          ? ""
                                          : std::string(auth->second.data(), auth->second.size());
    {
      absl::MutexLock lock(&mu_);
      stream_no = streams_++;
      received_.emplace_back();
      authorization_ = authorization;
    }
    if (authorization != absl::StrCat("Bearer ", kToken)) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "token lacks the ingest role");
    }
    IngestProgressResponse hello;
    hello.set_max_unacked_events(config_.max_unacked);
    stream->Write(hello);

    // Events read but not answered on this stream; the late answerer drains it.
    std::vector<std::string> unanswered;
    bool reading = true;
    std::thread answerer;
    if (config_.answer_late) {
      answerer = std::thread([&] {
        absl::MutexLock lock(&mu_);
        while (reading || !unanswered.empty()) {
          mu_.AwaitWithTimeout(absl::Condition(
                                   +[](bool* r) { return !*r; }, &reading),
                               absl::Milliseconds(5));
          if (unanswered.empty()) continue;
          IngestProgressResponse answer;
          answer.set_max_unacked_events(config_.max_unacked);
          for (const std::string& id : unanswered) answer.add_acked_event_ids(id);
          unanswered.clear();
          mu_.Unlock();
          const bool ok = stream->Write(answer);
          mu_.Lock();
          if (!ok) break;
        }
      });
    }

    IngestProgressRequest request;
    int read = 0;
    grpc::Status end = grpc::Status::OK;
    while (stream->Read(&request)) {
      IngestProgressResponse answer;
      answer.set_max_unacked_events(config_.max_unacked);
      {
        absl::MutexLock lock(&mu_);
        for (const ProgressEvent& event : request.events()) {
          const std::string& id = event.event_id();
          received_[stream_no].push_back(id);
          ++read;
          if (config_.silent) continue;
          if (config_.answer_late) {
            unanswered.push_back(id);
          } else if (id.rfind(config_.reject_prefix, 0) == 0) {
            ProgressEventError* error = answer.add_errors();
            error->set_event_id(id);
            error->set_code(5);
            error->set_reason("UNKNOWN_METRIC_KEY");
          } else if (!(stream_no == 0 && config_.withhold.contains(id))) {
            answer.add_acked_event_ids(id);
          }
        }
        max_unanswered_ = std::max(max_unanswered_, static_cast<int>(unanswered.size()));
      }
      if (answer.acked_event_ids_size() > 0 || answer.errors_size() > 0) stream->Write(answer);
      if (stream_no == 0 && config_.drop_first_stream_after > 0 &&
          read >= config_.drop_first_stream_after) {
        end = grpc::Status(grpc::StatusCode::UNAVAILABLE, "dropped by the test");
        break;
      }
    }
    {
      absl::MutexLock lock(&mu_);
      reading = false;
    }
    if (answerer.joinable()) answerer.join();
    return end;
  }

  std::vector<std::string> ReceivedOnStream(int n) {
    absl::MutexLock lock(&mu_);
    return n < static_cast<int>(received_.size()) ? received_[n] : std::vector<std::string>{};
  }
  int streams() {
    absl::MutexLock lock(&mu_);
    return streams_;
  }
  int max_unanswered() {
    absl::MutexLock lock(&mu_);
    return max_unanswered_;
  }
  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }

 private:
  const Config config_;
  absl::Mutex mu_;
  int streams_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::vector<std::string>> received_ ABSL_GUARDED_BY(mu_);
  int max_unanswered_ ABSL_GUARDED_BY(mu_) = 0;
  std::string authorization_ ABSL_GUARDED_BY(mu_);
};

ProgressEvent Event(const std::string& id) {
  ProgressEvent event;
  event.set_event_id(id);
  event.set_metric_key("sales.deals");
  event.set_value(1);
  event.set_mode(okr::goals::v1::PROGRESS_MODE_INCREMENT);
  event.mutable_observed_at()->set_seconds(1700000000);
  return event;
}

IngestClientOptions Options(std::shared_ptr<grpc::Channel> channel) {
  IngestClientOptions options;
  options.channel = std::move(channel);
  options.bearer_token = kToken;
  options.initial_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(50);
  return options;
}

// Thread-safe record of what the callbacks saw.
struct Answers {
  absl::Mutex mu;
  std::vector<std::string> acked ABSL_GUARDED_BY(mu);
  std::vector<ProgressEventError> errors ABSL_GUARDED_BY(mu);

  void Attach(IngestClientOptions& options) {
    options.on_ack = [this](const std::string& id) {
      absl::MutexLock lock(&mu);
      acked.push_back(id);
    };
    options.on_error = [this](const ProgressEventError& error) {
      absl::MutexLock lock(&mu);
      errors.push_back(error);
    };
  }
};

TEST(IngestClientTest, AcksReachOnAckAndFlushReturns) {
  FakeIngestService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  Answers answers;
  IngestClientOptions options = Options(server.Channel());
  answers.Attach(options);
  auto client = IngestClient::Create(std::move(options));
  ASSERT_TRUE(client.ok()) << client.status();

  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back(absl::StrCat("ev-", i));
    ASSERT_TRUE((*client)->Send(Event(ids.back())).ok());
  }
  ASSERT_TRUE((*client)->Flush(absl::Seconds(3)).ok());

  {
    absl::MutexLock lock(&answers.mu);
    EXPECT_THAT(answers.acked, UnorderedElementsAreArray(ids));
    EXPECT_TRUE(answers.errors.empty());
  }
  const IngestClientStats stats = (*client)->stats();
  EXPECT_EQ(stats.acked, 50);
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(stats.reconnects, 0);
  EXPECT_EQ(service.authorization(), "Bearer good");
  EXPECT_THAT(service.ReceivedOnStream(0), UnorderedElementsAreArray(ids));
}

TEST(IngestClientTest, RejectedEventsReachOnErrorAndAreNotResent) {
  FakeIngestService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  Answers answers;
  IngestClientOptions options = Options(server.Channel());
  answers.Attach(options);
  auto client = IngestClient::Create(std::move(options));
  ASSERT_TRUE(client.ok()) << client.status();

  ASSERT_TRUE((*client)->Send(Event("ok-1")).ok());
  ASSERT_TRUE((*client)->Send(Event("bad-2")).ok());
  ASSERT_TRUE((*client)->Send(Event("ok-3")).ok());
  ASSERT_TRUE((*client)->Flush(absl::Seconds(3)).ok());

  {
    absl::MutexLock lock(&answers.mu);
    EXPECT_THAT(answers.acked, UnorderedElementsAreArray({"ok-1", "ok-3"}));
    ASSERT_EQ(answers.errors.size(), 1u);
    EXPECT_EQ(answers.errors[0].event_id(), "bad-2");
    EXPECT_EQ(answers.errors[0].reason(), "UNKNOWN_METRIC_KEY");
  }
  EXPECT_EQ((*client)->stats().rejected, 1);
  EXPECT_TRUE((*client)->Unanswered().empty());
  EXPECT_EQ(service.ReceivedOnStream(0).size(), 3u);
}

TEST(IngestClientTest, DroppedStreamResendsExactlyTheUnansweredEvents) {
  FakeIngestService::Config config;
  config.drop_first_stream_after = 10;
  config.withhold = {"e-2", "e-5", "e-7"};
  FakeIngestService service(config);
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  Answers answers;
  IngestClientOptions options = Options(server.Channel());
  answers.Attach(options);
  auto client = IngestClient::Create(std::move(options));
  ASSERT_TRUE(client.ok()) << client.status();

  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(absl::StrCat("e-", i));
    ASSERT_TRUE((*client)->Send(Event(ids.back())).ok());
  }
  ASSERT_TRUE((*client)->Flush(absl::Seconds(4)).ok());

  EXPECT_THAT(service.ReceivedOnStream(0), UnorderedElementsAreArray(ids));
  // In their original order, and nothing that had been answered before the drop.
  EXPECT_THAT(service.ReceivedOnStream(1), ElementsAre("e-2", "e-5", "e-7"));
  {
    absl::MutexLock lock(&answers.mu);
    EXPECT_THAT(answers.acked, UnorderedElementsAreArray(ids));
  }
  const IngestClientStats stats = (*client)->stats();
  EXPECT_EQ(stats.resent, 3);
  EXPECT_EQ(stats.reconnects, 1);
  EXPECT_EQ(stats.acked, 10);
}

TEST(IngestClientTest, ResendsToARestartedServer) {
  FakeIngestService::Config silent_config;
  silent_config.silent = true;
  FakeIngestService silent(silent_config);
  auto first = std::make_unique<FakeServer>(&silent);
  ASSERT_TRUE(first->ok());
  const int port = first->port();
  auto client = IngestClient::Create(Options(first->Channel()));
  ASSERT_TRUE(client.ok()) << client.status();

  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*client)->Send(Event(absl::StrCat("r-", i))).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  while (silent.ReceivedOnStream(0).size() < 5 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(silent.ReceivedOnStream(0).size(), 5u);
  first.reset();  // The server goes away with every event unanswered.

  FakeIngestService acking({});
  FakeServer second(&acking, port);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*client)->Flush(absl::Seconds(4)).ok());
  EXPECT_THAT(acking.ReceivedOnStream(acking.streams() - 1),
              ElementsAre("r-0", "r-1", "r-2", "r-3", "r-4"));
  EXPECT_GE((*client)->stats().reconnects, 1);
  EXPECT_EQ((*client)->stats().resent, 5);
}

TEST(IngestClientTest, NeverHoldsMoreUnansweredEventsThanTheServersWindow) {
  FakeIngestService::Config config;
  config.max_unacked = 10;
  config.answer_late = true;
  FakeIngestService service(config);
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  auto client = IngestClient::Create(Options(server.Channel()));
  ASSERT_TRUE(client.ok()) << client.status();

  for (int i = 0; i < 200; ++i) ASSERT_TRUE((*client)->Send(Event(absl::StrCat("w-", i))).ok());
  ASSERT_TRUE((*client)->Flush(absl::Seconds(4)).ok());

  EXPECT_EQ(service.ReceivedOnStream(0).size(), 200u);
  // At most the window, and the window was used (the test would pass vacuously otherwise).
  EXPECT_EQ(service.max_unanswered(), 10);
  EXPECT_EQ((*client)->stats().acked, 200);
}

TEST(IngestClientTest, PermissionDeniedFailsFlushFastAndIsNotRetried) {
  FakeIngestService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  IngestClientOptions options = Options(server.Channel());
  options.bearer_token = "no-ingest-role";
  auto client = IngestClient::Create(std::move(options));
  ASSERT_TRUE(client.ok()) << client.status();

  const absl::Status sent = (*client)->Send(Event("p-1"));
  const absl::Time start = absl::Now();
  const absl::Status flushed = (*client)->Flush(absl::Seconds(4));
  EXPECT_EQ(flushed.code(), absl::StatusCode::kPermissionDenied) << flushed;
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  absl::SleepFor(absl::Milliseconds(100));  // Several backoff periods: a retrying client would.
  EXPECT_EQ(service.streams(), 1);
  EXPECT_EQ((*client)->Send(Event("p-2")).code(), absl::StatusCode::kPermissionDenied);
  // Kept for the caller, unless Send already refused it.
  EXPECT_EQ((*client)->Unanswered().size(), sent.ok() ? 1u : 0u);
}

TEST(IngestClientTest, SendBlocksAtThePendingBoundAndCloseKeepsTheEvents) {
  FakeIngestService::Config config;
  config.silent = true;
  FakeIngestService service(config);
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  IngestClientOptions options = Options(server.Channel());
  options.max_pending_events = 5;
  auto client = IngestClient::Create(std::move(options));
  ASSERT_TRUE(client.ok()) << client.status();

  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*client)->Send(Event(absl::StrCat("b-", i))).ok());
  EXPECT_EQ((*client)->Send(Event("b-5"), absl::Milliseconds(100)).code(),
            absl::StatusCode::kDeadlineExceeded);
  // A pending id is not queued twice, so it does not need room.
  EXPECT_TRUE((*client)->Send(Event("b-0"), absl::Milliseconds(100)).ok());
  EXPECT_EQ((*client)->Flush(absl::Milliseconds(100)).code(), absl::StatusCode::kDeadlineExceeded);

  (*client)->Close();
  EXPECT_EQ((*client)->Flush(absl::Seconds(1)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*client)->Send(Event("b-6")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*client)->Unanswered().size(), 5u);
  EXPECT_EQ((*client)->stats().pending, 5);
}

TEST(IngestClientTest, RefusesWhatWouldBreakTheProtocol) {
  FakeIngestService service({});
  FakeServer server(&service);
  ASSERT_TRUE(server.ok());
  IngestClientOptions bad = Options(server.Channel());
  bad.max_events_per_request = 501;
  EXPECT_EQ(IngestClient::Create(bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(IngestClient::Create(IngestClientOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto client = IngestClient::Create(Options(server.Channel()));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->Send(Event("")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*client)->Send(Event("has space")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*client)->Send(Event(std::string(129, 'x'))).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE((*client)->Flush(absl::Seconds(1)).ok());
  EXPECT_EQ((*client)->stats().pending, 0);
}

}  // namespace
}  // namespace okr::clients
