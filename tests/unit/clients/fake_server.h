// FakeServer: an in-process gRPC server on 127.0.0.1 for the client tests' fake services.
#ifndef OKR_TESTS_UNIT_CLIENTS_FAKE_SERVER_H_
#define OKR_TESTS_UNIT_CLIENTS_FAKE_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"

namespace okr::clients::test {

// Serves `service` on 127.0.0.1, on an ephemeral port unless one is given (to restart a server
// where a client expects it). Shutdown cancels open streams after 200 ms.
class FakeServer {
 public:
  explicit FakeServer(grpc::Service* service, int fixed_port = 0) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", fixed_port),
                             grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service);
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() { Shutdown(); }
  void Shutdown() {
    if (server_ != nullptr)
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    server_.reset();
  }
  bool ok() const { return server_ != nullptr && port_ > 0; }
  int port() const { return port_; }
  std::shared_ptr<grpc::Channel> Channel() const {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                               grpc::InsecureChannelCredentials());
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace okr::clients::test

#endif  // OKR_TESTS_UNIT_CLIENTS_FAKE_SERVER_H_
