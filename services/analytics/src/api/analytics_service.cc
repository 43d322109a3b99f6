#include "services/analytics/src/api/analytics_service.h"

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/analytics/src/api/freshness.h"
#include "services/analytics/src/api/names.h"

namespace okr::analytics {
namespace {

using Kind = AggregateKey::Kind;

v1::Freshness* FreshnessOf(google::protobuf::Message& response) {
  if (auto* m = dynamic_cast<v1::TeamSummary*>(&response)) return m->mutable_freshness();
  if (auto* m = dynamic_cast<v1::PersonSummary*>(&response)) return m->mutable_freshness();
  if (auto* m = dynamic_cast<v1::CycleSummary*>(&response)) return m->mutable_freshness();
  if (auto* m = dynamic_cast<v1::ObjectiveRollup*>(&response)) return m->mutable_freshness();
  if (auto* m = dynamic_cast<v1::Engagement*>(&response)) return m->mutable_freshness();
  return nullptr;
}

absl::Status Unavailable(const char* reason, const std::string& message) {
  return common::MakeError(absl::StatusCode::kUnavailable, reason, message);
}

}  // namespace

AnalyticsService::AnalyticsService(common::RpcRuntime* runtime, TenantFeeds* feeds,
                                   prometheus::Registry* registry, AnalyticsOptions options)
    : runtime_(runtime),
      feeds_(feeds),
      options_(std::move(options)),
      memory_(options_.memory_max_age, options_.memory_max_entries) {
  auto& reads = prometheus::BuildCounter()
                    .Name("okr_analytics_aggregate_reads_total")
                    .Help("Aggregates served, by where they came from")
                    .Register(*registry);
  memory_hits_ = &reads.Add({{"source", "memory"}});
  computed_ = &reads.Add({{"source", "state"}});
}

absl::Status AnalyticsService::Answer(const TenantState& state, const std::string& tenant,
                                      const AggregateKey& key, const Reader& reader,
                                      const Aggregate& aggregate, v1::ValueSource source,
                                      google::protobuf::Message& response) const {
  if (key.kind == Kind::kPersonSummary || key.kind == Kind::kPersonEngagement) {
    if (!MayReadPerson(state, reader, key.subject)) {
      return common::PermissionDenied(
          "PERSON_FIGURES_DENIED",
          "a person's figures are for the person, their manager chain and administrators");
    }
  }
  if (key.kind == Kind::kObjectiveRollup) {
    const ObjectiveFact* root = state.FindObjective(key.subject);
    if (root == nullptr || !MaySeeObjective(state, reader, *root)) {
      return common::NotFound("OBJECTIVE_NOT_FOUND",
                              "the objective does not exist or you may not read it");
    }
  }
  ServeAggregate(aggregate, state, reader, response);
  SetFreshness(feeds_->Status(tenant, Feed::kGoals), feeds_->Status(tenant, Feed::kFeedback),
               options_.clock(), options_.freshness_bound, source, *FreshnessOf(response));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<TenantModel>> AnalyticsService::ReadyModel(
    const std::string& tenant) {
  auto model = feeds_->Ensure(tenant);
  if (!model.ok()) {
    return Unavailable("ANALYTICS_UNAVAILABLE",
                       absl::StrCat("cannot follow the tenant: ", model.status().message()));
  }
  const absl::Time give_up = absl::Now() + options_.warmup_wait;
  while (!(*model)->ready()) {
    if (absl::Now() >= give_up) {
      return Unavailable("ANALYTICS_WARMING_UP",
                         "the tenant's first snapshot from goals and feedback is not complete; "
                         "retry shortly");
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return model;
}

grpc::ServerUnaryReactor* AnalyticsService::Serve(grpc::CallbackServerContext* context,
                                                  absl::StatusOr<AggregateKey> key,
                                                  google::protobuf::Message* response) {
  auto shared_key = std::make_shared<absl::StatusOr<AggregateKey>>(std::move(key));
  return runtime_->UnaryFast(
      context,
      [this, shared_key, response](const common::Call& call) -> std::optional<absl::Status> {
        if (!shared_key->ok()) return shared_key->status();
        const AggregateKey& k = **shared_key;
        const std::string& tenant = call.principal.tenant;
        std::shared_ptr<TenantModel> model = feeds_->Find(tenant);
        if (model == nullptr || !model->ready()) return std::nullopt;
        auto hit = memory_.Find(tenant, k.CacheKey(), model->generation(), options_.clock());
        if (hit == nullptr) return std::nullopt;
        memory_hits_->Increment();
        const Reader reader = ReaderOf(call.principal);
        return model->Read([&](const TenantState& state) {
          return Answer(state, tenant, k, reader, *hit, v1::VALUE_SOURCE_MEMORY, *response);
        });
      },
      [this, shared_key, response](const common::Call& call) -> absl::Status {
        const AggregateKey& k = **shared_key;
        const std::string& tenant = call.principal.tenant;
        auto model = ReadyModel(tenant);
        if (!model.ok()) return model.status();
        const int64_t generation = (*model)->generation();
        const absl::Time now = options_.clock();
        auto hit = memory_.Find(tenant, k.CacheKey(), generation, now);
        const Reader reader = ReaderOf(call.principal);
        return (*model)->Read([&](const TenantState& state) -> absl::Status {
          v1::ValueSource source = v1::VALUE_SOURCE_MEMORY;
          if (hit == nullptr) {
            auto computed = ComputeAggregate(state, k, now, options_.figures);
            if (!computed.ok()) return computed.status();
            computed->generation = generation;
            hit = std::make_shared<const Aggregate>(*std::move(computed));
            memory_.Put(tenant, k.CacheKey(), hit);
            computed_->Increment();
            source = v1::VALUE_SOURCE_STATE;
          } else {
            memory_hits_->Increment();
          }
          return Answer(state, tenant, k, reader, *hit, source, *response);
        });
      });
}

grpc::ServerUnaryReactor* AnalyticsService::GetObjectiveRollup(
    grpc::CallbackServerContext* context, const v1::GetObjectiveRollupRequest* request,
    v1::ObjectiveRollup* response) {
  absl::StatusOr<AggregateKey> key = [&]() -> absl::StatusOr<AggregateKey> {
    auto id = IdFromName("objectives", request->objective(), "objective");
    if (!id.ok()) return id.status();
    return AggregateKey{Kind::kObjectiveRollup, *id, "", false};
  }();
  return Serve(context, std::move(key), response);
}

grpc::ServerUnaryReactor* AnalyticsService::GetTeamSummary(grpc::CallbackServerContext* context,
                                                           const v1::GetTeamSummaryRequest* request,
                                                           v1::TeamSummary* response) {
  absl::StatusOr<AggregateKey> key = [&]() -> absl::StatusOr<AggregateKey> {
    auto team = IdFromName("teams", request->team(), "team");
    if (!team.ok()) return team.status();
    auto cycle = IdFromName("cycles", request->cycle(), "cycle");
    if (!cycle.ok()) return cycle.status();
    return AggregateKey{Kind::kTeamSummary, *team, *cycle, request->include_sub_teams()};
  }();
  return Serve(context, std::move(key), response);
}

grpc::ServerUnaryReactor* AnalyticsService::GetPersonSummary(
    grpc::CallbackServerContext* context, const v1::GetPersonSummaryRequest* request,
    v1::PersonSummary* response) {
  absl::StatusOr<AggregateKey> key = [&]() -> absl::StatusOr<AggregateKey> {
    auto person = IdFromName("people", request->person(), "person");
    if (!person.ok()) return person.status();
    auto cycle = IdFromName("cycles", request->cycle(), "cycle");
    if (!cycle.ok()) return cycle.status();
    return AggregateKey{Kind::kPersonSummary, *person, *cycle, false};
  }();
  return Serve(context, std::move(key), response);
}

grpc::ServerUnaryReactor* AnalyticsService::GetCycleSummary(
    grpc::CallbackServerContext* context, const v1::GetCycleSummaryRequest* request,
    v1::CycleSummary* response) {
  absl::StatusOr<AggregateKey> key = [&]() -> absl::StatusOr<AggregateKey> {
    auto cycle = IdFromName("cycles", request->cycle(), "cycle");
    if (!cycle.ok()) return cycle.status();
    return AggregateKey{Kind::kCycleSummary, "", *cycle, false};
  }();
  return Serve(context, std::move(key), response);
}

grpc::ServerUnaryReactor* AnalyticsService::GetEngagement(grpc::CallbackServerContext* context,
                                                          const v1::GetEngagementRequest* request,
                                                          v1::Engagement* response) {
  absl::StatusOr<AggregateKey> key = [&]() -> absl::StatusOr<AggregateKey> {
    auto cycle = IdFromName("cycles", request->cycle(), "cycle");
    if (!cycle.ok()) return cycle.status();
    switch (request->scope_case()) {
      case v1::GetEngagementRequest::kTeam: {
        auto team = IdFromName("teams", request->team(), "team");
        if (!team.ok()) return team.status();
        return AggregateKey{Kind::kTeamEngagement, *team, *cycle, request->include_sub_teams()};
      }
      case v1::GetEngagementRequest::kPerson: {
        auto person = IdFromName("people", request->person(), "person");
        if (!person.ok()) return person.status();
        if (request->include_sub_teams()) break;
        return AggregateKey{Kind::kPersonEngagement, *person, *cycle, false};
      }
      case v1::GetEngagementRequest::SCOPE_NOT_SET:
        if (request->include_sub_teams()) break;
        return AggregateKey{Kind::kTenantEngagement, "", *cycle, false};
    }
    return common::InvalidArgument("INCLUDE_SUB_TEAMS_WITHOUT_TEAM",
                                   "include_sub_teams needs a team",
                                   {{"include_sub_teams", "may be set only with team"}});
  }();
  return Serve(context, std::move(key), response);
}

grpc::ServerUnaryReactor* AnalyticsService::GetTrend(grpc::CallbackServerContext* context,
                                                     const v1::GetTrendRequest* /*request*/,
                                                     v1::Trend* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerWriteReactor<v1::WatchAggregatesResponse>* AnalyticsService::WatchAggregates(
    grpc::CallbackServerContext* context, const v1::WatchAggregatesRequest* /*request*/) {
  return runtime_->UnimplementedServerStream<v1::WatchAggregatesResponse>(context);
}

}  // namespace okr::analytics
