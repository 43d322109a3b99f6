// `okrctl oneonone list|agenda|notes|actions`: one-on-ones between a manager and a report. Each of
// agenda, notes and actions shows that part, and with flags changes it (read, change, write back
// with the etag, so a concurrent change is a conflict rather than lost).
#include "absl/strings/str_cat.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace fv1 = okr::feedback::v1;

std::unique_ptr<fv1::FeedbackService::Stub> Feedback(Session& session) {
  return fv1::FeedbackService::NewStub(session.Channel(Service::kFeedback));
}

enum class Part { kAgenda, kNotes, kActions };

struct PartOptions {
  std::string name;
  std::vector<std::string> add;
  std::vector<std::string> mark;  // ids: discussed (agenda) or done (actions)
  std::string owner;
  std::string due;
  std::string shared;
  std::string private_notes;
  bool append = false;
};

void PrintPart(Session& session, const fv1::OneOnOne& o, Part part) {
  if (session.json()) {
    session.out() << ToJson(o) << "\n";
    return;
  }
  const Style& st = session.style();
  std::ostream& out = session.out();
  out << Paint(o.name(), Colour::kBold, st) << "  " << o.manager() << " with " << o.report()
      << "  next meeting " << FormatTime(o.next_meeting_time())
      << (o.overdue() ? "  " + Paint("overdue", Colour::kRed, st) : "") << "\n";
  if (part == Part::kAgenda) {
    Table table({"ID", "DISCUSSED", "BY", "ITEM"});
    for (const auto& a : o.agenda_items()) {
      table.Add({a.id(), a.discussed() ? "yes" : "no", a.author(), a.text()});
    }
    table.Print(out);
  } else if (part == Part::kActions) {
    Table table({"ID", "DONE", "OWNER", "DUE", "ACTION"});
    for (const auto& a : o.action_items()) {
      table.Add({a.id(), a.done() ? Paint("done", Colour::kGreen, st) : "open", a.owner(),
                 a.has_due_date() ? FormatDate(a.due_date()) : "-", a.text()});
    }
    table.Print(out);
  } else {
    out << "shared notes:\n" << (o.shared_notes().empty() ? "(none)" : o.shared_notes()) << "\n";
    out << "private notes (yours only):\n"
        << (o.private_notes().empty() ? "(none)" : o.private_notes()) << "\n";
  }
}

int RunPart(Session& session, Part part, const PartOptions& o) {
  auto stub = Feedback(session);
  fv1::GetOneOnOneRequest get;
  get.set_name(Qualify("oneOnOnes", o.name));
  fv1::OneOnOne current;
  grpc::Status s = stub->GetOneOnOne(session.Context().get(), get, &current);
  if (!s.ok()) return session.Fail("GetOneOnOne", s);
  fv1::UpdateOneOnOneRequest update;
  fv1::OneOnOne* next = update.mutable_one_on_one();
  next->set_name(current.name());
  next->set_etag(current.etag());
  bool changed = false;
  auto unknown_id = [&](const std::string& id) {
    return session.Usage(absl::StrCat("no item with id \"", id, "\" in ", current.name()));
  };
  if (part == Part::kAgenda && (!o.add.empty() || !o.mark.empty())) {
    *next->mutable_agenda_items() = current.agenda_items();
    for (const std::string& id : o.mark) {
      bool found = false;
      for (auto& a : *next->mutable_agenda_items()) {
        if (a.id() == id) a.set_discussed(found = true);
      }
      if (!found) return unknown_id(id);
    }
    for (const std::string& text : o.add) next->add_agenda_items()->set_text(text);
    update.mutable_update_mask()->add_paths("agenda_items");
    changed = true;
  }
  if (part == Part::kActions && (!o.add.empty() || !o.mark.empty())) {
    *next->mutable_action_items() = current.action_items();
    for (const std::string& id : o.mark) {
      bool found = false;
      for (auto& a : *next->mutable_action_items()) {
        if (a.id() == id) a.set_done(found = true);
      }
      if (!found) return unknown_id(id);
    }
    for (const std::string& text : o.add) {
      fv1::ActionItem* a = next->add_action_items();
      a->set_text(text);
      if (o.owner.empty()) return session.Usage("--add needs --owner (the manager or the report)");
      a->set_owner(Qualify("people", o.owner));
      if (!o.due.empty()) {
        auto due = ParseDate(o.due);
        if (!due) return session.Usage("--due must be a date such as 2026-12-20");
        *a->mutable_due_date() = *due;
      }
    }
    update.mutable_update_mask()->add_paths("action_items");
    changed = true;
  }
  if (part == Part::kNotes) {
    auto joined = [&](const std::string& old_text, const std::string& text) {
      return o.append && !old_text.empty() ? old_text + "\n" + text : text;
    };
    if (!o.shared.empty()) {
      next->set_shared_notes(joined(current.shared_notes(), o.shared));
      update.mutable_update_mask()->add_paths("shared_notes");
      changed = true;
    }
    if (!o.private_notes.empty()) {
      next->set_private_notes(joined(current.private_notes(), o.private_notes));
      update.mutable_update_mask()->add_paths("private_notes");
      changed = true;
    }
  }
  if (!changed) {
    PrintPart(session, current, part);
    return kExitOk;
  }
  fv1::OneOnOne out;
  s = stub->UpdateOneOnOne(session.Context().get(), update, &out);
  if (!s.ok()) return session.Fail("UpdateOneOnOne", s);
  PrintPart(session, out, part);
  return kExitOk;
}

int List(Session& session, const std::string& manager, const std::string& report, bool overdue) {
  fv1::ListOneOnOnesRequest request;
  request.set_manager(Qualify("people", manager));
  request.set_report(Qualify("people", report));
  request.set_overdue_only(overdue);
  request.set_page_size(1000);
  auto stub = Feedback(session);
  fv1::ListOneOnOnesResponse all;
  do {
    fv1::ListOneOnOnesResponse page;
    grpc::Status s = stub->ListOneOnOnes(session.Context().get(), request, &page);
    if (!s.ok()) return session.Fail("ListOneOnOnes", s);
    for (auto& o : *page.mutable_one_on_ones()) *all.add_one_on_ones() = std::move(o);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (session.json()) {
    session.out() << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"NAME", "MANAGER", "REPORT", "CADENCE", "NEXT MEETING", "AGENDA", "OPEN ACTIONS"});
  for (const auto& o : all.one_on_ones()) {
    int open = 0;
    for (const auto& a : o.action_items()) open += a.done() ? 0 : 1;
    table.Add({o.name(), o.manager(), o.report(), EnumLabel(o.cadence(), "ONE_ON_ONE_CADENCE_"),
               FormatTime(o.next_meeting_time()) +
                   (o.overdue() ? " " + Paint("overdue", Colour::kRed, session.style()) : ""),
               absl::StrCat(o.agenda_items_size()), absl::StrCat(open)});
  }
  table.Print(session.out());
  return kExitOk;
}

CLI::App* AddPart(CLI::App* parent, Session& session, int& exit_code, const std::string& name,
                  const std::string& help, Part part, std::shared_ptr<PartOptions> o) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("one-on-one", o->name, "oneOnOnes/ID or ID")->required();
  cmd->callback(
      Runner(session, exit_code, [&session, part, o] { return RunPart(session, part, *o); }));
  return cmd;
}

}  // namespace

void AddOneOnOneCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* group = app.add_subcommand("oneonone", "One-on-ones of a manager and a report");
  group->alias("1on1");
  group->require_subcommand(1);

  auto manager = std::make_shared<std::string>();
  auto report = std::make_shared<std::string>();
  auto overdue = std::make_shared<bool>(false);
  CLI::App* list = group->add_subcommand("list", "One-on-ones the caller takes part in");
  list->add_option("--manager", *manager, "Where this person is the manager");
  list->add_option("--report", *report, "Where this person is the report");
  list->add_flag("--overdue", *overdue, "Only overdue ones");
  list->callback(Runner(session, exit_code, [&session, manager, report, overdue] {
    return List(session, *manager, *report, *overdue);
  }));

  auto agenda = std::make_shared<PartOptions>();
  CLI::App* a = AddPart(group, session, exit_code, "agenda", "Show or change the agenda",
                        Part::kAgenda, agenda);
  a->add_option("--add", agenda->add, "Add an item (repeatable)");
  a->add_option("--discussed", agenda->mark, "Mark item ids as discussed");

  auto notes = std::make_shared<PartOptions>();
  CLI::App* n = AddPart(group, session, exit_code, "notes", "Show or write the meeting notes",
                        Part::kNotes, notes);
  n->add_option("--shared", notes->shared, "Set the notes both see");
  n->add_option("--private", notes->private_notes, "Set your private notes");
  n->add_flag("--append", notes->append, "Append instead of replacing");

  auto actions = std::make_shared<PartOptions>();
  CLI::App* ac = AddPart(group, session, exit_code, "actions", "Show or change action items",
                         Part::kActions, actions);
  ac->add_option("--add", actions->add, "Add an action item (repeatable)");
  ac->add_option("--owner", actions->owner, "Who does the added items");
  ac->add_option("--due", actions->due, "When the added items are due, YYYY-MM-DD");
  ac->add_option("--done", actions->mark, "Mark item ids as done");
}

}  // namespace okr::ctl
