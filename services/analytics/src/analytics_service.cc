#include "services/analytics/src/analytics_service.h"

namespace okr::analytics {

// Every method authenticates the caller first; those a later release implements answer
// UNIMPLEMENTED (reason NOT_IMPLEMENTED_YET) until then.

grpc::ServerUnaryReactor* AnalyticsService::GetObjectiveRollup(
    grpc::CallbackServerContext* context,
    const ::okr::analytics::v1::GetObjectiveRollupRequest* /*request*/,
    ::okr::analytics::v1::ObjectiveRollup* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* AnalyticsService::GetTeamSummary(
    grpc::CallbackServerContext* context,
    const ::okr::analytics::v1::GetTeamSummaryRequest* /*request*/,
    ::okr::analytics::v1::TeamSummary* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* AnalyticsService::GetPersonSummary(
    grpc::CallbackServerContext* context,
    const ::okr::analytics::v1::GetPersonSummaryRequest* /*request*/,
    ::okr::analytics::v1::PersonSummary* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* AnalyticsService::GetCycleSummary(
    grpc::CallbackServerContext* context,
    const ::okr::analytics::v1::GetCycleSummaryRequest* /*request*/,
    ::okr::analytics::v1::CycleSummary* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* AnalyticsService::GetEngagement(
    grpc::CallbackServerContext* context,
    const ::okr::analytics::v1::GetEngagementRequest* /*request*/,
    ::okr::analytics::v1::Engagement* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* AnalyticsService::GetTrend(
    grpc::CallbackServerContext* context, const ::okr::analytics::v1::GetTrendRequest* /*request*/,
    ::okr::analytics::v1::Trend* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerWriteReactor<::okr::analytics::v1::WatchAggregatesResponse>*
AnalyticsService::WatchAggregates(grpc::CallbackServerContext* context,
                                  const ::okr::analytics::v1::WatchAggregatesRequest* /*request*/) {
  return runtime_->UnimplementedServerStream<::okr::analytics::v1::WatchAggregatesResponse>(
      context);
}

}  // namespace okr::analytics
