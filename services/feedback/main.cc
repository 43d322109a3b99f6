// okr-feedback: feedback and recognition, feedback requests, one-on-ones and review cycles,
// served over gRPC.
#include "okr/common/logging/log.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/server/service_main.h"
#include "services/feedback/src/feedback_service.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  common::BlockShutdownSignals();

  common::ServerOptions server;
  server.listen = "127.0.0.1:50052";
  common::AuthOptions auth;
  common::SqliteDatabaseOptions database_options;
  database_options.path = "okr-feedback.db";
  std::string goals_address = "127.0.0.1:50051";
  common::CommandLine command_line("okr-feedback", "okr-suite feedback service");
  command_line.app()
      .add_option("--goals-address", goals_address, "goals service host:port")
      ->envname("OKR_GOALS_ADDRESS");
  command_line.AddValidation(
      [&] { return common::ValidateHostPort("--goals-address", goals_address); });
  common::AddServerFlags(command_line, server);
  common::AddAuthFlags(command_line, auth);
  common::AddDatabaseFlags(command_line, database_options);
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  common::InitLogging("feedback", *common::ParseLogLevel(server.log_level));

  auto verifier = common::MakeTokenVerifier(auth);
  if (!verifier.ok()) {
    std::cerr << "okr-feedback: configuration error: " << verifier.status().message() << "\n";
    return common::kConfigErrorExitCode;
  }
  auto database = common::SqliteDatabase::Open(database_options);
  if (!database.ok()) {
    common::LogError("cannot open database", {{"path", database_options.path},
                                              {"error", std::string(database.status().message())}});
    return 1;
  }
  common::ThreadPool executor(static_cast<size_t>(server.executor_threads));
  common::RpcRuntime runtime(&executor, verifier->get(), "feedback.okr-suite", server.test_hooks);

  okr::feedback::FeedbackService feedback(&runtime);
  const int exit_code = common::ServeUntilSignal(
      "feedback", server, {{&feedback, okr::feedback::v1::FeedbackService::service_full_name()}});
  executor.Shutdown();
  (*database)->Close();
  return exit_code;
}
