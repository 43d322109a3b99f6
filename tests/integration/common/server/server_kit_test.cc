// The server kit in process over real gRPC: error details survive the wire, authentication guards
// every method, health and metrics answer, request ids are kept and echoed.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "okr/common/auth/jwt_verifier.h"
#include "okr/common/auth/token_minter.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/grpc_server.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/status/errors.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "tests/support/http_get.h"

namespace okr::common {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test";

// GetCycle fails with a rich error; GetObjective echoes the caller; the rest are unimplemented.
class TestGoalsService final : public goals::v1::GoalsService::CallbackService {
 public:
  explicit TestGoalsService(RpcRuntime* runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* GetCycle(grpc::CallbackServerContext* context,
                                     const goals::v1::GetCycleRequest* request,
                                     goals::v1::Cycle* /*response*/) override {
    return runtime_->Unary(context, [request](const Call&) {
      Violations violations;
      violations.Add("name", "'" + request->name() + "' is not a cycle name");
      violations.Add("name", "must start with cycles/");
      return violations.ToStatus("INVALID_CYCLE_NAME", "the cycle name is malformed");
    });
  }

  grpc::ServerUnaryReactor* GetObjective(grpc::CallbackServerContext* context,
                                         const goals::v1::GetObjectiveRequest* request,
                                         goals::v1::Objective* response) override {
    return runtime_->Unary(context, [request, response](const Call& call) {
      response->set_name(request->name());
      response->set_title(call.principal.tenant + "/" + call.principal.subject + "/" +
                          call.request.request_id);
      response->set_description(call.request.trace_id + "/" + call.request.parent_span_id + "/" +
                                call.request.span_id);
      return absl::OkStatus();
    });
  }

  // Answered on the gRPC thread when the name ends in "/fast", else on the executor.
  grpc::ServerUnaryReactor* GetKeyResult(grpc::CallbackServerContext* context,
                                         const goals::v1::GetKeyResultRequest* request,
                                         goals::v1::KeyResult* response) override {
    return runtime_->UnaryFast(
        context,
        [request, response](const Call& call) -> std::optional<absl::Status> {
          if (!request->name().ends_with("/fast")) return std::nullopt;
          response->set_title("fast:" + call.principal.subject);
          return absl::OkStatus();
        },
        [response](const Call& call) {
          response->set_title("slow:" + call.principal.subject);
          return absl::OkStatus();
        });
  }

  grpc::ServerUnaryReactor* ListCycles(grpc::CallbackServerContext* context,
                                       const goals::v1::ListCyclesRequest* /*request*/,
                                       goals::v1::ListCyclesResponse* /*response*/) override {
    return runtime_->Unimplemented(context);
  }

 private:
  RpcRuntime* runtime_;
};

class ServerKitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JwtVerifierOptions options;
    options.algorithm = JwtAlgorithm::kHs256;
    options.key = kSecret;
    options.issuer = "okr-test";
    options.audience = "okr-suite";
    auto verifier = JwtVerifier::Create(options);
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = *std::move(verifier);
    runtime_ = std::make_unique<RpcRuntime>(&executor_, verifier_.get(), "goals.okr-suite", false);
    service_ = std::make_unique<TestGoalsService>(runtime_.get());
    ServerOptions server_options;
    server_options.listen = "127.0.0.1:0";
    server_options.metrics_listen = "127.0.0.1:0";
    server_options.drain_period = absl::Milliseconds(500);
    auto server = GrpcServer::Start(
        server_options, {{service_.get(), goals::v1::GoalsService::service_full_name()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = goals::v1::GoalsService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    executor_.Shutdown();
  }

  std::string Token(const std::string& tenant = "acme") {
    TokenClaims claims;
    claims.tenant = tenant;
    claims.subject = "alice";
    claims.roles = {"admin"};
    claims.issuer = "okr-test";
    claims.audience = "okr-suite";
    claims.ttl = absl::Minutes(5);
    auto token = MintToken(claims, JwtAlgorithm::kHs256, kSecret, absl::Now());
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  void Authorize(grpc::ClientContext& context) {
    context.AddMetadata("authorization", "Bearer " + Token());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  ThreadPool executor_{2};
  TokenVerifierPtr verifier_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<TestGoalsService> service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<goals::v1::GoalsService::Stub> stub_;
};

TEST_F(ServerKitTest, ErrorCodeReasonAndFieldViolationsSurviveTheWire) {
  grpc::ClientContext context;
  Authorize(context);
  goals::v1::GetCycleRequest request;
  request.set_name("bogus");
  goals::v1::Cycle cycle;
  grpc::Status status = stub_->GetCycle(&context, request, &cycle);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status back = FromGrpcStatus(status);
  EXPECT_EQ(back.message(), "the cycle name is malformed");
  EXPECT_EQ(ErrorReason(back), "INVALID_CYCLE_NAME");
  EXPECT_EQ(ErrorMetadata(back)["domain"], "goals.okr-suite");
  auto violations = ErrorFieldViolations(back);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "name");
  EXPECT_EQ(violations[0].description, "'bogus' is not a cycle name");
}

TEST_F(ServerKitTest, AuthenticatedCallSeesPrincipalAndRequestId) {
  grpc::ClientContext context;
  Authorize(context);
  context.AddMetadata("x-request-id", "req-123");
  goals::v1::GetObjectiveRequest request;
  request.set_name("objectives/o1");
  goals::v1::Objective objective;
  grpc::Status status = stub_->GetObjective(&context, request, &objective);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(objective.title(), "acme/alice/req-123");
  auto echoed = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "req-123");
}

TEST_F(ServerKitTest, FastUnaryAnswersWithoutTheExecutorAndHandsTheRestToIt) {
  // Every executor thread is held: only an answer that needs no executor can come back.
  absl::Notification release;
  std::atomic<int> held{0};
  for (int i = 0; i < 2; ++i) {
    executor_.Schedule([&] {
      ++held;
      release.WaitForNotification();
    });
  }
  // Released on every way out, so a failed expectation cannot leave the executor waiting on a
  // Notification that went out of scope.
  absl::Cleanup release_on_exit = [&release] {
    if (!release.HasBeenNotified()) release.Notify();
  };
  while (held.load() < 2) absl::SleepFor(absl::Milliseconds(1));
  // The fast call has all the time it needs (the executor stays held, so it can only be answered
  // without it); the slow one must run out of its 500 ms while the executor is held.
  auto get = [&](const std::string& name, goals::v1::KeyResult& out,
                 std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) {
    grpc::ClientContext context;
    Authorize(context);
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    goals::v1::GetKeyResultRequest request;
    request.set_name(name);
    return stub_->GetKeyResult(&context, request, &out);
  };
  goals::v1::KeyResult fast;
  grpc::Status status = get("objectives/o/keyResults/fast", fast);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fast.title(), "fast:alice");
  goals::v1::KeyResult slow;
  EXPECT_EQ(get("objectives/o/keyResults/slow", slow, std::chrono::milliseconds(500)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  release.Notify();
  status = get("objectives/o/keyResults/slow", slow);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(slow.title(), "slow:alice");
  // Authentication comes first on the fast path too.
  grpc::ClientContext anonymous;
  goals::v1::GetKeyResultRequest request;
  request.set_name("objectives/o/keyResults/fast");
  EXPECT_EQ(stub_->GetKeyResult(&anonymous, request, &slow).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServerKitTest, MissingRequestIdIsGeneratedAndSeenByTheHandler) {
  grpc::ClientContext context;
  Authorize(context);
  goals::v1::Objective objective;
  ASSERT_TRUE(stub_->GetObjective(&context, goals::v1::GetObjectiveRequest(), &objective).ok());
  auto echoed = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  const std::string id(echoed->second.data(), echoed->second.size());
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(objective.title(), "acme/alice/" + id);
}

TEST_F(ServerKitTest, HandlerSeesTheCallersTraceAndOneNewSpanPerCall) {
  auto trace_of = [&](const std::string& traceparent) {
    grpc::ClientContext context;
    Authorize(context);
    if (!traceparent.empty()) context.AddMetadata("traceparent", traceparent);
    goals::v1::Objective objective;
    EXPECT_TRUE(stub_->GetObjective(&context, goals::v1::GetObjectiveRequest(), &objective).ok());
    return std::vector<std::string>(absl::StrSplit(objective.description(), '/'));
  };
  const std::string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const auto first = trace_of(parent);
  const auto second = trace_of(parent);
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(first[0], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(first[1], "00f067aa0ba902b7");
  EXPECT_EQ(first[2].size(), 16u);
  EXPECT_EQ(first[2].find_first_not_of("0123456789abcdef"), std::string::npos) << first[2];
  EXPECT_NE(first[2], first[1]);
  EXPECT_NE(first[2], second[2]);  // Each call is its own span.
  const auto fresh = trace_of("");
  ASSERT_EQ(fresh.size(), 3u);
  EXPECT_EQ(fresh[0].size(), 32u);
  EXPECT_EQ(fresh[0].find_first_not_of("0123456789abcdef"), std::string::npos) << fresh[0];
  EXPECT_NE(fresh[0], first[0]);
  EXPECT_TRUE(fresh[1].empty());
  EXPECT_EQ(fresh[2].size(), 16u);
}

TEST_F(ServerKitTest, CallsWithoutValidTokenAreUnauthenticated) {
  for (const std::string header : {"", "Bearer", "Basic abc", "Bearer not.a.jwt"}) {
    grpc::ClientContext context;
    if (!header.empty()) context.AddMetadata("authorization", header);
    goals::v1::Objective objective;
    grpc::Status status =
        stub_->GetObjective(&context, goals::v1::GetObjectiveRequest(), &objective);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << header;
    EXPECT_FALSE(ErrorReason(FromGrpcStatus(status)).empty());
  }
  // Unimplemented methods authenticate first, so an anonymous caller learns nothing.
  grpc::ClientContext anonymous;
  goals::v1::ListCyclesResponse cycles;
  EXPECT_EQ(stub_->ListCycles(&anonymous, goals::v1::ListCyclesRequest(), &cycles).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext authorized;
  Authorize(authorized);
  grpc::Status status = stub_->ListCycles(&authorized, goals::v1::ListCyclesRequest(), &cycles);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "NOT_IMPLEMENTED_YET");
}

TEST_F(ServerKitTest, MetricsEndpointServesGoGrpcPrometheusNames) {
  goals::v1::Objective objective;
  grpc::ClientContext anonymous;
  anonymous.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  EXPECT_FALSE(stub_->GetObjective(&anonymous, goals::v1::GetObjectiveRequest(), &objective).ok());
  grpc::ClientContext authorized;
  Authorize(authorized);
  EXPECT_TRUE(stub_->GetObjective(&authorized, goals::v1::GetObjectiveRequest(), &objective).ok());

  auto scraped = test_support::HttpGet(server_->metrics_port(), "/metrics");
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  const std::string& response = *scraped;
  EXPECT_NE(response.find("200 OK"), std::string::npos);
  const std::string labels =
      R"(grpc_method="GetObjective",grpc_service="okr.goals.v1.GoalsService",grpc_type="unary")";
  for (const std::string& line :
       {R"(grpc_server_handled_total{grpc_code="Unauthenticated",)" + labels + "} 1",
        R"(grpc_server_handled_total{grpc_code="OK",)" + labels + "} 1",
        "grpc_server_started_total{" + labels + "} 2",
        "grpc_server_msg_received_total{" + labels + "} 2",
        "grpc_server_msg_sent_total{" + labels + "} 1",
        "grpc_server_handling_seconds_count{" + labels + "} 2"}) {
    EXPECT_NE(response.find(line + "\n"), std::string::npos) << line << "\n" << response;
  }
}

TEST_F(ServerKitTest, OversizedRequestIsRejected) {
  grpc::ClientContext context;
  Authorize(context);
  goals::v1::GetObjectiveRequest request;
  request.set_name(std::string(5 * 1024 * 1024, 'x'));
  goals::v1::Objective objective;
  EXPECT_EQ(stub_->GetObjective(&context, request, &objective).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ServerKitTest, ShutdownLetsInFlightCallFinish) {
  // Both executor threads are parked, so the call's work waits in the queue while Shutdown
  // starts; it must still finish OK.
  absl::Notification started[2], release;
  for (auto& notification : started) {
    executor_.Schedule([&] {
      notification.Notify();
      release.WaitForNotificationWithTimeout(absl::Seconds(5));
    });
  }
  grpc::ClientContext context;
  Authorize(context);
  goals::v1::Objective objective;
  grpc::Status status;
  absl::Notification done;
  const goals::v1::GetObjectiveRequest request;
  stub_->async()->GetObjective(&context, &request, &objective, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  for (auto& notification : started) {
    ASSERT_TRUE(notification.WaitForNotificationWithTimeout(absl::Seconds(5)));
  }
  // The call's work is queued behind the parked tasks before shutdown starts...
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (executor_.QueuedForTest() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(executor_.QueuedForTest(), 1u);
  std::thread stopper([this] { server_->Shutdown(); });
  // ...and is released only once shutdown has begun (health is NOT_SERVING).
  auto health = grpc::health::v1::Health::NewStub(channel_);
  bool not_serving = false;
  while (!not_serving && absl::Now() < give_up) {
    grpc::ClientContext health_context;
    health_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    grpc::health::v1::HealthCheckResponse response;
    not_serving = health->Check(&health_context, {}, &response).ok() &&
                  response.status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING;
    if (!not_serving) absl::SleepFor(absl::Milliseconds(5));
  }
  release.Notify();
  ASSERT_TRUE(not_serving);
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  stopper.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace okr::common
