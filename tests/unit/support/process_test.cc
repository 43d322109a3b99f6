#include "tests/support/process.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace okr::test_support {
namespace {

std::unique_ptr<Subprocess> StartShell(const std::string& script,
                                       std::vector<std::pair<std::string, std::string>> env = {},
                                       std::string log = "") {
  auto process = Subprocess::Start({"/bin/sh", "-c", script}, std::move(env), std::move(log));
  EXPECT_TRUE(process.ok()) << process.status();
  return process.ok() ? *std::move(process) : nullptr;
}

// True once pid names no live process (gone, or a zombie nobody has reaped yet).
bool ProcessGone(pid_t pid) {
  const std::string stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (stat.empty()) return true;
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

TEST(SubprocessTest, ReportsExitCode) {
  auto process = StartShell("exit 7");
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->Wait(absl::Seconds(5)).value_or(-1), 7);
  EXPECT_FALSE(process->Running());
  // The code is kept once reaped.
  EXPECT_EQ(process->Wait(absl::ZeroDuration()).value_or(-1), 7);
}

TEST(SubprocessTest, ReportsSignalAs128PlusSignal) {
  auto process = StartShell("exec sleep 30");
  ASSERT_NE(process, nullptr);
  EXPECT_TRUE(process->Running());
  ASSERT_TRUE(process->Signal(SIGTERM).ok());
  EXPECT_EQ(process->Wait(absl::Seconds(5)).value_or(-1), 128 + SIGTERM);
  EXPECT_EQ(process->Signal(SIGTERM).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SubprocessTest, WaitTimesOutWithoutHanging) {
  auto process = StartShell("exec sleep 30");
  ASSERT_NE(process, nullptr);
  const absl::Time start = absl::Now();
  absl::StatusOr<int> code = process->Wait(absl::Milliseconds(100));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(code.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(took, absl::Milliseconds(100));
  EXPECT_LT(took, absl::Seconds(1));
  EXPECT_TRUE(process->Running());
}

TEST(SubprocessTest, LogGetsStdoutAndStderrAndEnvironmentIsInheritedPlusExtra) {
  TempDir dir;
  const std::string log = dir.path() + "/out.log";
  setenv("OKR_SUBPROCESS_TEST_INHERITED", "inherited", 1);
  setenv("OKR_SUBPROCESS_TEST_OVERRIDDEN", "old", 1);
  auto process = StartShell(
      "echo \"$OKR_SUBPROCESS_TEST_INHERITED $OKR_SUBPROCESS_TEST_OVERRIDDEN $OKR_EXTRA\"; "
      "echo to-stderr >&2",
      {{"OKR_SUBPROCESS_TEST_OVERRIDDEN", "new"}, {"OKR_EXTRA", "extra"}}, log);
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->Wait(absl::Seconds(5)).value_or(-1), 0);
  EXPECT_EQ(ReadFile(log), "inherited new extra\nto-stderr\n");
}

TEST(SubprocessTest, MissingProgramIsNotFound) {
  auto process = Subprocess::Start({"/nonexistent/okr-no-such-binary"});
  EXPECT_EQ(process.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Subprocess::Start({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SubprocessTest, ChildRunsInItsOwnProcessGroup) {
  auto process = StartShell("exec sleep 30");
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(getpgid(process->pid()), process->pid());
  EXPECT_NE(getpgid(process->pid()), getpgrp());
}

TEST(SubprocessTest, DestructorKillsTheWholeGroup) {
  TempDir dir;
  const std::string pid_file = dir.path() + "/grandchild.pid";
  auto process = StartShell(absl::StrCat("sleep 30 & echo $! > ", pid_file, ".tmp; mv ", pid_file,
                                         ".tmp ", pid_file, "; wait"));
  ASSERT_NE(process, nullptr);
  int grandchild = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(pid_file)), &grandchild) &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(grandchild, 0);
  ASSERT_FALSE(ProcessGone(grandchild));
  process.reset();
  const absl::Time gone_deadline = absl::Now() + absl::Seconds(5);
  while (!ProcessGone(grandchild) && absl::Now() < gone_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(ProcessGone(grandchild));
}

}  // namespace
}  // namespace okr::test_support
