#include "okr/common/metrics/grpc_server_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "okr/goals/v1/goals_service.pb.h"

namespace okr::common {
namespace {

std::string Scrape(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(GrpcServerMetricsTest, SplitsFullMethod) {
  EXPECT_EQ(SplitFullMethod("/okr.goals.v1.GoalsService/GetCycle"),
            (std::pair<std::string, std::string>{"okr.goals.v1.GoalsService", "GetCycle"}));
  EXPECT_EQ(SplitFullMethod("nonsense"), (std::pair<std::string, std::string>{}));
}

TEST(GrpcServerMetricsTest, CodeNamesMatchGoGrpcPrometheus) {
  EXPECT_STREQ(GrpcCodeName(0), "OK");
  EXPECT_STREQ(GrpcCodeName(1), "Canceled");
  EXPECT_STREQ(GrpcCodeName(5), "NotFound");
  EXPECT_STREQ(GrpcCodeName(16), "Unauthenticated");
  EXPECT_STREQ(GrpcCodeName(99), "Unknown");
}

TEST(GrpcServerMetricsTest, RecordsWithTheStandardNamesAndLabels) {
  // Links the goals descriptors into this binary's pool, where real services' methods live.
  ASSERT_NE(goals::v1::GetCycleRequest::descriptor(), nullptr);
  prometheus::Registry registry;
  GrpcServerMetrics metrics(registry);
  auto& method = metrics.ForMethod("/okr.goals.v1.GoalsService/GetCycle", "unary");
  EXPECT_EQ(&method, &metrics.ForMethod("/okr.goals.v1.GoalsService/GetCycle", "unary"));
  method.started->Increment();
  method.msg_received->Increment();
  method.msg_sent->Increment();
  metrics.Handled(method, 0, 0.003);
  metrics.Handled(method, 5, 0.2);

  const std::string text = Scrape(registry);
  const std::string labels =
      R"(grpc_method="GetCycle",grpc_service="okr.goals.v1.GoalsService",grpc_type="unary")";
  EXPECT_NE(text.find("grpc_server_started_total{" + labels + "} 1"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(grpc_server_handled_total{grpc_code="OK",)" + labels + "} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(grpc_server_handled_total{grpc_code="NotFound",)" + labels + "} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{" + labels + "} 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handling_seconds_bucket{" + labels + R"(,le="0.005"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_msg_received_total{" + labels + "} 1"), std::string::npos);
  EXPECT_NE(text.find("grpc_server_msg_sent_total{" + labels + "} 1"), std::string::npos);
}

TEST(GrpcServerMetricsTest, MethodsNoServiceDefinesShareOneSeries) {
  ASSERT_NE(goals::v1::GetCycleRequest::descriptor(), nullptr);
  prometheus::Registry registry;
  GrpcServerMetrics metrics(registry);
  for (int i = 0; i < 100; ++i) {
    auto& method = metrics.ForMethod("/evil.Service/Probe" + std::to_string(i), "unary");
    method.started->Increment();
    metrics.Handled(method, 12, 0.001);
  }
  auto& nonsense = metrics.ForMethod("garbage", "unary");
  EXPECT_EQ(nonsense.service, "unknown");
  // One entry for them all, so unknown paths do not grow memory either.
  EXPECT_EQ(&nonsense, &metrics.ForMethod("/evil.Service/Probe7", "unary"));
  EXPECT_NE(&nonsense, &metrics.ForMethod("/evil.Service/Probe7", "bidi_stream"));
  // A code outside the known ones counts as Unknown.
  metrics.Handled(nonsense, 99, 0.001);
  const std::string text = Scrape(registry);
  EXPECT_NE(text.find(R"(grpc_server_started_total{grpc_method="unknown",grpc_service="unknown",)"
                      R"(grpc_type="unary"} 100)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("evil"), std::string::npos);
  EXPECT_NE(text.find(R"(grpc_server_handled_total{grpc_code="Unknown",grpc_method="unknown",)"
                      R"(grpc_service="unknown",grpc_type="unary"} 1)"),
            std::string::npos)
      << text;
  EXPECT_EQ(metrics.ForMethod("/okr.goals.v1.GoalsService/GetCycle", "unary").method, "GetCycle");
}

}  // namespace
}  // namespace okr::common
