#include "services/feedback/src/api/one_on_one_proto.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/proto_time.h"
#include "okr/common/aip/update_mask.h"
#include "okr/common/status/string_view.h"
#include "services/feedback/src/domain/cadence.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/text.h"

namespace okr::feedback {
namespace {

namespace v1 = ::okr::feedback::v1;

constexpr char kPrefix[] = "one_on_one.";

std::string Field(std::string_view name) { return absl::StrCat(kPrefix, common::Sv(name)); }
std::string ItemField(std::string_view list, size_t index, std::string_view name) {
  return absl::StrCat(kPrefix, common::Sv(list), "[", index, "].", common::Sv(name));
}

// Adds the field violations of a failed parse (or its message when it has none).
void Collect(const absl::Status& status, const std::string& field, common::Violations& violations) {
  std::vector<common::FieldViolation> found = common::ErrorFieldViolations(status);
  if (found.empty()) violations.Add(field, std::string(status.message()));
  for (common::FieldViolation& v : found) violations.Add(std::move(v.field), v.description);
}

bool ItemTextOk(const std::string& text) {
  return LengthWithin(text, 1, kMaxItemText) && !Trimmed(text).empty();
}

std::optional<absl::Time> ReadTime(bool present, const google::protobuf::Timestamp& timestamp,
                                   const std::string& field, common::Violations& violations) {
  if (!present) return std::nullopt;
  auto time = common::TimestampField(timestamp, field);
  if (!time.ok()) {
    Collect(time.status(), field, violations);
    return std::nullopt;
  }
  return *time;
}

void ReadAgenda(const v1::OneOnOne& in, common::Violations& violations, OneOnOne& out) {
  out.agenda_items.clear();
  if (!violations.Check(static_cast<size_t>(in.agenda_items_size()) <= kMaxAgendaItems,
                        Field("agenda_items"),
                        absl::StrCat("at most ", kMaxAgendaItems, " agenda items"))) {
    return;
  }
  for (int i = 0; i < in.agenda_items_size(); ++i) {
    const v1::AgendaItem& item = in.agenda_items(i);
    violations.Check(ItemTextOk(item.text()), ItemField("agenda_items", i, "text"),
                     absl::StrCat("required: 1 to ", kMaxItemText, " code points"));
    out.agenda_items.push_back({item.id(), item.text(), "", item.discussed()});
  }
}

void ReadActions(const v1::OneOnOne& in, common::Violations& violations, OneOnOne& out) {
  out.action_items.clear();
  if (!violations.Check(static_cast<size_t>(in.action_items_size()) <= kMaxActionItems,
                        Field("action_items"),
                        absl::StrCat("at most ", kMaxActionItems, " action items"))) {
    return;
  }
  for (int i = 0; i < in.action_items_size(); ++i) {
    const v1::ActionItem& item = in.action_items(i);
    ActionItem a{item.id(), "", item.text(), item.done(), std::nullopt, std::nullopt};
    const std::string owner_field = ItemField("action_items", i, "owner");
    if (item.owner().empty()) {
      violations.Add(owner_field, "required: the manager or the report, people/{person}");
    } else if (auto owner = PersonIdFromName(item.owner(), owner_field); owner.ok()) {
      a.owner = *owner;
    } else {
      Collect(owner.status(), owner_field, violations);
    }
    violations.Check(ItemTextOk(item.text()), ItemField("action_items", i, "text"),
                     absl::StrCat("required: 1 to ", kMaxItemText, " code points"));
    if (item.has_due_date()) {
      const std::string due_field = ItemField("action_items", i, "due_date");
      if (auto day = common::DateField(item.due_date(), due_field); day.ok()) {
        a.due_date = *day;
      } else {
        Collect(day.status(), due_field, violations);
      }
    }
    out.action_items.push_back(std::move(a));
  }
}

void ReadObjectives(const v1::OneOnOne& in, common::Violations& violations, OneOnOne& out) {
  out.objectives.clear();
  absl::flat_hash_set<std::string> distinct;
  for (int i = 0; i < in.objectives_size(); ++i) {
    const std::string field = absl::StrCat(kPrefix, "objectives[", i, "]");
    auto id = IdFromName(kObjectives, in.objectives(i), field);
    if (!id.ok()) {
      Collect(id.status(), field, violations);
      continue;
    }
    distinct.insert(*id);
    out.objectives.push_back({*id, false, {}});
  }
  violations.Check(distinct.size() <= kMaxLinkedObjectives, Field("objectives"),
                   absl::StrCat("at most ", kMaxLinkedObjectives, " distinct objectives"));
}

}  // namespace

const std::vector<std::string>& OneOnOneMaskPaths() {
  static const auto* paths = new std::vector<std::string>{
      "cadence",      "next_meeting_time", "last_meeting_time", "agenda_items",
      "shared_notes", "private_notes",     "action_items",      "objectives"};
  return *paths;
}

absl::StatusOr<std::vector<std::string>> OneOnOnePaths(const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return common::InvalidArgument("UPDATE_MASK_REQUIRED", "update_mask is required",
                                   {{"update_mask", "name the fields to update, or *"}});
  }
  // `*` stands alone here (the contract says "the single path `*`").
  if (mask.paths_size() > 1 &&
      std::find(mask.paths().begin(), mask.paths().end(), "*") != mask.paths().end()) {
    return common::InvalidArgument("INVALID_UPDATE_MASK", "the update mask is not valid",
                                   {{"update_mask", "* must be the only path"}});
  }
  return common::MaskPaths(mask, OneOnOneMaskPaths(), OneOnOneMaskPaths());
}

void ReadOneOnOneFields(const v1::OneOnOne& in, const std::vector<std::string>& paths,
                        absl::Time now, common::Violations& violations, OneOnOne& out) {
  if (HasPath(paths, "cadence")) {
    if (violations.Check(IsCadence(in.cadence()), Field("cadence"),
                         "required: WEEKLY, BIWEEKLY or MONTHLY")) {
      out.cadence = static_cast<Cadence>(in.cadence());
    }
  }
  if (HasPath(paths, "next_meeting_time")) {
    out.next_meeting_time = ReadTime(in.has_next_meeting_time(), in.next_meeting_time(),
                                     Field("next_meeting_time"), violations);
  }
  if (HasPath(paths, "last_meeting_time")) {
    out.last_meeting_time = ReadTime(in.has_last_meeting_time(), in.last_meeting_time(),
                                     Field("last_meeting_time"), violations);
    if (out.last_meeting_time.has_value() && *out.last_meeting_time > now) {
      violations.Add(Field("last_meeting_time"), "must not be in the future");
    }
  }
  if (HasPath(paths, "agenda_items")) ReadAgenda(in, violations, out);
  if (HasPath(paths, "shared_notes")) {
    violations.Check(LengthWithin(in.shared_notes(), 0, kMaxOneOnOneNotes), Field("shared_notes"),
                     absl::StrCat("at most ", kMaxOneOnOneNotes, " code points"));
    out.shared_notes = in.shared_notes();
  }
  if (HasPath(paths, "private_notes")) {
    violations.Check(LengthWithin(in.private_notes(), 0, kMaxOneOnOneNotes), Field("private_notes"),
                     absl::StrCat("at most ", kMaxOneOnOneNotes, " code points"));
    out.private_notes = in.private_notes();
  }
  if (HasPath(paths, "action_items")) ReadActions(in, violations, out);
  if (HasPath(paths, "objectives")) ReadObjectives(in, violations, out);
}

v1::OneOnOne ToProto(const OneOnOne& o, OneOnOneAccess access, const std::string& person,
                     absl::Time now) {
  v1::OneOnOne out;
  out.set_name(Name(kOneOnOnes, o.id));
  out.set_manager(PersonName(o.manager));
  out.set_report(PersonName(o.report));
  out.set_cadence(static_cast<v1::OneOnOneCadence>(o.cadence));
  if (o.next_meeting_time)
    *out.mutable_next_meeting_time() = common::ToTimestamp(*o.next_meeting_time);
  if (o.last_meeting_time)
    *out.mutable_last_meeting_time() = common::ToTimestamp(*o.last_meeting_time);
  for (const AgendaItem& a : o.agenda_items) {
    v1::AgendaItem* item = out.add_agenda_items();
    item->set_id(a.id);
    item->set_text(a.text);
    item->set_author(PersonName(a.author));
    item->set_discussed(a.discussed);
  }
  if (access == OneOnOneAccess::kParticipant) {
    out.set_shared_notes(o.shared_notes);
    out.set_private_notes(o.private_notes);
  }
  for (const ActionItem& a : o.action_items) {
    v1::ActionItem* item = out.add_action_items();
    item->set_id(a.id);
    item->set_owner(PersonName(a.owner));
    item->set_text(a.text);
    item->set_done(a.done);
    if (a.due_date) *item->mutable_due_date() = common::ToDate(*a.due_date);
    if (a.complete_time) *item->mutable_complete_time() = common::ToTimestamp(*a.complete_time);
  }
  for (const LinkedObjective& objective : o.objectives) {
    if (ObjectiveShown(objective, access, person)) out.add_objectives(ObjectiveName(objective.id));
  }
  const absl::Time due = NextDueTime(o.create_time, o.last_meeting_time, o.cadence);
  *out.mutable_next_due_time() = common::ToTimestamp(due);
  out.set_overdue(IsOverdue(due, now));
  *out.mutable_create_time() = common::ToTimestamp(o.create_time);
  *out.mutable_update_time() = common::ToTimestamp(o.update_time);
  out.set_etag(common::FormatEtag(o.version));
  return out;
}

v1::OneOnOne FeedPayload(const OneOnOne& o, absl::Time now) {
  // As a participant who linked nothing reads it: PUBLIC objectives only.
  v1::OneOnOne out = ToProto(o, OneOnOneAccess::kParticipant, "", now);
  out.clear_private_notes();
  return out;
}

std::vector<std::string> ChangedOneOnOneFields(const OneOnOne& before, const OneOnOne& after,
                                               absl::Time now) {
  std::vector<std::string> fields;
  auto note = [&](bool changed, const char* field) {
    if (changed) fields.push_back(field);
  };
  note(before.cadence != after.cadence, "cadence");
  note(before.next_meeting_time != after.next_meeting_time, "next_meeting_time");
  note(before.last_meeting_time != after.last_meeting_time, "last_meeting_time");
  note(before.agenda_items != after.agenda_items, "agenda_items");
  note(before.shared_notes != after.shared_notes, "shared_notes");
  note(before.private_notes != after.private_notes, "private_notes");
  note(before.action_items != after.action_items, "action_items");
  note(before.objectives != after.objectives, "objectives");
  const absl::Time due_before =
      NextDueTime(before.create_time, before.last_meeting_time, before.cadence);
  const absl::Time due_after =
      NextDueTime(after.create_time, after.last_meeting_time, after.cadence);
  note(due_before != due_after, "next_due_time");
  note(IsOverdue(due_before, now) != IsOverdue(due_after, now), "overdue");
  return fields;
}

}  // namespace okr::feedback
