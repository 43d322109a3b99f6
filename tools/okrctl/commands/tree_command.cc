// `okrctl tree [CYCLE|OBJECTIVE]`: the alignment tree with progress bars, health and confidence,
// now or `--as-of` a past time.
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

struct TreeOptions {
  std::string root;
  std::string as_of;
  int depth = 0;
  bool key_results = false;
  bool include_archived = false;
};

class TreePrinter {
 public:
  TreePrinter(const Style& style, bool key_results)
      : style_(style),
        key_results_(key_results),
        table_({"OBJECTIVE", "PROGRESS", "HEALTH", "CONFIDENCE", "OWNER", "NAME"}) {}

  void Node(const gv1::ObjectiveNode& node, const std::string& indent, bool last, bool root) {
    const gv1::Objective& o = node.objective();
    const std::string branch = root ? "" : indent + (last ? Elbow() : Tee());
    const std::string title = node.redacted()
                                  ? Paint("(private objective)", Colour::kGrey, style_)
                                  : Paint(o.title(), root ? Colour::kBold : Colour::kNone, style_);
    table_.Add({branch + title, ProgressCell(o.progress(), 12, style_, HealthColour(o.health())),
                HealthLabel(o.health(), style_), ConfidenceOf(o.has_confidence(), o.confidence()),
                node.redacted() ? "" : OwnerOf(o), o.name()});
    const std::string child_indent = root ? "" : indent + (last ? "   " : Pipe());
    const int kr_count = key_results_ ? node.key_results_size() : 0;
    const int total = kr_count + node.children_size();
    int i = 0;
    for (int k = 0; k < kr_count; ++k, ++i) {
      const auto& kr_node = node.key_results(k);
      const gv1::KeyResult& kr = kr_node.key_result();
      const bool kr_last = i + 1 == total;
      table_.Add(
          {child_indent + (kr_last ? Elbow() : Tee()) +
               Paint(absl::StrCat("KR ", kr.title(), "  ", ValueOf(kr)), Colour::kCyan, style_),
           ProgressCell(kr.progress(), 12, style_, Colour::kCyan),
           kr.stale() ? Paint("stale", Colour::kRed, style_) : "",
           ConfidenceOf(kr.has_latest_confidence(), kr.latest_confidence()), kr.owner(),
           kr.name()});
      for (int c = 0; c < kr_node.children_size(); ++c) {
        Node(kr_node.children(c), child_indent + (kr_last ? "   " : Pipe()),
             c + 1 == kr_node.children_size(), false);
      }
    }
    for (int c = 0; c < node.children_size(); ++c, ++i) {
      Node(node.children(c), child_indent, i + 1 == total, false);
    }
  }

  void Print(std::ostream& out) const { table_.Print(out); }

 private:
  std::string Tee() const { return style_.unicode ? "├─ " : "|- "; }
  std::string Elbow() const { return style_.unicode ? "└─ " : "`- "; }
  std::string Pipe() const { return style_.unicode ? "│  " : "|  "; }

  Style style_;
  bool key_results_;
  Table table_;
};

int Tree(Session& session, TreeOptions o) {
  if (o.root.empty()) {
    int code = kExitOk;
    o.root = DefaultCycle(session, &code);
    if (o.root.empty()) return code;
  }
  gv1::GetObjectiveTreeRequest request;
  request.set_name(Qualify("cycles", o.root));
  request.set_max_depth(o.depth);
  request.set_include_archived(o.include_archived);
  if (!o.as_of.empty()) {
    auto t = ParseTimestamp(o.as_of);
    if (!t)
      return session.Usage("--as-of must be RFC 3339, a date, or a duration ago such as 168h");
    *request.mutable_as_of() = *t;
  }
  auto stub = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  gv1::ObjectiveTree tree;
  grpc::Status s = stub->GetObjectiveTree(session.Context().get(), request, &tree);
  if (!s.ok()) return session.Fail("GetObjectiveTree", s);
  if (session.json()) {
    session.out() << ToJson(tree) << "\n";
    return kExitOk;
  }
  session.out() << Paint(tree.cycle(), Colour::kBold, session.style()) << "  as of "
                << (tree.has_as_of() ? FormatTime(tree.as_of()) : "now") << " UTC\n";
  if (tree.roots().empty()) {
    session.out() << "no objectives\n";
    return kExitOk;
  }
  TreePrinter printer(session.style(), o.key_results);
  for (const auto& root : tree.roots()) printer.Node(root, "", true, true);
  printer.Print(session.out());
  return kExitOk;
}

}  // namespace

void AddTreeCommand(CLI::App& app, Session& session, int& exit_code) {
  auto o = std::make_shared<TreeOptions>();
  CLI::App* tree = app.add_subcommand("tree", "The alignment tree with progress and health");
  tree->add_option("root", o->root, "A cycle (default: the active one) or objectives/ID");
  tree->add_option("--as-of", o->as_of, "A past time: RFC 3339, YYYY-MM-DD, or e.g. 168h ago");
  tree->add_option("--depth", o->depth, "Objective levels to show (0: all)");
  tree->add_flag("--key-results,-k", o->key_results, "Show key results under their objectives");
  tree->add_flag("--include-archived", o->include_archived, "Show archived objectives");
  tree->callback(Runner(session, exit_code, [&session, o] { return Tree(session, *o); }));
}

}  // namespace okr::ctl
