#include "okr/common/config/command_line.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

namespace okr::common {
namespace {

struct Parsed {
  std::optional<int> exit_code;
  std::string out;
  std::string err;
};

class CommandLineTest : public ::testing::Test {
 protected:
  CommandLineTest() : command_line_("okr-test", "test binary") {
    command_line_.app().add_option("--listen", listen_)->envname("OKR_TEST_LISTEN");
    command_line_.app().add_option("--threads", threads_)->check(CLI::Range(1, 8));
    AddDurationOption(command_line_.app(), "--drain", &drain_, "drain", "OKR_TEST_DRAIN");
    command_line_.AddValidation([this] { return ValidateHostPort("--listen", listen_); });
  }
  ~CommandLineTest() override {
    unsetenv("OKR_TEST_LISTEN");
    unsetenv("OKR_TEST_DRAIN");
  }

  Parsed Parse(std::vector<const char*> args) {
    args.insert(args.begin(), "okr-test");
    std::ostringstream out, err;
    Parsed parsed;
    parsed.exit_code = command_line_.Parse(static_cast<int>(args.size()), args.data(), out, err);
    parsed.out = out.str();
    parsed.err = err.str();
    return parsed;
  }

  CommandLine command_line_;
  std::string listen_ = "127.0.0.1:0";
  int threads_ = 2;
  absl::Duration drain_ = absl::Seconds(1);
};

TEST_F(CommandLineTest, DefaultsStandWithoutFlags) {
  Parsed parsed = Parse({});
  EXPECT_FALSE(parsed.exit_code.has_value()) << parsed.err;
  EXPECT_EQ(listen_, "127.0.0.1:0");
  EXPECT_EQ(drain_, absl::Seconds(1));
}

TEST_F(CommandLineTest, FlagsAndDurationsAreRead) {
  Parsed parsed = Parse({"--listen", "0.0.0.0:9000", "--threads", "8", "--drain", "1m30s"});
  EXPECT_FALSE(parsed.exit_code.has_value()) << parsed.err;
  EXPECT_EQ(listen_, "0.0.0.0:9000");
  EXPECT_EQ(threads_, 8);
  EXPECT_EQ(drain_, absl::Seconds(90));
}

TEST_F(CommandLineTest, EnvironmentIsReadAndFlagWins) {
  setenv("OKR_TEST_LISTEN", "127.0.0.1:7000", 1);
  setenv("OKR_TEST_DRAIN", "250ms", 1);
  Parsed parsed = Parse({});
  EXPECT_FALSE(parsed.exit_code.has_value()) << parsed.err;
  EXPECT_EQ(listen_, "127.0.0.1:7000");
  EXPECT_EQ(drain_, absl::Milliseconds(250));
  parsed = Parse({"--listen", "127.0.0.1:7001"});
  EXPECT_EQ(listen_, "127.0.0.1:7001");
}

TEST_F(CommandLineTest, BadValuesExitWithCode2AndSayWhatIsWrong) {
  Parsed parsed = Parse({"--threads", "99"});
  EXPECT_EQ(parsed.exit_code, kConfigErrorExitCode);
  EXPECT_NE(parsed.err.find("--threads"), std::string::npos) << parsed.err;

  parsed = Parse({"--drain", "soon"});
  EXPECT_EQ(parsed.exit_code, kConfigErrorExitCode);
  EXPECT_NE(parsed.err.find("not a duration"), std::string::npos) << parsed.err;

  parsed = Parse({"--drain", "-5s"});
  EXPECT_EQ(parsed.exit_code, kConfigErrorExitCode);

  parsed = Parse({"--listen", "no-port"});
  EXPECT_EQ(parsed.exit_code, kConfigErrorExitCode);
  EXPECT_NE(parsed.err.find("host:port"), std::string::npos) << parsed.err;

  parsed = Parse({"--no-such-flag"});
  EXPECT_EQ(parsed.exit_code, kConfigErrorExitCode);
}

TEST_F(CommandLineTest, HelpExitsZeroAndListsEnvironment) {
  Parsed parsed = Parse({"--help"});
  EXPECT_EQ(parsed.exit_code, 0);
  EXPECT_NE(parsed.out.find("OKR_TEST_LISTEN"), std::string::npos) << parsed.out;
}

TEST(ValidateHostPortTest, AcceptsAndRejects) {
  EXPECT_TRUE(ValidateHostPort("f", "127.0.0.1:50051").ok());
  EXPECT_TRUE(ValidateHostPort("f", "localhost:0").ok());
  EXPECT_TRUE(ValidateHostPort("f", "[::1]:8080").ok());
  EXPECT_FALSE(ValidateHostPort("f", "127.0.0.1").ok());
  EXPECT_FALSE(ValidateHostPort("f", ":80").ok());
  EXPECT_FALSE(ValidateHostPort("f", "host:70000").ok());
  EXPECT_FALSE(ValidateHostPort("f", "host:http").ok());
  EXPECT_FALSE(ValidateHostPort("f", "[::1:80").ok());
}

}  // namespace
}  // namespace okr::common
