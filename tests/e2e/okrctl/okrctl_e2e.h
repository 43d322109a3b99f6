// What the okrctl end-to-end suites share: real okr-goals, okr-feedback and okr-analytics (with a
// real redis-server) per suite, the real bin/okrctl run as a child process with a clean
// environment (stdout and stderr captured to files, the exit code kept), and a small company
// made through okrctl itself: teams and people imported, a cycle, objectives, key results and
// check-ins whose progress and health are known in advance.
#pragma once

#include <gmock/gmock.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "tests/e2e/analytics/analytics_e2e.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace okr::e2e {

// What one okrctl run left behind.
struct CtlRun {
  std::string command;  // for failure messages
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::ostream& operator<<(std::ostream& os, const CtlRun& run) {
  return os << "[" << run.command << "] exit " << run.exit_code << "\n--- stdout:\n"
            << run.out << "--- stderr:\n"
            << run.err;
}

struct CtlOptions {
  // The token in OKR_TOKEN; "" leaves OKR_TOKEN out. Default: the tenant's admin.
  std::optional<std::string> token;
  // More environment variables (NAME, value), after the defaults (so they replace them).
  std::vector<std::pair<std::string, std::string>> env;
  // A file for stdin (default /dev/null).
  std::string stdin_path = "/dev/null";
  // stdout a pipe (to `cat`, which writes the file) rather than the file itself.
  bool stdout_pipe = false;
  absl::Duration timeout = absl::Seconds(60);
};

// The days of a cycle that started 45 days ago and ends in 44 days: about half of it has passed,
// so health is judged against an expected progress near 0.5.
inline absl::CivilDay CycleStart() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 45;
}
inline absl::CivilDay CycleEnd() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 44; }
inline std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

class OkrctlSuite : public AnalyticsServersSuite {
 protected:
  static void SetUpTestSuite() {
    StartServers();
    if (!problem_.empty()) return;
    auto redis = test_support::RedisServer::Start();
    if (!redis.ok()) {
      problem_ = absl::StrCat("redis-server: ", redis.status().message());
      return;
    }
    redis_ = redis->release();
    analytics_dir_ = new test_support::TempDir;
    analytics_ = StartAnalytics(analytics_dir_->path(),
                                {"--redis", absl::StrCat("127.0.0.1:", redis_->port())})
                     .release();
  }

  static void TearDownTestSuite() {
    AnalyticsServersSuite::TearDownTestSuite();
    delete redis_;
    redis_ = nullptr;
  }

  void SetUp() override {
    AnalyticsServersSuite::SetUp();
    if (HasFatalFailure()) return;
    work_ = std::make_unique<test_support::TempDir>();
  }

  std::string GoalsAddress() const { return absl::StrCat("127.0.0.1:", goals_->port()); }
  std::string FeedbackAddress() const { return absl::StrCat("127.0.0.1:", feedback_->port()); }
  std::string AnalyticsAddress() const { return absl::StrCat("127.0.0.1:", analytics_->port()); }
  static std::string Okrctl() { return test_support::BinDir() + "/okrctl"; }

  // A file in this test's folder holding `text`; returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) const {
    const std::string path = work_->path() + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << text;
    return path;
  }

  // Runs `okrctl args...` in this test's folder with only the variables okrctl needs (no
  // NO_COLOR, OKR_OUTPUT or the like from the test's environment), stdout and stderr to files.
  CtlRun Ctl(const std::vector<std::string>& args, const CtlOptions& options = {}) {
    static int runs = 0;
    const std::string base = absl::StrCat(work_->path(), "/run", ++runs);
    std::vector<std::pair<std::string, std::string>> env = {
        {"PATH", "/usr/bin:/bin"},
        {"HOME", work_->path()},
        {"LANG", "C.UTF-8"},
        {"TERM", "xterm-256color"},
        {"OKR_GOALS_ADDRESS", GoalsAddress()},
        {"OKR_FEEDBACK_ADDRESS", FeedbackAddress()},
        {"OKR_ANALYTICS_ADDRESS", AnalyticsAddress()},
        {"OKRCTL_DIR", work_->path()},
        {"OKRCTL_IN", options.stdin_path},
        {"OKRCTL_OUT", base + ".out"},
        {"OKRCTL_ERR", base + ".err"},
        {"OKRCTL_PIPE", options.stdout_pipe ? "1" : "0"}};
    const std::string token = options.token.value_or(Admin());
    if (!token.empty()) env.emplace_back("OKR_TOKEN", token);
    for (const auto& kv : options.env) env.push_back(kv);
    std::vector<std::string> argv = {"/usr/bin/env", "-i"};
    for (const auto& [name, value] : env) argv.push_back(absl::StrCat(name, "=", value));
    argv.insert(argv.end(),
                {"/bin/sh", "-c",
                 "cd \"$OKRCTL_DIR\" || exit 97; "
                 "if [ \"$OKRCTL_PIPE\" = 1 ]; then "
                 "{ \"$@\" <\"$OKRCTL_IN\" 2>\"$OKRCTL_ERR\"; echo $? >\"$OKRCTL_OUT.code\"; } | "
                 "cat >\"$OKRCTL_OUT\"; exit \"$(cat \"$OKRCTL_OUT.code\")\"; fi; "
                 "exec \"$@\" <\"$OKRCTL_IN\" >\"$OKRCTL_OUT\" 2>\"$OKRCTL_ERR\"",
                 "sh", Okrctl()});
    argv.insert(argv.end(), args.begin(), args.end());
    CtlRun run;
    run.command = "okrctl " + absl::StrJoin(args, " ");
    auto process = test_support::Subprocess::Start(argv);
    if (!process.ok()) {
      ADD_FAILURE() << run.command << ": " << process.status();
      return run;
    }
    auto code = (*process)->Wait(options.timeout);
    if (!code.ok()) {
      ADD_FAILURE() << run.command << ": " << code.status();
      return run;
    }
    run.exit_code = *code;
    run.out = test_support::ReadFile(base + ".out");
    run.err = test_support::ReadFile(base + ".err");
    return run;
  }

  // Runs okrctl and expects exit code 0.
  CtlRun MustCtl(const std::vector<std::string>& args, const CtlOptions& options = {}) {
    CtlRun run = Ctl(args, options);
    EXPECT_EQ(run.exit_code, 0) << run;
    return run;
  }

  // stdout of a successful `okrctl ... -o json` as JSON (null, and a failure, if it is not).
  nlohmann::json CtlJson(std::vector<std::string> args, const CtlOptions& options = {}) {
    args.insert(args.end(), {"-o", "json"});
    const CtlRun run = MustCtl(args, options);
    nlohmann::json parsed = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      ADD_FAILURE() << "not JSON: " << run;
      return nullptr;
    }
    return parsed;
  }

  // Runs `okrctl args... -o json` (every 50 ms) until its output satisfies `done`, for figures
  // that analytics reaches eventually; the last output (a failure, with it, after `timeout`).
  nlohmann::json CtlJsonUntil(std::vector<std::string> args,
                              const std::function<bool(const nlohmann::json&)>& done,
                              absl::Duration timeout = absl::Seconds(30)) {
    args.insert(args.end(), {"-o", "json"});
    const absl::Time give_up = absl::Now() + timeout;
    CtlRun run;
    nlohmann::json last;
    while (true) {
      run = Ctl(args);
      last = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
      if (run.exit_code == 0 && !last.is_discarded() && done(last)) return last;
      if (absl::Now() > give_up) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "not reached within " << timeout << "; last run: " << run;
    return last.is_discarded() ? nlohmann::json(nullptr) : last;
  }

  // The small company every okrctl suite starts from (made through okrctl):
  //   teams: sales (lead boss) with sub-team ops; people: boss; bob, carol (reports of boss);
  //   dan (report of bob). bob and boss in sales, carol in ops, dan in sales and ops.
  //   cycle "Q" (ACTIVE, 45 days in, 44 to go), and in it:
  //   A "Win the mid-market" (bob): a1 "Close 40 deals" 32/40 (0.8, confidence 8, metric key
  //     sales.deals), a2 "NPS to 100" percent 70/100 (0.7, confidence 6): progress 0.75,
  //     ON_TRACK, confidence 6.
  //   B "Cut churn" (carol): b1 "Churned accounts" 1/10 (0.1, confidence 3): OFF_TRACK.
  //   C "Grow the pipeline" (dan), aligned to A: c1 "Qualified leads" 35/100 (confidence 5):
  //     AT_RISK.
  struct Company {
    std::string cycle;
    std::string a, b, c;         // objectives
    std::string a1, a2, b1, c1;  // key results
  };

  static constexpr char kTeamsJson[] =
      "[\n"
      "  {\"name\": \"teams/sales\", \"displayName\": \"Sales\", \"lead\": \"people/boss\"},\n"
      "  {\"name\": \"teams/ops\", \"displayName\": \"Sales Ops\", \"parent\": \"teams/sales\"}\n"
      "]\n";
  static constexpr char kPeopleCsv[] =
      "id,display_name,email,manager,teams\n"
      "boss,Bea Boss,boss@example.com,,sales\n"
      "bob,\"Builder, Bob\",bob@example.com,boss,sales\n"
      "carol,Carol,carol@example.com,boss,ops\n"
      "dan,Dan,dan@example.com,bob,sales;ops\n";

  void ImportOrg() {
    MustCtl({"org", "import", WriteFile("teams.json", kTeamsJson)});
    MustCtl({"org", "import", WriteFile("people.csv", kPeopleCsv)});
  }

  // The "name" of the JSON a creating command printed.
  std::string CreatedName(std::vector<std::string> args) {
    const nlohmann::json created = CtlJson(std::move(args));
    if (!created.is_object() || !created.contains("name")) {
      ADD_FAILURE() << "no name in " << created.dump();
      return "";
    }
    return created["name"].get<std::string>();
  }

  Company SeedCompany() {
    ImportOrg();
    Company c;
    c.cycle = CreatedName({"cycles", "create", "--name", "Q", "--start", DayText(CycleStart()),
                           "--end", DayText(CycleEnd())});
    c.a = CreatedName({"objectives", "create", "--title", "Win the mid-market", "--owner", "bob",
                       "--cycle", c.cycle});
    c.b = CreatedName({"objectives", "create", "--title", "Cut churn", "--owner", "people/carol",
                       "--cycle", c.cycle});
    c.c = CreatedName({"objectives", "create", "--title", "Grow the pipeline", "--owner", "dan",
                       "--cycle", c.cycle, "--parent", c.a});
    c.a1 = CreatedName({"krs", "create", c.a, "--title", "Close 40 deals", "--target", "40",
                        "--unit", "deals", "--metric-key", "sales.deals"});
    c.a2 = CreatedName(
        {"krs", "create", c.a, "--title", "NPS to 100", "--type", "percent", "--target", "100"});
    c.b1 = CreatedName({"krs", "create", c.b, "--title", "Churned accounts", "--target", "10"});
    c.c1 = CreatedName({"krs", "create", c.c, "--title", "Qualified leads", "--target", "100"});
    MustCtl({"checkin", c.a1, "--value", "32", "--confidence", "8", "--note", "32 signed"});
    MustCtl({"checkin", c.a2, "--value", "70", "--confidence", "6"});
    MustCtl({"checkin", c.b1, "--value", "1", "--confidence", "3"});
    MustCtl({"checkin", c.c1, "--value", "35", "--confidence", "5"});
    return c;
  }

  static inline test_support::RedisServer* redis_ = nullptr;
  std::unique_ptr<test_support::TempDir> work_;
};

// The element of JSON array `array` whose `key` is `value` (null when there is none).
inline nlohmann::json FindBy(const nlohmann::json& array, const std::string& key,
                             const std::string& value) {
  if (!array.is_array()) return nullptr;
  for (const nlohmann::json& item : array) {
    if (item.is_object() && item.contains(key) && item[key] == value) return item;
  }
  return nullptr;
}

// The values of `key` in each element of `array`, in order.
inline std::vector<std::string> Values(const nlohmann::json& array, const std::string& key) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const nlohmann::json& item : array) {
    out.push_back(item.contains(key) && item[key].is_string() ? item[key].get<std::string>() : "");
  }
  return out;
}

}  // namespace okr::e2e
