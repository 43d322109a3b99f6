#include "okr/common/logging/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

namespace okr::common {
namespace {

TEST(TraceparentTest, ParsesValidHeader) {
  auto parsed = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(parsed->flags, "01");
}

TEST(TraceparentTest, RejectsMalformedHeaders) {
  EXPECT_FALSE(ParseTraceparent("").has_value());
  EXPECT_FALSE(ParseTraceparent("garbage").has_value());
  // Upper case, all-zero ids, version ff, wrong lengths.
  EXPECT_FALSE(ParseTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(ParseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
}

TEST(RequestContextTest, KeepsCallerIdsAndStartsOwnSpan) {
  RequestContext ctx = MakeRequestContext(
      "req-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "/a.B/C", "peer");
  EXPECT_EQ(ctx.request_id, "req-1");
  EXPECT_EQ(ctx.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(ctx.parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(ctx.span_id.size(), 16u);
  EXPECT_NE(ctx.span_id, ctx.parent_span_id);
  EXPECT_TRUE(ParseTraceparent(ctx.Traceparent()).has_value());
}

TEST(RequestContextTest, GeneratesWhatIsMissingOrInvalid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  RequestContext a = MakeRequestContext("", "bad");
  RequestContext b = MakeRequestContext(std::string(200, 'x'), "");
  RequestContext c = MakeRequestContext("has space", "");
  for (const auto* ctx : {&a, &b, &c}) {
    EXPECT_TRUE(std::regex_match(ctx->request_id, uuid)) << ctx->request_id;
    EXPECT_EQ(ctx->trace_id.size(), 32u);
    EXPECT_TRUE(ctx->parent_span_id.empty());
  }
  EXPECT_NE(a.request_id, b.request_id);
  EXPECT_NE(a.trace_id, b.trace_id);
}

TEST(LogTest, WritesOneJsonObjectPerLineWithRequestFields) {
  InitLogging("goals", spdlog::level::info);
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = spdlog::default_logger();
  logger->sinks().clear();
  logger->sinks().push_back(sink);
  InitLogging("goals", spdlog::level::info);  // re-initialising must not throw
  spdlog::default_logger()->sinks().clear();
  spdlog::default_logger()->sinks().push_back(sink);
  spdlog::default_logger()->set_pattern(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":"goals",%v})",
      spdlog::pattern_time_type::utc);

  RequestContext ctx = MakeRequestContext("r-42", "", "/okr.goals.v1.GoalsService/GetCycle");
  LogInfo("hello \"quoted\"\nline", {{"count", 3}}, &ctx);
  LogWarn("no request");
  Log(spdlog::level::debug, "filtered out");

  std::istringstream lines(captured.str());
  std::string line;
  std::vector<nlohmann::json> records;
  while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 2u) << captured.str();
  EXPECT_EQ(records[0]["msg"], "hello \"quoted\"\nline");
  EXPECT_EQ(records[0]["level"], "info");
  EXPECT_EQ(records[0]["service"], "goals");
  EXPECT_EQ(records[0]["count"], 3);
  EXPECT_EQ(records[0]["request_id"], "r-42");
  EXPECT_EQ(records[0]["trace_id"], ctx.trace_id);
  EXPECT_EQ(records[0]["traceparent"], ctx.Traceparent());
  EXPECT_EQ(records[0]["method"], "/okr.goals.v1.GoalsService/GetCycle");
  EXPECT_FALSE(records[1].contains("request_id"));
}

TEST(LogTest, ParsesLevels) {
  EXPECT_EQ(ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(ParseLogLevel("error"), spdlog::level::err);
  EXPECT_FALSE(ParseLogLevel("loud").has_value());
}

}  // namespace
}  // namespace okr::common
