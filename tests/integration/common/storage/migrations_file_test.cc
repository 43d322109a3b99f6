// Migrations on real files: a database at any earlier version, reopened by the current binary,
// ends up exactly like one migrated from empty.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/storage/migrations.h"
#include "okr/common/storage/sqlite_connection.h"
#include "okr/common/storage/sqlite_database.h"
#include "tests/support/temp_dir.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

// A history with the kinds of change real schemas go through: tables, seeds, added columns, foreign
// keys, indexes, a rename, a backfill and a view.
std::vector<Migration> History() {
  return {
      {1, "create_people",
       "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
       "INSERT INTO people (id, name) VALUES (1, 'Ada'), (2, 'Grace');"},
      {2, "add_email", "ALTER TABLE people ADD COLUMN email TEXT;"},
      {3, "create_teams",
       "CREATE TABLE teams (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE);"
       "INSERT INTO teams (id, title) VALUES (10, 'Compilers');"
       "ALTER TABLE people ADD COLUMN team_id INTEGER REFERENCES teams(id);"
       "UPDATE people SET team_id = 10 WHERE id = 2;"
       "CREATE INDEX people_team ON people(team_id);"},
      {4, "rename_name", "ALTER TABLE people RENAME COLUMN name TO display_name;"},
      {5, "backfill_email",
       "UPDATE people SET email = lower(display_name) || '@example.com' WHERE email IS NULL;"
       "CREATE UNIQUE INDEX people_email ON people(email);"
       "CREATE VIEW team_sizes AS SELECT team_id, COUNT(*) AS n FROM people GROUP BY team_id;"},
  };
}

struct Snapshot {
  std::vector<std::string> schema;
  std::vector<std::string> people;
  std::vector<std::string> versions;
};

std::string RowText(const SqlRow& row) {
  std::string out;
  for (size_t i = 0; i < row.ColumnCount(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : "|", std::string(SqlTypeName(row.Value(i))), ":",
                    row.IsNull(i) ? "" : row.GetString(i, std::to_string(row.GetInt64(i))));
  }
  return out;
}

absl::Status Collect(SqlSession& s, const std::string& sql, std::vector<std::string>& out) {
  return s.Query(sql, {}, [&out](const SqlRow& row) {
    out.push_back(RowText(row));
    return absl::OkStatus();
  });
}

// The people of the seeds only: rows a test adds on the way are checked separately.
absl::Status TakeSnapshot(SqlSession& s, Snapshot& snap) {
  absl::Status status = Collect(
      s, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name", snap.schema);
  if (status.ok())
    status = Collect(s, "SELECT * FROM people WHERE id < 100 ORDER BY id", snap.people);
  if (status.ok()) {
    status =
        Collect(s, "SELECT version, name FROM schema_migrations ORDER BY version", snap.versions);
  }
  return status;
}

SqliteConnectionPtr OpenFile(const std::string& path) {
  SqliteConnectionOptions options;
  options.path = path;
  absl::StatusOr<SqliteConnectionPtr> conn = SqliteConnection::Open(options);
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

TEST(MigrationsFileTest, EveryEarlierVersionReachesTheSameSchemaAndDataAsFromEmpty) {
  const std::vector<Migration> history = History();
  test_support::TempDir dir;

  Snapshot expected;
  {
    SqliteConnectionPtr conn = OpenFile(dir.path() + "/fresh.db");
    ASSERT_NE(conn, nullptr);
    ASSERT_TRUE(Migrate(*conn, history).ok());
    ASSERT_TRUE(TakeSnapshot(*conn, expected).ok());
  }
  ASSERT_EQ(expected.versions.size(), history.size());
  ASSERT_EQ(expected.people.size(), 2u);
  EXPECT_THAT(expected.people[1], HasSubstr("grace@example.com"));

  for (size_t k = 0; k <= history.size(); ++k) {
    SCOPED_TRACE(absl::StrCat("starting at version ", k == 0 ? 0 : history[k - 1].version));
    const std::string path = absl::StrCat(dir.path(), "/from_", k, ".db");
    {
      SqliteConnectionPtr conn = OpenFile(path);
      ASSERT_NE(conn, nullptr);
      ASSERT_TRUE(Migrate(*conn, std::span<const Migration>(history).first(k)).ok());
      if (k > 0) {
        // Data written by the old binary must survive the upgrade.
        std::string column = k >= 4 ? "display_name" : "name";
        ASSERT_TRUE(
            conn->Exec("INSERT INTO people (id, " + column + ") VALUES (100, 'Carried')").ok());
      }
    }
    // The new binary opens the old file and migrates it on Open.
    SqliteDatabaseOptions options;
    options.path = path;
    options.readers = 1;
    options.migrations = history;
    absl::StatusOr<SqliteDatabasePtr> db = SqliteDatabase::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();

    Snapshot got;
    ASSERT_TRUE((*db)->Read([&](SqlSession& s) { return TakeSnapshot(s, got); }).ok());
    EXPECT_EQ(got.schema, expected.schema);
    EXPECT_EQ(got.people, expected.people);
    EXPECT_EQ(got.versions, expected.versions);
    if (k > 0) {
      std::vector<std::string> carried;
      ASSERT_TRUE((*db)
                      ->Read([&](SqlSession& s) {
                        return Collect(s, "SELECT display_name FROM people WHERE id = 100",
                                       carried);
                      })
                      .ok());
      EXPECT_EQ(carried, std::vector<std::string>{"TEXT:Carried"});
    }
    absl::StatusOr<int> version = 0;
    ASSERT_TRUE((*db)
                    ->Read([&](SqlSession& s) {
                      version = CurrentVersion(s);
                      return version.status();
                    })
                    .ok());
    EXPECT_EQ(*version, 5);
  }
}

TEST(MigrationsFileTest, OpenRefusesAFileMigratedByANewerBinary) {
  test_support::TempDir dir;
  std::vector<Migration> newer = History();
  newer.push_back({6, "add_goals", "CREATE TABLE goals (id INTEGER PRIMARY KEY);"});
  SqliteDatabaseOptions options;
  options.path = dir.path() + "/db";
  options.migrations = newer;
  ASSERT_TRUE(SqliteDatabase::Open(options).ok());

  options.migrations = History();
  absl::StatusOr<SqliteDatabasePtr> db = SqliteDatabase::Open(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(db.status().message(), HasSubstr("version 6 ('add_goals')"));
}

}  // namespace
}  // namespace okr::common
