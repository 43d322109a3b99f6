// okrctl: the command line for people using okr-suite (see docs/okrctl.md). The composition root:
// global flags, the command groups, and the exit code of the command that ran.
#include <iostream>

#include "tools/okrctl/cli.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/exit_codes.h"
#include "tools/okrctl/session.h"

int main(int argc, char** argv) {
  using namespace okr::ctl;
  CLI::App app{"okrctl: objectives, key results, check-ins, feedback and dashboards of okr-suite.",
               "okrctl"};
  app.require_subcommand(1);
  app.fallthrough();
  Session session(std::cout, std::cerr);
  session.AddFlags(app);
  int exit_code = kExitOk;
  AddTokenCommands(app, session, exit_code);
  AddOrgCommands(app, session, exit_code);
  AddCycleCommands(app, session, exit_code);
  AddObjectiveCommands(app, session, exit_code);
  AddKeyResultCommands(app, session, exit_code);
  AddTreeCommand(app, session, exit_code);
  AddFeedbackCommands(app, session, exit_code);
  AddOneOnOneCommands(app, session, exit_code);
  AddReviewCommands(app, session, exit_code);
  AddDashboardCommands(app, session, exit_code);
  AddIngestCommand(app, session, exit_code);
  AddFeedCommands(app, session, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // --help and --version exit 0; every other parse error is a usage error.
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}
