#include "okr/common/aip/update_mask.h"

#include <gtest/gtest.h>

#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

const std::vector<std::string> kAllowed = {"title", "description", "owner"};
const std::vector<std::string> kAll = {"description", "title"};

TEST(UpdateMaskTest, MissingMaskIsRequired) {
  auto paths = MaskPaths(Mask({}), kAllowed, kAll);
  ASSERT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(paths.status()), "UPDATE_MASK_REQUIRED");
}

TEST(UpdateMaskTest, StarExpandsToAllAndPathsAreSortedOnce) {
  auto paths = MaskPaths(Mask({"title", "*", "owner", "title"}), kAllowed, kAll);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (std::vector<std::string>{"description", "owner", "title"}));
  EXPECT_TRUE(HasPath(*paths, "owner"));
  EXPECT_FALSE(HasPath(*paths, "etag"));
}

TEST(UpdateMaskTest, EachUnknownPathIsAViolation) {
  auto paths = MaskPaths(Mask({"title", "etag", "bogus"}), kAllowed, kAll);
  ASSERT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(paths.status()), "INVALID_UPDATE_MASK");
  auto violations = ErrorFieldViolations(paths.status());
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "update_mask");
  EXPECT_NE(violations[0].description.find("'etag'"), std::string::npos);
  EXPECT_NE(violations[1].description.find("'bogus'"), std::string::npos);
}

}  // namespace
}  // namespace okr::common
