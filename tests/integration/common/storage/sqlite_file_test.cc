// SqliteConnection on real files: the pragmas a durable, concurrent database depends on.
#include <cstdio>
#include <memory>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/storage/sqlite_connection.h"
#include "tests/support/temp_dir.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

SqliteConnectionPtr MustOpen(SqliteConnectionOptions options) {
  absl::StatusOr<SqliteConnectionPtr> conn = SqliteConnection::Open(options);
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

std::string Pragma(SqliteConnection& conn, const std::string& name) {
  absl::StatusOr<std::optional<SqlRow>> row = conn.QueryOne("PRAGMA " + name);
  EXPECT_TRUE(row.ok()) << row.status();
  if (!row.ok() || !row->has_value()) return "";
  const SqlValue& value = (*row)->Value(0);
  if (const auto* n = std::get_if<int64_t>(&value)) return std::to_string(*n);
  return (*row)->GetString(0);
}

class SqliteFileTest : public ::testing::Test {
 protected:
  SqliteConnectionOptions Options() {
    SqliteConnectionOptions options;
    options.path = dir_.path() + "/db.sqlite";
    return options;
  }
  test_support::TempDir dir_;
};

TEST_F(SqliteFileTest, OpensInWalWithFullSyncAndForeignKeys) {
  SqliteConnectionPtr conn = MustOpen(Options());
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(Pragma(*conn, "journal_mode"), "wal");
  EXPECT_EQ(Pragma(*conn, "synchronous"), "2");  // FULL
  EXPECT_EQ(Pragma(*conn, "foreign_keys"), "1");

  SqliteConnectionOptions normal = Options();
  normal.synchronous = SqliteSynchronous::kNormal;
  SqliteConnectionPtr second = MustOpen(normal);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(Pragma(*second, "synchronous"), "1");  // NORMAL
}

TEST_F(SqliteFileTest, ReadOnlyConnectionSeesCommittedDataAndCannotWrite) {
  SqliteConnectionPtr writer = MustOpen(Options());
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(writer->Exec("INSERT INTO t VALUES (?)", {1}).ok());

  SqliteConnectionOptions ro = Options();
  ro.read_only = true;
  SqliteConnectionPtr reader = MustOpen(ro);
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<std::optional<SqlRow>> row = reader->QueryOne("SELECT v FROM t");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ((*row)->GetInt64(0), 1);
  absl::Status write = reader->Exec("INSERT INTO t VALUES (2)");
  EXPECT_FALSE(write.ok());
  EXPECT_THAT(write.message(), HasSubstr("readonly"));
}

TEST_F(SqliteFileTest, ReaderDoesNotCreateAMissingFile) {
  SqliteConnectionOptions ro = Options();
  ro.read_only = true;
  absl::StatusOr<SqliteConnectionPtr> reader = SqliteConnection::Open(ro);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reader.status().message(), HasSubstr(ro.path));
}

TEST_F(SqliteFileTest, LockHeldTooLongIsUnavailable) {
  SqliteConnectionOptions options = Options();
  options.busy_timeout = absl::Milliseconds(50);
  SqliteConnectionPtr first = MustOpen(options);
  SqliteConnectionPtr second = MustOpen(options);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(first->Begin(TransactionMode::kWrite).ok());
  absl::Time start = absl::Now();
  absl::Status busy = second->Begin(TransactionMode::kWrite);
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable) << busy;
  EXPECT_THAT(busy.message(), HasSubstr("SQLITE_BUSY"));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(40));  // it did wait for the lock
  // A WAL reader is not blocked by the writer's lock.
  absl::StatusOr<std::optional<SqlRow>> row = second->QueryOne("SELECT COUNT(*) FROM t");
  EXPECT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(first->Exec("COMMIT").ok());
  EXPECT_TRUE(second->Begin(TransactionMode::kWrite).ok());
  EXPECT_TRUE(second->Exec("COMMIT").ok());
}

TEST_F(SqliteFileTest, NotADatabaseIsDataLoss) {
  std::string path = dir_.path() + "/garbage";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::string junk(4096, 'x');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  SqliteConnectionOptions options;
  options.path = path;
  absl::StatusOr<SqliteConnectionPtr> conn = SqliteConnection::Open(options);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), absl::StatusCode::kDataLoss) << conn.status();
}

}  // namespace
}  // namespace okr::common
