#include "okr/common/aip/resource_id.h"

#include <gtest/gtest.h>

#include <string>

namespace okr::common {
namespace {

TEST(IsOrgIdTest, LettersDigitsDotsUnderscoresAndDashesUpTo128) {
  for (const char* id : {"alice", "Alice.Smith", "e_1024", "team-42", "a", "9lives"}) {
    EXPECT_TRUE(IsOrgId(id)) << id;
  }
  EXPECT_TRUE(IsOrgId(std::string(128, 'x')));
  EXPECT_FALSE(IsOrgId(std::string(129, 'x')));
  for (const char* id : {"", ".alice", "-team", "_x", "a b", "alice@example.com", "a/b", "é"}) {
    EXPECT_FALSE(IsOrgId(id)) << id;
  }
}

TEST(NewResourceIdTest, TwentyCharactersOfAip122) {
  const std::string id = NewResourceId();
  ASSERT_EQ(id.size(), 20u);
  for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
  EXPECT_NE(NewResourceId(), id);
}

}  // namespace
}  // namespace okr::common
