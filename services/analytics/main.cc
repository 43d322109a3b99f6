// okr-analytics: roll-ups, engagement and trends from the goals and feedback change feeds,
// cached in Redis, served over gRPC.
#include "okr/common/logging/log.h"
#include "okr/common/redis/hiredis_client.h"
#include "okr/common/server/service_binary.h"
#include "services/analytics/src/analytics_service.h"

int main(int argc, char** argv) {
  namespace common = okr::common;
  common::ServiceBinary binary("analytics", "okr-suite analytics service", "127.0.0.1:50053");
  // The feeds analytics will follow, and its cache.
  std::string goals_address = "127.0.0.1:50051";
  std::string feedback_address = "127.0.0.1:50052";
  std::string redis_address = "127.0.0.1:6379";
  binary.AddAddressFlag("--goals-address", "OKR_GOALS_ADDRESS", &goals_address,
                        "goals service host:port");
  binary.AddAddressFlag("--feedback-address", "OKR_FEEDBACK_ADDRESS", &feedback_address,
                        "feedback service host:port");
  binary.AddAddressFlag("--redis", "OKR_REDIS", &redis_address, "Redis cache host:port");
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  // Redis is a cache: the service starts and answers without it, and the client reconnects.
  common::RedisOptions redis_options;
  redis_options.host = redis_address.substr(0, redis_address.rfind(':'));
  redis_options.port = std::stoi(redis_address.substr(redis_address.rfind(':') + 1));
  common::HiredisClient redis(redis_options);
  if (absl::Status ping = redis.Ping(); !ping.ok()) {
    common::LogWarn("redis unavailable at start; serving from own state",
                    {{"redis", redis_address}, {"error", std::string(ping.message())}});
  }
  okr::analytics::AnalyticsService analytics(&binary.runtime());
  return binary.Serve({{&analytics, okr::analytics::v1::AnalyticsService::service_full_name()}});
}
