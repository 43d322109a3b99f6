#include "okr/common/aip/etag.h"

#include <gtest/gtest.h>

#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

TEST(EtagTest, FormatIsAQuotedVersionAndDiffersPerVersion) {
  EXPECT_EQ(FormatEtag(1), "\"1\"");
  EXPECT_NE(FormatEtag(1), FormatEtag(2));
}

TEST(EtagTest, EmptyRequestEtagMeansNoCheck) {
  EXPECT_TRUE(CheckEtag("", FormatEtag(7)).ok());
  EXPECT_TRUE(CheckEtag("", "").ok());
}

TEST(EtagTest, EqualEtagPasses) { EXPECT_TRUE(CheckEtag(FormatEtag(3), FormatEtag(3)).ok()); }

TEST(EtagTest, StaleEtagIsAbortedWithReasonAndField) {
  absl::Status status = CheckEtag(FormatEtag(2), FormatEtag(3), "people[4].etag");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");
  auto violations = ErrorFieldViolations(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "people[4].etag");
}

TEST(EtagTest, AnEtagForARecordThatDoesNotExistIsStale) {
  EXPECT_EQ(CheckEtag(FormatEtag(1), "").code(), absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace okr::common
