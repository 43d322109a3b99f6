// okr-goals: the org directory, goals (cycles, objectives, key results, check-ins) and the
// progress ingest stream, served over gRPC.
#include "okr/common/aip/page_token.h"
#include "okr/common/config/command_line.h"
#include "okr/common/server/service_binary.h"
#include "services/goals/src/goals_schema.h"
#include "services/goals/src/goals_service.h"
#include "services/goals/src/org_service.h"
#include "services/goals/src/progress_ingest_service.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  common::ServiceBinary binary("goals", "okr-suite goals service", "127.0.0.1:50051");
  binary.database_options().migrations = okr::goals::GoalsMigrations();
  std::string page_token_secret;
  binary.command_line()
      .app()
      .add_option("--page-token-secret", page_token_secret,
                  "key that seals list page tokens (at least 32 bytes; replicas must share it); "
                  "empty: a random key per process, so tokens do not survive a restart")
      ->envname("OKR_PAGE_TOKEN_SECRET");
  binary.command_line().AddValidation([&page_token_secret] {
    if (page_token_secret.empty() || page_token_secret.size() >= 32) return absl::OkStatus();
    return absl::InvalidArgumentError("--page-token-secret must be at least 32 bytes");
  });
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
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  const common::PageTokenCodec page_tokens(
      page_token_secret.empty() ? common::PageTokenCodec::GenerateKey() : page_token_secret);
  okr::goals::OrgService org(&binary.runtime(), &binary.database(), &page_tokens);
  okr::goals::GoalsService goals(&binary.runtime(), &binary.database(), &page_tokens,
                                 goals_options);
  goals.WarmUp();
  okr::goals::ProgressIngestService ingest(&binary.runtime());
  return binary.Serve({{&org, okr::org::v1::OrgService::service_full_name()},
                       {&goals, okr::goals::v1::GoalsService::service_full_name()},
                       {&ingest, okr::goals::v1::ProgressIngestService::service_full_name()}});
}
