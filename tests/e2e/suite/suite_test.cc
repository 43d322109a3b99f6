// The three real binaries as processes, driven through generated gRPC clients: health, reflection,
// authentication, access logs and graceful shutdown on SIGTERM.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "okr/analytics/v1/analytics_service.grpc.pb.h"
#include "okr/common/status/errors.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/goals/v1/progress_ingest_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tests/support/e2e/service_process.h"
#include "tests/support/free_port.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace okr {
namespace {

using test_support::ServiceProcess;
using test_support::Subprocess;
using test_support::TempDir;

struct Binary {
  std::string name;                   // "goals"
  std::vector<std::string> services;  // full names served
};

const std::vector<Binary>& Binaries() {
  static const auto* kBinaries = new std::vector<Binary>{
      {"goals",
       {"okr.org.v1.OrgService", "okr.goals.v1.GoalsService",
        "okr.goals.v1.ProgressIngestService"}},
      {"feedback", {"okr.feedback.v1.FeedbackService"}},
      {"analytics", {"okr.analytics.v1.AnalyticsService"}},
  };
  return *kBinaries;
}

class SuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& binary : Binaries()) {
      std::vector<std::string> flags = {"--drain-period", "1s", "--test-hooks"};
      if (binary.name == "analytics") {
        // No redis-server here on purpose: analytics must start and answer without its cache.
        flags.push_back("--redis");
        flags.push_back("127.0.0.1:" + std::to_string(test_support::PickFreePort()));
      }
      auto service = ServiceProcess::Start(binary.name, dir_.path(), flags);
      ASSERT_TRUE(service.ok()) << service.status();
      services_[binary.name] = *std::move(service);
    }
    for (auto& [name, service] : services_) {
      ASSERT_TRUE(service->WaitServing()) << name << " did not become SERVING; log:\n"
                                          << service->Log();
    }
  }

  static std::string Token(const std::string& issuer = test_support::kE2eIssuer) {
    return test_support::E2eToken("acme", "alice", {"admin"}, issuer);
  }

  static void Deadline(grpc::ClientContext& context, int seconds = 10) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  }

  TempDir dir_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> services_;
};

TEST_F(SuiteTest, EveryServiceNameReportsServing) {
  for (const auto& binary : Binaries()) {
    auto& service = *services_[binary.name];
    EXPECT_EQ(service.Health(), grpc::health::v1::HealthCheckResponse::SERVING);
    for (const auto& name : binary.services) {
      EXPECT_EQ(service.Health(name), grpc::health::v1::HealthCheckResponse::SERVING) << name;
    }
    // A name the binary does not serve is unknown to its health service.
    EXPECT_EQ(service.Health("okr.nothing.v1.Nothing"), std::nullopt);
  }
}

TEST_F(SuiteTest, ReflectionListsTheServices) {
  for (const auto& binary : Binaries()) {
    auto stub =
        grpc::reflection::v1alpha::ServerReflection::NewStub(services_[binary.name]->channel());
    grpc::ClientContext context;
    Deadline(context);
    auto stream = stub->ServerReflectionInfo(&context);
    grpc::reflection::v1alpha::ServerReflectionRequest request;
    request.set_list_services("*");
    ASSERT_TRUE(stream->Write(request));
    grpc::reflection::v1alpha::ServerReflectionResponse response;
    ASSERT_TRUE(stream->Read(&response));
    stream->WritesDone();
    std::set<std::string> listed;
    for (const auto& service : response.list_services_response().service()) {
      listed.insert(service.name());
    }
    for (const auto& name : binary.services) EXPECT_TRUE(listed.count(name)) << name;
    EXPECT_TRUE(stream->Finish().ok());

    // The full descriptors are served too, so tools such as buf curl can call any method.
    grpc::ClientContext file_context;
    Deadline(file_context);
    auto file_stream = stub->ServerReflectionInfo(&file_context);
    grpc::reflection::v1alpha::ServerReflectionRequest symbol;
    symbol.set_file_containing_symbol(binary.services.front());
    ASSERT_TRUE(file_stream->Write(symbol));
    ASSERT_TRUE(file_stream->Read(&response));
    EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0) << binary.name;
    file_stream->WritesDone();
    file_stream->Finish();
  }
}

TEST_F(SuiteTest, CallWithoutTokenIsUnauthenticated) {
  auto goals = goals::v1::GoalsService::NewStub(services_["goals"]->channel());
  auto feedback = feedback::v1::FeedbackService::NewStub(services_["feedback"]->channel());
  auto analytics = analytics::v1::AnalyticsService::NewStub(services_["analytics"]->channel());
  auto org = org::v1::OrgService::NewStub(services_["goals"]->channel());

  grpc::ClientContext c1;
  Deadline(c1);
  goals::v1::Cycle cycle;
  grpc::Status status = goals->GetCycle(&c1, goals::v1::GetCycleRequest(), &cycle);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::ErrorReason(common::FromGrpcStatus(status)), "MISSING_CREDENTIALS");

  grpc::ClientContext c2;
  Deadline(c2);
  feedback::v1::Feedback feedback_item;
  EXPECT_EQ(
      feedback->GetFeedback(&c2, feedback::v1::GetFeedbackRequest(), &feedback_item).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext c3;
  Deadline(c3);
  c3.AddMetadata("authorization", "Bearer " + Token("someone-else"));
  analytics::v1::Engagement engagement;
  status = analytics->GetEngagement(&c3, analytics::v1::GetEngagementRequest(), &engagement);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::ErrorReason(common::FromGrpcStatus(status)), "INVALID_TOKEN");

  grpc::ClientContext c4;
  Deadline(c4);
  org::v1::Person person;
  EXPECT_EQ(org->GetPerson(&c4, org::v1::GetPersonRequest(), &person).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Streams are guarded too.
  grpc::ClientContext c5;
  Deadline(c5);
  auto watch = goals->WatchChanges(&c5, goals::v1::WatchChangesRequest());
  goals::v1::WatchChangesResponse change;
  EXPECT_FALSE(watch->Read(&change));
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  auto ingest = goals::v1::ProgressIngestService::NewStub(services_["goals"]->channel());
  grpc::ClientContext c6;
  Deadline(c6);
  auto stream = ingest->IngestProgress(&c6);
  goals::v1::IngestProgressResponse ack;
  EXPECT_FALSE(stream->Read(&ack));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // With a valid token the same call passes authentication and reaches the service.
  grpc::ClientContext c7;
  Deadline(c7);
  c7.AddMetadata("authorization", "Bearer " + Token());
  // (an empty name: the handler itself answers, with its own validation error).
  status = goals->GetCycle(&c7, goals::v1::GetCycleRequest(), &cycle);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::ErrorReason(common::FromGrpcStatus(status)), "INVALID_NAME");
}

TEST_F(SuiteTest, EveryCallGetsOneAccessLogLineWithItsRequestId) {
  auto goals = goals::v1::GoalsService::NewStub(services_["goals"]->channel());
  grpc::ClientContext context;
  Deadline(context);
  context.AddMetadata("x-request-id", "e2e-request-1");
  context.AddMetadata("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  goals::v1::Cycle cycle;
  goals->GetCycle(&context, goals::v1::GetCycleRequest(), &cycle);

  // Exactly one access line carries our request id (read whole lines only: the service may be
  // writing the next one).
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  std::vector<nlohmann::json> lines;
  while (lines.empty() && absl::Now() < give_up) {
    const std::string log = test_support::ReadFile(services_["goals"]->log_path());
    std::istringstream stream(log.substr(0, log.rfind('\n') + 1));
    std::string text;
    while (std::getline(stream, text)) {
      auto record = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      ASSERT_FALSE(record.is_discarded()) << "not JSON: " << text;
      if (record.value("request_id", "") == "e2e-request-1") lines.push_back(record);
    }
    if (lines.empty()) absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(lines.size(), 1u);
  std::optional<nlohmann::json> line = lines.front();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ((*line)["msg"], "rpc");
  EXPECT_EQ((*line)["method"], "/okr.goals.v1.GoalsService/GetCycle");
  EXPECT_EQ((*line)["code"], "Unauthenticated");
  EXPECT_EQ((*line)["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ((*line)["service"], "goals");
  EXPECT_TRUE(line->contains("duration_ms"));
  EXPECT_TRUE(line->contains("peer"));
}

TEST_F(SuiteTest, SigtermDuringInFlightCallLetsItFinishAndExitsZero) {
  auto& goals_process = *services_["goals"];
  auto goals = goals::v1::GoalsService::NewStub(goals_process.channel());
  grpc::ClientContext context;
  Deadline(context, 20);
  context.AddMetadata("authorization", "Bearer " + Token());
  context.AddMetadata("x-okr-test-delay-ms", "1500");
  goals::v1::Cycle cycle;
  grpc::Status status;
  absl::Notification done;
  const goals::v1::GetCycleRequest request;
  goals->async()->GetCycle(&context, &request, &cycle, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  absl::SleepFor(absl::Milliseconds(300));  // the call is now inside the service
  ASSERT_TRUE(goals_process.process().Signal(SIGTERM).ok());

  // While draining (1 s), health says NOT_SERVING.
  bool not_serving = false;
  for (int i = 0; i < 100 && !not_serving; ++i) {
    not_serving = goals_process.Health() == grpc::health::v1::HealthCheckResponse::NOT_SERVING;
    if (!not_serving) absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(not_serving);

  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(15)));
  // The handler's own answer (an empty name is invalid), not CANCELLED or UNAVAILABLE from being
  // cut off.
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  auto exit_code = goals_process.process().Wait(absl::Seconds(15));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << goals_process.Log();
}

constexpr char kE2eSecretForFlags[] = "flags-secret-0123456789abcdef0123456789";

TEST_F(SuiteTest, BadConfigurationExitsWithCode2) {
  const std::string log = dir_.path() + "/bad.log";
  auto process =
      Subprocess::Start({test_support::BinDir() + "/okr-goals", "--listen", "nonsense"}, {}, log);
  ASSERT_TRUE(process.ok());
  auto exit_code = (*process)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_code.ok());
  EXPECT_EQ(*exit_code, 2);
  EXPECT_NE(test_support::ReadFile(log).find("--listen"), std::string::npos);

  // A secret too short for HS256 is refused at start-up, not at the first request.
  auto short_secret =
      Subprocess::Start({test_support::BinDir() + "/okr-feedback", "--listen", "127.0.0.1:0"},
                        {{"OKR_JWT_SECRET", "short"}}, log);
  ASSERT_TRUE(short_secret.ok());
  exit_code = (*short_secret)->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_code.ok());
  EXPECT_EQ(*exit_code, 2);

  // Goals rules that make no sense (a cadence under a day, margins out of order) are refused too.
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--default-check-in-cadence", "1h"},
        std::vector<std::string>{"--health-on-track-margin", "0.5", "--health-at-risk-margin",
                                 "0.2"}}) {
    std::vector<std::string> argv{test_support::BinDir() + "/okr-goals", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto rules = Subprocess::Start(argv, {{"OKR_JWT_SECRET", kE2eSecretForFlags}}, log);
    ASSERT_TRUE(rules.ok());
    exit_code = (*rules)->Wait(absl::Seconds(10));
    ASSERT_TRUE(exit_code.ok());
    EXPECT_EQ(*exit_code, 2) << flags[0];
  }
}

}  // namespace
}  // namespace okr
