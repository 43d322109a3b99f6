// okr-goals: the org directory, goals (cycles, objectives, key results, check-ins) and the
// progress ingest stream, served over gRPC.
#include "okr/common/aip/page_token.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/changelog/change_feed_flags.h"
#include "okr/common/config/command_line.h"
#include "okr/common/logging/log.h"
#include "okr/common/server/service_binary.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/api/org_service.h"
#include "services/goals/src/feed/changes.h"
#include "services/goals/src/feed/derived_event_scheduler.h"
#include "services/goals/src/ingest/progress_ingest_service.h"
#include "services/goals/src/store/schema.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  common::ServiceBinary binary("goals", "okr-suite goals service", "127.0.0.1:50051");
  binary.database_options().migrations = okr::goals::GoalsMigrations();
  std::string page_token_secret;
  binary.AddPageTokenSecretFlag(&page_token_secret);
  okr::goals::GoalsOptions goals_options;
  CLI::App& app = binary.command_line().app();
  common::AddDurationOption(app, "--default-check-in-cadence", &goals_options.default_cadence,
                            "check-in cadence of cycles created without one (1 to 92 days); key "
                            "results without a check-in for longer are stale",
                            "OKR_DEFAULT_CHECK_IN_CADENCE");
  app.add_option("--health-on-track-margin", goals_options.health.on_track_margin,
                 "ON_TRACK while progress >= expected - this")
      ->envname("OKR_HEALTH_ON_TRACK_MARGIN");
  app.add_option("--health-at-risk-margin", goals_options.health.at_risk_margin,
                 "AT_RISK while progress >= expected - this, else OFF_TRACK")
      ->envname("OKR_HEALTH_AT_RISK_MARGIN");
  app.add_option("--success-committed", goals_options.grading.committed,
                 "score from which a COMMITTED objective counts as a success")
      ->envname("OKR_SUCCESS_COMMITTED");
  app.add_option("--success-aspirational", goals_options.grading.aspirational,
                 "score from which an ASPIRATIONAL objective counts as a success")
      ->envname("OKR_SUCCESS_ASPIRATIONAL");
  app.add_option("--read-model", goals_options.read_model,
                 "answer GetObjective and GetKeyResult from the in-memory read model (about 1 KiB "
                 "per key result); false reads the database")
      ->envname("OKR_READ_MODEL");
  binary.command_line().AddValidation([&goals_options] {
    const auto& o = goals_options;
    if (o.default_cadence < okr::goals::kMinCadence ||
        o.default_cadence > okr::goals::kMaxCadence ||
        o.default_cadence % absl::Seconds(1) != absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          "--default-check-in-cadence must be whole seconds from 1 day to 92 days");
    }
    if (!(o.health.on_track_margin >= 0 && o.health.on_track_margin <= o.health.at_risk_margin &&
          o.health.at_risk_margin <= 1)) {
      return absl::InvalidArgumentError(
          "health margins must satisfy 0 <= --health-on-track-margin <= --health-at-risk-margin "
          "<= 1");
    }
    if (!(o.grading.committed > 0 && o.grading.committed <= 1 && o.grading.aspirational > 0 &&
          o.grading.aspirational <= 1)) {
      return absl::InvalidArgumentError("success thresholds must be in (0, 1]");
    }
    return absl::OkStatus();
  });
  common::ChangeFeedOptions feed_options;
  feed_options.frame = &okr::goals::FrameChange;
  common::AddChangeFeedFlags(binary.command_line(), feed_options);
  okr::goals::IngestOptions ingest_options;
  app.add_option("--ingest-max-unacked", ingest_options.max_unacked_events,
                 "most unanswered events the server holds per ingest stream")
      ->envname("OKR_INGEST_MAX_UNACKED");
  okr::goals::SchedulerOptions scheduler_options;
  common::AddDurationOption(app, "--ingest-dedupe-retention", &scheduler_options.event_retention,
                            "how long applied event ids are remembered (at least 7 days)",
                            "OKR_INGEST_DEDUPE_RETENTION");
  common::AddDurationOption(app, "--derived-events-interval", &scheduler_options.interval,
                            "how often health and staleness are re-judged as time passes",
                            "OKR_DERIVED_EVENTS_INTERVAL");
  binary.command_line().AddValidation([&] {
    if (ingest_options.max_unacked_events < 1 || ingest_options.max_unacked_events > 100000) {
      return absl::InvalidArgumentError("--ingest-max-unacked must be 1 to 100000");
    }
    if (scheduler_options.event_retention < absl::Hours(7 * 24)) {
      return absl::InvalidArgumentError("--ingest-dedupe-retention must be at least 7 days");
    }
    if (scheduler_options.interval < absl::Milliseconds(100)) {
      return absl::InvalidArgumentError("--derived-events-interval must be at least 100ms");
    }
    return absl::OkStatus();
  });
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  const common::PageTokenCodec page_tokens(
      page_token_secret.empty() ? common::PageTokenCodec::GenerateKey() : page_token_secret);
  common::ChangeFeed feed(&binary.database(), &binary.runtime(), feed_options);
  if (absl::Status s = feed.Open(); !s.ok()) {
    common::LogError("cannot open the change feed", {{"error", std::string(s.message())}});
    return 1;
  }
  okr::goals::OrgService org(&binary.runtime(), &binary.database(), &page_tokens, &feed);
  okr::goals::GoalsService goals(&binary.runtime(), &binary.database(), &feed, &page_tokens,
                                 goals_options);
  goals.WarmUp();
  okr::goals::ProgressIngestService ingest(&binary.runtime(), &goals, ingest_options);
  okr::goals::DerivedEventScheduler scheduler(&goals, &binary.database(), scheduler_options);
  scheduler.Start();
  return binary.Serve({{&org, okr::org::v1::OrgService::service_full_name()},
                       {&goals, okr::goals::v1::GoalsService::service_full_name()},
                       {&ingest, okr::goals::v1::ProgressIngestService::service_full_name()}},
                      [&] {
                        // Long-lived streams end now rather than at the shutdown deadline.
                        scheduler.Stop();
                        ingest.Stop();
                        feed.Stop();
                      });
}
