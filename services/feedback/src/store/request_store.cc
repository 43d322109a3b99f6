#include "services/feedback/src/store/request_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/feedback/src/store/schema.h"

namespace okr::feedback {
namespace {

constexpr char kColumns[] =
    "id, requester, objective, key_result, subject_private, message, due_date, create_time_us, "
    "update_time_us, version";

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay ParseDay(const std::string& text) {
  absl::CivilDay day;
  absl::ParseCivilTime(text, &day);
  return day;
}

int64_t Micros(absl::Time t) {
  return t == absl::InfinitePast() ? int64_t{0} : absl::ToUnixMicros(t);
}

FeedbackRequest FromRow(const common::SqlRow& row) {
  FeedbackRequest r;
  r.id = row.GetString(0);
  r.requester = row.GetString(1);
  r.subject.objective = row.GetString(2);
  r.subject.key_result = row.GetString(3);
  r.subject_private = row.GetInt64(4) != 0;
  r.message = row.GetString(5);
  r.due_date = ParseDay(row.GetString(6));
  r.create_time = absl::FromUnixMicros(row.GetInt64(7));
  r.update_time = absl::FromUnixMicros(row.GetInt64(8));
  r.version = row.GetInt64(9);
  return r;
}

}  // namespace

const char* RequestTablesSql() {
  return R"sql(
CREATE TABLE feedback_requests (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  requester TEXT NOT NULL,
  objective TEXT NOT NULL,
  key_result TEXT NOT NULL,
  subject_private INTEGER NOT NULL,
  message TEXT NOT NULL,
  due_date TEXT NOT NULL,
  expire_time_us INTEGER NOT NULL,
  state INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX feedback_requests_by_time ON feedback_requests (tenant, create_time_us DESC, id DESC);
CREATE INDEX feedback_requests_by_requester
  ON feedback_requests (tenant, requester, create_time_us DESC, id DESC);
CREATE INDEX feedback_requests_open ON feedback_requests (state, expire_time_us);
CREATE TABLE feedback_request_recipients (
  tenant TEXT NOT NULL,
  request TEXT NOT NULL,
  position INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  state INTEGER NOT NULL,
  feedback TEXT NOT NULL,
  decline_reason TEXT NOT NULL,
  respond_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, request, position)
) WITHOUT ROWID;
CREATE INDEX feedback_request_recipients_by_recipient
  ON feedback_request_recipients (tenant, recipient, request);
CREATE INDEX feedback_request_recipients_by_feedback
  ON feedback_request_recipients (tenant, feedback);
)sql";
}

absl::Status RequestStore::Insert(const FeedbackRequest& r, RequestState state) {
  absl::Status s = session_.Exec(
      absl::StrCat("INSERT INTO feedback_requests (tenant, ", kColumns,
                   ", expire_time_us, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      {tenant_, r.id, r.requester, r.subject.objective, r.subject.key_result,
       int64_t{r.subject_private}, r.message, DayText(r.due_date),
       absl::ToUnixMicros(r.create_time), absl::ToUnixMicros(r.update_time), r.version,
       absl::ToUnixMicros(r.expiry()), static_cast<int64_t>(state)});
  if (!s.ok()) return s;
  for (size_t i = 0; i < r.responses.size(); ++i) {
    const RecipientResponse& resp = r.responses[i];
    s = session_.Exec(
        "INSERT INTO feedback_request_recipients (tenant, request, position, recipient, state, "
        "feedback, decline_reason, respond_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {tenant_, r.id, static_cast<int64_t>(i), resp.recipient, static_cast<int64_t>(resp.state),
         resp.feedback, resp.decline_reason, Micros(resp.respond_time)});
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status RequestStore::LoadResponses(FeedbackRequest& r) {
  return session_.Query(
      "SELECT recipient, state, feedback, decline_reason, respond_time_us FROM "
      "feedback_request_recipients WHERE tenant = ? AND request = ? ORDER BY position",
      {tenant_, r.id}, [&](const common::SqlRow& row) {
        RecipientResponse resp;
        resp.recipient = row.GetString(0);
        resp.state = static_cast<ResponseState>(row.GetInt64(1));
        resp.feedback = row.GetString(2);
        resp.decline_reason = row.GetString(3);
        const int64_t t = row.GetInt64(4);
        resp.respond_time = t == 0 ? absl::InfinitePast() : absl::FromUnixMicros(t);
        r.responses.push_back(std::move(resp));
        return absl::OkStatus();
      });
}

absl::StatusOr<std::optional<FeedbackRequest>> RequestStore::Find(const std::string& id) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kColumns, " FROM feedback_requests WHERE tenant = ? AND id = ?"),
      {tenant_, id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<FeedbackRequest>();
  FeedbackRequest r = FromRow(**row);
  if (absl::Status s = LoadResponses(r); !s.ok()) return s;
  return std::optional<FeedbackRequest>(std::move(r));
}

absl::Status RequestStore::Update(const FeedbackRequest& r, RequestState state) {
  absl::Status s = session_.Exec(
      "UPDATE feedback_requests SET update_time_us = ?, version = ?, state = ? WHERE tenant = ? "
      "AND id = ?",
      {absl::ToUnixMicros(r.update_time), r.version, static_cast<int64_t>(state), tenant_, r.id});
  if (!s.ok()) return s;
  for (size_t i = 0; i < r.responses.size(); ++i) {
    const RecipientResponse& resp = r.responses[i];
    s = session_.Exec(
        "UPDATE feedback_request_recipients SET state = ?, feedback = ?, decline_reason = ?, "
        "respond_time_us = ? WHERE tenant = ? AND request = ? AND position = ?",
        {static_cast<int64_t>(resp.state), resp.feedback, resp.decline_reason,
         Micros(resp.respond_time), tenant_, r.id, static_cast<int64_t>(i)});
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FeedbackRequest>> RequestStore::List(const RequestQuery& q) {
  std::string sql = absl::StrCat("SELECT ", kColumns, " FROM feedback_requests r WHERE tenant = ?");
  std::vector<common::SqlValue> params = {tenant_};
  constexpr char kAsked[] =
      "EXISTS (SELECT 1 FROM feedback_request_recipients x WHERE x.tenant = r.tenant AND "
      "x.request = r.id AND x.recipient = ?)";
  if (!q.requester.empty()) {
    absl::StrAppend(&sql, " AND requester = ?");
    params.push_back(q.requester);
  }
  if (!q.recipient.empty()) {
    absl::StrAppend(&sql, " AND ", kAsked);
    params.push_back(q.recipient);
  }
  if (!q.viewer.admin && !q.viewer.service) {
    absl::StrAppend(&sql, " AND (requester = ? OR ", kAsked, ")");
    params.push_back(q.viewer.person);
    params.push_back(q.viewer.person);
  }
  AppendNewestFirstPage(sql, params, q.after, q.limit);
  std::vector<FeedbackRequest> out;
  absl::Status s = session_.Query(sql, params, [&](const common::SqlRow& row) {
    out.push_back(FromRow(row));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  for (FeedbackRequest& r : out) {
    if (s = LoadResponses(r); !s.ok()) return s;
  }
  return out;
}

absl::Status RequestStore::ForgetAnswer(const std::string& feedback) {
  return session_.Exec(
      "UPDATE feedback_request_recipients SET feedback = '' WHERE tenant = ? AND feedback = ?",
      {tenant_, feedback});
}

absl::StatusOr<int> RequestStore::CountAnswered(const std::string& requester, absl::Time start,
                                                absl::Time end) {
  auto row = session_.QueryOne(
      "SELECT COUNT(*) FROM feedback_requests r WHERE tenant = ? AND requester = ? AND "
      "create_time_us >= ? AND create_time_us < ? AND EXISTS (SELECT 1 FROM "
      "feedback_request_recipients x WHERE x.tenant = r.tenant AND x.request = r.id AND "
      "x.state = ?)",
      {tenant_, requester, absl::ToUnixMicros(start), absl::ToUnixMicros(end),
       static_cast<int64_t>(ResponseState::kAnswered)});
  if (!row.ok()) return row.status();
  return row->has_value() ? static_cast<int>((*row)->GetInt64(0)) : 0;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> RequestStore::DueForExpiry(
    common::SqlSession& session, absl::Time now, int limit) {
  std::vector<std::pair<std::string, std::string>> out;
  absl::Status s = session.Query(
      "SELECT tenant, id FROM feedback_requests WHERE state = ? AND expire_time_us <= ? LIMIT ?",
      {static_cast<int64_t>(RequestState::kOpen), absl::ToUnixMicros(now), int64_t{limit}},
      [&](const common::SqlRow& row) {
        out.emplace_back(row.GetString(0), row.GetString(1));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

}  // namespace okr::feedback
