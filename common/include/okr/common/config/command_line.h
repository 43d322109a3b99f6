// Start-up configuration from flags and OKR_* environment variables (12-factor), built on CLI11.
// A bad value is reported with what is wrong and the process exits with code 2.
#pragma once

// GCC 12 at -O2 reports a false -Wnull-dereference inside CLI11's own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace okr::common {

// The exit code for any configuration error, so supervisors can tell it from a crash.
inline constexpr int kConfigErrorExitCode = 2;

// A CLI11 app plus validation steps that run after parsing. Options read their environment
// variable when the flag is absent; a flag always wins.
class CommandLine {
 public:
  CommandLine(std::string name, std::string description);

  CLI::App& app() { return app_; }

  // Registers a check that runs after parsing; a non-OK status is a configuration error.
  void AddValidation(std::function<absl::Status()> check);

  // Parses and validates. Returns an exit code when the process should stop now (0 after --help,
  // kConfigErrorExitCode after an error, which is printed to `err`), or nullopt to go on.
  std::optional<int> Parse(int argc, const char* const* argv, std::ostream& out = std::cout,
                           std::ostream& err = std::cerr);

 private:
  CLI::App app_;
  std::vector<std::function<absl::Status()>> checks_;
};

// Adds a duration option ("250ms", "30s", "5m", "1h30m"; absl::ParseDuration syntax) read from
// `flag` or environment variable `env`. Negative durations are rejected.
CLI::Option* AddDurationOption(CLI::App& app, const std::string& flag, absl::Duration* target,
                               const std::string& description, const std::string& env);

// Checks "host:port" (IPv4, [IPv6] or a name) with a port in 0..65535; 0 asks for a free port.
absl::Status ValidateHostPort(const std::string& flag, const std::string& value);

}  // namespace okr::common
