#include "okr/common/aip/page_size.h"

#include <gtest/gtest.h>

#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

TEST(CoercePageSizeTest, ZeroMeansTheDefault) { EXPECT_EQ(*CoercePageSize(0), 50); }

TEST(CoercePageSizeTest, ValuesInRangeAreKept) {
  EXPECT_EQ(*CoercePageSize(1), 1);
  EXPECT_EQ(*CoercePageSize(999), 999);
  EXPECT_EQ(*CoercePageSize(1000), 1000);
}

TEST(CoercePageSizeTest, LargeValuesAreCoercedToTheMaximum) {
  EXPECT_EQ(*CoercePageSize(1001), 1000);
  EXPECT_EQ(*CoercePageSize(2147483647), 1000);
}

TEST(CoercePageSizeTest, NegativeIsInvalidArgumentOnPageSize) {
  for (int size : {-1, -2147483647 - 1}) {
    auto result = CoercePageSize(size);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorReason(result.status()), "INVALID_PAGE_SIZE");
    auto violations = ErrorFieldViolations(result.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "page_size");
  }
}

}  // namespace
}  // namespace okr::common
