#include "okr/common/storage/transaction.h"

#include <memory>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/storage/sqlite_connection.h"

namespace okr::common {
namespace {

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteConnectionOptions options;
    options.path = ":memory:";
    absl::StatusOr<SqliteConnectionPtr> conn = SqliteConnection::Open(options);
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_ = *std::move(conn);
    ASSERT_TRUE(conn_->Exec("CREATE TABLE t (v INTEGER PRIMARY KEY)").ok());
  }

  int64_t Count() {
    absl::StatusOr<std::optional<SqlRow>> row = conn_->QueryOne("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(row.ok()) << row.status();
    return row.ok() ? (*row)->GetInt64(0) : -1;
  }

  SqliteConnectionPtr conn_;
};

TEST_F(TransactionTest, CommitsWhenTheWorkSucceeds) {
  absl::Status status = RunInTransaction(*conn_, [](SqlSession& s) {
    EXPECT_TRUE(s.InTransaction());
    return s.Exec("INSERT INTO t VALUES (1), (2)");
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(), 2);
}

TEST_F(TransactionTest, RollsBackEverythingWhenTheWorkFails) {
  absl::Status status = RunInTransaction(*conn_, [](SqlSession& s) -> absl::Status {
    if (absl::Status st = s.Exec("INSERT INTO t VALUES (1), (2)"); !st.ok()) return st;
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(status, absl::InvalidArgumentError("changed my mind"));
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(), 0);
}

TEST_F(TransactionTest, ConstraintViolationMidWayLeavesNothing) {
  absl::Status status = RunInTransaction(*conn_, [](SqlSession& s) -> absl::Status {
    if (absl::Status st = s.Exec("INSERT INTO t VALUES (1)"); !st.ok()) return st;
    return s.Exec("INSERT INTO t VALUES (1)");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count(), 0);
}

TEST_F(TransactionTest, NestedTransactionBecomesASavepoint) {
  absl::Status status = RunInTransaction(*conn_, [](SqlSession& s) -> absl::Status {
    if (absl::Status st = s.Exec("INSERT INTO t VALUES (1)"); !st.ok()) return st;
    absl::Status inner = RunInTransaction(s, [](SqlSession& in) -> absl::Status {
      if (absl::Status st = in.Exec("INSERT INTO t VALUES (2)"); !st.ok()) return st;
      return absl::AbortedError("inner fails");
    });
    EXPECT_EQ(inner.code(), absl::StatusCode::kAborted);
    EXPECT_TRUE(s.InTransaction());
    return RunInTransaction(s, [](SqlSession& in) { return in.Exec("INSERT INTO t VALUES (3)"); });
  });
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<std::vector<SqlRow>> rows = conn_->QueryAll("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].GetInt64(0), 1);
  EXPECT_EQ((*rows)[1].GetInt64(0), 3);
}

TEST_F(TransactionTest, SavepointUndoesOnlyItsOwnWork) {
  ASSERT_TRUE(conn_->Begin(TransactionMode::kWrite).ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t VALUES (1)").ok());
  absl::Status failed = RunInSavepoint(*conn_, "sp", [](SqlSession& s) -> absl::Status {
    if (absl::Status st = s.Exec("INSERT INTO t VALUES (2)"); !st.ok()) return st;
    return s.Exec("INSERT INTO t VALUES (1)");  // duplicate
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(RunInSavepoint(*conn_, "sp", [](SqlSession& s) {
                return s.Exec("INSERT INTO t VALUES (3)");
              }).ok());
  ASSERT_TRUE(conn_->Exec("COMMIT").ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(TransactionTest, SavepointNameMustBeAnIdentifier) {
  int calls = 0;
  absl::Status status = RunInSavepoint(*conn_, "x; DROP TABLE t", [&](SqlSession&) {
    ++calls;
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(*conn_->TableExists("t"));
}

TEST_F(TransactionTest, WorkThatEndsTheTransactionItselfIsReported) {
  absl::Status status = RunInTransaction(*conn_, [](SqlSession& s) -> absl::Status {
    if (absl::Status st = s.Exec("INSERT INTO t VALUES (1)"); !st.ok()) return st;
    return s.Exec("ROLLBACK");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(), 0);
}

}  // namespace
}  // namespace okr::common
