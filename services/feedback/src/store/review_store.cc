#include "services/feedback/src/store/review_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "okr/common/logging/log.h"
#include "services/feedback/src/store/schema.h"

namespace okr::feedback {
namespace {

constexpr char kCycleColumns[] =
    "id, definition, start_date, end_date, goals_cycle, goals_start_date, announced_state, "
    "create_time_us";

constexpr char kReviewColumns[] =
    "cycle, reviewee, reviewer, self_assessment, manager_assessment, goals_frozen_time_us, "
    "version, create_time_us, update_time_us";

// Response state ANSWERED of feedback_request_recipients (request_store.cc).
constexpr int64_t kResponseAnswered = 2;

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay ParseDay(const std::string& text) {
  absl::CivilDay day;
  absl::ParseCivilTime(text, &day);
  return day;
}

common::SqlValue OptionalBlob(const std::optional<std::string>& bytes) {
  if (!bytes.has_value()) return common::kSqlNull;
  return common::Blob(*bytes);
}

ReviewCycleRecord CycleFromRow(const common::SqlRow& row, size_t first) {
  ReviewCycleRecord c;
  c.id = row.GetString(first);
  c.definition = row.GetBlob(first + 1);
  c.start_date = ParseDay(row.GetString(first + 2));
  c.end_date = ParseDay(row.GetString(first + 3));
  c.goals_cycle = row.GetString(first + 4);
  c.goals_start_date = ParseDay(row.GetString(first + 5));
  c.announced_state = static_cast<int>(row.GetInt64(first + 6));
  c.create_time = absl::FromUnixMicros(row.GetInt64(first + 7));
  return c;
}

ReviewRecord ReviewFromRow(const common::SqlRow& row) {
  ReviewRecord r;
  r.cycle = row.GetString(0);
  r.reviewee = row.GetString(1);
  r.reviewer = row.GetString(2);
  if (!row.IsNull(3)) r.self_assessment = row.GetBlob(3);
  if (!row.IsNull(4)) r.manager_assessment = row.GetBlob(4);
  if (!row.IsNull(5)) r.goals_frozen_time = absl::FromUnixMicros(row.GetInt64(5));
  r.version = row.GetInt64(6);
  r.create_time = absl::FromUnixMicros(row.GetInt64(7));
  r.update_time = absl::FromUnixMicros(row.GetInt64(8));
  return r;
}

}  // namespace

const char* ReviewTablesSql() {
  return R"sql(
CREATE TABLE review_cycles (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  definition BLOB NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  goals_cycle TEXT NOT NULL,
  goals_start_date TEXT NOT NULL,
  announced_state INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX review_cycles_to_announce ON review_cycles (announced_state, tenant, id);
CREATE TABLE reviews (
  tenant TEXT NOT NULL,
  cycle TEXT NOT NULL,
  reviewee TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  self_assessment BLOB,
  manager_assessment BLOB,
  goals_frozen_time_us INTEGER,
  version INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, cycle, reviewee)
) WITHOUT ROWID;
CREATE INDEX reviews_by_reviewer ON reviews (tenant, reviewer, cycle);
CREATE TABLE review_goal_scores (
  tenant TEXT NOT NULL,
  cycle TEXT NOT NULL,
  reviewee TEXT NOT NULL,
  position INTEGER NOT NULL,
  objective TEXT NOT NULL,
  title TEXT NOT NULL,
  progress REAL NOT NULL,
  score REAL,
  success_threshold REAL NOT NULL,
  private INTEGER NOT NULL,
  PRIMARY KEY (tenant, cycle, reviewee, position)
) WITHOUT ROWID;
)sql";
}

absl::Status ReviewStore::InsertCycle(const ReviewCycleRecord& c) {
  return session_.Exec(absl::StrCat("INSERT INTO review_cycles (tenant, ", kCycleColumns,
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {tenant_, c.id, common::Blob(c.definition), DayText(c.start_date),
                        DayText(c.end_date), c.goals_cycle, DayText(c.goals_start_date),
                        int64_t{c.announced_state}, absl::ToUnixMicros(c.create_time)});
}

absl::StatusOr<std::optional<ReviewCycleRecord>> ReviewStore::FindCycle(const std::string& id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kCycleColumns, " FROM review_cycles WHERE tenant = ? AND id = ?"),
      {tenant_, id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<ReviewCycleRecord>();
  return std::optional<ReviewCycleRecord>(CycleFromRow(**row, 0));
}

absl::Status ReviewStore::InsertReview(const ReviewRecord& r) {
  return session_.Exec(
      absl::StrCat("INSERT INTO reviews (tenant, ", kReviewColumns,
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      {tenant_, r.cycle, r.reviewee, r.reviewer, OptionalBlob(r.self_assessment),
       OptionalBlob(r.manager_assessment),
       r.goals_frozen_time.has_value() ? common::SqlValue(absl::ToUnixMicros(*r.goals_frozen_time))
                                       : common::kSqlNull,
       r.version, absl::ToUnixMicros(r.create_time), absl::ToUnixMicros(r.update_time)});
}

absl::StatusOr<std::optional<ReviewRecord>> ReviewStore::FindReview(const std::string& cycle,
                                                                    const std::string& reviewee) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kReviewColumns,
                   " FROM reviews WHERE tenant = ? AND cycle = ? AND reviewee = ?"),
      {tenant_, cycle, reviewee});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<ReviewRecord>();
  ReviewRecord review = ReviewFromRow(**row);
  if (review.goals_frozen_time.has_value()) {
    absl::Status s = session_.Query(
        "SELECT objective, title, progress, score, success_threshold, private FROM "
        "review_goal_scores WHERE tenant = ? AND cycle = ? AND reviewee = ? ORDER BY position",
        {tenant_, cycle, reviewee}, [&](const common::SqlRow& g) {
          FrozenGoalScore score;
          score.objective = g.GetString(0);
          score.title = g.GetString(1);
          score.progress = g.GetDouble(2);
          if (!g.IsNull(3)) score.score = g.GetDouble(3);
          score.success_threshold = g.GetDouble(4);
          score.is_private = g.GetInt64(5) != 0;
          review.frozen_goals.push_back(std::move(score));
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
  }
  return std::optional<ReviewRecord>(std::move(review));
}

absl::Status ReviewStore::UpdateReview(const ReviewRecord& r, bool freeze_goals) {
  absl::Status s = session_.Exec(
      "UPDATE reviews SET self_assessment = ?, manager_assessment = ?, goals_frozen_time_us = ?, "
      "version = ?, update_time_us = ? WHERE tenant = ? AND cycle = ? AND reviewee = ?",
      {OptionalBlob(r.self_assessment), OptionalBlob(r.manager_assessment),
       r.goals_frozen_time.has_value() ? common::SqlValue(absl::ToUnixMicros(*r.goals_frozen_time))
                                       : common::kSqlNull,
       r.version, absl::ToUnixMicros(r.update_time), tenant_, r.cycle, r.reviewee});
  if (!s.ok() || !freeze_goals || !r.goals_frozen_time.has_value()) return s;
  s = session_.Exec(
      "DELETE FROM review_goal_scores WHERE tenant = ? AND cycle = ? AND reviewee = ?",
      {tenant_, r.cycle, r.reviewee});
  for (size_t i = 0; s.ok() && i < r.frozen_goals.size(); ++i) {
    const FrozenGoalScore& g = r.frozen_goals[i];
    s = session_.Exec(
        "INSERT INTO review_goal_scores (tenant, cycle, reviewee, position, objective, title, "
        "progress, score, success_threshold, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {tenant_, r.cycle, r.reviewee, static_cast<int64_t>(i), g.objective, g.title, g.progress,
         g.score.has_value() ? common::SqlValue(*g.score) : common::kSqlNull, g.success_threshold,
         int64_t{g.is_private}});
  }
  return s;
}

absl::StatusOr<std::vector<CycleToAnnounce>> ReviewStore::CyclesToAnnounce(
    common::SqlSession& session) {
  std::vector<CycleToAnnounce> out;
  absl::Status s = session.Query(
      absl::StrCat("SELECT tenant, ", kCycleColumns,
                   " FROM review_cycles WHERE announced_state < 3 ORDER BY tenant, id"),
      {}, [&](const common::SqlRow& row) {
        out.push_back({row.GetString(0), CycleFromRow(row, 1)});
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

absl::Status ReviewStore::SetAnnouncedState(common::SqlSession& session, const std::string& tenant,
                                            const std::string& id, int state) {
  return session.Exec("UPDATE review_cycles SET announced_state = ? WHERE tenant = ? AND id = ?",
                      {int64_t{state}, tenant, id});
}

absl::StatusOr<int> ReviewStore::AnsweredRequests(const std::string& requester, absl::Time start,
                                                  absl::Time end) {
  for (const char* table : {"feedback_requests", "feedback_request_recipients"}) {
    auto exists = session_.TableExists(table);
    if (!exists.ok()) return exists.status();
    if (!*exists) return 0;
  }
  auto row = session_.QueryOne(
      "SELECT COUNT(*) FROM feedback_requests r WHERE r.tenant = ? AND r.requester = ? AND "
      "r.create_time_us >= ? AND r.create_time_us < ? AND EXISTS (SELECT 1 FROM "
      "feedback_request_recipients x WHERE x.tenant = r.tenant AND x.request = r.id AND "
      "x.state = ?)",
      {tenant_, requester, absl::ToUnixMicros(start), absl::ToUnixMicros(end), kResponseAnswered});
  if (!row.ok()) {
    // The request tables belong to another store; a mismatch must not make reviews unreadable.
    common::LogWarn("counting answered feedback requests failed",
                    {{"error", std::string(row.status().message())}});
    return 0;
  }
  return row->has_value() ? static_cast<int>((*row)->GetInt64(0)) : 0;
}

}  // namespace okr::feedback
