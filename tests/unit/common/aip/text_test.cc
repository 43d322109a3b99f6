#include "okr/common/aip/text.h"

#include <gtest/gtest.h>

namespace okr::common {
namespace {

TEST(TextTest, CodePointsCountsCharactersNotBytes) {
  EXPECT_EQ(CodePoints(""), 0u);
  EXPECT_EQ(CodePoints("abc"), 3u);
  EXPECT_EQ(CodePoints("h\xC3\xA9llo"), 5u);      // é is two bytes
  EXPECT_EQ(CodePoints("\xE2\x82\xAC"), 1u);      // € is three bytes
  EXPECT_EQ(CodePoints("\xF0\x9F\x8E\x89"), 1u);  // 🎉 is four bytes
}

TEST(TextTest, CodePointsRejectsInvalidUtf8) {
  EXPECT_FALSE(CodePoints("\xC3").has_value());  // truncated
  EXPECT_FALSE(CodePoints("\xFF").has_value());  // never valid
  EXPECT_FALSE(CodePoints("a\x80"
                          "b")
                   .has_value());  // lone continuation byte
}

TEST(TextTest, LengthWithinUsesCodePointsAndRejectsBadUtf8) {
  EXPECT_TRUE(LengthWithin("\xE2\x82\xAC\xE2\x82\xAC", 1, 2));
  EXPECT_FALSE(LengthWithin("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 1, 2));
  EXPECT_FALSE(LengthWithin("", 1, 2));
  EXPECT_FALSE(LengthWithin("\xC3", 0, 10));
}

TEST(TextTest, TrimmedDropsSurroundingAsciiWhitespaceOnly) {
  EXPECT_EQ(Trimmed("  a b \t\n"), "a b");
  EXPECT_EQ(Trimmed("   "), "");
  EXPECT_EQ(Trimmed("x"), "x");
}

}  // namespace
}  // namespace okr::common
