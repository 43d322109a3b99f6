// The okrctl command groups. Each Add* function registers its subcommands on `app`; when one runs
// it stores its exit code in `exit_code`.
#pragma once

#include <functional>

#include "tools/okrctl/cli.h"
#include "tools/okrctl/session.h"

namespace okr::ctl {

// The callback of a command: resolves the global flags, then runs `command` and keeps its code.
inline std::function<void()> Runner(Session& session, int& exit_code,
                                    std::function<int()> command) {
  return [&session, &exit_code, command = std::move(command)] {
    exit_code = session.Resolve();
    if (exit_code == kExitOk) exit_code = command();
  };
}

void AddTokenCommands(CLI::App& app, Session& session, int& exit_code);
void AddOrgCommands(CLI::App& app, Session& session, int& exit_code);
void AddCycleCommands(CLI::App& app, Session& session, int& exit_code);
void AddObjectiveCommands(CLI::App& app, Session& session, int& exit_code);
void AddKeyResultCommands(CLI::App& app, Session& session, int& exit_code);
void AddTreeCommand(CLI::App& app, Session& session, int& exit_code);
void AddFeedbackCommands(CLI::App& app, Session& session, int& exit_code);
void AddOneOnOneCommands(CLI::App& app, Session& session, int& exit_code);
void AddReviewCommands(CLI::App& app, Session& session, int& exit_code);
void AddDashboardCommands(CLI::App& app, Session& session, int& exit_code);
void AddIngestCommand(CLI::App& app, Session& session, int& exit_code);
void AddFeedCommands(CLI::App& app, Session& session, int& exit_code);

}  // namespace okr::ctl
