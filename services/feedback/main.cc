// okr-feedback: feedback and recognition, feedback requests, one-on-ones and review cycles, served
// over gRPC. The composition root: flags -> database and change feed -> clients of the goals
// service (with their caches and the org change follower) -> the gRPC adapter.
#include "okr/common/aip/page_token.h"
#include "okr/common/auth/jwt_algorithm.h"
#include "okr/common/auth/service_tokens.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/changelog/change_feed_flags.h"
#include "okr/common/config/command_line.h"
#include "okr/common/logging/log.h"
#include "okr/common/server/service_binary.h"
#include "services/feedback/src/api/derived_event_scheduler.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/clients/caching_goals_directory.h"
#include "services/feedback/src/clients/caching_org_directory.h"
#include "services/feedback/src/clients/grpc_goals_directory.h"
#include "services/feedback/src/clients/grpc_org_directory.h"
#include "services/feedback/src/clients/org_change_follower.h"
#include "services/feedback/src/store/schema.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  namespace feedback = okr::feedback;
  common::ServiceBinary binary("feedback", "okr-suite feedback service", "127.0.0.1:50052");
  binary.database_options().migrations = feedback::FeedbackMigrations();
  CLI::App& app = binary.command_line().app();

  std::string goals_address = "127.0.0.1:50051";
  binary.AddAddressFlag("--goals-address", "OKR_GOALS_ADDRESS", &goals_address,
                        "goals service host:port (people, reporting chains, objectives)");
  absl::Duration goals_deadline = absl::Seconds(2);
  common::AddDurationOption(app, "--goals-deadline", &goals_deadline,
                            "deadline of each call to the goals service", "OKR_GOALS_DEADLINE");
  feedback::OrgCacheOptions org_cache;
  common::AddDurationOption(app, "--org-cache-ttl", &org_cache.ttl,
                            "how long a person or manager chain from goals is used without asking "
                            "again (org changes in the goals feed forget it sooner)",
                            "OKR_ORG_CACHE_TTL");
  common::AddDurationOption(app, "--org-cache-serve-stale", &org_cache.serve_stale_for,
                            "how far past the TTL a cached entry still answers while goals is "
                            "unreachable",
                            "OKR_ORG_CACHE_SERVE_STALE");
  absl::Duration goal_check_ttl = absl::Seconds(30);
  common::AddDurationOption(app, "--goal-check-ttl", &goal_check_ttl,
                            "how long a caller's right to read a linked objective is remembered",
                            "OKR_GOAL_CHECK_TTL");
  std::string signing_key_file;
  binary.AddServiceSigningKeyFlag(&signing_key_file);
  std::string page_token_secret;
  binary.AddPageTokenSecretFlag(&page_token_secret);
  feedback::FeedbackOptions options;
  app.add_option("--author-key-secret", options.author_key_secret,
                 "key of the change feed's pseudonymous author keys for service identities "
                 "(at least 32 bytes; replicas and restarts must share it); empty: derived from "
                 "--jwt-secret with HS256, else a random key per process")
      ->envname("OKR_AUTHOR_KEY_SECRET");
  common::ChangeFeedOptions feed_options;
  common::AddChangeFeedFlags(binary.command_line(), feed_options);
  absl::Duration derived_interval = absl::Seconds(10);
  common::AddDurationOption(app, "--derived-events-interval", &derived_interval,
                            "how often requests are expired, one-on-ones marked overdue and "
                            "review cycles advanced",
                            "OKR_DERIVED_EVENTS_INTERVAL");
  binary.command_line().AddValidation([&] {
    if (goals_deadline < absl::Milliseconds(10) || org_cache.ttl < absl::ZeroDuration() ||
        org_cache.serve_stale_for < absl::ZeroDuration() || goal_check_ttl < absl::ZeroDuration() ||
        derived_interval < absl::Milliseconds(100)) {
      return absl::InvalidArgumentError(
          "--goals-deadline must be at least 10ms, the cache durations not negative and "
          "--derived-events-interval at least 100ms");
    }
    return absl::OkStatus();
  });
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  auto token_options = binary.ServiceTokenOptionsFor("svc-feedback", signing_key_file);
  if (!token_options.ok()) {
    common::LogError("no usable key for the service's own tokens",
                     {{"error", std::string(token_options.status().message())}});
    return 2;
  }
  common::ServiceTokens tokens(*token_options);
  if (options.author_key_secret.empty()) {
    options.author_key_secret = token_options->algorithm == common::JwtAlgorithm::kHs256
                                    ? "author-key\n" + token_options->signing_key
                                    : common::PageTokenCodec::GenerateKey();
  }

  const common::PageTokenCodec page_tokens(
      page_token_secret.empty() ? common::PageTokenCodec::GenerateKey() : page_token_secret);
  feed_options.frame = [](const common::ChangeEntry&) {
    // Every watcher is sent its own redacted frame (watch_rpcs.cc); none is shared.
    return std::string();
  };
  common::ChangeFeed feed(&binary.database(), &binary.runtime(), feed_options);
  if (absl::Status s = feed.Open(); !s.ok()) {
    common::LogError("cannot open the change feed", {{"error", std::string(s.message())}});
    return 1;
  }

  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto goals_channel =
      grpc::CreateCustomChannel(goals_address, grpc::InsecureChannelCredentials(), channel_args);
  feedback::GrpcOrgDirectory org_remote(goals_channel, &tokens, goals_deadline);
  feedback::OrgChangeFollower* follower_ptr = nullptr;
  org_cache.on_miss = [&follower_ptr](const std::string& tenant) {
    if (follower_ptr != nullptr) follower_ptr->Follow(tenant);
  };
  feedback::CachingOrgDirectory org(&org_remote, org_cache, &binary.metrics_registry());
  feedback::OrgChangeFollower follower(goals_channel, &tokens, &binary.database(), &org);
  follower_ptr = &follower;
  if (absl::Status s = follower.Start(); !s.ok()) {
    common::LogError("cannot resume following the goals feed",
                     {{"error", std::string(s.message())}});
    return 1;
  }
  feedback::GrpcGoalsDirectory goals_remote(goals_channel, goals_deadline);
  feedback::CachingGoalsDirectory goals(&goals_remote, goal_check_ttl);

  feedback::FeedbackService service(&binary.runtime(), &binary.database(), &feed, &page_tokens,
                                    &org, &goals, &tokens, options);
  feedback::DerivedEventScheduler scheduler(&service, derived_interval);
  scheduler.Start();
  return binary.Serve({{&service, okr::feedback::v1::FeedbackService::service_full_name()}}, [&] {
    // Long-lived streams end now rather than at the shutdown deadline.
    scheduler.Stop();
    follower.Stop();
    feed.Stop();
  });
}
