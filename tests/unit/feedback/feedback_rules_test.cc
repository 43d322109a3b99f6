// Kinds and their visibility, tags, names and text limits of feedback.
#include "services/feedback/src/domain/feedback_rules.h"

#include <gtest/gtest.h>

#include "okr/common/status/errors.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/text.h"

namespace okr::feedback {
namespace {

TEST(FeedbackRulesTest, KindsConstrainVisibility) {
  EXPECT_EQ(DefaultVisibility(FeedbackKind::kRecognition), Visibility::kPublic);
  EXPECT_EQ(DefaultVisibility(FeedbackKind::kPraise), Visibility::kPrivate);
  EXPECT_EQ(DefaultVisibility(FeedbackKind::kConstructive), Visibility::kPrivate);
  EXPECT_TRUE(KindAllows(FeedbackKind::kRecognition, Visibility::kPublic));
  EXPECT_FALSE(KindAllows(FeedbackKind::kRecognition, Visibility::kManager));
  EXPECT_FALSE(KindAllows(FeedbackKind::kConstructive, Visibility::kPublic));
  EXPECT_TRUE(KindAllows(FeedbackKind::kConstructive, Visibility::kManager));
  EXPECT_TRUE(KindAllows(FeedbackKind::kPraise, Visibility::kPublic));
}

TEST(FeedbackRulesTest, TagsAreLowerCasedAndDeduplicatedInOrder) {
  auto tags = NormalizeTags({"Ownership", "craft", "ownership", "team-work_2"}, "tags");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (std::vector<std::string>{"ownership", "craft", "team-work_2"}));
}

TEST(FeedbackRulesTest, BadTagsNameTheirIndex) {
  auto tags = NormalizeTags({"ok", "", "no spaces", std::string(65, 'a')}, "feedback.tags");
  ASSERT_FALSE(tags.ok());
  EXPECT_EQ(common::ErrorReason(tags.status()), "INVALID_TAGS");
  std::vector<std::string> fields;
  for (const auto& v : common::ErrorFieldViolations(tags.status())) fields.push_back(v.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"feedback.tags[1]", "feedback.tags[2]", "feedback.tags[3]"}));
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back("t" + std::to_string(i));
  EXPECT_FALSE(NormalizeTags(eleven, "tags").ok());
}

TEST(FeedbackRulesTest, NamesAreParsedStrictly) {
  EXPECT_EQ(IdFromName(kFeedback, "feedback/abc-1", "name").value(), "abc-1");
  EXPECT_FALSE(IdFromName(kFeedback, "feedback/ABC", "name").ok());
  EXPECT_FALSE(IdFromName(kFeedback, "feedback/a/b", "name").ok());
  EXPECT_FALSE(IdFromName(kFeedback, "feedbackRequests/a", "name").ok());
  EXPECT_FALSE(IdFromName(kFeedback, "", "name").ok());
  EXPECT_EQ(PersonIdFromName("people/Alice.B", "p").value(), "Alice.B");
  EXPECT_FALSE(PersonIdFromName("people/.alice", "p").ok());
  auto kr = GoalFromName("objectives/o1/keyResults/k1", true, "key_result");
  ASSERT_TRUE(kr.ok());
  EXPECT_EQ(kr->objective, "o1");
  EXPECT_EQ(kr->key_result, "k1");
  EXPECT_EQ(KeyResultName(*kr), "objectives/o1/keyResults/k1");
  EXPECT_FALSE(GoalFromName("objectives/o1", true, "key_result").ok());
  auto review = ReviewFromName("reviewCycles/c1/reviews/alice", "name");
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->person, "alice");
}

TEST(FeedbackRulesTest, TextLimitsCountCodePoints) {
  EXPECT_EQ(CodePoints("héllo"), 5u);
  EXPECT_EQ(CodePoints("\xF0\x9F\x98\x80"), 1u);
  EXPECT_FALSE(CodePoints("\xC3").has_value());
  EXPECT_FALSE(CodePoints("\xED\xA0\x80").has_value());  // a surrogate
  EXPECT_FALSE(CodePoints("\xC0\xAF").has_value());      // overlong
  EXPECT_TRUE(LengthWithin("ab", 1, 2));
  EXPECT_FALSE(LengthWithin("abc", 1, 2));
  EXPECT_EQ(Trimmed("  hi \n"), "hi");
}

}  // namespace
}  // namespace okr::feedback
