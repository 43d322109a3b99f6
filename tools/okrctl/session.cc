#include "tools/okrctl/session.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tools/okrctl/cli.h"
#include "tools/okrctl/errors.h"

namespace okr::ctl {

void Session::AddFlags(CLI::App& app) {
  app.add_option("--goals-addr", options_.goals_address, "Goals service (people, teams, OKRs)")
      ->envname("OKR_GOALS_ADDRESS")
      ->capture_default_str();
  app.add_option("--feedback-addr", options_.feedback_address, "Feedback service")
      ->envname("OKR_FEEDBACK_ADDRESS")
      ->capture_default_str();
  app.add_option("--analytics-addr", options_.analytics_address, "Analytics service")
      ->envname("OKR_ANALYTICS_ADDRESS")
      ->capture_default_str();
  app.add_option("--token", options_.token, "Bearer token (JWT) of the caller")
      ->envname("OKR_TOKEN");
  app.add_option("--token-file", options_.token_file,
                 "File holding the token (default: .state/local/dev-token when it exists)")
      ->envname("OKR_TOKEN_FILE");
  app.add_option("-o,--output", options_.output, "Output format")
      ->envname("OKR_OUTPUT")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--color", options_.colour,
                 "Colours and bars: auto (when a terminal), always, never")
      ->envname("OKR_COLOR")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--timeout", options_.timeout, "Deadline of each call, e.g. 10s")
      ->envname("OKR_TIMEOUT")
      ->capture_default_str();
}

ExitCode Session::Resolve() {
  if (!absl::ParseDuration(options_.timeout, &timeout_) || timeout_ <= absl::ZeroDuration()) {
    return Usage(absl::StrCat("--timeout must be a positive duration such as 10s, got \"",
                              options_.timeout, "\""));
  }
  style_ = DetectStyle(STDOUT_FILENO, options_.colour);
  err_style_ = DetectStyle(STDERR_FILENO, options_.colour);
  if (json()) style_ = Style{};
  token_ = options_.token;
  std::string file = options_.token_file;
  if (token_.empty() && file.empty() && access(".state/local/dev-token", R_OK) == 0) {
    file = ".state/local/dev-token";
  }
  if (token_.empty() && !file.empty()) {
    std::ifstream in(file);
    if (!in) return Usage(absl::StrCat("cannot read --token-file ", file));
    std::stringstream text;
    text << in.rdbuf();
    token_ = std::string(absl::StripAsciiWhitespace(text.str()));
    if (token_.empty()) return Usage(absl::StrCat("--token-file ", file, " is empty"));
  }
  return kExitOk;
}

std::shared_ptr<grpc::Channel> Session::Channel(Service service) {
  auto it = channels_.find(service);
  if (it != channels_.end()) return it->second;
  const std::string& address = service == Service::kGoals      ? options_.goals_address
                               : service == Service::kFeedback ? options_.feedback_address
                                                               : options_.analytics_address;
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  channels_[service] = channel;
  return channel;
}

std::unique_ptr<grpc::ClientContext> Session::Context(absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", "Bearer " + token_);
  const absl::Duration d = deadline == absl::ZeroDuration() ? timeout_ : deadline;
  if (d != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + d));
  }
  return context;
}

ExitCode Session::Fail(std::string_view what, const grpc::Status& status) {
  return ReportRpcError(err_, what, status, json());
}

ExitCode Session::Usage(std::string_view message) { return ReportUsage(err_, message); }

}  // namespace okr::ctl
