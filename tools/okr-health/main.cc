// okr-health: asks a server's grpc.health.v1 service whether it (or one named service) is SERVING,
// optionally waiting until it is. Exit 0 when serving, 1 when not (or unreachable), 2 on bad flags.
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <thread>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "okr/common/config/command_line.h"

int main(int argc, char** argv) {
  std::string address = "127.0.0.1:50051";
  std::vector<std::string> services;
  absl::Duration wait = absl::ZeroDuration();
  absl::Duration timeout = absl::Seconds(2);
  bool quiet = false;

  okr::common::CommandLine command_line("okr-health", "Checks that a gRPC server reports SERVING.");
  auto& app = command_line.app();
  app.add_option("--address", address, "server host:port");
  app.add_option("--service", services,
                 "service name to check (repeatable); none checks the whole server");
  okr::common::AddDurationOption(app, "--wait", &wait,
                                 "keep retrying until serving or this much time has passed",
                                 "OKR_HEALTH_WAIT");
  okr::common::AddDurationOption(app, "--timeout", &timeout, "deadline of each check",
                                 "OKR_HEALTH_TIMEOUT");
  app.add_flag("--quiet", quiet, "print nothing");
  command_line.AddValidation([&] { return okr::common::ValidateHostPort("--address", address); });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  if (services.empty()) services.push_back("");

  // While --wait retries, reconnect quickly instead of after gRPC's default one-second backoff.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  const absl::Time give_up = absl::Now() + wait;
  while (true) {
    bool all_serving = true;
    std::string last_problem;
    for (const auto& service : services) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(service);
      grpc::health::v1::HealthCheckResponse response;
      grpc::Status status = stub->Check(&context, request, &response);
      if (!status.ok()) {
        all_serving = false;
        last_problem = service + ": " + status.error_message();
      } else if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
        all_serving = false;
        last_problem = service + ": " +
                       grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
      }
    }
    if (all_serving) {
      if (!quiet) std::cout << address << " SERVING\n";
      return 0;
    }
    if (absl::Now() >= give_up) {
      if (!quiet) std::cerr << address << " not serving: " << last_problem << "\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
