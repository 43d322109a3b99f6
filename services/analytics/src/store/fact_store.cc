#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {
namespace {

constexpr char kPutSql[] =
    "INSERT INTO facts (tenant, kind, id, payload) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (tenant, kind, id) DO UPDATE SET payload = excluded.payload";

absl::Status SaveToken(common::SqlSession& session, const std::string& tenant, Feed feed,
                       const std::string& token) {
  return session.Exec(
      "INSERT INTO feed_positions (tenant, feed, resume_token) VALUES (?, ?, ?) "
      "ON CONFLICT (tenant, feed) DO UPDATE SET resume_token = excluded.resume_token",
      {tenant, FeedName(feed), token});
}

}  // namespace

const char* FeedName(Feed feed) { return feed == Feed::kGoals ? "goals" : "feedback"; }

Feed FeedOf(FactKind kind) {
  return static_cast<int>(kind) <= static_cast<int>(FactKind::kTeam) ? Feed::kGoals
                                                                     : Feed::kFeedback;
}

std::vector<common::Migration> AnalyticsMigrations() {
  // A released migration is never edited: a schema change is a new entry.
  return {
      {1, "tenants, feed positions, facts", R"sql(
CREATE TABLE tenants (
  tenant TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE feed_positions (
  tenant TEXT NOT NULL,
  feed TEXT NOT NULL,
  resume_token TEXT NOT NULL,
  PRIMARY KEY (tenant, feed)
) WITHOUT ROWID;
CREATE TABLE facts (
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  payload BLOB NOT NULL,
  PRIMARY KEY (tenant, kind, id)
) WITHOUT ROWID;
)sql"},
      {2, "daily trend points", R"sql(
CREATE TABLE trend_days (
  tenant TEXT NOT NULL,
  cycle TEXT NOT NULL,
  day TEXT NOT NULL,
  PRIMARY KEY (tenant, cycle, day)
) WITHOUT ROWID;
CREATE TABLE trend_points (
  tenant TEXT NOT NULL,
  cycle TEXT NOT NULL,
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  progress REAL NOT NULL,
  on_track INTEGER NOT NULL,
  at_risk INTEGER NOT NULL,
  off_track INTEGER NOT NULL,
  no_measure INTEGER NOT NULL,
  stale_key_results INTEGER NOT NULL,
  check_in_rate REAL NOT NULL,
  PRIMARY KEY (tenant, cycle, scope, day)
) WITHOUT ROWID;
)sql"},
  };
}

absl::StatusOr<std::vector<FactOp>> FactStore::Apply(const std::string& tenant, Feed feed,
                                                     std::vector<FactOp> ops,
                                                     const std::string& token) {
  std::vector<FactOp> applied;
  absl::Status s = database_->WriteAndWait([&](common::SqlSession& session) -> absl::Status {
    applied.clear();
    for (FactOp& op : ops) {
      const int64_t kind = static_cast<int64_t>(op.kind);
      if (op.type == FactOp::Type::kPatch) {
        auto row =
            session.QueryOne("SELECT payload FROM facts WHERE tenant = ? AND kind = ? AND id = ?",
                             {tenant, kind, op.id});
        if (!row.ok()) return row.status();
        if (!row->has_value()) continue;
        auto patched = op.patch((*row)->GetBlob(0));
        if (!patched.ok()) return patched.status();
        FactOp put;
        put.kind = op.kind;
        put.id = op.id;
        put.payload = *std::move(patched);
        op = std::move(put);
      }
      if (op.type == FactOp::Type::kPut) {
        if (absl::Status e = session.Exec(kPutSql, {tenant, kind, op.id, common::Blob(op.payload)});
            !e.ok()) {
          return e;
        }
      } else {
        if (absl::Status e =
                session.Exec("DELETE FROM facts WHERE tenant = ? AND kind = ? AND id = ?",
                             {tenant, kind, op.id});
            !e.ok()) {
          return e;
        }
      }
      applied.push_back(op);
    }
    return SaveToken(session, tenant, feed, token);
  });
  if (!s.ok()) return s;
  return applied;
}

absl::Status FactStore::Replace(const std::string& tenant, Feed feed,
                                const std::vector<FactOp>& puts) {
  return database_->WriteAndWait([&](common::SqlSession& session) -> absl::Status {
    const int64_t first = feed == Feed::kGoals ? 0 : static_cast<int64_t>(FactKind::kFeedback);
    const int64_t last = feed == Feed::kGoals ? static_cast<int64_t>(FactKind::kTeam)
                                              : static_cast<int64_t>(FactKind::kOneOnOne);
    if (absl::Status e =
            session.Exec("DELETE FROM facts WHERE tenant = ? AND kind >= ? AND kind <= ?",
                         {tenant, first, last});
        !e.ok()) {
      return e;
    }
    for (const FactOp& op : puts) {
      if (absl::Status e = session.Exec(
              kPutSql, {tenant, static_cast<int64_t>(op.kind), op.id, common::Blob(op.payload)});
          !e.ok()) {
        return e;
      }
    }
    return absl::OkStatus();
  });
}

absl::Status FactStore::Load(
    const std::string& tenant,
    const std::function<absl::Status(FactKind, const std::string&, const std::string&)>& fn) {
  return database_->Read([&](common::SqlSession& session) {
    return session.Query("SELECT kind, id, payload FROM facts WHERE tenant = ? ORDER BY kind, id",
                         {tenant}, [&](const common::SqlRow& row) {
                           return fn(static_cast<FactKind>(row.GetInt64(0)), row.GetString(1),
                                     row.GetBlob(2));
                         });
  });
}

absl::StatusOr<std::vector<std::string>> FactStore::Tenants() {
  std::vector<std::string> tenants;
  absl::Status s = database_->Read([&](common::SqlSession& session) {
    return session.Query("SELECT tenant FROM tenants ORDER BY tenant", {},
                         [&](const common::SqlRow& row) {
                           tenants.push_back(row.GetString(0));
                           return absl::OkStatus();
                         });
  });
  if (!s.ok()) return s;
  return tenants;
}

absl::Status FactStore::AddTenant(const std::string& tenant) {
  return database_->WriteAndWait([&](common::SqlSession& session) {
    return session.Exec("INSERT INTO tenants (tenant) VALUES (?) ON CONFLICT DO NOTHING", {tenant});
  });
}

absl::StatusOr<std::string> FactStore::Position(const std::string& tenant, Feed feed) {
  std::string token;
  absl::Status s = database_->Read([&](common::SqlSession& session) {
    auto row =
        session.QueryOne("SELECT resume_token FROM feed_positions WHERE tenant = ? AND feed = ?",
                         {tenant, FeedName(feed)});
    if (!row.ok()) return row.status();
    if (row->has_value()) token = (*row)->GetString(0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return token;
}

absl::Status FactStore::SavePosition(const std::string& tenant, Feed feed,
                                     const std::string& token) {
  return database_->WriteAndWait(
      [&](common::SqlSession& session) { return SaveToken(session, tenant, feed, token); });
}

}  // namespace okr::analytics
