#include "okr/common/storage/value.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

SqlRow MakeRow() {
  auto names = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"n", "i", "d", "t", "b"});
  return SqlRow({kSqlNull, int64_t{42}, 2.5, std::string("text"), Blob(std::string("a\0b", 3))},
                names);
}

TEST(SqlRowTest, LenientGettersReadValuesAndDefaultOtherwise) {
  SqlRow row = MakeRow();
  EXPECT_EQ(row.ColumnCount(), 5u);
  EXPECT_EQ(row.ColumnName(3), "t");
  EXPECT_TRUE(row.IsNull(0));
  EXPECT_FALSE(row.IsNull(1));
  EXPECT_EQ(row.GetInt64(1), 42);
  EXPECT_EQ(row.GetDouble(2), 2.5);
  EXPECT_EQ(row.GetString(3), "text");
  EXPECT_EQ(row.GetBlob(4), std::string("a\0b", 3));

  // NULL, wrong type and out of range give the default.
  EXPECT_EQ(row.GetInt64(0), 0);
  EXPECT_EQ(row.GetInt64(0, -1), -1);
  EXPECT_EQ(row.GetInt64(2, -1), -1);  // a REAL never reads as an integer
  EXPECT_EQ(row.GetString(1, "dflt"), "dflt");
  EXPECT_TRUE(row.IsNull(99));
  EXPECT_EQ(row.GetInt64(99, 7), 7);
  EXPECT_EQ(row.ColumnName(99), "");
}

TEST(SqlRowTest, IntegerReadsAsDoubleAndTextAndBlobReadAsEachOther) {
  SqlRow row = MakeRow();
  EXPECT_EQ(row.GetDouble(1), 42.0);
  EXPECT_EQ(row.GetBlob(3), "text");
  EXPECT_EQ(row.GetString(4), std::string("a\0b", 3));
}

TEST(SqlRowTest, CheckedGettersNameTheColumnOnMismatch) {
  SqlRow row = MakeRow();
  EXPECT_EQ(*row.CheckedInt64(1), 42);
  EXPECT_EQ(*row.CheckedDouble(1), 42.0);
  EXPECT_EQ(*row.CheckedString(3), "text");

  absl::StatusOr<int64_t> null_int = row.CheckedInt64(0);
  EXPECT_EQ(null_int.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(null_int.status().message(), HasSubstr("column 0 (n) is NULL, expected INTEGER"));

  EXPECT_EQ(row.CheckedInt64(3).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(row.CheckedString(2).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(row.CheckedDouble(9).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(SqlValueTest, BraceListsBuildTheExpectedTypes) {
  int small = 3;
  std::vector<SqlValue> values = {small, 1.5, std::string("s"), Blob("b"), kSqlNull, "lit"};
  EXPECT_EQ(SqlTypeName(values[0]), "INTEGER");
  EXPECT_EQ(SqlTypeName(values[1]), "REAL");
  EXPECT_EQ(SqlTypeName(values[2]), "TEXT");
  EXPECT_EQ(SqlTypeName(values[3]), "BLOB");
  EXPECT_EQ(SqlTypeName(values[4]), "NULL");
  EXPECT_EQ(SqlTypeName(values[5]), "TEXT");
  SqlParams params(values);
  EXPECT_EQ(params.size(), 6u);
}

}  // namespace
}  // namespace okr::common
