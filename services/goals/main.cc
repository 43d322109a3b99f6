// okr-goals: the org directory, goals (cycles, objectives, key results, check-ins) and the
// progress ingest stream, served over gRPC.
#include "okr/common/aip/page_token.h"
#include "okr/common/logging/log.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/server/service_main.h"
#include "services/goals/src/goals_schema.h"
#include "services/goals/src/goals_service.h"
#include "services/goals/src/org_service.h"
#include "services/goals/src/progress_ingest_service.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  common::BlockShutdownSignals();

  common::ServerOptions server;
  server.listen = "127.0.0.1:50051";
  common::AuthOptions auth;
  common::SqliteDatabaseOptions database_options;
  database_options.path = "okr-goals.db";
  database_options.migrations = okr::goals::GoalsMigrations();
  std::string page_token_secret;
  common::CommandLine command_line("okr-goals", "okr-suite goals service");
  common::AddServerFlags(command_line, server);
  common::AddAuthFlags(command_line, auth);
  common::AddDatabaseFlags(command_line, database_options);
  command_line.app()
      .add_option("--page-token-secret", page_token_secret,
                  "key that seals list page tokens (at least 32 bytes; replicas must share it); "
                  "empty: a random key per process, so tokens do not survive a restart")
      ->envname("OKR_PAGE_TOKEN_SECRET");
  command_line.AddValidation([&page_token_secret] {
    if (page_token_secret.empty() || page_token_secret.size() >= 32) return absl::OkStatus();
    return absl::InvalidArgumentError("--page-token-secret must be at least 32 bytes");
  });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  common::InitLogging("goals", *common::ParseLogLevel(server.log_level));

  auto verifier = common::MakeTokenVerifier(auth);
  if (!verifier.ok()) {
    std::cerr << "okr-goals: configuration error: " << verifier.status().message() << "\n";
    return common::kConfigErrorExitCode;
  }
  auto database = common::SqliteDatabase::Open(database_options);
  if (!database.ok()) {
    common::LogError("cannot open database", {{"path", database_options.path},
                                              {"error", std::string(database.status().message())}});
    return 1;
  }
  common::ThreadPool executor(static_cast<size_t>(server.executor_threads));
  common::RpcRuntime runtime(&executor, verifier->get(), "goals.okr-suite", server.test_hooks);

  const common::PageTokenCodec page_tokens(
      page_token_secret.empty() ? common::PageTokenCodec::GenerateKey() : page_token_secret);

  okr::goals::OrgService org(&runtime, database->get(), &page_tokens);
  okr::goals::GoalsService goals(&runtime);
  okr::goals::ProgressIngestService ingest(&runtime);
  const int exit_code = common::ServeUntilSignal(
      "goals", server,
      {{&org, okr::org::v1::OrgService::service_full_name()},
       {&goals, okr::goals::v1::GoalsService::service_full_name()},
       {&ingest, okr::goals::v1::ProgressIngestService::service_full_name()}});
  executor.Shutdown();
  (*database)->Close();
  return exit_code;
}
