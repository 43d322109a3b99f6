// `okrctl cycles list|create|close`.
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace gv1 = okr::goals::v1;

std::string CadenceOf(const gv1::Cycle& c) {
  const int64_t days = c.check_in_cadence().seconds() / 86400;
  return days > 0 ? absl::StrCat(days, "d") : "-";
}

void PrintCycle(Session& session, const gv1::Cycle& c) {
  if (session.json()) {
    session.out() << ToJson(c) << "\n";
    return;
  }
  Table table({"NAME", "DISPLAY NAME", "STATE", "START", "END", "CADENCE"});
  table.Add({c.name(), c.display_name(), EnumLabel(c.state(), "CYCLE_STATE_"),
             FormatDate(c.start_date()), FormatDate(c.end_date()), CadenceOf(c)});
  table.Print(session.out());
}

int List(Session& session) {
  auto stub = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  gv1::ListCyclesResponse all;
  gv1::ListCyclesRequest request;
  request.set_page_size(1000);
  do {
    gv1::ListCyclesResponse page;
    grpc::Status s = stub->ListCycles(session.Context().get(), request, &page);
    if (!s.ok()) return session.Fail("ListCycles", s);
    for (auto& c : *page.mutable_cycles()) *all.add_cycles() = std::move(c);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (session.json()) {
    session.out() << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"NAME", "DISPLAY NAME", "STATE", "START", "END", "CADENCE"});
  for (const auto& c : all.cycles()) {
    Colour colour = c.state() == gv1::CYCLE_STATE_ACTIVE ? Colour::kGreen : Colour::kGrey;
    table.Add({c.name(), c.display_name(),
               Paint(EnumLabel(c.state(), "CYCLE_STATE_"), colour, session.style()),
               FormatDate(c.start_date()), FormatDate(c.end_date()), CadenceOf(c)});
  }
  table.Print(session.out());
  return kExitOk;
}

struct CreateOptions {
  std::string display_name;
  std::string start;
  std::string end;
  std::string state = "active";
  std::string cadence;
  std::string time_zone;
  std::string request_id;
};

int Create(Session& session, const CreateOptions& o) {
  gv1::CreateCycleRequest request;
  gv1::Cycle* c = request.mutable_cycle();
  c->set_display_name(o.display_name);
  auto start = ParseDate(o.start);
  auto end = ParseDate(o.end);
  if (!start) return session.Usage("--start must be a date such as 2027-01-01");
  if (!end) return session.Usage("--end must be a date such as 2027-03-31");
  *c->mutable_start_date() = *start;
  *c->mutable_end_date() = *end;
  auto state = ParseEnum<gv1::CycleState>("CYCLE_STATE_", o.state);
  if (!state) return session.Usage("--state must be planning or active");
  c->set_state(*state);
  c->set_time_zone(o.time_zone);
  if (!o.cadence.empty()) {
    absl::Duration d;
    if (!absl::ParseDuration(o.cadence, &d))
      return session.Usage("--cadence must be a duration such as 168h");
    c->mutable_check_in_cadence()->set_seconds(absl::ToInt64Seconds(d));
  }
  request.set_request_id(o.request_id);
  auto stub = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  gv1::Cycle out;
  grpc::Status s = stub->CreateCycle(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CreateCycle", s);
  PrintCycle(session, out);
  return kExitOk;
}

int Close(Session& session, const std::string& name, const std::string& etag) {
  gv1::CloseCycleRequest request;
  request.set_name(Qualify("cycles", name));
  request.set_etag(etag);
  auto stub = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  gv1::Cycle out;
  grpc::Status s = stub->CloseCycle(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CloseCycle", s);
  PrintCycle(session, out);
  return kExitOk;
}

}  // namespace

void AddCycleCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* cycles = app.add_subcommand("cycles", "Planning periods (quarters)");
  cycles->require_subcommand(1);
  cycles->add_subcommand("list", "Every cycle of the tenant")
      ->callback(Runner(session, exit_code, [&session] { return List(session); }));

  auto o = std::make_shared<CreateOptions>();
  CLI::App* create = cycles->add_subcommand("create", "Create a cycle (administrators)");
  create->add_option("--name,--display-name", o->display_name, "Shown name, e.g. 2027-Q1")
      ->required();
  create->add_option("--start", o->start, "First day, YYYY-MM-DD")->required();
  create->add_option("--end", o->end, "Last day (inclusive), YYYY-MM-DD")->required();
  create->add_option("--state", o->state, "planning or active")->capture_default_str();
  create->add_option("--cadence", o->cadence, "Check-in cadence, e.g. 168h (default: tenant's)");
  create->add_option("--time-zone", o->time_zone, "IANA zone of the dates (default UTC)");
  create->add_option("--request-id", o->request_id, "Idempotency key (a UUID)");
  create->callback(Runner(session, exit_code, [&session, o] { return Create(session, *o); }));

  auto name = std::make_shared<std::string>();
  auto etag = std::make_shared<std::string>();
  CLI::App* close = cycles->add_subcommand("close", "Close a cycle: its objectives become CLOSED");
  close->add_option("cycle", *name, "cycles/ID or ID")->required();
  close->add_option("--etag", *etag, "Fail with a conflict unless the cycle still has this etag");
  close->callback(
      Runner(session, exit_code, [&session, name, etag] { return Close(session, *name, *etag); }));
}

}  // namespace okr::ctl
