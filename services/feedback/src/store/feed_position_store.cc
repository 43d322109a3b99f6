#include "services/feedback/src/store/feed_position_store.h"

#include "services/feedback/src/store/schema.h"

namespace okr::feedback {

const char* FeedPositionTablesSql() {
  return R"sql(
CREATE TABLE feed_positions (
  feed TEXT NOT NULL,
  tenant TEXT NOT NULL,
  resume_token TEXT NOT NULL,
  PRIMARY KEY (feed, tenant)
) WITHOUT ROWID;
)sql";
}

absl::StatusOr<std::string> FeedPositionStore::Load() {
  std::string token;
  absl::Status s = database_->Read([&](common::SqlSession& session) {
    auto row = session.QueryOne(
        "SELECT resume_token FROM feed_positions WHERE feed = ? AND tenant = ?", {feed_, tenant_});
    if (!row.ok()) return row.status();
    if (row->has_value()) token = (*row)->GetString(0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return token;
}

absl::Status FeedPositionStore::Save(absl::string_view token) {
  std::string value(token);
  return database_->WriteAndWait([this, value](common::SqlSession& session) {
    return session.Exec(
        "INSERT INTO feed_positions (feed, tenant, resume_token) VALUES (?, ?, ?) "
        "ON CONFLICT (feed, tenant) DO UPDATE SET resume_token = excluded.resume_token",
        {feed_, tenant_, value});
  });
}

}  // namespace okr::feedback
