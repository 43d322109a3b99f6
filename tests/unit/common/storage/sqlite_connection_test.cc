#include "okr/common/storage/sqlite_connection.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<SqliteConnection> OpenMemory(size_t cache_size = 256) {
  SqliteConnectionOptions options;
  options.path = ":memory:";
  options.statement_cache_size = cache_size;
  absl::StatusOr<std::unique_ptr<SqliteConnection>> conn = SqliteConnection::Open(options);
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = OpenMemory();
    ASSERT_NE(conn_, nullptr);
  }
  std::unique_ptr<SqliteConnection> conn_;
};

TEST_F(SqliteConnectionTest, BindsAndReadsEveryTypeIncludingNullAndBinary) {
  ASSERT_TRUE(conn_->Exec("CREATE TABLE v (id INTEGER PRIMARY KEY, x)").ok());
  const std::string binary("\0\x01\xff\0end", 7);
  const std::string text_with_nul("a\0b", 3);
  std::vector<SqlValue> values = {kSqlNull,
                                  std::numeric_limits<int64_t>::min(),
                                  std::numeric_limits<int64_t>::max(),
                                  -0.125,
                                  std::string("héllo"),
                                  text_with_nul,
                                  std::string(),
                                  Blob(binary),
                                  Blob()};
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(
        conn_->Exec("INSERT INTO v (id, x) VALUES (?, ?)", {static_cast<int64_t>(i), values[i]})
            .ok());
  }
  absl::StatusOr<std::vector<SqlRow>> rows =
      conn_->QueryAll("SELECT id, x, typeof(x) FROM v ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ((*rows)[i].Value(1), values[i]) << "row " << i;
  }
  // An empty BLOB is a BLOB and empty text is text: neither turns into NULL.
  EXPECT_EQ((*rows)[6].GetString(2), "text");
  EXPECT_EQ((*rows)[8].GetString(2), "blob");
  EXPECT_EQ((*rows)[0].GetString(2), "null");
  EXPECT_EQ((*rows)[1].ColumnName(1), "x");
}

TEST_F(SqliteConnectionTest, ReportsChangedRowsAndLastInsertId) {
  ASSERT_TRUE(conn_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t (v) VALUES (?), (?), (?)", {1, 2, 3}).ok());
  EXPECT_EQ(conn_->LastInsertId(), 3);
  ASSERT_TRUE(conn_->Exec("UPDATE t SET v = v + 1 WHERE v >= ?", {2}).ok());
  EXPECT_EQ(conn_->ChangedRows(), 2);
  absl::StatusOr<std::optional<SqlRow>> none = conn_->QueryOne("SELECT v FROM t WHERE id = ?", {9});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  absl::StatusOr<std::optional<SqlRow>> returning =
      conn_->QueryOne("INSERT INTO t (v) VALUES (?) RETURNING id", {10});
  ASSERT_TRUE(returning.ok()) << returning.status();
  EXPECT_EQ((*returning)->GetInt64(0), 4);
}

TEST_F(SqliteConnectionTest, MapsConstraintErrorsToReadableCodes) {
  ASSERT_TRUE(conn_
                  ->ExecScript("CREATE TABLE p (id INTEGER PRIMARY KEY, email TEXT UNIQUE);"
                               "CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER NOT NULL "
                               "REFERENCES p(id), n INTEGER CHECK (n > 0));")
                  .ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO p (id, email) VALUES (1, 'a@x')").ok());

  absl::Status unique = conn_->Exec("INSERT INTO p (id, email) VALUES (?, ?)", {2, "a@x"});
  EXPECT_EQ(unique.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(unique.message(), HasSubstr("UNIQUE constraint failed: p.email"));
  EXPECT_THAT(unique.message(), HasSubstr("SQLITE_CONSTRAINT_UNIQUE"));
  EXPECT_THAT(unique.message(), HasSubstr("INSERT INTO p"));

  absl::Status primary = conn_->Exec("INSERT INTO p (id, email) VALUES (1, 'b@x')");
  EXPECT_EQ(primary.code(), absl::StatusCode::kAlreadyExists) << primary;

  absl::Status foreign = conn_->Exec("INSERT INTO c (id, p, n) VALUES (1, 99, 1)");
  EXPECT_EQ(foreign.code(), absl::StatusCode::kFailedPrecondition) << foreign;
  EXPECT_THAT(foreign.message(), HasSubstr("FOREIGN KEY"));

  EXPECT_EQ(conn_->Exec("INSERT INTO c (id, p, n) VALUES (1, NULL, 1)").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(conn_->Exec("INSERT INTO c (id, p, n) VALUES (1, 1, 0)").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(conn_->Exec("INSERT INTO c (id, p, n) VALUES (1, 1, 1)").ok());
}

TEST_F(SqliteConnectionTest, RejectsMisuseWithInvalidArgument) {
  ASSERT_TRUE(conn_->Exec("CREATE TABLE t (a, b)").ok());
  absl::Status too_few = conn_->Exec("INSERT INTO t VALUES (?, ?)", {1});
  EXPECT_EQ(too_few.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_few.message(), HasSubstr("2 placeholders but 1 values"));
  EXPECT_EQ(conn_->Exec("INSERT INTO t VALUES (1, 2); DELETE FROM t").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(conn_->Exec("   ").code(), absl::StatusCode::kInvalidArgument);
  // Nothing of the refused multi-statement text ran.
  absl::StatusOr<std::optional<SqlRow>> count = conn_->QueryOne("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ((*count)->GetInt64(0), 0);
  // A trailing semicolon is still one statement.
  EXPECT_TRUE(conn_->Exec("INSERT INTO t VALUES (1, 2);").ok());

  absl::Status syntax = conn_->Exec("SELEC 1");
  EXPECT_EQ(syntax.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(syntax.message(), HasSubstr("syntax error"));
  EXPECT_EQ(conn_->Exec("SELECT * FROM missing").code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteConnectionTest, QueryStopsAtTheFirstCallbackError) {
  ASSERT_TRUE(conn_->Exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t VALUES (1), (2), (3), (4)").ok());
  int seen = 0;
  absl::Status status = conn_->Query("SELECT v FROM t ORDER BY v", {}, [&](const SqlRow& row) {
    ++seen;
    return row.GetInt64(0) == 2 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(seen, 2);
  // The statement was reset: running it again starts from the first row.
  absl::StatusOr<std::optional<SqlRow>> first = conn_->QueryOne("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->GetInt64(0), 1);
}

TEST_F(SqliteConnectionTest, NestedQueriesMayRunTheSameStatement) {
  ASSERT_TRUE(conn_->Exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t VALUES (1), (2), (3)").ok());
  const char* kSql = "SELECT v FROM t WHERE v >= ? ORDER BY v";
  std::vector<std::pair<int64_t, int64_t>> pairs;
  absl::Status status = conn_->Query(kSql, {2}, [&](const SqlRow& outer) {
    return conn_->Query(kSql, {outer.GetInt64(0)}, [&](const SqlRow& inner) {
      pairs.emplace_back(outer.GetInt64(0), inner.GetInt64(0));
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(pairs, (std::vector<std::pair<int64_t, int64_t>>{{2, 2}, {2, 3}, {3, 3}}));
}

TEST(SqliteConnectionCacheTest, StatementCacheStaysBounded) {
  std::unique_ptr<SqliteConnection> conn = OpenMemory(/*cache_size=*/3);
  ASSERT_NE(conn, nullptr);
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<std::optional<SqlRow>> row = conn->QueryOne("SELECT " + std::to_string(i));
    ASSERT_TRUE(row.ok());
    EXPECT_EQ((*row)->GetInt64(0), i);
    EXPECT_LE(conn->CachedStatementCountForTest(), 3u);
  }
  // Reused statements come from the cache rather than piling up.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(conn->Exec("SELECT 1").ok());
  EXPECT_LE(conn->CachedStatementCountForTest(), 3u);
  EXPECT_GE(conn->CachedStatementCountForTest(), 1u);
}

TEST_F(SqliteConnectionTest, TableExistsAndTransactionState) {
  EXPECT_FALSE(*conn_->TableExists("t"));
  ASSERT_TRUE(conn_->Exec("CREATE TABLE t (v)").ok());
  EXPECT_TRUE(*conn_->TableExists("t"));
  EXPECT_FALSE(conn_->InTransaction());
  ASSERT_TRUE(conn_->Begin(TransactionMode::kWrite).ok());
  EXPECT_TRUE(conn_->InTransaction());
  ASSERT_TRUE(conn_->Exec("ROLLBACK").ok());
  EXPECT_FALSE(conn_->InTransaction());
}

TEST(SqliteConnectionOpenTest, EmptyPathIsInvalid) {
  SqliteConnectionOptions options;
  EXPECT_EQ(SqliteConnection::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace okr::common
