#include "services/feedback/src/store/feedback_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/feedback/src/store/schema.h"

namespace okr::feedback {
namespace {

constexpr char kColumns[] =
    "id, author, recipient, kind, visibility, anonymous, objective, key_result, goal_private, "
    "request, tags, body, create_time_us, upward";

// Tags are kept as ",a,b," so that one LIKE finds a tag.
std::string TagsColumn(const std::vector<std::string>& tags) {
  return tags.empty() ? std::string() : absl::StrCat(",", absl::StrJoin(tags, ","), ",");
}

Feedback FromRow(const common::SqlRow& row) {
  Feedback f;
  f.id = row.GetString(0);
  f.author = row.GetString(1);
  f.recipient = row.GetString(2);
  f.kind = static_cast<FeedbackKind>(row.GetInt64(3));
  f.visibility = static_cast<Visibility>(row.GetInt64(4));
  f.anonymous = row.GetInt64(5) != 0;
  f.goal.objective = row.GetString(6);
  f.goal.key_result = row.GetString(7);
  f.goal_private = row.GetInt64(8) != 0;
  f.request = row.GetString(9);
  for (absl::string_view tag : absl::StrSplit(row.GetString(10), ',', absl::SkipEmpty())) {
    f.tags.emplace_back(tag);
  }
  f.body = row.GetString(11);
  f.create_time = absl::FromUnixMicros(row.GetInt64(12));
  f.upward = row.GetInt64(13) != 0;
  return f;
}

}  // namespace

const char* FeedbackTablesSql() {
  return R"sql(
CREATE TABLE feedback (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  author TEXT NOT NULL,
  recipient TEXT NOT NULL,
  kind INTEGER NOT NULL,
  visibility INTEGER NOT NULL,
  anonymous INTEGER NOT NULL,
  objective TEXT NOT NULL,
  key_result TEXT NOT NULL,
  goal_private INTEGER NOT NULL,
  request TEXT NOT NULL,
  tags TEXT NOT NULL,
  body TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  upward INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX feedback_by_time ON feedback (tenant, create_time_us DESC, id DESC);
CREATE INDEX feedback_by_recipient ON feedback (tenant, recipient, create_time_us DESC, id DESC);
CREATE INDEX feedback_by_author ON feedback (tenant, author, create_time_us DESC, id DESC);
CREATE INDEX feedback_by_objective ON feedback (tenant, objective, create_time_us DESC, id DESC);
)sql";
}

absl::Status FeedbackStore::Insert(const Feedback& f) {
  return session_.Exec(absl::StrCat("INSERT INTO feedback (tenant, ", kColumns,
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {tenant_, f.id, f.author, f.recipient, static_cast<int64_t>(f.kind),
                        static_cast<int64_t>(f.visibility), int64_t{f.anonymous}, f.goal.objective,
                        f.goal.key_result, int64_t{f.goal_private}, f.request, TagsColumn(f.tags),
                        f.body, absl::ToUnixMicros(f.create_time), int64_t{f.upward}});
}

absl::StatusOr<std::optional<Feedback>> FeedbackStore::Find(const std::string& id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kColumns, " FROM feedback WHERE tenant = ? AND id = ?"),
      {tenant_, id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<Feedback>();
  return std::optional<Feedback>(FromRow(**row));
}

absl::StatusOr<bool> FeedbackStore::Delete(const std::string& id) {
  absl::Status s = session_.Exec("DELETE FROM feedback WHERE tenant = ? AND id = ?", {tenant_, id});
  if (!s.ok()) return s;
  return session_.ChangedRows() > 0;
}

absl::StatusOr<std::vector<Feedback>> FeedbackStore::List(const FeedbackQuery& q) {
  std::string sql = absl::StrCat("SELECT ", kColumns, " FROM feedback WHERE tenant = ?");
  std::vector<common::SqlValue> params = {tenant_};
  auto add = [&](const char* clause, common::SqlValue value) {
    absl::StrAppend(&sql, " AND ", clause);
    params.push_back(std::move(value));
  };
  if (!q.author.empty()) {
    add("author = ?", q.author);
    // An author filter matches anonymous feedback only for its author.
    add("(anonymous = 0 OR author = ?)", q.viewer.person);
  }
  if (!q.recipient.empty()) add("recipient = ?", q.recipient);
  if (q.kind.has_value()) add("kind = ?", static_cast<int64_t>(*q.kind));
  if (q.visibility.has_value()) add("visibility = ?", static_cast<int64_t>(*q.visibility));
  if (!q.key_result.objective.empty()) {
    add("objective = ?", q.key_result.objective);
    add("key_result = ?", q.key_result.key_result);
  } else if (!q.objective.empty()) {
    add("objective = ?", q.objective);
  }
  if (!q.tag.empty()) add("tags LIKE ?", absl::StrCat("%,", q.tag, ",%"));
  if (q.start.has_value()) add("create_time_us >= ?", absl::ToUnixMicros(*q.start));
  if (q.end.has_value()) add("create_time_us < ?", absl::ToUnixMicros(*q.end));
  if (!q.viewer.admin && !q.viewer.service) {
    // PRIVATE feedback only for its two people; MANAGER and PUBLIC are decided by the caller.
    absl::StrAppend(&sql, " AND (visibility <> 1 OR author = ? OR recipient = ?)");
    params.push_back(q.viewer.person);
    params.push_back(q.viewer.person);
  }
  AppendNewestFirstPage(sql, params, q.after, q.limit);
  std::vector<Feedback> out;
  absl::Status s = session_.Query(sql, params, [&](const common::SqlRow& row) {
    out.push_back(FromRow(row));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Feedback>> FeedbackStore::Received(const std::string& recipient,
                                                              absl::Time start, absl::Time end) {
  std::vector<Feedback> out;
  absl::Status s = session_.Query(
      absl::StrCat("SELECT ", kColumns,
                   " FROM feedback WHERE tenant = ? AND recipient = ? AND create_time_us >= ? AND "
                   "create_time_us < ? ORDER BY create_time_us DESC, id DESC"),
      {tenant_, recipient, absl::ToUnixMicros(start), absl::ToUnixMicros(end)},
      [&](const common::SqlRow& row) {
        out.push_back(FromRow(row));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

}  // namespace okr::feedback
