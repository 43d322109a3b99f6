#include "services/feedback/src/store/one_on_one_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "okr/feedback/v1/one_on_one.pb.h"
#include "services/feedback/src/domain/cadence.h"
#include "services/feedback/src/store/schema.h"

namespace okr::feedback {
namespace {

namespace v1 = ::okr::feedback::v1;

constexpr char kColumns[] =
    "o.id, o.manager, o.report, o.cadence, o.next_meeting_us, o.last_meeting_us, o.shared_notes, "
    "o.items, o.objectives, o.create_time_us, o.update_time_us, o.version, o.next_due_us";

common::SqlValue OptionalMicros(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return common::kSqlNull;
  return absl::ToUnixMicros(*time);
}

std::optional<absl::Time> MicrosColumn(const common::SqlRow& row, size_t column) {
  if (row.IsNull(column)) return std::nullopt;
  return absl::FromUnixMicros(row.GetInt64(column));
}

// The agenda and the action items are kept in one BLOB, encoded as an okr.feedback.v1.OneOnOne
// holding only those two lists (person ids, not names): protobuf's encoding is compact and reads
// rows written before a field was added.
std::string EncodeItems(const OneOnOne& o) {
  v1::OneOnOne items;
  for (const AgendaItem& a : o.agenda_items) {
    v1::AgendaItem* out = items.add_agenda_items();
    out->set_id(a.id);
    out->set_text(a.text);
    out->set_author(a.author);
    out->set_discussed(a.discussed);
  }
  for (const ActionItem& a : o.action_items) {
    v1::ActionItem* out = items.add_action_items();
    out->set_id(a.id);
    out->set_owner(a.owner);
    out->set_text(a.text);
    out->set_done(a.done);
    if (a.due_date.has_value()) {
      out->mutable_due_date()->set_year(static_cast<int32_t>(a.due_date->year()));
      out->mutable_due_date()->set_month(a.due_date->month());
      out->mutable_due_date()->set_day(a.due_date->day());
    }
    if (a.complete_time.has_value()) {
      const int64_t us = absl::ToUnixMicros(*a.complete_time);
      out->mutable_complete_time()->set_seconds(us / 1000000);
      out->mutable_complete_time()->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
    }
  }
  return items.SerializeAsString();
}

void DecodeItems(const std::string& bytes, OneOnOne& o) {
  v1::OneOnOne items;
  items.ParseFromString(bytes);
  for (const v1::AgendaItem& a : items.agenda_items()) {
    o.agenda_items.push_back({a.id(), a.text(), a.author(), a.discussed()});
  }
  for (const v1::ActionItem& a : items.action_items()) {
    ActionItem item{a.id(), a.owner(), a.text(), a.done(), std::nullopt, std::nullopt};
    if (a.has_due_date()) {
      item.due_date = absl::CivilDay(a.due_date().year(), a.due_date().month(), a.due_date().day());
    }
    if (a.has_complete_time()) {
      item.complete_time = absl::FromUnixSeconds(a.complete_time().seconds()) +
                           absl::Nanoseconds(a.complete_time().nanos());
    }
    o.action_items.push_back(std::move(item));
  }
}

// Linked objectives as "id:p:alice+bob" joined by ','; none of ':', '+' and ',' can occur in
// objective or person ids.
std::string EncodeObjectives(const std::vector<LinkedObjective>& objectives) {
  return absl::StrJoin(objectives, ",", [](std::string* out, const LinkedObjective& o) {
    absl::StrAppend(out, o.id, ":", o.is_private ? "1" : "0", ":", absl::StrJoin(o.linked_by, "+"));
  });
}

std::vector<LinkedObjective> DecodeObjectives(const std::string& text) {
  std::vector<LinkedObjective> out;
  for (absl::string_view entry : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(entry, ':');
    if (parts.size() != 3) continue;
    LinkedObjective o{parts[0], parts[1] == "1", {}};
    for (absl::string_view person : absl::StrSplit(parts[2], '+', absl::SkipEmpty())) {
      o.linked_by.emplace_back(person);
    }
    out.push_back(std::move(o));
  }
  return out;
}

OneOnOne FromRow(const common::SqlRow& row) {
  OneOnOne o;
  o.id = row.GetString(0);
  o.manager = row.GetString(1);
  o.report = row.GetString(2);
  o.cadence = static_cast<Cadence>(row.GetInt64(3));
  o.next_meeting_time = MicrosColumn(row, 4);
  o.last_meeting_time = MicrosColumn(row, 5);
  o.shared_notes = row.GetString(6);
  DecodeItems(row.GetString(7), o);
  o.objectives = DecodeObjectives(row.GetString(8));
  o.create_time = absl::FromUnixMicros(row.GetInt64(9));
  o.update_time = absl::FromUnixMicros(row.GetInt64(10));
  o.version = row.GetInt64(11);
  return o;
}

int64_t NextDueMicros(const OneOnOne& o) {
  return absl::ToUnixMicros(NextDueTime(o.create_time, o.last_meeting_time, o.cadence));
}

}  // namespace

const char* OneOnOneTablesSql() {
  // next_due_us follows from the other columns; it is kept so that the overdue filter and sweep
  // are a comparison in SQL. overdue_reported_us is the due time last reported overdue.
  return R"sql(
CREATE TABLE one_on_ones (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  manager TEXT NOT NULL,
  report TEXT NOT NULL,
  cadence INTEGER NOT NULL,
  next_meeting_us INTEGER,
  last_meeting_us INTEGER,
  shared_notes TEXT NOT NULL,
  items BLOB NOT NULL,
  objectives TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  next_due_us INTEGER NOT NULL,
  overdue_reported_us INTEGER,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX one_on_ones_by_pair ON one_on_ones (tenant, manager, report);
CREATE INDEX one_on_ones_by_time ON one_on_ones (tenant, create_time_us, id);
CREATE INDEX one_on_ones_by_report ON one_on_ones (tenant, report, create_time_us, id);
CREATE TABLE one_on_one_private_notes (
  tenant TEXT NOT NULL,
  one_on_one TEXT NOT NULL,
  author TEXT NOT NULL,
  notes TEXT NOT NULL,
  PRIMARY KEY (tenant, one_on_one, author)
) WITHOUT ROWID;
)sql";
}

absl::Status OneOnOneStore::Insert(const OneOnOne& o) {
  return session_.Exec(
      "INSERT INTO one_on_ones (tenant, id, manager, report, cadence, next_meeting_us, "
      "last_meeting_us, shared_notes, items, objectives, create_time_us, update_time_us, version, "
      "next_due_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {tenant_, o.id, o.manager, o.report, static_cast<int64_t>(o.cadence),
       OptionalMicros(o.next_meeting_time), OptionalMicros(o.last_meeting_time), o.shared_notes,
       common::Blob(EncodeItems(o)), EncodeObjectives(o.objectives),
       absl::ToUnixMicros(o.create_time), absl::ToUnixMicros(o.update_time), o.version,
       NextDueMicros(o)});
}

absl::Status OneOnOneStore::Update(const OneOnOne& o) {
  return session_.Exec(
      "UPDATE one_on_ones SET cadence = ?, next_meeting_us = ?, last_meeting_us = ?, "
      "shared_notes = ?, items = ?, objectives = ?, update_time_us = ?, version = ?, "
      "next_due_us = ? WHERE tenant = ? AND id = ?",
      {static_cast<int64_t>(o.cadence), OptionalMicros(o.next_meeting_time),
       OptionalMicros(o.last_meeting_time), o.shared_notes, common::Blob(EncodeItems(o)),
       EncodeObjectives(o.objectives), absl::ToUnixMicros(o.update_time), o.version,
       NextDueMicros(o), tenant_, o.id});
}

absl::StatusOr<std::optional<OneOnOne>> OneOnOneStore::Find(const std::string& id,
                                                            const std::string& notes_of) {
  auto row = session_.QueryOne(
      absl::StrCat("SELECT ", kColumns,
                   ", n.notes FROM one_on_ones o LEFT JOIN one_on_one_private_notes n ON "
                   "n.tenant = o.tenant AND n.one_on_one = o.id AND n.author = ? "
                   "WHERE o.tenant = ? AND o.id = ?"),
      {notes_of, tenant_, id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<OneOnOne>();
  OneOnOne o = FromRow(**row);
  o.private_notes = (*row)->GetString(13);
  return std::optional<OneOnOne>(std::move(o));
}

absl::StatusOr<std::optional<std::string>> OneOnOneStore::FindPair(const std::string& manager,
                                                                   const std::string& report) {
  auto row = session_.QueryOne(
      "SELECT id FROM one_on_ones WHERE tenant = ? AND manager = ? AND report = ?",
      {tenant_, manager, report});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<std::string>();
  return std::optional<std::string>((*row)->GetString(0));
}

absl::Status OneOnOneStore::SetPrivateNotes(const std::string& id, const std::string& author,
                                            const std::string& notes) {
  if (notes.empty()) {
    return session_.Exec(
        "DELETE FROM one_on_one_private_notes WHERE tenant = ? AND one_on_one = ? AND author = ?",
        {tenant_, id, author});
  }
  return session_.Exec(
      "INSERT INTO one_on_one_private_notes (tenant, one_on_one, author, notes) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (tenant, one_on_one, author) DO UPDATE SET notes = "
      "excluded.notes",
      {tenant_, id, author, notes});
}

absl::StatusOr<std::vector<OneOnOne>> OneOnOneStore::List(const OneOnOneQuery& q) {
  std::string sql = absl::StrCat("SELECT ", kColumns,
                                 ", n.notes FROM one_on_ones o LEFT JOIN one_on_one_private_notes "
                                 "n ON n.tenant = o.tenant AND n.one_on_one = o.id AND n.author "
                                 "= ? WHERE o.tenant = ?");
  std::vector<common::SqlValue> params = {q.notes_of, tenant_};
  auto add = [&](const char* clause, common::SqlValue value) {
    absl::StrAppend(&sql, " AND ", clause);
    params.push_back(std::move(value));
  };
  if (!q.participant.empty()) {
    add("(o.manager = ? OR o.report = ?)", q.participant);
    params.push_back(q.participant);
  }
  if (!q.manager.empty()) add("o.manager = ?", q.manager);
  if (!q.report.empty()) add("o.report = ?", q.report);
  if (q.overdue_at.has_value()) add("o.next_due_us < ?", absl::ToUnixMicros(*q.overdue_at));
  if (q.after.has_value()) {
    add("(o.create_time_us, o.id) > (?, ?)", q.after->create_time_us);
    params.push_back(q.after->id);
  }
  absl::StrAppend(&sql, " ORDER BY o.create_time_us, o.id LIMIT ?");
  params.push_back(int64_t{q.limit});
  std::vector<OneOnOne> out;
  absl::Status s = session_.Query(sql, params, [&](const common::SqlRow& row) {
    out.push_back(FromRow(row));
    out.back().private_notes = row.GetString(13);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<NewlyOverdue>> OneOnOneStore::FindNewlyOverdue(
    common::SqlSession& session, absl::Time now) {
  std::vector<NewlyOverdue> out;
  absl::Status s = session.Query(
      absl::StrCat("SELECT ", kColumns,
                   ", o.tenant FROM one_on_ones o WHERE o.next_due_us < ? AND "
                   "(o.overdue_reported_us IS NULL OR o.overdue_reported_us <> o.next_due_us) "
                   "ORDER BY o.tenant, o.next_due_us, o.id"),
      {absl::ToUnixMicros(now)}, [&](const common::SqlRow& row) {
        out.push_back({row.GetString(13), FromRow(row), absl::FromUnixMicros(row.GetInt64(12))});
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

absl::Status OneOnOneStore::MarkOverdueReported(common::SqlSession& session,
                                                const std::string& tenant, const std::string& id,
                                                absl::Time next_due_time) {
  return session.Exec("UPDATE one_on_ones SET overdue_reported_us = ? WHERE tenant = ? AND id = ?",
                      {absl::ToUnixMicros(next_due_time), tenant, id});
}

}  // namespace okr::feedback
