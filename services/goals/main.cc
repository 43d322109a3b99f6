// okr-goals: the org directory, goals (cycles, objectives, key results, check-ins) and the
// progress ingest stream, served over gRPC.
#include "okr/common/aip/page_token.h"
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
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  const common::PageTokenCodec page_tokens(
      page_token_secret.empty() ? common::PageTokenCodec::GenerateKey() : page_token_secret);
  okr::goals::OrgService org(&binary.runtime(), &binary.database(), &page_tokens);
  okr::goals::GoalsService goals(&binary.runtime(), &binary.database(), &page_tokens);
  okr::goals::ProgressIngestService ingest(&binary.runtime());
  return binary.Serve({{&org, okr::org::v1::OrgService::service_full_name()},
                       {&goals, okr::goals::v1::GoalsService::service_full_name()},
                       {&ingest, okr::goals::v1::ProgressIngestService::service_full_name()}});
}
