#include "okr/common/changelog/change_log_store.h"

#include <memory>

namespace okr::common {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  commit_time_us INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  resource TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  path TEXT NOT NULL,
  scope TEXT NOT NULL,
  payload BLOB NOT NULL
);
CREATE INDEX change_log_by_tenant ON change_log (tenant, seq);
CREATE TABLE change_log_horizon (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pruned_through INTEGER NOT NULL
);
INSERT INTO change_log_horizon (id, pruned_through) VALUES (1, 0);
)sql";

constexpr char kColumns[] =
    "seq, tenant, commit_time_us, kind, resource, partition_key, path, scope, payload";

absl::StatusOr<ChangeEntryPtr> EntryFromRow(const SqlRow& row) {
  auto entry = std::make_shared<ChangeEntry>();
  auto seq = row.CheckedInt64(0);
  if (!seq.ok()) return seq.status();
  entry->seq = *seq;
  entry->tenant = row.GetString(1);
  entry->commit_time = absl::FromUnixMicros(row.GetInt64(2));
  entry->kind = static_cast<int32_t>(row.GetInt64(3));
  entry->resource = row.GetString(4);
  entry->partition = row.GetString(5);
  entry->path = row.GetString(6);
  entry->scope = row.GetString(7);
  entry->payload = row.GetBlob(8);
  return entry;
}

}  // namespace

const char* ChangeLogSchemaSql() { return kSchema; }

absl::Status ChangeLogStore::Append(SqlSession& session, ChangeEntry& entry) {
  absl::Status s = session.Exec(
      "INSERT INTO change_log (tenant, commit_time_us, kind, resource, partition_key, path, scope, "
      "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {entry.tenant, absl::ToUnixMicros(entry.commit_time), int64_t{entry.kind}, entry.resource,
       entry.partition, entry.path, entry.scope, Blob(entry.payload)});
  if (!s.ok()) return s;
  entry.seq = session.LastInsertId();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ChangeEntryPtr>> ChangeLogStore::ReadAfter(SqlSession& session,
                                                                      const std::string& tenant,
                                                                      int64_t after, int64_t up_to,
                                                                      int limit) {
  std::vector<ChangeEntryPtr> entries;
  absl::Status s = session.Query(
      std::string("SELECT ") + kColumns +
          " FROM change_log WHERE tenant = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
      {tenant, after, up_to, int64_t{limit}}, [&](const SqlRow& row) -> absl::Status {
        auto entry = EntryFromRow(row);
        if (!entry.ok()) return entry.status();
        entries.push_back(*std::move(entry));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return entries;
}

absl::StatusOr<ChangeLogBounds> ChangeLogStore::Bounds(SqlSession& session) {
  ChangeLogBounds bounds;
  auto horizon = session.QueryOne("SELECT pruned_through FROM change_log_horizon WHERE id = 1");
  if (!horizon.ok()) return horizon.status();
  if (horizon->has_value()) bounds.pruned_through = (*horizon)->GetInt64(0);
  // The AUTOINCREMENT counter survives pruning every row, so positions never repeat.
  auto last = session.QueryOne("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'");
  if (!last.ok()) return last.status();
  if (last->has_value()) bounds.last_seq = (*last)->GetInt64(0);
  if (bounds.last_seq < bounds.pruned_through) bounds.last_seq = bounds.pruned_through;
  return bounds;
}

absl::StatusOr<int64_t> ChangeLogStore::Prune(SqlSession& session, absl::Time before, int limit) {
  // Walks the oldest rows in position order (the primary key) rather than scanning by time: rows
  // are in commit order, so the first one not older than `before` ends the walk.
  int64_t last = 0;
  const int64_t before_us = absl::ToUnixMicros(before);
  absl::Status walked =
      session.Query("SELECT seq, commit_time_us FROM change_log ORDER BY seq LIMIT ?",
                    {int64_t{limit}}, [&](const SqlRow& row) -> absl::Status {
                      if (row.GetInt64(1) >= before_us) return absl::CancelledError("done");
                      last = row.GetInt64(0);
                      return absl::OkStatus();
                    });
  if (!walked.ok() && !absl::IsCancelled(walked)) return walked;
  if (last == 0) return 0;
  if (absl::Status s = session.Exec("DELETE FROM change_log WHERE seq <= ?", {last}); !s.ok()) {
    return s;
  }
  const int64_t deleted = session.ChangedRows();
  absl::Status s = session.Exec(
      "UPDATE change_log_horizon SET pruned_through = MAX(pruned_through, ?) WHERE id = 1", {last});
  if (!s.ok()) return s;
  return deleted;
}

}  // namespace okr::common
