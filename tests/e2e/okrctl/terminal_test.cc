// okrctl on a real terminal: `tree` and `dashboard` run in a tmux pane (a pseudo-terminal, as a
// person sees them) draw bars with block characters and colour them with ANSI escapes; NO_COLOR
// keeps the bars but drops the colour; the same commands with stdout a pipe draw neither.
#include <unistd.h>

#include "tests/e2e/okrctl/okrctl_e2e.h"

namespace okr::e2e {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The bar characters okrctl draws: full blocks and the eighth blocks of a bar's last cell.
::testing::Matcher<std::string> HasBar() {
  return AnyOf(HasSubstr("█"), HasSubstr("▏"), HasSubstr("▎"), HasSubstr("▍"), HasSubstr("▌"),
               HasSubstr("▋"), HasSubstr("▊"), HasSubstr("▉"));
}

// tmux where Debian or a local install puts it, or "".
std::string FindTmux() {
  for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin"}) {
    const std::string path = absl::StrCat(dir, "/tmux");
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

// A tmux server of its own (`-L <socket>`, no configuration file), killed when this goes away,
// whatever the test did.
class TmuxServer {
 public:
  TmuxServer(std::string tmux, std::string dir)
      : tmux_(std::move(tmux)),
        dir_(std::move(dir)),
        socket_(absl::StrCat("okrctl-e2e-", getpid(), "-", ++servers_)) {}
  ~TmuxServer() { Run({"kill-server"}); }
  TmuxServer(const TmuxServer&) = delete;
  TmuxServer& operator=(const TmuxServer&) = delete;

  // Runs `tmux args...` and returns its stdout ("" when it fails).
  std::string Run(const std::vector<std::string>& args) {
    const std::string out = absl::StrCat(dir_, "/tmux", ++runs_, ".out");
    // The socket goes in `dir_` (TMUX_TMPDIR), so nothing is left behind in /tmp.
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "-i",
                                     "PATH=/usr/bin:/bin",
                                     "HOME=" + dir_,
                                     "TMUX_TMPDIR=" + dir_,
                                     "LANG=C.UTF-8",
                                     "TERM=xterm-256color",
                                     "/bin/sh",
                                     "-c",
                                     "exec \"$@\" >\"$0\" 2>/dev/null",
                                     out,
                                     tmux_,
                                     "-u",
                                     "-L",
                                     socket_,
                                     "-f",
                                     "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto process = test_support::Subprocess::Start(argv);
    if (!process.ok()) return "";
    auto code = (*process)->Wait(absl::Seconds(10));
    if (!code.ok() || *code != 0) return "";
    return test_support::ReadFile(out);
  }

  // Runs `shell_command` in a new 200x50 pane with `env` set, then waits (polling the pane) until
  // it has finished; returns the pane's text with its escapes (empty if it never finished).
  std::string RunInPane(const std::string& shell_command,
                        const std::vector<std::pair<std::string, std::string>>& env) {
    const std::string session = absl::StrCat("s", ++sessions_);
    std::vector<std::string> args = {"new-session", "-d", "-s", session, "-x", "200", "-y", "50"};
    for (const auto& [name, value] : env) args.insert(args.end(), {"-e", name + "=" + value});
    args.push_back(absl::StrCat(shell_command, "; echo okrctl-exit-$?; sleep 30"));
    Run(args);
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    std::string pane;
    while (absl::Now() < give_up) {
      pane = Run({"capture-pane", "-p", "-e", "-t", session});
      if (absl::StrContains(pane, "okrctl-exit-")) return pane;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "the pane did not finish `" << shell_command << "`; it shows:\n" << pane;
    return "";
  }

 private:
  static inline int servers_ = 0;
  std::string tmux_;
  std::string dir_;
  std::string socket_;
  int runs_ = 0;
  int sessions_ = 0;
};

class OkrctlTerminalTest : public OkrctlSuite {
 protected:
  void SetUp() override {
    tmux_path_ = FindTmux();
    if (tmux_path_.empty()) GTEST_SKIP() << "tmux is not installed";
    OkrctlSuite::SetUp();
    if (HasFatalFailure()) return;
    company_ = SeedCompany();
    ASSERT_FALSE(HasFailure()) << "seeding the company through okrctl failed";
    // Analytics has caught up with the company before anything is drawn.
    CtlJsonUntil({"dashboard"}, [](const nlohmann::json& d) {
      return d["summary"]["goals"]["objectiveCount"] == 3 &&
             d["summary"]["engagement"]["checkedInKeyResultCount"] == 4;
    });
    ASSERT_FALSE(HasFailure());
    tmux_ = std::make_unique<TmuxServer>(tmux_path_, work_->path());
  }

  void TearDown() override {
    tmux_.reset();  // kill-server, whatever the test did
    OkrctlSuite::TearDown();
  }

  // `okrctl args` in a tmux pane, with the variables a Ctl run gets (plus `extra`).
  std::string InPane(const std::vector<std::string>& args,
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> env = {
        {"OKR_GOALS_ADDRESS", GoalsAddress()},
        {"OKR_FEEDBACK_ADDRESS", FeedbackAddress()},
        {"OKR_ANALYTICS_ADDRESS", AnalyticsAddress()},
        {"OKR_TOKEN", Admin()}};
    env.insert(env.end(), extra.begin(), extra.end());
    std::string command = absl::StrCat("cd '", work_->path(), "' && '", Okrctl(), "'");
    for (const std::string& a : args) absl::StrAppend(&command, " '", a, "'");
    const std::string pane = tmux_->RunInPane(command, env);
    EXPECT_THAT(pane, HasSubstr("okrctl-exit-0")) << pane;
    return pane;
  }

  std::string tmux_path_;
  std::unique_ptr<TmuxServer> tmux_;
  Company company_;
};

TEST_F(OkrctlTerminalTest, TreeInATerminalHasColouredBarsAndPipedHasNeither) {
  const std::string pane = InPane({"tree", "-k"});
  EXPECT_THAT(pane, HasBar());
  EXPECT_THAT(pane, HasSubstr("\x1b["));
  EXPECT_THAT(pane, HasSubstr("├─ ")) << "unicode tree lines";
  EXPECT_THAT(pane, HasSubstr("└─ "));
  EXPECT_THAT(pane, HasSubstr("Win the mid-market"));
  EXPECT_THAT(pane, HasSubstr("75%"));
  // Health in its colour: on-track green (32), off-track red (31).
  EXPECT_THAT(pane, HasSubstr("\x1b[32mon-track"));
  EXPECT_THAT(pane, HasSubstr("\x1b[31moff-track"));

  CtlOptions piped;
  piped.stdout_pipe = true;
  const CtlRun run = MustCtl({"tree", "-k"}, piped);
  EXPECT_THAT(run.out, HasSubstr("Win the mid-market"));
  EXPECT_THAT(run.out, HasSubstr("75%"));
  EXPECT_THAT(run.out, Not(HasBar()));
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(run.out, Not(HasSubstr("├")));
}

TEST_F(OkrctlTerminalTest, DashboardInATerminalHasColouredBarsAndPipedHasNeither) {
  const std::string pane = InPane({"dashboard"});
  EXPECT_THAT(pane, HasBar());
  EXPECT_THAT(pane, HasSubstr("\x1b["));
  EXPECT_THAT(pane, HasSubstr("whole company"));
  EXPECT_THAT(pane, HasSubstr("objectives   3"));
  EXPECT_THAT(pane, HasSubstr("40%"));
  EXPECT_THAT(pane, HasSubstr("▁")) << "the histogram as a sparkline";

  CtlOptions piped;
  piped.stdout_pipe = true;
  const CtlRun run = MustCtl({"dashboard"}, piped);
  EXPECT_THAT(run.out, HasSubstr("whole company"));
  EXPECT_THAT(run.out, HasSubstr("objectives   3"));
  EXPECT_THAT(run.out, Not(HasBar()));
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b[")));
  EXPECT_THAT(run.out, Not(HasSubstr("▁")));
}

TEST_F(OkrctlTerminalTest, NoColorInATerminalKeepsTheBarsWithoutEscapes) {
  const std::pair<std::vector<std::string>, std::string> commands[] = {
      {{"tree", "-k"}, "Win the mid-market"}, {{"dashboard"}, "whole company"}};
  for (const auto& [args, shown] : commands) {
    const std::string pane = InPane(args, {{"NO_COLOR", "1"}});
    EXPECT_THAT(pane, HasSubstr(shown));
    EXPECT_THAT(pane, HasBar()) << args[0];
    EXPECT_THAT(pane, Not(HasSubstr("\x1b["))) << args[0] << ":\n" << pane;
  }
  // --color never wins over the terminal; --color always colours a pipe.
  EXPECT_THAT(InPane({"tree", "--color", "never"}), Not(HasSubstr("\x1b[")));
  CtlOptions piped;
  piped.stdout_pipe = true;
  const CtlRun always = MustCtl({"tree", "--color", "always"}, piped);
  EXPECT_THAT(always.out, HasBar());
  EXPECT_THAT(always.out, HasSubstr("\x1b["));
}

}  // namespace
}  // namespace okr::e2e
