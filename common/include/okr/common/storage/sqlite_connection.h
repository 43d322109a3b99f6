// SqliteConnection: one SQLite connection (WAL, busy timeout, foreign keys, cached prepared
// statements) behind the SqlSession interface.
#ifndef OKR_COMMON_STORAGE_SQLITE_CONNECTION_H_
#define OKR_COMMON_STORAGE_SQLITE_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"

struct sqlite3;
struct sqlite3_stmt;

namespace okr::common {

// How hard SQLite syncs the WAL. kFull (the default) fsyncs at every commit, so an acknowledged
// write survives a power loss; kNormal only at checkpoints (survives a process crash, not a power
// loss) and is several times faster.
enum class SqliteSynchronous { kNormal, kFull };

struct SqliteConnectionOptions {
  // A file path. ":memory:" gives a private in-memory database (tests only: no WAL).
  std::string path;
  // Opens with `PRAGMA query_only`: every write fails. For the read pool.
  bool read_only = false;
  SqliteSynchronous synchronous = SqliteSynchronous::kFull;
  // How long a statement waits for a lock held by another connection before UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Prepared statements kept per connection, keyed by SQL text. When full the cache is emptied:
  // the services use a fixed set of statements, so this only bounds the damage of generated SQL.
  size_t statement_cache_size = 256;
  // SQLite's page cache for this connection (PRAGMA cache_size), in KiB.
  int cache_kib = 16384;
  // WAL pages after which a commit on this connection checkpoints (PRAGMA wal_autocheckpoint);
  // 0 keeps SQLite's default.
  int wal_autocheckpoint_pages = 0;
};

class SqliteConnection final : public SqlSession {
 public:
  // Opens (creating the file if needed) and applies the options; on a writable file database also
  // switches the journal to WAL and fails with FAILED_PRECONDITION if that is not possible.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const SqliteConnectionOptions& options);

  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SqlEngine Engine() const override { return SqlEngine::kSqlite; }
  absl::Status Exec(std::string_view sql, SqlParams params = {}) override;
  absl::Status Query(std::string_view sql, SqlParams params, SqlRowFn on_row) override;
  absl::Status ExecScript(std::string_view sql) override;
  int64_t LastInsertId() const override;
  int64_t ChangedRows() const override;
  absl::Status Begin(TransactionMode mode) override;
  bool InTransaction() const override;
  absl::StatusOr<bool> TableExists(std::string_view table) override;

  const std::string& path() const { return path_; }
  size_t CachedStatementCountForTest() const { return cache_.size(); }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  class StatementLease;

  SqliteConnection(sqlite3* db, std::string path, size_t cache_size)
      : db_(db), path_(std::move(path)), cache_size_(cache_size) {}

  // Prepares `sql` (one statement) or takes it from the cache, and binds `params`.
  absl::StatusOr<StatementLease> Prepare(std::string_view sql, SqlParams params);
  absl::Status Run(std::string_view sql, SqlParams params, const SqlRowFn* on_row);
  void ClearCache();

  sqlite3* db_;
  std::string path_;
  size_t cache_size_;
  std::unordered_map<std::string, CachedStatement> cache_;
};

using SqliteConnectionPtr = std::unique_ptr<SqliteConnection>;

// Maps an SQLite result code (extended codes are understood) to an absl::Status, with the
// connection's message and the statement (abbreviated) in the text. `db` may be null.
absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view sql);

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_SQLITE_CONNECTION_H_
