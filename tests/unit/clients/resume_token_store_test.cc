// ResumeTokenStore implementations: what a restarted consumer reads back.
#include "okr/clients/resume_token_store.h"

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace okr::clients {
namespace {

TEST(FileResumeTokenStoreTest, ATokenSavedIsWhatTheNextProcessLoads) {
  okr::test_support::TempDir dir;
  const std::string path = dir.path() + "/feed.token";
  {
    FileResumeTokenStore store(path);
    absl::StatusOr<std::string> none = store.Load();
    ASSERT_TRUE(none.ok()) << none.status();
    EXPECT_EQ(*none, "");  // Never saved: follow from now.
    ASSERT_TRUE(store.Save("t-41").ok());
    ASSERT_TRUE(store.Save("t-42").ok());
  }
  FileResumeTokenStore reopened(path);
  absl::StatusOr<std::string> token = reopened.Load();
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "t-42");
  // Only the token file is left behind, no temporary.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "feed.token");
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(FileResumeTokenStoreTest, ALongerTokenIsReplacedByAShorterOneWhole) {
  okr::test_support::TempDir dir;
  FileResumeTokenStore store(dir.path() + "/feed.token");
  ASSERT_TRUE(store.Save(std::string(256, 'a')).ok());
  ASSERT_TRUE(store.Save("b").ok());
  EXPECT_EQ(*store.Load(), "b");
}

TEST(FileResumeTokenStoreTest, SaveReportsAnUnwritableLocation) {
  okr::test_support::TempDir dir;
  FileResumeTokenStore store(dir.path() + "/missing/feed.token");
  EXPECT_FALSE(store.Save("t-1").ok());
  EXPECT_EQ(*store.Load(), "");
}

TEST(InMemoryResumeTokenStoreTest, KeepsTheLastToken) {
  InMemoryResumeTokenStore store("t-1");
  EXPECT_EQ(*store.Load(), "t-1");
  ASSERT_TRUE(store.Save("t-2").ok());
  EXPECT_EQ(*store.Load(), "t-2");
}

}  // namespace
}  // namespace okr::clients
