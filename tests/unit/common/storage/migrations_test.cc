#include "okr/common/storage/migrations.h"

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/storage/sqlite_connection.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

std::vector<Migration> Schema() {
  return {
      {1, "create_people", "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
      {2, "add_email",
       "ALTER TABLE people ADD COLUMN email TEXT;"
       "CREATE UNIQUE INDEX people_email ON people(email);"},
      {5, "seed", "INSERT INTO people (id, name, email) VALUES (1, 'root', 'root@x');"},
  };
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteConnectionOptions options;
    options.path = ":memory:";
    absl::StatusOr<SqliteConnectionPtr> conn = SqliteConnection::Open(options);
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_ = *std::move(conn);
  }

  int Version() {
    absl::StatusOr<int> v = CurrentVersion(*conn_);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : -1;
  }

  SqliteConnectionPtr conn_;
};

TEST_F(MigrationsTest, EmptyDatabaseIsVersionZeroAndReadingCreatesNothing) {
  EXPECT_EQ(Version(), 0);
  EXPECT_FALSE(*conn_->TableExists(kSchemaMigrationsTable));
}

TEST_F(MigrationsTest, AppliesEverythingFromEmptyAndRecordsIt) {
  std::vector<Migration> schema = Schema();
  ASSERT_TRUE(Migrate(*conn_, schema).ok());
  EXPECT_EQ(Version(), 5);
  absl::StatusOr<std::vector<SqlRow>> rows =
      conn_->QueryAll("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].GetInt64(0), 2);
  EXPECT_EQ((*rows)[1].GetString(1), "add_email");
  EXPECT_THAT((*rows)[1].GetString(2), ::testing::MatchesRegex("[0-9-]+T[0-9:]+Z"));
  absl::StatusOr<std::optional<SqlRow>> root = conn_->QueryOne("SELECT email FROM people");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ((*root)->GetString(0), "root@x");
}

TEST_F(MigrationsTest, RunningAgainChangesNothing) {
  std::vector<Migration> schema = Schema();
  ASSERT_TRUE(Migrate(*conn_, schema).ok());
  // Were the seed applied twice its primary key would collide.
  absl::Status again = Migrate(*conn_, schema);
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_EQ(Version(), 5);
}

TEST_F(MigrationsTest, AppliesOnlyWhatIsPending) {
  std::vector<Migration> schema = Schema();
  ASSERT_TRUE(Migrate(*conn_, std::span<const Migration>(schema).first(1)).ok());
  EXPECT_EQ(Version(), 1);
  ASSERT_TRUE(conn_->Exec("INSERT INTO people (id, name) VALUES (7, 'kept')").ok());
  ASSERT_TRUE(Migrate(*conn_, schema).ok());
  EXPECT_EQ(Version(), 5);
  absl::StatusOr<std::vector<SqlRow>> rows = conn_->QueryAll("SELECT id FROM people ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].GetInt64(0), 7);
}

TEST_F(MigrationsTest, RefusesADatabaseFromANewerBinary) {
  std::vector<Migration> newer = Schema();
  newer.push_back({6, "add_team", "CREATE TABLE team (id INTEGER PRIMARY KEY);"});
  ASSERT_TRUE(Migrate(*conn_, newer).ok());

  absl::Status status = Migrate(*conn_, Schema());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("schema version 6 ('add_team')"));
  EXPECT_THAT(status.message(), HasSubstr("does not know"));
  EXPECT_EQ(Version(), 6);
}

TEST_F(MigrationsTest, RefusesListsThatAreNotStrictlyIncreasing) {
  std::vector<Migration> repeated = {{1, "a", "CREATE TABLE a (x);"},
                                     {1, "b", "CREATE TABLE b (x);"}};
  absl::Status status = Migrate(*conn_, repeated);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("strictly increasing"));
  EXPECT_FALSE(*conn_->TableExists("a"));

  std::vector<Migration> descending = {{2, "a", "CREATE TABLE a (x);"}, {1, "b", "SELECT 1;"}};
  EXPECT_EQ(Migrate(*conn_, descending).code(), absl::StatusCode::kFailedPrecondition);
  std::vector<Migration> zero = {{0, "a", "CREATE TABLE a (x);"}};
  EXPECT_EQ(Migrate(*conn_, zero).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(*conn_->TableExists("a"));
}

TEST_F(MigrationsTest, RefusesTwoMigrationsSharingAVersion) {
  std::vector<Migration> ours = {{1, "create_people", "CREATE TABLE people (id INTEGER);"}};
  std::vector<Migration> theirs = {{1, "create_teams", "CREATE TABLE teams (id INTEGER);"}};
  ASSERT_TRUE(Migrate(*conn_, ours).ok());
  absl::Status status = Migrate(*conn_, theirs);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("'create_people'"));
  EXPECT_FALSE(*conn_->TableExists("teams"));
}

TEST_F(MigrationsTest, RefusesAMigrationAddedOutOfOrder) {
  std::vector<Migration> shipped = {{1, "a", "CREATE TABLE a (x);"},
                                    {3, "c", "CREATE TABLE c (x);"}};
  ASSERT_TRUE(Migrate(*conn_, shipped).ok());
  std::vector<Migration> later = {{1, "a", "CREATE TABLE a (x);"},
                                  {2, "b", "CREATE TABLE b (x);"},
                                  {3, "c", "CREATE TABLE c (x);"}};
  absl::Status status = Migrate(*conn_, later);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("out of order"));
  EXPECT_FALSE(*conn_->TableExists("b"));
}

TEST_F(MigrationsTest, FailingMigrationLeavesEarlierOnesAndNothingOfItself) {
  std::vector<Migration> schema = {
      {1, "a", "CREATE TABLE a (x);"},
      {2, "broken", "CREATE TABLE b (x); INSERT INTO nowhere VALUES (1);"},
      {3, "c", "CREATE TABLE c (x);"},
  };
  absl::Status status = Migrate(*conn_, schema);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("migration 2 ('broken')"));
  EXPECT_THAT(status.message(), HasSubstr("no such table: nowhere"));
  EXPECT_EQ(Version(), 1);
  EXPECT_TRUE(*conn_->TableExists("a"));
  EXPECT_FALSE(*conn_->TableExists("b"));
  EXPECT_FALSE(*conn_->TableExists("c"));
}

}  // namespace
}  // namespace okr::common
