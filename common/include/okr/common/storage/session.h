// SqlSession: one database connection (possibly inside a transaction) as service code sees it,
// independent of the engine, so the same store code runs on SQLite and on PostgreSQL.
#ifndef OKR_COMMON_STORAGE_SESSION_H_
#define OKR_COMMON_STORAGE_SESSION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "okr/common/storage/value.h"

namespace okr::common {

enum class SqlEngine { kSqlite, kPostgres };

// What a transaction is for. kWrite takes the write lock at BEGIN (SQLite: BEGIN IMMEDIATE), so a
// write transaction never fails half-way on a lock upgrade; kRead reads one consistent snapshot.
enum class TransactionMode { kRead, kWrite };

// Called once per result row; a non-OK status stops the query and is returned by Query.
using SqlRowFn = absl::FunctionRef<absl::Status(const SqlRow&)>;

// One connection. Not thread-safe: a session is used by one thread at a time (the Database hands
// each one out to exactly one caller).
//
// SQL uses `?` placeholders, bound in order from `params`. Errors are mapped to absl codes the same
// way by every engine, with the engine's message in the text:
//   unique or primary key violation            -> ALREADY_EXISTS
//   other constraint (foreign key, check, ...) -> FAILED_PRECONDITION
//   lock not obtained in time (busy)           -> UNAVAILABLE
//   disk full / out of memory                  -> RESOURCE_EXHAUSTED
//   corrupt file, not a database               -> DATA_LOSS
//   wrong number of values, empty SQL          -> INVALID_ARGUMENT
//   anything else                              -> INTERNAL
class SqlSession {
 public:
  virtual ~SqlSession() = default;

  virtual SqlEngine Engine() const = 0;

  // Runs one statement to completion, discarding any rows it returns.
  virtual absl::Status Exec(std::string_view sql, SqlParams params = {}) = 0;

  // Runs one statement and calls `on_row` for each row, in order. `on_row` may run other statements
  // on this session.
  virtual absl::Status Query(std::string_view sql, SqlParams params, SqlRowFn on_row) = 0;

  // Runs several `;`-separated statements without parameters (migration scripts).
  virtual absl::Status ExecScript(std::string_view sql) = 0;

  // Rowid of the last successful INSERT on this session (SQLite). Portable code prefers
  // `INSERT ... RETURNING id`, which both engines support.
  virtual int64_t LastInsertId() const = 0;
  // Rows changed by the last INSERT/UPDATE/DELETE on this session.
  virtual int64_t ChangedRows() const = 0;

  // Transaction control; prefer RunInTransaction (transaction.h), which pairs them up.
  virtual absl::Status Begin(TransactionMode mode) = 0;
  virtual bool InTransaction() const = 0;

  virtual absl::StatusOr<bool> TableExists(std::string_view table) = 0;

  // Conveniences over Query.
  absl::StatusOr<std::vector<SqlRow>> QueryAll(std::string_view sql, SqlParams params = {});
  // The first row, or nullopt when there is none. Further rows are read and dropped: add LIMIT 1
  // when there may be many.
  absl::StatusOr<std::optional<SqlRow>> QueryOne(std::string_view sql, SqlParams params = {});
};

using SqlSessionPtr = std::unique_ptr<SqlSession>;

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_SESSION_H_
