#include "okr/common/config/command_line.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace okr::common {

CommandLine::CommandLine(std::string name, std::string description)
    : app_(std::move(description), std::move(name)) {
  app_.option_defaults()->always_capture_default();
  app_.get_formatter()->column_width(44);
}

void CommandLine::AddValidation(std::function<absl::Status()> check) {
  checks_.push_back(std::move(check));
}

std::optional<int> CommandLine::Parse(int argc, const char* const* argv, std::ostream& out,
                                      std::ostream& err) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app_.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app_.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << app_.get_name() << ": configuration error: " << e.what() << "\n"
        << "run with --help for the options\n";
    return kConfigErrorExitCode;
  }
  bool failed = false;
  for (const auto& check : checks_) {
    absl::Status status = check();
    if (!status.ok()) {
      err << app_.get_name() << ": configuration error: " << status.message() << "\n";
      failed = true;
    }
  }
  if (failed) return kConfigErrorExitCode;
  return std::nullopt;
}

CLI::Option* AddDurationOption(CLI::App& app, const std::string& flag, absl::Duration* target,
                               const std::string& description, const std::string& env) {
  std::string shown = absl::FormatDuration(*target);
  auto* option = app.add_option_function<std::string>(
      flag,
      [target, flag](const std::string& text) {
        absl::Duration parsed;
        if (!absl::ParseDuration(text, &parsed) || parsed < absl::ZeroDuration() ||
            parsed == absl::InfiniteDuration()) {
          throw CLI::ValidationError(flag, "'" + text +
                                               "' is not a duration such as 250ms, 30s, 5m or "
                                               "1h30m (and must not be negative)");
        }
        *target = parsed;
      },
      description);
  option->envname(env)->default_str(shown)->type_name("DURATION");
  return option;
}

absl::Status ValidateHostPort(const std::string& flag, const std::string& value) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", value, "' is not host:port (e.g. 127.0.0.1:50051)"));
  }
  const std::string host = value.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": '", value, "' has an unclosed '['"));
  }
  int port = -1;
  if (!absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": port in '", value, "' must be a number from 0 to 65535"));
  }
  return absl::OkStatus();
}

}  // namespace okr::common
