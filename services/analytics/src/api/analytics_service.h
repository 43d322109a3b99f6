// okr.analytics.v1.AnalyticsService: roll-ups, engagement and trends, and their push stream.
// The gRPC adapter: requests checked and turned into aggregate keys, aggregates taken from the
// memory cache on the gRPC thread when valid, else on the executor from Redis or computed from
// the tenant's model (AggregateSource); every answer carries its freshness.
#pragma once

#include "okr/analytics/v1/analytics_service.grpc.pb.h"
#include "okr/common/server/rpc_runtime.h"
#include "services/analytics/src/api/aggregate_watch.h"
#include "services/analytics/src/api/aggregates.h"
#include "services/analytics/src/cache/aggregate_source.h"
#include "services/analytics/src/feeds/tenant_feeds.h"
#include "services/analytics/src/store/trend_store.h"

namespace okr::analytics {

struct AnalyticsOptions {
  // CURRENT while both feeds are live and no older than this.
  absl::Duration freshness_bound = absl::Seconds(1);
  // How long the first read of a tenant waits for its first snapshot.
  absl::Duration warmup_wait = absl::Seconds(20);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class AnalyticsService final : public v1::AnalyticsService::CallbackService {
 public:
  AnalyticsService(common::RpcRuntime* runtime, TenantFeeds* feeds, AggregateSource* source,
                   TrendStore* trends, AnalyticsOptions options = {});
  // Ends the WatchAggregates streams (UNAVAILABLE) before the server shuts down.
  void Stop() { watch_.Stop(); }

  grpc::ServerUnaryReactor* GetObjectiveRollup(grpc::CallbackServerContext* context,
                                               const v1::GetObjectiveRollupRequest* request,
                                               v1::ObjectiveRollup* response) override;
  grpc::ServerUnaryReactor* GetTeamSummary(grpc::CallbackServerContext* context,
                                           const v1::GetTeamSummaryRequest* request,
                                           v1::TeamSummary* response) override;
  grpc::ServerUnaryReactor* GetPersonSummary(grpc::CallbackServerContext* context,
                                             const v1::GetPersonSummaryRequest* request,
                                             v1::PersonSummary* response) override;
  grpc::ServerUnaryReactor* GetCycleSummary(grpc::CallbackServerContext* context,
                                            const v1::GetCycleSummaryRequest* request,
                                            v1::CycleSummary* response) override;
  grpc::ServerUnaryReactor* GetEngagement(grpc::CallbackServerContext* context,
                                          const v1::GetEngagementRequest* request,
                                          v1::Engagement* response) override;
  grpc::ServerUnaryReactor* GetTrend(grpc::CallbackServerContext* context,
                                     const v1::GetTrendRequest* request,
                                     v1::Trend* response) override;
  grpc::ServerWriteReactor<v1::WatchAggregatesResponse>* WatchAggregates(
      grpc::CallbackServerContext* context, const v1::WatchAggregatesRequest* request) override;

 private:
  // Serves the aggregate `key` (INVALID_ARGUMENT when it is an error) into `response`.
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  absl::StatusOr<AggregateKey> key,
                                  google::protobuf::Message* response);
  // With the tenant's state read-locked: checks the reader's access, then fills `response`.
  absl::Status Answer(const TenantState& state, const std::string& tenant, const AggregateKey& key,
                      const Reader& reader, const Aggregate& aggregate, v1::ValueSource source,
                      google::protobuf::Message& response) const;
  // A WatchAggregates update of `key` for `reader`.
  absl::Status FillWatched(TenantModel& model, const AggregateKey& key, const Reader& reader,
                           v1::WatchAggregatesResponse& out);
  // Waits (on the executor) until the tenant has its first snapshot.
  absl::StatusOr<std::shared_ptr<TenantModel>> ReadyModel(const std::string& tenant);

  common::RpcRuntime* runtime_;
  TenantFeeds* feeds_;
  AggregateSource* source_;
  TrendStore* trends_;
  const AnalyticsOptions options_;
  AggregateWatch watch_;
};

}  // namespace okr::analytics
