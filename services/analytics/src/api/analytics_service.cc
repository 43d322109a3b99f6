#include "services/analytics/src/api/analytics_service.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/analytics/src/api/freshness.h"
#include "services/analytics/src/api/names.h"
#include "services/analytics/src/api/trend_query.h"

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
                                   AggregateSource* source, TrendStore* trends,
                                   AnalyticsOptions options)
    : runtime_(runtime),
      feeds_(feeds),
      source_(source),
      trends_(trends),
      options_(std::move(options)),
      watch_([this](TenantModel& model, const AggregateKey& key, const Reader& reader,
                    v1::WatchAggregatesResponse& out) {
        return FillWatched(model, key, reader, out);
      }) {}

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
        auto hit = source_->FromMemory(*model, k);
        if (hit == nullptr) return std::nullopt;
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
        v1::ValueSource source = v1::VALUE_SOURCE_UNSPECIFIED;
        auto aggregate = source_->Current(**model, k, &source);
        if (!aggregate.ok()) return aggregate.status();
        const Reader reader = ReaderOf(call.principal);
        return (*model)->Read([&](const TenantState& state) {
          return Answer(state, tenant, k, reader, **aggregate, source, *response);
        });
      });
}

absl::Status AnalyticsService::FillWatched(TenantModel& model, const AggregateKey& key,
                                           const Reader& reader, v1::WatchAggregatesResponse& out) {
  v1::ValueSource source = v1::VALUE_SOURCE_UNSPECIFIED;
  // No Redis here: the watch thread holds the hub's lock, which gRPC threads take too.
  auto aggregate = source_->Current(model, key, &source, /*use_redis=*/false);
  if (!aggregate.ok()) return aggregate.status();
  google::protobuf::Message* message = nullptr;
  switch (key.kind) {
    case Kind::kTeamSummary:
      message = out.mutable_team_summary();
      break;
    case Kind::kCycleSummary:
      message = out.mutable_cycle_summary();
      break;
    default:
      message = out.mutable_objective_rollup();
      break;
  }
  return model.Read([&](const TenantState& state) {
    return Answer(state, model.tenant(), key, reader, **aggregate, source, *message);
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
                                                     const v1::GetTrendRequest* request,
                                                     v1::Trend* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto query = ParseTrendRequest(*request);
    if (!query.ok()) return query.status();
    const std::string& tenant = call.principal.tenant;
    auto model = ReadyModel(tenant);
    if (!model.ok()) return model.status();
    const Reader reader = ReaderOf(call.principal);
    const absl::Time now = options_.clock();
    // The facts under the state's lock; the stored points (a database read) outside it.
    auto plan = (*model)->Read([&](const TenantState& state) {
      return PlanTrend(state, reader, *query, now, source_->figures());
    });
    if (!plan.ok()) return plan.status();
    if (absl::Status s = FillTrend(*plan, *trends_, tenant, now, *response); !s.ok()) return s;
    SetFreshness(feeds_->Status(tenant, Feed::kGoals), feeds_->Status(tenant, Feed::kFeedback), now,
                 options_.freshness_bound, v1::VALUE_SOURCE_STATE, *response->mutable_freshness());
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::WatchAggregatesResponse>* AnalyticsService::WatchAggregates(
    grpc::CallbackServerContext* context, const v1::WatchAggregatesRequest* request) {
  using Finished = common::internal::FinishedWriteReactor<v1::WatchAggregatesResponse>;
  auto principal = runtime_->Authenticate(*context);
  if (!principal.ok()) return new Finished(runtime_->ToGrpc(principal.status()));
  // The request, checked as the Get methods check theirs.
  absl::StatusOr<std::vector<WatchStream::Followed>> keys =
      [&]() -> absl::StatusOr<std::vector<WatchStream::Followed>> {
    const int n = request->aggregates_size();
    if (n < 1 || n > 100) {
      return common::InvalidArgument("INVALID_AGGREGATES", "follow 1 to 100 aggregates",
                                     {{"aggregates", "must hold 1 to 100 distinct keys"}});
    }
    std::vector<WatchStream::Followed> out;
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < n; ++i) {
      const v1::AggregateKey& k = request->aggregates(i);
      const std::string field = absl::StrCat("aggregates[", i, "]");
      WatchStream::Followed f;
      f.request_key = k;
      switch (k.aggregate_case()) {
        case v1::AggregateKey::kTeam: {
          auto team = IdFromName("teams", k.team().team(), field + ".team.team");
          if (!team.ok()) return team.status();
          auto cycle = IdFromName("cycles", k.team().cycle(), field + ".team.cycle");
          if (!cycle.ok()) return cycle.status();
          f.key = {Kind::kTeamSummary, *team, *cycle, k.team().include_sub_teams()};
          break;
        }
        case v1::AggregateKey::kCycle: {
          auto cycle = IdFromName("cycles", k.cycle(), field + ".cycle");
          if (!cycle.ok()) return cycle.status();
          f.key = {Kind::kCycleSummary, "", *cycle, false};
          break;
        }
        case v1::AggregateKey::kObjective: {
          auto objective = IdFromName("objectives", k.objective(), field + ".objective");
          if (!objective.ok()) return objective.status();
          f.key = {Kind::kObjectiveRollup, *objective, "", false};
          break;
        }
        case v1::AggregateKey::AGGREGATE_NOT_SET:
          return common::InvalidArgument("INVALID_AGGREGATES", "an aggregate key is empty",
                                         {{field, "must set team, cycle or objective"}});
      }
      if (!seen.insert(f.key.CacheKey()).second) {
        return common::InvalidArgument("INVALID_AGGREGATES", "an aggregate is named twice",
                                       {{field, "must be distinct from the other keys"}});
      }
      out.push_back(std::move(f));
    }
    return out;
  }();
  if (!keys.ok()) return new Finished(runtime_->ToGrpc(keys.status()));
  absl::Duration interval = absl::Seconds(1);
  if (request->has_min_interval()) {
    const auto& d = request->min_interval();
    const absl::Duration given = absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
    if (given != absl::ZeroDuration()) {
      if (given < absl::Milliseconds(100) || given > absl::Hours(1)) {
        return new Finished(runtime_->ToGrpc(
            common::InvalidArgument("INVALID_MIN_INTERVAL", "min_interval is out of range",
                                    {{"min_interval", "must be 0 (1 s) or from 100ms to 1h"}})));
      }
      interval = given;
    }
  }
  auto model = feeds_->Find(principal->tenant);
  auto* stream = new WatchStream(&watch_, model, ReaderOf(*principal), *std::move(keys), interval);
  if (model != nullptr && model->ready()) {
    watch_.Add(stream);
  } else {
    // A tenant not followed yet: wait for its first snapshot on the executor, not here.
    stream->BeginSetup();
    runtime_->executor().Schedule([this, stream, tenant = principal->tenant] {
      auto ready = ReadyModel(tenant);
      if (!ready.ok()) {
        stream->End(runtime_->ToGrpc(ready.status()));
      } else {
        stream->SetModel(*ready);
      }
      if (!stream->EndSetup() || !ready.ok()) return;
      watch_.Add(stream);
    });
  }
  return stream;
}

}  // namespace okr::analytics
