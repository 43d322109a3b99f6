#include "okr/common/storage/migrations.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/common/storage/transaction.h"

namespace okr::common {
namespace {

struct AppliedMigration {
  int version;
  std::string name;
};

absl::Status ValidateList(std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration list is invalid: version ", m.version, " ('", m.name, "') ",
          m.version <= 0 ? "is not positive" : absl::StrCat("does not follow version ", previous),
          "; versions must be positive and strictly increasing"));
    }
    previous = m.version;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AppliedMigration>> ReadApplied(SqlSession& session) {
  std::vector<AppliedMigration> applied;
  absl::Status status = session.Query(
      absl::StrCat("SELECT version, name FROM ", kSchemaMigrationsTable, " ORDER BY version"), {},
      [&applied](const SqlRow& row) {
        applied.push_back({static_cast<int>(row.GetInt64(0)), row.GetString(1)});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return applied;
}

const Migration* Find(std::span<const Migration> migrations, int version) {
  auto it = std::lower_bound(migrations.begin(), migrations.end(), version,
                             [](const Migration& m, int v) { return m.version < v; });
  return it != migrations.end() && it->version == version ? &*it : nullptr;
}

// Whether this binary may migrate (or use) a database with `applied` migrations.
absl::Status CheckApplied(const std::vector<AppliedMigration>& applied,
                          std::span<const Migration> migrations) {
  int known = migrations.empty() ? 0 : migrations.back().version;
  for (const AppliedMigration& a : applied) {
    const Migration* m = Find(migrations, a.version);
    if (m == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("database has schema version ", a.version, " ('", a.name,
                       "'), which this binary does not know (it knows versions up to ", known,
                       "): a newer release migrated it; run that release or restore a backup"));
    }
    if (m->name != a.name) {
      return absl::FailedPreconditionError(
          absl::StrCat("database records schema version ", a.version, " as '", a.name,
                       "' but this binary's migration ", a.version, " is '", m->name,
                       "': two different migrations share a version number"));
    }
  }
  if (applied.empty()) return absl::OkStatus();
  const AppliedMigration& last = applied.back();
  for (const Migration& m : migrations) {
    if (m.version >= last.version) break;
    bool done = std::any_of(applied.begin(), applied.end(),
                            [&m](const AppliedMigration& a) { return a.version == m.version; });
    if (!done) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", m.version, " ('", m.name, "') was never applied but later version ",
          last.version, " ('", last.name, "') was: it was added out of order"));
    }
  }
  return absl::OkStatus();
}

absl::Status Annotate(const absl::Status& status, const Migration& m) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("migration ", m.version, " ('", m.name,
                                                  "'): ", status.message()));
}

}  // namespace

absl::Status Migrate(SqlSession& session, std::span<const Migration> migrations) {
  if (absl::Status status = ValidateList(migrations); !status.ok()) return status;
  absl::Status status = session.Exec(
      absl::StrCat("CREATE TABLE IF NOT EXISTS ", kSchemaMigrationsTable,
                   " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
  if (!status.ok()) return status;

  absl::StatusOr<std::vector<AppliedMigration>> applied = ReadApplied(session);
  if (!applied.ok()) return applied.status();
  if (status = CheckApplied(*applied, migrations); !status.ok()) return status;

  for (const Migration& m : migrations) {
    if (std::any_of(applied->begin(), applied->end(),
                    [&m](const AppliedMigration& a) { return a.version == m.version; })) {
      continue;
    }
    status = RunInTransaction(session, [&](SqlSession& tx) -> absl::Status {
      // Looked at again under the write lock: another process may have migrated meanwhile.
      absl::StatusOr<std::vector<AppliedMigration>> now = ReadApplied(tx);
      if (!now.ok()) return now.status();
      if (absl::Status check = CheckApplied(*now, migrations); !check.ok()) return check;
      for (const AppliedMigration& a : *now) {
        if (a.version == m.version) return absl::OkStatus();
      }
      if (absl::Status run = tx.ExecScript(m.sql); !run.ok()) return Annotate(run, m);
      std::string applied_at =
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
      return Annotate(tx.Exec(absl::StrCat("INSERT INTO ", kSchemaMigrationsTable,
                                           " (version, name, applied_at) VALUES (?, ?, ?)"),
                              {int64_t{m.version}, m.name, applied_at}),
                      m);
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CurrentVersion(SqlSession& session) {
  absl::StatusOr<bool> exists = session.TableExists(kSchemaMigrationsTable);
  if (!exists.ok()) return exists.status();
  if (!*exists) return 0;
  absl::StatusOr<std::optional<SqlRow>> row =
      session.QueryOne(absl::StrCat("SELECT MAX(version) FROM ", kSchemaMigrationsTable));
  if (!row.ok()) return row.status();
  return row->has_value() ? static_cast<int>((*row)->GetInt64(0)) : 0;
}

}  // namespace okr::common
