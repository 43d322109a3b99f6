// Transactions and savepoints over any SqlSession: commit when the work succeeds, roll back
// (leaving nothing behind) when it fails.
#ifndef OKR_COMMON_STORAGE_TRANSACTION_H_
#define OKR_COMMON_STORAGE_TRANSACTION_H_

#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "okr/common/storage/session.h"

namespace okr::common {

using SqlWorkFn = absl::FunctionRef<absl::Status(SqlSession&)>;

// Runs `fn` in a transaction: Begin(mode), then COMMIT if `fn` returns OK, otherwise ROLLBACK and
// `fn`'s status. A failed COMMIT is returned (after a rollback). When the session is already in a
// transaction (inside a Database write, for example) the work runs in a savepoint instead, so the
// same store code works standalone and batched.
absl::Status RunInTransaction(SqlSession& session, SqlWorkFn fn,
                              TransactionMode mode = TransactionMode::kWrite);

// Runs `fn` inside `SAVEPOINT name` of the current transaction: released when `fn` returns OK,
// rolled back to (undoing only `fn`'s changes) otherwise, and `fn`'s status returned. `name` must
// be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*). If the engine abandoned the whole transaction
// (SQLite does on some I/O errors), the rollback fails and the returned error says so; the caller
// should check InTransaction().
absl::Status RunInSavepoint(SqlSession& session, std::string_view name, SqlWorkFn fn);

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_TRANSACTION_H_
