// `okrctl feed tail`: the goals (or feedback) change feed, from now or resumable `--from` a resume
// token, until Ctrl-C, `--limit` changes, or (with --until-caught-up) the backlog's end. Prints the
// token to resume from when it stops.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/interrupt.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace fv1 = okr::feedback::v1;
namespace gv1 = okr::goals::v1;

struct TailOptions {
  std::string service = "goals";
  std::string from;
  std::vector<std::string> kinds;
  std::string cycle;
  std::string objective;
  int limit = 0;
  bool until_caught_up = false;
};

// Streams one service's feed. Response is that service's WatchChangesResponse.
template <typename Stub, typename Request, typename Response, typename Kind>
int Tail(Session& session, Interrupt& interrupt, Stub& stub, Request request, const TailOptions& o,
         std::string_view kind_prefix) {
  auto context = session.Context(absl::InfiniteDuration());
  grpc::ClientContext* raw = context.get();
  interrupt.OnSignal([raw] { raw->TryCancel(); });
  auto reader = stub.WatchChanges(context.get(), request);
  Response response;
  std::string last_token = o.from;
  int changes = 0;
  bool stopped = false;
  while (reader->Read(&response)) {
    if (response.has_checkpoint()) {
      last_token = response.checkpoint().resume_token();
      if (session.json()) session.out() << ToJson(response) << std::endl;
      if (o.until_caught_up && response.checkpoint().caught_up()) {
        stopped = true;
        break;
      }
      continue;
    }
    const auto& c = response.change();
    last_token = c.resume_token();
    ++changes;
    if (session.json()) {
      session.out() << ToJson(response) << std::endl;
    } else {
      session.out() << FormatTime(c.commit_time()) << "  "
                    << Paint(EnumLabel(c.kind(), kind_prefix), Colour::kCyan, session.style())
                    << "  " << c.resource_name() << (c.actor().empty() ? "" : "  by " + c.actor())
                    << (c.changed_fields().paths().empty()
                            ? ""
                            : "  [" + absl::StrJoin(c.changed_fields().paths(), ",") + "]")
                    << std::endl;
    }
    if (o.limit > 0 && changes >= o.limit) {
      stopped = true;
      break;
    }
  }
  if (stopped) context->TryCancel();
  const grpc::Status s = reader->Finish();
  session.err() << "okrctl: " << changes << " changes; resume with --from " << last_token << "\n";
  if (stopped || interrupt.interrupted()) return kExitOk;
  return session.Fail("WatchChanges", s);
}

int RunTail(Session& session, const TailOptions& o) {
  Interrupt interrupt;  // before the channel is made
  if (o.service == "feedback") {
    fv1::WatchChangesRequest request;
    request.set_resume_token(o.from);
    for (const std::string& k : o.kinds) {
      auto kind = ParseEnum<fv1::ChangeKind>("CHANGE_KIND_", k);
      if (!kind) return session.Usage("unknown feedback change kind \"" + k + "\"");
      request.add_kinds(*kind);
    }
    if (!o.cycle.empty() || !o.objective.empty()) {
      return session.Usage("--cycle and --objective filter the goals feed only");
    }
    auto stub = fv1::FeedbackService::NewStub(session.Channel(Service::kFeedback));
    return Tail<fv1::FeedbackService::Stub, fv1::WatchChangesRequest, fv1::WatchChangesResponse,
                fv1::ChangeKind>(session, interrupt, *stub, request, o, "CHANGE_KIND_");
  }
  gv1::WatchChangesRequest request;
  request.set_resume_token(o.from);
  for (const std::string& k : o.kinds) {
    auto kind = ParseEnum<gv1::ChangeKind>("CHANGE_KIND_", k);
    if (!kind) return session.Usage("unknown goals change kind \"" + k + "\"");
    request.add_kinds(*kind);
  }
  request.set_cycle(Qualify("cycles", o.cycle));
  request.set_objective(Qualify("objectives", o.objective));
  auto stub = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  return Tail<gv1::GoalsService::Stub, gv1::WatchChangesRequest, gv1::WatchChangesResponse,
              gv1::ChangeKind>(session, interrupt, *stub, request, o, "CHANGE_KIND_");
}

}  // namespace

void AddFeedCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* feed = app.add_subcommand("feed", "Change feeds");
  feed->require_subcommand(1);
  auto o = std::make_shared<TailOptions>();
  CLI::App* tail = feed->add_subcommand("tail", "Print changes as they commit (Ctrl-C stops)");
  tail->add_option("--service", o->service, "goals or feedback")
      ->check(CLI::IsMember({"goals", "feedback"}))
      ->capture_default_str();
  tail->add_option("--from", o->from, "Resume after this token (default: from now)");
  tail->add_option("--kind", o->kinds, "Only these kinds, e.g. check-in-created (repeatable)");
  tail->add_option("--cycle", o->cycle, "Only changes of this cycle (goals)");
  tail->add_option("--objective", o->objective, "Only changes of this objective (goals)");
  tail->add_option("--limit", o->limit, "Stop after this many changes");
  tail->add_flag("--until-caught-up", o->until_caught_up,
                 "Stop once every change committed before the start was printed");
  tail->callback(Runner(session, exit_code, [&session, o] { return RunTail(session, *o); }));
}

}  // namespace okr::ctl
