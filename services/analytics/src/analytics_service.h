// okr.analytics.v1.AnalyticsService: roll-ups, engagement and trends, and their push stream.
#pragma once

#include "okr/analytics/v1/analytics_service.grpc.pb.h"
#include "okr/common/server/rpc_runtime.h"

namespace okr::analytics {

class AnalyticsService final : public ::okr::analytics::v1::AnalyticsService::CallbackService {
 public:
  explicit AnalyticsService(common::RpcRuntime* runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* GetObjectiveRollup(
      grpc::CallbackServerContext* context,
      const ::okr::analytics::v1::GetObjectiveRollupRequest* request,
      ::okr::analytics::v1::ObjectiveRollup* response) override;
  grpc::ServerUnaryReactor* GetTeamSummary(
      grpc::CallbackServerContext* context,
      const ::okr::analytics::v1::GetTeamSummaryRequest* request,
      ::okr::analytics::v1::TeamSummary* response) override;
  grpc::ServerUnaryReactor* GetPersonSummary(
      grpc::CallbackServerContext* context,
      const ::okr::analytics::v1::GetPersonSummaryRequest* request,
      ::okr::analytics::v1::PersonSummary* response) override;
  grpc::ServerUnaryReactor* GetCycleSummary(
      grpc::CallbackServerContext* context,
      const ::okr::analytics::v1::GetCycleSummaryRequest* request,
      ::okr::analytics::v1::CycleSummary* response) override;
  grpc::ServerUnaryReactor* GetEngagement(grpc::CallbackServerContext* context,
                                          const ::okr::analytics::v1::GetEngagementRequest* request,
                                          ::okr::analytics::v1::Engagement* response) override;
  grpc::ServerUnaryReactor* GetTrend(grpc::CallbackServerContext* context,
                                     const ::okr::analytics::v1::GetTrendRequest* request,
                                     ::okr::analytics::v1::Trend* response) override;
  grpc::ServerWriteReactor<::okr::analytics::v1::WatchAggregatesResponse>* WatchAggregates(
      grpc::CallbackServerContext* context,
      const ::okr::analytics::v1::WatchAggregatesRequest* request) override;

 private:
  common::RpcRuntime* runtime_;
};

}  // namespace okr::analytics
