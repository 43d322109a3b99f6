// okr-analytics: roll-ups, engagement and trends from the goals and feedback change feeds,
// cached in Redis, served over gRPC. The composition root: flags -> database -> the feeds of
// every tenant (with the service's own identity) -> memory and Redis caches (with the other
// replicas' announcements) -> the gRPC adapter.
#include <unistd.h>

#include "okr/common/auth/service_tokens.h"
#include "okr/common/config/command_line.h"
#include "okr/common/logging/log.h"
#include "okr/common/redis/hiredis_client.h"
#include "okr/common/redis/redis_subscriber.h"
#include "okr/common/server/service_binary.h"
#include "services/analytics/src/api/analytics_service.h"
#include "services/analytics/src/cache/aggregate_source.h"
#include "services/analytics/src/cache/redis_cache.h"
#include "services/analytics/src/feeds/tenant_feeds.h"
#include "services/analytics/src/feeds/trend_keeper.h"
#include "services/analytics/src/store/fact_store.h"
#include "services/analytics/src/store/trend_store.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  namespace analytics = okr::analytics;
  common::ServiceBinary binary("analytics", "okr-suite analytics service", "127.0.0.1:50053");
  binary.database_options().migrations = analytics::AnalyticsMigrations();
  CLI::App& app = binary.command_line().app();
  std::string goals_address = "127.0.0.1:50051";
  std::string feedback_address = "127.0.0.1:50052";
  std::string redis_address = "127.0.0.1:6379";
  binary.AddAddressFlag("--goals-address", "OKR_GOALS_ADDRESS", &goals_address,
                        "goals service host:port (its change feed and List calls)");
  binary.AddAddressFlag("--feedback-address", "OKR_FEEDBACK_ADDRESS", &feedback_address,
                        "feedback service host:port (its change feed and List calls)");
  app.add_option("--redis", redis_address,
                 "Redis cache host:port shared by the replicas; empty for none (memory only)")
      ->envname("OKR_REDIS");
  absl::Duration redis_timeout = absl::Milliseconds(50);
  common::AddDurationOption(app, "--redis-timeout", &redis_timeout,
                            "bound on each Redis call; past it the read is answered from "
                            "analytics' own state",
                            "OKR_REDIS_TIMEOUT");
  analytics::RedisCacheOptions redis_cache_options;
  common::AddDurationOption(app, "--redis-ttl", &redis_cache_options.ttl,
                            "lifetime of an aggregate in Redis (plus up to 20% jitter)",
                            "OKR_REDIS_TTL");
  std::string signing_key_file;
  binary.AddServiceSigningKeyFlag(&signing_key_file);
  analytics::AnalyticsOptions options;
  analytics::AggregateSourceOptions source_options;
  app.add_option("--commit-threshold", source_options.figures.commit_edge,
                 "attainment from which a key result is in the commit zone")
      ->envname("OKR_COMMIT_THRESHOLD");
  app.add_option("--target-threshold", source_options.figures.target_edge,
                 "attainment from which a key result is in the target zone")
      ->envname("OKR_TARGET_THRESHOLD");
  app.add_option("--stretch-threshold", source_options.figures.stretch_edge,
                 "attainment from which a key result is in the stretch zone")
      ->envname("OKR_STRETCH_THRESHOLD");
  app.add_option("--min-feedback-authors", source_options.figures.min_author_count,
                 "distinct authors an aggregate over anonymous or upward feedback needs")
      ->envname("OKR_MIN_FEEDBACK_AUTHORS");
  common::AddDurationOption(app, "--freshness-bound", &options.freshness_bound,
                            "how old a value may be and still be CURRENT", "OKR_FRESHNESS_BOUND");
  common::AddDurationOption(app, "--memory-max-age", &source_options.memory_max_age,
                            "how long a computed aggregate is served from memory while nothing "
                            "changes",
                            "OKR_MEMORY_MAX_AGE");
  analytics::TrendKeeperOptions trend_options;
  common::AddDurationOption(app, "--trend-interval", &trend_options.interval,
                            "how often days without trend points are looked for and filled in",
                            "OKR_TREND_INTERVAL");
  app.add_option("--trend-backfill-days", trend_options.backfill_days,
                 "how many past days trend points are filled in for (from goals' check-in "
                 "history)")
      ->envname("OKR_TREND_BACKFILL_DAYS")
      ->check(CLI::Range(0, 366));
  binary.command_line().AddValidation([&] {
    const auto& f = source_options.figures;
    if (!(0 < f.commit_edge && f.commit_edge < f.target_edge && f.target_edge < f.stretch_edge)) {
      return absl::InvalidArgumentError(
          "the zone thresholds must satisfy 0 < commit < target < stretch");
    }
    if (f.min_author_count < 2) {
      return absl::InvalidArgumentError("--min-feedback-authors must be at least 2");
    }
    if (options.freshness_bound <= absl::ZeroDuration() ||
        source_options.memory_max_age < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          "--freshness-bound must be positive and --memory-max-age not negative");
    }
    if (trend_options.interval <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--trend-interval must be positive");
    }
    if (redis_timeout <= absl::ZeroDuration() || redis_cache_options.ttl <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--redis-timeout and --redis-ttl must be positive");
    }
    if (!redis_address.empty() && redis_address.rfind(':') == std::string::npos) {
      return absl::InvalidArgumentError("--redis must be host:port or empty");
    }
    return absl::OkStatus();
  });
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  auto token_options = binary.ServiceTokenOptionsFor("svc-analytics", signing_key_file);
  if (!token_options.ok()) {
    common::LogError("no usable key for the service's own tokens",
                     {{"error", std::string(token_options.status().message())}});
    return 2;
  }
  common::ServiceTokens tokens(*token_options);

  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  // Half-open connections end the feeds' streams instead of leaving them silent.
  channel_args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10'000);
  channel_args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5'000);
  channel_args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // A whole cycle's tree (trends) can be far above gRPC's default 4 MiB.
  channel_args.SetMaxReceiveMessageSize(512 << 20);
  analytics::FeedsOptions feeds_options;
  feeds_options.goals =
      grpc::CreateCustomChannel(goals_address, grpc::InsecureChannelCredentials(), channel_args);
  feeds_options.feedback =
      grpc::CreateCustomChannel(feedback_address, grpc::InsecureChannelCredentials(), channel_args);
  analytics::FactStore store(&binary.database());
  analytics::TenantFeeds feeds(&store, &tokens, feeds_options);
  if (absl::Status s = feeds.Start(); !s.ok()) {
    common::LogError("cannot load the stored tenants", {{"error", std::string(s.message())}});
    return 1;
  }

  // Redis is a cache: the service starts and answers without it, and the clients reconnect.
  std::unique_ptr<common::HiredisClient> redis_reads;
  std::unique_ptr<common::HiredisClient> redis_writes;
  std::unique_ptr<analytics::RedisCache> redis_cache;
  common::RedisOptions redis_options;
  if (!redis_address.empty()) {
    redis_options.host = redis_address.substr(0, redis_address.rfind(':'));
    redis_options.port = std::stoi(redis_address.substr(redis_address.rfind(':') + 1));
    redis_options.connect_timeout = redis_timeout;
    redis_options.command_timeout = redis_timeout;
    redis_reads = std::make_unique<common::HiredisClient>(redis_options);
    redis_writes = std::make_unique<common::HiredisClient>(redis_options);
    if (absl::Status ping = redis_reads->Ping(); !ping.ok()) {
      common::LogWarn("redis unavailable at start; serving from own state",
                      {{"redis", redis_address}, {"error", std::string(ping.message())}});
    }
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    redis_cache_options.replica_id =
        absl::StrCat(host, ":", getpid(), ":", absl::ToUnixNanos(absl::Now()));
    redis_cache_options.max_age = source_options.memory_max_age;
    redis_cache = std::make_unique<analytics::RedisCache>(
        redis_reads.get(), redis_writes.get(), &binary.metrics_registry(), redis_cache_options);
  }
  analytics::AggregateSource source(&feeds, redis_cache.get(), &binary.metrics_registry(),
                                    source_options);
  source.Start();
  // Declared after `source`, whose announcements it delivers: destroyed (joined) first.
  std::unique_ptr<common::RedisSubscriber> subscriber;
  if (redis_cache != nullptr) {
    // A (re)subscription may follow a Redis restart that lost the cache: then write it again.
    subscriber = std::make_unique<common::RedisSubscriber>(
        redis_options, std::vector<std::string>{analytics::RedisCache::kChannelPattern},
        [&source, id = redis_cache_options.replica_id](const std::string& channel,
                                                       const std::string& message) {
          auto a = analytics::RedisCache::ParseAnnouncement(channel, message);
          if (a.has_value() && a->replica_id != id) source.OnAnnouncement(*a);
        },
        [&source, cache = redis_cache.get()] {
          if (cache->LostContent()) source.Repopulate();
        });
    subscriber->Start();
  }
  analytics::TrendStore trend_store(&binary.database());
  trend_options.goals = feeds_options.goals;
  trend_options.figures = source_options.figures;
  analytics::TrendKeeper trends(&feeds, &trend_store, &tokens, &binary.metrics_registry(),
                                trend_options);
  trends.Start();
  analytics::AnalyticsService service(&binary.runtime(), &feeds, &source, &trend_store, options);
  return binary.Serve({{&service, okr::analytics::v1::AnalyticsService::service_full_name()}}, [&] {
    service.Stop();
    if (subscriber != nullptr) subscriber->Stop();
    source.Stop();
    trends.Stop();
    feeds.Stop();
  });
}
