// What okrctl draws: colours and unicode only on a terminal (NO_COLOR and TERM=dumb turn colours
// off, --color always/never decide alone), and the bars, sparklines and widths built on that.
#include "tools/okrctl/style.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace okr::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sets (or with nullopt unsets) an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Both ends of a pseudo-terminal: the test's stand-in for stdout on a terminal.
class Pty {
 public:
  Pty() {
    if (openpty(&controller_, &terminal_, nullptr, nullptr, nullptr) != 0) {
      controller_ = terminal_ = -1;
    }
  }
  ~Pty() {
    if (terminal_ >= 0) close(terminal_);
    if (controller_ >= 0) close(controller_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;
  int terminal() const { return terminal_; }

 private:
  int controller_ = -1;
  int terminal_ = -1;
};

class OkrctlStyleTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(pty_.terminal(), 0) << "openpty failed"; }

  Pty pty_;
  // A colour terminal unless a test says otherwise.
  ScopedEnv term_{"TERM", "xterm-256color"};
  ScopedEnv no_colour_{"NO_COLOR", std::nullopt};
};

TEST_F(OkrctlStyleTest, PipeOrFileGetsNeitherColourNorUnicode) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const Style piped = DetectStyle(fds[1], "auto");
  EXPECT_FALSE(piped.colour);
  EXPECT_FALSE(piped.unicode);
  close(fds[0]);
  close(fds[1]);
  const int file = open("/dev/null", O_WRONLY);
  ASSERT_GE(file, 0);
  const Style to_file = DetectStyle(file, "auto");
  EXPECT_FALSE(to_file.colour);
  EXPECT_FALSE(to_file.unicode);
  close(file);
}

TEST_F(OkrctlStyleTest, TerminalGetsColourAndUnicode) {
  const Style style = DetectStyle(pty_.terminal(), "auto");
  EXPECT_TRUE(style.colour);
  EXPECT_TRUE(style.unicode);
}

TEST_F(OkrctlStyleTest, NoColorTurnsColourOffButKeepsUnicode) {
  ScopedEnv no_colour("NO_COLOR", "1");
  const Style style = DetectStyle(pty_.terminal(), "auto");
  EXPECT_FALSE(style.colour);
  EXPECT_TRUE(style.unicode);
}

TEST_F(OkrctlStyleTest, EmptyNoColorDoesNotCount) {
  ScopedEnv no_colour("NO_COLOR", "");
  EXPECT_TRUE(DetectStyle(pty_.terminal(), "auto").colour);
}

TEST_F(OkrctlStyleTest, DumbTerminalGetsNoColour) {
  ScopedEnv term("TERM", "dumb");
  const Style style = DetectStyle(pty_.terminal(), "auto");
  EXPECT_FALSE(style.colour);
  EXPECT_TRUE(style.unicode);
}

TEST_F(OkrctlStyleTest, ColorFlagAlwaysAndNeverDecideAlone) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ScopedEnv no_colour("NO_COLOR", "1");
  const Style always = DetectStyle(fds[1], "always");
  EXPECT_TRUE(always.colour);
  EXPECT_TRUE(always.unicode);
  const Style never = DetectStyle(pty_.terminal(), "never");
  EXPECT_FALSE(never.colour);
  EXPECT_FALSE(never.unicode);
  close(fds[0]);
  close(fds[1]);
}

constexpr Style kPlain{false, false};
constexpr Style kUnicode{false, true};
constexpr Style kColour{true, true};

TEST(OkrctlDrawingTest, BarFillsEighthsAndPadsWithTheTrack) {
  EXPECT_EQ(Bar(0.5, 10, kUnicode), "█████░░░░░");
  EXPECT_EQ(Bar(1.0, 4, kUnicode), "████");
  EXPECT_EQ(Bar(0.0, 4, kUnicode), "░░░░");
  // 1/16 of 2 cells is one eighth of a cell.
  EXPECT_EQ(Bar(1.0 / 16, 2, kUnicode), "▏░");
  EXPECT_EQ(Bar(0.5 + 3.0 / 32, 4, kUnicode), "██▍░");  // 2.375 cells
  EXPECT_EQ(Bar(7.0 / 8 / 3, 3, kUnicode), "▉░░");
}

TEST(OkrctlDrawingTest, BarClampsOutOfRangeAndNonFiniteFractions) {
  EXPECT_EQ(Bar(1.7, 3, kUnicode), "███");
  EXPECT_EQ(Bar(-0.4, 3, kUnicode), "░░░");
  EXPECT_EQ(Bar(std::nan(""), 3, kUnicode), "░░░");
  EXPECT_EQ(Bar(INFINITY, 3, kUnicode), "░░░");
}

TEST(OkrctlDrawingTest, BarIsAlwaysItsWidth) {
  for (int width : {1, 7, 12, 30}) {
    for (int i = 0; i <= 100; ++i) {
      const double f = i / 100.0;
      EXPECT_EQ(DisplayWidth(Bar(f, width, kUnicode)), width) << f << " of " << width;
      EXPECT_EQ(DisplayWidth(Bar(f, width, kColour)), width) << f << " of " << width;
    }
  }
}

TEST(OkrctlDrawingTest, BarWithoutUnicodeOrWidthIsEmpty) {
  EXPECT_EQ(Bar(0.5, 10, kPlain), "");
  EXPECT_EQ(Bar(0.5, 0, kUnicode), "");
}

TEST(OkrctlDrawingTest, ColouredBarPaintsTheTrackGrey) {
  const std::string bar = Bar(0.5, 4, kColour);
  EXPECT_THAT(bar, HasSubstr("██\x1b[90m░░\x1b[0m"));
  EXPECT_THAT(Bar(0.5, 4, kUnicode), Not(HasSubstr("\x1b[")));
}

TEST(OkrctlDrawingTest, SparklineScalesBetweenLowAndHigh) {
  EXPECT_EQ(Sparkline({0, 0.25, 0.5, 1}, 0, 1, kUnicode), "▁▃▅█");
  EXPECT_EQ(Sparkline({10, 15, 20}, 10, 20, kUnicode), "▁▅█");
  EXPECT_EQ(Sparkline({-5, 50}, 0, 1, kUnicode), "▁█");  // clamped
  EXPECT_EQ(Sparkline({3, 3}, 3, 3, kUnicode), "▁▁");    // no range
  EXPECT_EQ(Sparkline({0.5}, 0, 1, kPlain), "");
  EXPECT_EQ(DisplayWidth(Sparkline({0, 1, 2, 3, 4, 5, 6, 7}, 0, 7, kUnicode)), 8);
}

TEST(OkrctlDrawingTest, DisplayWidthCountsCodePointsWithoutEscapes) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("█░▏"), 3);
  EXPECT_EQ(DisplayWidth("café → ok"), 9);
  EXPECT_EQ(DisplayWidth("\x1b[32mon-track\x1b[0m"), 8);
  EXPECT_EQ(DisplayWidth("\x1b[1m\x1b[36mKR\x1b[0m x"), 4);
}

TEST(OkrctlDrawingTest, PaintWrapsOnlyWhenColourIsOn) {
  EXPECT_EQ(Paint("ok", Colour::kGreen, kColour), "\x1b[32mok\x1b[0m");
  EXPECT_EQ(Paint("late", Colour::kRed, kColour), "\x1b[31mlate\x1b[0m");
  EXPECT_EQ(Paint("ok", Colour::kGreen, kUnicode), "ok");
  EXPECT_EQ(Paint("ok", Colour::kNone, kColour), "ok");
}

TEST(OkrctlDrawingTest, PercentRoundsToWholePercents) {
  EXPECT_EQ(Percent(0.62), "62%");
  EXPECT_EQ(Percent(0), "0%");
  EXPECT_EQ(Percent(1), "100%");
  EXPECT_EQ(Percent(0.625), "63%");  // halves round up
  EXPECT_EQ(Percent(std::nan("")), "-");
}

}  // namespace
}  // namespace okr::ctl
