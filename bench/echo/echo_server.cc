// okr-echo-server: a bare gRPC callback unary echo server, the ceiling that service benchmarks are
// measured against. Prints the bound port on stdout, then serves until SIGTERM or SIGINT.
//   okr-echo-server --listen 127.0.0.1:0
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "echo/echo.grpc.pb.h"
#include "okr/common/config/command_line.h"

namespace {

constexpr int kMaxResponseSize = 4 * 1024 * 1024;

class EchoService final : public okr::bench::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const okr::bench::v1::EchoRequest* request,
                                 okr::bench::v1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->response_size() > kMaxResponseSize) {
      reactor->Finish(
          grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "response_size is above 4 MiB"));
      return reactor;
    }
    if (request->response_size() > 0) {
      response->mutable_payload()->assign(static_cast<std::size_t>(request->response_size()), 'x');
    } else {
      response->set_payload(request->payload());
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int Run(int argc, char** argv) {
  // Blocked before gRPC starts its threads, so that only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  okr::common::CommandLine command_line("okr-echo-server",
                                        "Bare gRPC unary echo server (benchmark ceiling).");
  std::string listen = "127.0.0.1:0";
  command_line.app()
      .add_option("--listen", listen, "host:port to listen on (port 0: any free port)")
      ->capture_default_str();
  bool deadlock_detection = true;
  command_line.app()
      .add_option(
          "--mutex-deadlock-detection", deadlock_detection,
          "keep Abseil's mutex deadlock detection on, as the services run with it (Debian's "
          "Abseil enables it); false shows what it costs")
      ->capture_default_str();
  command_line.AddValidation(
      [&listen] { return okr::common::ValidateHostPort("--listen", listen); });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  if (!deadlock_detection) absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  EchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "okr-echo-server: cannot listen on " << listen << "\n";
    return 1;
  }
  std::cout << port << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "okr-echo-server: internal error: " << e.what() << "\n";
    return 1;
  }
}
