#include "okr/common/storage/sqlite_connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace okr::common {
namespace {

std::string_view CodeName(int rc) {
  switch (rc) {
    case SQLITE_ERROR:
      return "SQLITE_ERROR";
    case SQLITE_INTERNAL:
      return "SQLITE_INTERNAL";
    case SQLITE_PERM:
      return "SQLITE_PERM";
    case SQLITE_ABORT:
      return "SQLITE_ABORT";
    case SQLITE_BUSY:
      return "SQLITE_BUSY";
    case SQLITE_BUSY_SNAPSHOT:
      return "SQLITE_BUSY_SNAPSHOT";
    case SQLITE_BUSY_RECOVERY:
      return "SQLITE_BUSY_RECOVERY";
    case SQLITE_LOCKED:
      return "SQLITE_LOCKED";
    case SQLITE_NOMEM:
      return "SQLITE_NOMEM";
    case SQLITE_READONLY:
      return "SQLITE_READONLY";
    case SQLITE_INTERRUPT:
      return "SQLITE_INTERRUPT";
    case SQLITE_IOERR:
      return "SQLITE_IOERR";
    case SQLITE_CORRUPT:
      return "SQLITE_CORRUPT";
    case SQLITE_FULL:
      return "SQLITE_FULL";
    case SQLITE_CANTOPEN:
      return "SQLITE_CANTOPEN";
    case SQLITE_TOOBIG:
      return "SQLITE_TOOBIG";
    case SQLITE_CONSTRAINT:
      return "SQLITE_CONSTRAINT";
    case SQLITE_CONSTRAINT_UNIQUE:
      return "SQLITE_CONSTRAINT_UNIQUE";
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return "SQLITE_CONSTRAINT_PRIMARYKEY";
    case SQLITE_CONSTRAINT_ROWID:
      return "SQLITE_CONSTRAINT_ROWID";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "SQLITE_CONSTRAINT_FOREIGNKEY";
    case SQLITE_CONSTRAINT_NOTNULL:
      return "SQLITE_CONSTRAINT_NOTNULL";
    case SQLITE_CONSTRAINT_CHECK:
      return "SQLITE_CONSTRAINT_CHECK";
    case SQLITE_CONSTRAINT_TRIGGER:
      return "SQLITE_CONSTRAINT_TRIGGER";
    case SQLITE_MISMATCH:
      return "SQLITE_MISMATCH";
    case SQLITE_MISUSE:
      return "SQLITE_MISUSE";
    case SQLITE_RANGE:
      return "SQLITE_RANGE";
    case SQLITE_NOTADB:
      return "SQLITE_NOTADB";
    default:
      return {};
  }
}

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
          rc == SQLITE_CONSTRAINT_ROWID) {
        return absl::StatusCode::kAlreadyExists;
      }
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_CANTOPEN:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_INTERRUPT:
      return absl::StatusCode::kCancelled;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kInternal;
  }
}

// Statements in messages are cut short: the text is for a human finding the call site.
std::string Abbreviate(std::string_view sql) {
  constexpr size_t kMax = 120;
  std::string out;
  out.reserve(std::min(sql.size(), kMax) + 3);
  bool space = false;
  for (char c : sql) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (out.size() >= kMax) {
      out += "...";
      return out;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool OnlySpaceOrSemicolons(const char* p, const char* end) {
  for (; p < end && *p != '\0'; ++p) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
  }
  return true;
}

}  // namespace

absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view sql) {
  std::string_view name = CodeName(rc);
  std::string message =
      absl::StrCat("sqlite: ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), " [",
                   name.empty() ? absl::StrCat("SQLITE code ", rc) : std::string(name), "]");
  if (!sql.empty()) absl::StrAppend(&message, " in `", Abbreviate(sql), "`");
  return absl::Status(CodeFor(rc), message);
}

// A prepared statement on loan to one Run: hands it back reset and unbound (so no pointer into the
// caller's parameters survives), or finalizes it when it was a one-off.
class SqliteConnection::StatementLease {
 public:
  StatementLease(sqlite3_stmt* stmt, CachedStatement* cached) : stmt_(stmt), cached_(cached) {
    if (cached_ != nullptr) cached_->in_use = true;
  }
  StatementLease(StatementLease&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)),
        cached_(std::exchange(other.cached_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (stmt_ == nullptr) return;
    if (cached_ == nullptr) {
      sqlite3_finalize(stmt_);
      return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    cached_->in_use = false;
  }

  sqlite3_stmt* stmt() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
  CachedStatement* cached_;
};

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const SqliteConnectionOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("sqlite: empty database path");
  // NOMUTEX: a connection is only ever used by one thread at a time (see SqlSession).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  // A reader must never create the file: that would hide a wrong path behind an empty database.
  if (!options.read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteStatus(rc, db, {});
    sqlite3_close_v2(db);
    return absl::Status(status.code(),
                        absl::StrCat("opening '", options.path, "': ", status.message()));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(std::min<int64_t>(
                               absl::ToInt64Milliseconds(options.busy_timeout), INT_MAX)));
  std::unique_ptr<SqliteConnection> conn(
      new SqliteConnection(db, options.path, options.statement_cache_size));

  auto fail = [&](const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat("opening '", options.path, "': ", status.message()));
  };
  if (!options.read_only) {
    absl::StatusOr<std::optional<SqlRow>> mode = conn->QueryOne("PRAGMA journal_mode=WAL");
    if (!mode.ok()) return fail(mode.status());
    std::string got = *mode ? (*mode)->GetString(0) : "";
    const char* file = sqlite3_db_filename(db, "main");
    bool in_memory = file == nullptr || file[0] == '\0';
    if (absl::AsciiStrToLower(got) != "wal" && !in_memory) {
      return fail(absl::FailedPreconditionError(
          absl::StrCat("could not switch the journal to WAL (journal_mode is '", got,
                       "'); is the file on a filesystem without shared memory support?")));
    }
  }
  absl::Status status =
      conn->Exec(options.synchronous == SqliteSynchronous::kFull ? "PRAGMA synchronous=FULL"
                                                                 : "PRAGMA synchronous=NORMAL");
  if (status.ok()) status = conn->Exec("PRAGMA foreign_keys=ON");
  // Savepoint sub-journals (one per write of a group commit) stay in memory, not in temp files.
  if (status.ok()) status = conn->Exec("PRAGMA temp_store=MEMORY");
  if (status.ok()) status = conn->Exec(absl::StrCat("PRAGMA cache_size=-", options.cache_kib));
  if (status.ok() && !options.read_only && options.wal_autocheckpoint_pages > 0) {
    status =
        conn->Exec(absl::StrCat("PRAGMA wal_autocheckpoint=", options.wal_autocheckpoint_pages));
  }
  if (status.ok() && options.read_only) status = conn->Exec("PRAGMA query_only=ON");
  if (!status.ok()) return fail(status);
  return conn;
}

SqliteConnection::~SqliteConnection() {
  ClearCache();
  sqlite3_close_v2(db_);
}

void SqliteConnection::ClearCache() {
  for (auto it = cache_.begin(); it != cache_.end();) {
    // A statement still stepping (a nested Query) stays: its lease points at the entry.
    if (it->second.in_use) {
      ++it;
      continue;
    }
    sqlite3_finalize(it->second.stmt);
    it = cache_.erase(it);
  }
}

absl::StatusOr<SqliteConnection::StatementLease> SqliteConnection::Prepare(std::string_view sql,
                                                                           SqlParams params) {
  if (sql.size() >= static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("sqlite: statement too long");
  }
  std::optional<StatementLease> lease;
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !it->second.in_use) {
    lease.emplace(it->second.stmt, &it->second);
  } else {
    // The same statement already stepping (a nested Query) gets a one-off copy.
    bool cacheable = it == cache_.end() && cache_size_ > 0;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                cacheable ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteStatus(rc, db_, sql);
    if (stmt == nullptr) return absl::InvalidArgumentError("sqlite: empty SQL statement");
    if (!OnlySpaceOrSemicolons(tail, sql.data() + sql.size())) {
      sqlite3_finalize(stmt);
      return absl::InvalidArgumentError(absl::StrCat(
          "sqlite: more than one statement (use ExecScript) in `", Abbreviate(sql), "`"));
    }
    if (cacheable) {
      if (cache_.size() >= cache_size_) ClearCache();
      auto [pos, inserted] = cache_.emplace(std::string(sql), CachedStatement{stmt, false});
      lease.emplace(stmt, &pos->second);
    } else {
      lease.emplace(stmt, nullptr);
    }
  }

  sqlite3_stmt* stmt = lease->stmt();
  int wanted = sqlite3_bind_parameter_count(stmt);
  if (static_cast<size_t>(wanted) != params.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sqlite: statement has ", wanted, " placeholders but ", params.size(),
                     " values were given in `", Abbreviate(sql), "`"));
  }
  int index = 0;
  for (const SqlValue& value : params.values()) {
    ++index;
    int rc = SQLITE_OK;
    // SQLITE_STATIC: the lease clears the bindings before the caller's values can go away.
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt, index, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      const std::string& bytes = std::get<Blob>(value).bytes;
      // data() is never null, so an empty Blob binds as an empty BLOB, not NULL.
      rc = sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return SqliteStatus(rc, db_, sql);
  }
  return std::move(*lease);
}

absl::Status SqliteConnection::Run(std::string_view sql, SqlParams params, const SqlRowFn* on_row) {
  absl::StatusOr<StatementLease> lease = Prepare(sql, params);
  if (!lease.ok()) return lease.status();
  sqlite3_stmt* stmt = lease->stmt();
  std::shared_ptr<const std::vector<std::string>> names;
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return absl::OkStatus();
    if (rc != SQLITE_ROW) return SqliteStatus(rc, db_, sql);
    if (on_row == nullptr) continue;
    int columns = sqlite3_column_count(stmt);
    if (names == nullptr) {
      auto n = std::make_shared<std::vector<std::string>>();
      n->reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        const char* name = sqlite3_column_name(stmt, c);
        n->emplace_back(name != nullptr ? name : "");
      }
      names = std::move(n);
    }
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          values.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_TEXT: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          int size = sqlite3_column_bytes(stmt, c);
          values.emplace_back(std::string(text != nullptr ? text : "", static_cast<size_t>(size)));
          break;
        }
        case SQLITE_BLOB: {
          const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          int size = sqlite3_column_bytes(stmt, c);
          values.emplace_back(
              Blob(data != nullptr ? std::string(data, static_cast<size_t>(size)) : std::string()));
          break;
        }
        default:
          values.emplace_back(std::monostate{});
          break;
      }
    }
    absl::Status status = (*on_row)(SqlRow(std::move(values), names));
    if (!status.ok()) return status;
  }
}

absl::Status SqliteConnection::Exec(std::string_view sql, SqlParams params) {
  return Run(sql, params, nullptr);
}

absl::Status SqliteConnection::Query(std::string_view sql, SqlParams params, SqlRowFn on_row) {
  return Run(sql, params, &on_row);
}

absl::Status SqliteConnection::ExecScript(std::string_view sql) {
  std::string script(sql);
  int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, sql);
  return absl::OkStatus();
}

int64_t SqliteConnection::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int64_t SqliteConnection::ChangedRows() const { return sqlite3_changes64(db_); }

absl::Status SqliteConnection::Begin(TransactionMode mode) {
  return Exec(mode == TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

absl::StatusOr<bool> SqliteConnection::TableExists(std::string_view table) {
  absl::StatusOr<std::optional<SqlRow>> row = QueryOne(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {std::string(table)});
  if (!row.ok()) return row.status();
  return row->has_value();
}

}  // namespace okr::common
