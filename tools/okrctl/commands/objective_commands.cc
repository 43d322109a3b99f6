// `okrctl objectives list|show|create|align|archive`.
#include "absl/strings/str_cat.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/goals_view.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace gv1 = okr::goals::v1;

std::unique_ptr<gv1::GoalsService::Stub> Goals(Session& session) {
  return gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
}

std::vector<std::string> ObjectiveRow(const gv1::Objective& o, const Style& st) {
  return {o.name(),
          o.title(),
          OwnerOf(o),
          EnumLabel(o.level(), "OBJECTIVE_LEVEL_"),
          EnumLabel(o.state(), "OBJECTIVE_STATE_"),
          ProgressCell(o.progress(), 10, st, HealthColour(o.health())),
          HealthLabel(o.health(), st),
          ConfidenceOf(o.has_confidence(), o.confidence())};
}

const std::vector<std::string> kObjectiveHeader = {"NAME",  "TITLE",    "OWNER",  "LEVEL",
                                                   "STATE", "PROGRESS", "HEALTH", "CONFIDENCE"};

struct ListOptions {
  std::string cycle;
  std::string owner;
  std::string parent;
  std::string level;
  bool top_level = false;
  bool include_archived = false;
  int limit = 0;
};

int List(Session& session, const ListOptions& o) {
  gv1::ListObjectivesRequest request;
  request.set_cycle(Qualify("cycles", o.cycle));
  request.set_owner(o.owner);
  request.set_parent(Qualify("objectives", o.parent));
  request.set_top_level_only(o.top_level);
  request.set_include_archived(o.include_archived);
  if (!o.level.empty()) {
    auto level = ParseEnum<gv1::ObjectiveLevel>("OBJECTIVE_LEVEL_", o.level);
    if (!level) return session.Usage("--level must be company, team or individual");
    request.set_level(*level);
  }
  request.set_page_size(o.limit > 0 && o.limit < 1000 ? o.limit : 1000);
  auto stub = Goals(session);
  gv1::ListObjectivesResponse all;
  do {
    gv1::ListObjectivesResponse page;
    grpc::Status s = stub->ListObjectives(session.Context().get(), request, &page);
    if (!s.ok()) return session.Fail("ListObjectives", s);
    for (auto& x : *page.mutable_objectives()) {
      if (o.limit > 0 && all.objectives_size() >= o.limit) break;
      *all.add_objectives() = std::move(x);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (o.limit == 0 || all.objectives_size() < o.limit));
  if (session.json()) {
    session.out() << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table(kObjectiveHeader);
  for (const auto& x : all.objectives()) table.Add(ObjectiveRow(x, session.style()));
  table.Print(session.out());
  return kExitOk;
}

int Show(Session& session, const std::string& name) {
  auto stub = Goals(session);
  gv1::GetObjectiveRequest get;
  get.set_name(Qualify("objectives", name));
  gv1::Objective objective;
  grpc::Status s = stub->GetObjective(session.Context().get(), get, &objective);
  if (!s.ok()) return session.Fail("GetObjective", s);
  gv1::ListKeyResultsRequest list;
  list.set_parent(objective.name());
  list.set_page_size(1000);
  gv1::ListKeyResultsResponse krs;
  s = stub->ListKeyResults(session.Context().get(), list, &krs);
  if (!s.ok()) return session.Fail("ListKeyResults", s);
  if (session.json()) {
    session.out() << nlohmann::json{{"objective", ToJsonValue(objective)},
                                    {"keyResults", ToJsonValue(krs)["keyResults"]}}
                         .dump()
                  << "\n";
    return kExitOk;
  }
  const Style& st = session.style();
  std::ostream& out = session.out();
  out << Paint(objective.title(), Colour::kBold, st) << "  " << objective.name() << "\n";
  if (!objective.description().empty()) out << "  " << objective.description() << "\n";
  out << "  owner:      " << OwnerOf(objective) << " ("
      << EnumLabel(objective.level(), "OBJECTIVE_LEVEL_") << ", "
      << EnumLabel(objective.kind(), "OBJECTIVE_KIND_") << ", "
      << EnumLabel(objective.visibility(), "OBJECTIVE_VISIBILITY_") << ")\n";
  out << "  cycle:      " << objective.cycle() << "\n";
  out << "  aligned to: " << (objective.parent().empty() ? "-" : objective.parent()) << "\n";
  out << "  state:      " << EnumLabel(objective.state(), "OBJECTIVE_STATE_") << "\n";
  out << "  progress:   "
      << ProgressCell(objective.progress(), 20, st, HealthColour(objective.health()))
      << " (expected " << Percent(objective.expected_progress()) << ")\n";
  out << "  health:     " << HealthLabel(objective.health(), st) << "   confidence "
      << ConfidenceOf(objective.has_confidence(), objective.confidence()) << "\n";
  if (objective.has_score()) out << "  score:      " << objective.score() << "\n";
  out << "\n";
  Table table({"KEY RESULT", "TITLE", "TYPE", "VALUE", "PROGRESS", "CONFIDENCE", "STALE"});
  for (const auto& kr : krs.key_results()) {
    table.Add({kr.name(), kr.title(), EnumLabel(kr.type(), "KEY_RESULT_TYPE_"), ValueOf(kr),
               ProgressCell(kr.progress(), 10, st, Colour::kCyan),
               ConfidenceOf(kr.has_latest_confidence(), kr.latest_confidence()),
               kr.stale() ? Paint("stale", Colour::kRed, st) : ""});
  }
  table.Print(out);
  return kExitOk;
}

struct CreateOptions {
  std::string title;
  std::string description;
  std::string cycle;
  std::string owner;
  std::string level = "individual";
  std::string kind = "committed";
  std::string visibility = "public";
  std::string state = "active";
  std::string parent;
  double weight = 1;
  bool rollup_children = false;
  std::string request_id;
};

void PrintObjective(Session& session, const gv1::Objective& o) {
  if (session.json()) {
    session.out() << ToJson(o) << "\n";
    return;
  }
  Table table(kObjectiveHeader);
  table.Add(ObjectiveRow(o, session.style()));
  table.Print(session.out());
}

int Create(Session& session, CreateOptions o) {
  gv1::CreateObjectiveRequest request;
  gv1::Objective* x = request.mutable_objective();
  x->set_title(o.title);
  x->set_description(o.description);
  if (o.cycle.empty()) {
    int code = kExitOk;
    o.cycle = DefaultCycle(session, &code);
    if (o.cycle.empty()) return code;
  }
  x->set_cycle(Qualify("cycles", o.cycle));
  if (o.owner.rfind("teams/", 0) == 0) {
    x->set_owner_team(o.owner);
  } else {
    x->set_owner_person(Qualify("people", o.owner));
  }
  auto level = ParseEnum<gv1::ObjectiveLevel>("OBJECTIVE_LEVEL_", o.level);
  auto kind = ParseEnum<gv1::ObjectiveKind>("OBJECTIVE_KIND_", o.kind);
  auto visibility = ParseEnum<gv1::ObjectiveVisibility>("OBJECTIVE_VISIBILITY_", o.visibility);
  auto state = ParseEnum<gv1::ObjectiveState>("OBJECTIVE_STATE_", o.state);
  if (!level) return session.Usage("--level must be company, team or individual");
  if (!kind) return session.Usage("--kind must be committed or aspirational");
  if (!visibility) return session.Usage("--visibility must be public or private");
  if (!state) return session.Usage("--state must be draft or active");
  x->set_level(*level);
  x->set_kind(*kind);
  x->set_visibility(*visibility);
  x->set_state(*state);
  x->set_parent(Qualify("objectives", o.parent));
  x->set_weight(o.weight);
  x->set_rollup_children(o.rollup_children);
  request.set_request_id(o.request_id);
  gv1::Objective out;
  grpc::Status s = Goals(session)->CreateObjective(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CreateObjective", s);
  PrintObjective(session, out);
  return kExitOk;
}

int Update(Session& session, const std::string& name, const std::string& path,
           const std::function<void(gv1::Objective&)>& set) {
  gv1::UpdateObjectiveRequest request;
  request.mutable_objective()->set_name(Qualify("objectives", name));
  set(*request.mutable_objective());
  request.mutable_update_mask()->add_paths(path);
  gv1::Objective out;
  grpc::Status s = Goals(session)->UpdateObjective(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("UpdateObjective", s);
  PrintObjective(session, out);
  return kExitOk;
}

}  // namespace

void AddObjectiveCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* objectives = app.add_subcommand("objectives", "Objectives");
  objectives->alias("objective");
  objectives->require_subcommand(1);

  auto lo = std::make_shared<ListOptions>();
  CLI::App* list = objectives->add_subcommand("list", "Objectives the caller may read");
  list->add_option("--cycle", lo->cycle, "Only this cycle");
  list->add_option("--owner", lo->owner, "Only this owner, people/ID or teams/ID");
  list->add_option("--parent", lo->parent, "Only objectives aligned to this one");
  list->add_option("--level", lo->level, "company, team or individual");
  list->add_flag("--top-level", lo->top_level, "Only objectives aligned to nothing");
  list->add_flag("--include-archived", lo->include_archived, "Archived ones too");
  list->add_option("--limit", lo->limit, "At most this many (0: all)");
  list->callback(Runner(session, exit_code, [&session, lo] { return List(session, *lo); }));

  auto name = std::make_shared<std::string>();
  CLI::App* show = objectives->add_subcommand("show", "One objective with its key results");
  show->add_option("objective", *name, "objectives/ID or ID")->required();
  show->callback(Runner(session, exit_code, [&session, name] { return Show(session, *name); }));

  auto co = std::make_shared<CreateOptions>();
  CLI::App* create = objectives->add_subcommand("create", "Create an objective");
  create->add_option("--title", co->title, "What to achieve")->required();
  create->add_option("--description", co->description, "Why it matters");
  create->add_option("--cycle", co->cycle, "Cycle (default: the active one)");
  create->add_option("--owner", co->owner, "people/ID (or ID) or teams/ID")->required();
  create->add_option("--level", co->level, "company, team or individual")->capture_default_str();
  create->add_option("--kind", co->kind, "committed or aspirational")->capture_default_str();
  create->add_option("--visibility", co->visibility, "public or private")->capture_default_str();
  create->add_option("--state", co->state, "draft or active")->capture_default_str();
  create->add_option("--parent", co->parent, "Align to this objective or ROLLUP key result");
  create->add_option("--weight", co->weight, "Weight in the parent's progress")
      ->capture_default_str();
  create->add_flag("--rollup-children", co->rollup_children,
                   "Aligned objectives count in this one's progress");
  create->add_option("--request-id", co->request_id, "Idempotency key (a UUID)");
  create->callback(Runner(session, exit_code, [&session, co] { return Create(session, *co); }));

  auto align_name = std::make_shared<std::string>();
  auto parent = std::make_shared<std::string>();
  CLI::App* align = objectives->add_subcommand("align", "Align an objective to a parent");
  align->add_option("objective", *align_name, "objectives/ID or ID")->required();
  align
      ->add_option("--to,--parent", *parent,
                   "The parent objective or ROLLUP key result (\"\" to align to nothing)")
      ->required();
  align->callback(Runner(session, exit_code, [&session, align_name, parent] {
    return Update(session, *align_name, "parent",
                  [&](gv1::Objective& o) { o.set_parent(Qualify("objectives", *parent)); });
  }));

  auto archive_name = std::make_shared<std::string>();
  CLI::App* archive = objectives->add_subcommand("archive", "Set an objective aside");
  archive->add_option("objective", *archive_name, "objectives/ID or ID")->required();
  archive->callback(Runner(session, exit_code, [&session, archive_name] {
    return Update(session, *archive_name, "state",
                  [](gv1::Objective& o) { o.set_state(gv1::OBJECTIVE_STATE_ARCHIVED); });
  }));
}

}  // namespace okr::ctl
