// okr-echo-server: bare gRPC callback echo servers (unary, and a streaming ingest echo shaped like
// IngestProgress), the ceilings that service benchmarks are measured against. Prints the bound port
// on stdout, then serves until SIGTERM or SIGINT.
//   okr-echo-server --listen 127.0.0.1:0 --ingest-max-unacked 1000
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

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

// One IngestProgress-shaped stream: every event read is acknowledged by id in the next response.
// Ids read while a response is being written go into the one after it, so under load a response
// covers several requests, as the goals stream's do. Reads pause while `max_unacked` events wait
// for their answer (the goals stream's flow control), and the stream ends with OK once the client
// has half-closed and everything read is answered.
class IngestEchoReactor final : public grpc::ServerBidiReactor<okr::bench::v1::IngestEchoRequest,
                                                               okr::bench::v1::IngestEchoResponse> {
 public:
  explicit IngestEchoReactor(int max_unacked) : max_unacked_(max_unacked) {
    absl::MutexLock lock(&mu_);
    pending_.set_max_unacked_events(max_unacked_);
    // The first response carries only the flow-control bound.
    StartWriteLocked();
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    if (!ok) {
      // Half-closed by the client (or the call broke): answer what was read, then finish.
      reading_done_ = true;
      MaybeFinishLocked();
      return;
    }
    for (okr::bench::v1::IngestEchoEvent& event : *request_.mutable_events()) {
      pending_.add_acked_event_ids(std::move(*event.mutable_event_id()));
    }
    unanswered_ += request_.events_size();
    request_.Clear();
    if (!writing_) StartWriteLocked();
    if (unanswered_ < max_unacked_) {
      StartRead(&request_);
    } else {
      read_paused_ = true;
    }
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    unanswered_ -= answered_by_write_;
    answered_by_write_ = 0;
    if (!ok) {
      broken_ = true;
      MaybeFinishLocked();
      return;
    }
    if (read_paused_ && unanswered_ < max_unacked_) {
      read_paused_ = false;
      StartRead(&request_);
    }
    if (pending_.acked_event_ids_size() > 0) {
      StartWriteLocked();
    } else {
      MaybeFinishLocked();
    }
  }

  void OnDone() override { delete this; }

 private:
  void StartWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    writing_ = true;
    in_flight_.Swap(&pending_);
    answered_by_write_ = in_flight_.acked_event_ids_size();
    pending_.Clear();
    pending_.set_max_unacked_events(max_unacked_);
    StartWrite(&in_flight_);
  }

  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_) return;
    if (broken_) {
      finished_ = true;
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"));
    } else if (reading_done_ && pending_.acked_event_ids_size() == 0) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
  }

  const int max_unacked_;
  absl::Mutex mu_;
  okr::bench::v1::IngestEchoRequest request_;  // Owned by the read in flight.
  okr::bench::v1::IngestEchoResponse pending_ ABSL_GUARDED_BY(mu_);
  okr::bench::v1::IngestEchoResponse in_flight_ ABSL_GUARDED_BY(mu_);
  int answered_by_write_ ABSL_GUARDED_BY(mu_) = 0;
  int unanswered_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_done_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

class IngestEchoService final : public okr::bench::v1::IngestEchoService::CallbackService {
 public:
  explicit IngestEchoService(int max_unacked) : max_unacked_(max_unacked) {}

  grpc::ServerBidiReactor<okr::bench::v1::IngestEchoRequest, okr::bench::v1::IngestEchoResponse>*
  IngestProgress(grpc::CallbackServerContext* /*context*/) override {
    return new IngestEchoReactor(max_unacked_);
  }

 private:
  const int max_unacked_;
};

int Run(int argc, char** argv) {
  // Blocked before gRPC starts its threads, so that only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  okr::common::CommandLine command_line("okr-echo-server",
                                        "Bare gRPC unary and streaming ingest echo server "
                                        "(benchmark ceiling).");
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
  int max_unacked = 1000;
  command_line.app()
      .add_option("--ingest-max-unacked", max_unacked,
                  "max_unacked_events of the ingest echo stream (as okr-goals' flag)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  command_line.AddValidation(
      [&listen] { return okr::common::ValidateHostPort("--listen", listen); });
  if (auto exit_code = command_line.Parse(argc, argv)) return *exit_code;
  if (!deadlock_detection) absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  EchoService service;
  IngestEchoService ingest_service(max_unacked);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.RegisterService(&ingest_service);
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
