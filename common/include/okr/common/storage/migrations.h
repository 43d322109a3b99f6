// Versioned schema migrations: each database records which numbered migrations it has had, and a
// binary applies the ones it is missing, in order, each in its own transaction.
#ifndef OKR_COMMON_STORAGE_MIGRATIONS_H_
#define OKR_COMMON_STORAGE_MIGRATIONS_H_

#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "okr/common/storage/session.h"

namespace okr::common {

// One schema change. `version` identifies it (positive, strictly increasing through the list),
// `name` names it for humans and is checked against what the database recorded (two different
// migrations with the same number are refused). `sql` is one or more `;`-separated statements; it
// runs inside a transaction, so it must not contain BEGIN/COMMIT, VACUUM or PRAGMA journal_mode.
// A migration, once released, is never edited: a change is a new migration.
struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// The table that records applied migrations.
inline constexpr char kSchemaMigrationsTable[] = "schema_migrations";

// Brings the database to the last version in `migrations`: creates schema_migrations if needed,
// then applies each pending migration (and records it) in its own transaction, in version order.
// Safe to run concurrently from several processes: a migration another one applied meanwhile is
// skipped. Refuses with FAILED_PRECONDITION, changing nothing, when
//  - the list's versions are not positive and strictly increasing;
//  - the database has a version the list does not have (a newer binary migrated it), or one whose
//    recorded name differs from the list's;
//  - a pending version is lower than one already applied (it was added out of order).
// When a migration fails, the ones before it stay applied and its error is returned.
absl::Status Migrate(SqlSession& session, std::span<const Migration> migrations);

// The highest applied version; 0 for a database that was never migrated. Reads only.
absl::StatusOr<int> CurrentVersion(SqlSession& session);

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_MIGRATIONS_H_
