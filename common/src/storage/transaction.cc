#include "okr/common/storage/transaction.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace okr::common {
namespace {

bool IsIdentifier(std::string_view name) {
  if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Keeps the work's error, and adds what the cleanup said when that failed too.
absl::Status WithCleanupError(const absl::Status& work, const absl::Status& cleanup) {
  if (cleanup.ok()) return work;
  return absl::Status(
      work.code(),
      absl::StrCat(work.message(), " (then the rollback failed: ", cleanup.message(), ")"));
}

}  // namespace

absl::Status RunInTransaction(SqlSession& session, SqlWorkFn fn, TransactionMode mode) {
  if (session.InTransaction()) return RunInSavepoint(session, "okr_nested", fn);
  if (absl::Status begin = session.Begin(mode); !begin.ok()) return begin;
  absl::Status status = fn(session);
  if (status.ok()) {
    status = session.Exec("COMMIT");
    if (status.ok()) return status;
  }
  // The engine may already have ended the transaction (SQLite does on some errors).
  if (!session.InTransaction()) return status;
  return WithCleanupError(status, session.Exec("ROLLBACK"));
}

absl::Status RunInSavepoint(SqlSession& session, std::string_view name, SqlWorkFn fn) {
  if (!IsIdentifier(name)) {
    return absl::InvalidArgumentError(absl::StrCat("bad savepoint name '", std::string(name), "'"));
  }
  std::string savepoint(name);
  if (absl::Status begin = session.Exec(absl::StrCat("SAVEPOINT ", savepoint)); !begin.ok()) {
    return begin;
  }
  absl::Status status = fn(session);
  if (status.ok()) {
    status = session.Exec(absl::StrCat("RELEASE SAVEPOINT ", savepoint));
    if (status.ok()) return status;
  }
  absl::Status cleanup = session.Exec(absl::StrCat("ROLLBACK TO SAVEPOINT ", savepoint));
  if (cleanup.ok()) cleanup = session.Exec(absl::StrCat("RELEASE SAVEPOINT ", savepoint));
  return WithCleanupError(status, cleanup);
}

}  // namespace okr::common
