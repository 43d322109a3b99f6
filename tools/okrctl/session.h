// What every okrctl command shares: the service addresses, the caller's token, the output format
// and style, the call deadline, and the channels and call contexts built from them.
#pragma once

#include <grpcpp/grpcpp.h>

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "tools/okrctl/exit_codes.h"
#include "tools/okrctl/style.h"

namespace CLI {
class App;
}

namespace okr::ctl {

enum class Service { kGoals, kFeedback, kAnalytics };

struct GlobalOptions {
  std::string goals_address = "127.0.0.1:50051";
  std::string feedback_address = "127.0.0.1:50052";
  std::string analytics_address = "127.0.0.1:50053";
  std::string token;
  std::string token_file;
  std::string output = "table";
  std::string colour = "auto";
  std::string timeout = "10s";
};

class Session {
 public:
  Session(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  // Adds the global flags (each with its OKR_* environment default) to the root command.
  void AddFlags(CLI::App& app);
  // Checks the flags and reads the token file; kExitOk or the exit code of the problem (printed).
  ExitCode Resolve();

  bool json() const { return options_.output == "json"; }
  const Style& style() const { return style_; }
  const Style& err_style() const { return err_style_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  const std::string& token() const { return token_; }
  absl::Duration timeout() const { return timeout_; }

  // The channel to `service` (made once).
  std::shared_ptr<grpc::Channel> Channel(Service service);
  // A context carrying the caller's token and the deadline (`deadline` overrides --timeout;
  // InfiniteDuration for streams).
  std::unique_ptr<grpc::ClientContext> Context(absl::Duration deadline = absl::ZeroDuration());

  // Reports a failed call (see errors.h) and returns its exit code.
  ExitCode Fail(std::string_view what, const grpc::Status& status);
  // Reports a usage problem and returns kExitUsage.
  ExitCode Usage(std::string_view message);

 private:
  std::ostream& out_;
  std::ostream& err_;
  GlobalOptions options_;
  Style style_;
  Style err_style_;
  std::string token_;
  absl::Duration timeout_ = absl::Seconds(10);
  std::map<Service, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace okr::ctl
