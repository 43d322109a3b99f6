#include "okr/common/metrics/grpc_server_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

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

}  // namespace
}  // namespace okr::common
