// okr-analytics: roll-ups, engagement and trends from the goals and feedback change feeds,
// cached in Redis, served over gRPC.
#include "okr/common/logging/log.h"
#include "okr/common/redis/hiredis_client.h"
#include "okr/common/server/executor.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/server/service_main.h"
#include "services/analytics/src/analytics_service.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  common::BlockShutdownSignals();

  common::ServerOptions server;
  server.listen = "127.0.0.1:50053";
  common::AuthOptions auth;
  common::SqliteDatabaseOptions database_options;
  database_options.path = "okr-analytics.db";
  std::string goals_address = "127.0.0.1:50051";
  common::CommandLine command_line("okr-analytics", "okr-suite analytics service");
  command_line.app()
      .add_option("--goals-address", goals_address, "goals service host:port")
      ->envname("OKR_GOALS_ADDRESS");
  std::string feedback_address = "127.0.0.1:50052";
  command_line.app()
      .add_option("--feedback-address", feedback_address, "feedback service host:port")
      ->envname("OKR_FEEDBACK_ADDRESS");
  std::string redis_address = "127.0.0.1:6379";
  command_line.app()
      .add_option("--redis", redis_address, "Redis cache host:port")
      ->envname("OKR_REDIS");
  command_line.AddValidation(
      [&] { return common::ValidateHostPort("--goals-address", goals_address); });
  command_line.AddValidation(
      [&] { return common::ValidateHostPort("--feedback-address", feedback_address); });
  command_line.AddValidation([&] { return common::ValidateHostPort("--redis", redis_address); });
  common::AddServerFlags(command_line, server);
  common::AddAuthFlags(command_line, auth);
  common::AddDatabaseFlags(command_line, database_options);
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  common::InitLogging("analytics", *common::ParseLogLevel(server.log_level));

  auto verifier = common::MakeTokenVerifier(auth);
  if (!verifier.ok()) {
    std::cerr << "okr-analytics: configuration error: " << verifier.status().message() << "\n";
    return common::kConfigErrorExitCode;
  }
  auto database = common::SqliteDatabase::Open(database_options);
  if (!database.ok()) {
    common::LogError("cannot open database", {{"path", database_options.path},
                                              {"error", std::string(database.status().message())}});
    return 1;
  }
  // Redis is a cache: the service starts and answers without it, and the client reconnects.
  common::RedisOptions redis_options;
  redis_options.host = redis_address.substr(0, redis_address.rfind(':'));
  redis_options.port = std::stoi(redis_address.substr(redis_address.rfind(':') + 1));
  common::HiredisClient redis(redis_options);
  if (absl::Status ping = redis.Ping(); !ping.ok()) {
    common::LogWarn("redis unavailable at start; serving from own state",
                    {{"redis", redis_address}, {"error", std::string(ping.message())}});
  }
  common::ThreadPool executor(static_cast<size_t>(server.executor_threads));
  common::RpcRuntime runtime(&executor, verifier->get(), "analytics.okr-suite", server.test_hooks);

  okr::analytics::AnalyticsService analytics(&runtime);
  const int exit_code = common::ServeUntilSignal(
      "analytics", server,
      {{&analytics, okr::analytics::v1::AnalyticsService::service_full_name()}});
  executor.Shutdown();
  (*database)->Close();
  return exit_code;
}
