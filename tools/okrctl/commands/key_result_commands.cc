// `okrctl krs create|show` and `okrctl checkin`.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

void PrintKeyResult(Session& session, const gv1::KeyResult& kr) {
  if (session.json()) {
    session.out() << ToJson(kr) << "\n";
    return;
  }
  const Style& st = session.style();
  std::ostream& out = session.out();
  out << Paint(kr.title(), Colour::kBold, st) << "  " << kr.name() << "\n";
  out << "  type:       " << EnumLabel(kr.type(), "KEY_RESULT_TYPE_");
  if (kr.direction() != gv1::KEY_RESULT_DIRECTION_UNSPECIFIED) {
    out << " (" << EnumLabel(kr.direction(), "KEY_RESULT_DIRECTION_") << ")";
  }
  out << "\n  value:      " << ValueOf(kr) << "\n";
  out << "  progress:   " << ProgressCell(kr.progress(), 20, st, Colour::kCyan) << "\n";
  out << "  confidence: " << ConfidenceOf(kr.has_latest_confidence(), kr.latest_confidence())
      << "\n";
  if (!kr.owner().empty()) out << "  owner:      " << kr.owner() << "\n";
  if (!kr.metric_key().empty()) out << "  metric key: " << kr.metric_key() << "\n";
  out << "  last check-in: " << FormatTime(kr.last_check_in_time())
      << (kr.stale() ? "  " + Paint("stale", Colour::kRed, st) : "") << "\n";
  for (const auto& m : kr.milestones()) {
    out << "    [" << (m.done() ? "x" : " ") << "] " << m.id() << "  " << m.title() << "\n";
  }
}

struct CreateOptions {
  std::string objective;
  std::string title;
  std::string description;
  std::string type = "numeric";
  std::string direction;
  double start = 0;
  double target = 0;
  std::optional<double> threshold;
  std::string unit;
  std::string currency;
  double weight = 1;
  std::string owner;
  std::string metric_key;
  std::vector<std::string> milestones;
  std::string request_id;
};

int Create(Session& session, const CreateOptions& o) {
  gv1::CreateKeyResultRequest request;
  request.set_parent(Qualify("objectives", o.objective));
  request.set_request_id(o.request_id);
  gv1::KeyResult* kr = request.mutable_key_result();
  kr->set_title(o.title);
  kr->set_description(o.description);
  auto type = ParseEnum<gv1::KeyResultType>("KEY_RESULT_TYPE_", o.type);
  if (!type) {
    return session.Usage("--type must be numeric, percent, currency, boolean, milestone or rollup");
  }
  kr->set_type(*type);
  if (!o.direction.empty()) {
    auto direction = ParseEnum<gv1::KeyResultDirection>("KEY_RESULT_DIRECTION_", o.direction);
    if (!direction) {
      return session.Usage("--direction must be increase, decrease, keep-above or keep-below");
    }
    kr->set_direction(*direction);
  } else if (*type == gv1::KEY_RESULT_TYPE_NUMERIC || *type == gv1::KEY_RESULT_TYPE_PERCENT ||
             *type == gv1::KEY_RESULT_TYPE_CURRENCY) {
    kr->set_direction(gv1::KEY_RESULT_DIRECTION_INCREASE);
  }
  kr->set_start_value(o.start);
  kr->set_target_value(o.target);
  if (o.threshold) kr->set_threshold(*o.threshold);
  kr->set_unit(o.unit);
  kr->set_currency_code(o.currency);
  kr->set_weight(o.weight);
  kr->set_owner(Qualify("people", o.owner));
  kr->set_metric_key(o.metric_key);
  int index = 0;
  for (const std::string& spec : o.milestones) {
    // "title" or "title:weight"
    std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits(':', 1));
    gv1::Milestone* m = kr->add_milestones();
    m->set_id(absl::StrCat("m", ++index));
    m->set_title(parts[0]);
    double weight = 1;
    if (parts.size() == 2 && !absl::SimpleAtod(parts[1], &weight)) {
      return session.Usage("--milestone takes \"title\" or \"title:weight\", got \"" + spec + "\"");
    }
    m->set_weight(weight);
  }
  gv1::KeyResult out;
  grpc::Status s = Goals(session)->CreateKeyResult(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CreateKeyResult", s);
  PrintKeyResult(session, out);
  return kExitOk;
}

int Show(Session& session, const std::string& name, int check_ins) {
  auto stub = Goals(session);
  gv1::GetKeyResultRequest get;
  get.set_name(name);
  gv1::KeyResult kr;
  grpc::Status s = stub->GetKeyResult(session.Context().get(), get, &kr);
  if (!s.ok()) return session.Fail("GetKeyResult", s);
  gv1::ListCheckInsRequest list;
  list.set_parent(kr.name());
  list.set_page_size(check_ins);
  gv1::ListCheckInsResponse history;
  if (check_ins > 0) {
    s = stub->ListCheckIns(session.Context().get(), list, &history);
    if (!s.ok()) return session.Fail("ListCheckIns", s);
  }
  if (session.json()) {
    session.out() << nlohmann::json{{"keyResult", ToJsonValue(kr)},
                                    {"checkIns", ToJsonValue(history)["checkIns"]}}
                         .dump()
                  << "\n";
    return kExitOk;
  }
  PrintKeyResult(session, kr);
  if (history.check_ins().empty()) return kExitOk;
  session.out() << "\n";
  Table table({"OBSERVED", "VALUE", "CONFIDENCE", "BY", "NOTE"});
  for (const auto& c : history.check_ins()) {
    std::string value = c.has_value() ? absl::StrCat(c.value()) : "";
    for (const auto& m : c.milestone_states()) {
      absl::StrAppend(&value, value.empty() ? "" : " ", m.milestone_id(), m.done() ? "+" : "-");
    }
    std::string by = c.author().empty() ? c.event_source() : c.author();
    table.Add({FormatTime(c.observed_at()), value, ConfidenceOf(c.has_confidence(), c.confidence()),
               by, c.note().progress()});
  }
  table.Print(session.out());
  return kExitOk;
}

struct CheckInOptions {
  std::string key_result;
  std::optional<double> value;
  std::vector<std::string> done;
  std::vector<std::string> undone;
  std::optional<int> confidence;
  std::string progress;
  std::string challenges;
  std::string next_steps;
  std::string observed_at;
  std::string request_id;
};

int CheckIn(Session& session, const CheckInOptions& o) {
  gv1::CreateCheckInRequest request;
  request.set_parent(o.key_result);
  request.set_request_id(o.request_id);
  gv1::CheckIn* c = request.mutable_check_in();
  if (o.value) c->set_value(*o.value);
  for (const std::string& id : o.done) {
    gv1::MilestoneState* m = c->add_milestone_states();
    m->set_milestone_id(id);
    m->set_done(true);
  }
  for (const std::string& id : o.undone) c->add_milestone_states()->set_milestone_id(id);
  if (o.confidence) c->set_confidence(*o.confidence);
  c->mutable_note()->set_progress(o.progress);
  c->mutable_note()->set_challenges(o.challenges);
  c->mutable_note()->set_next_steps(o.next_steps);
  if (!o.observed_at.empty()) {
    auto t = ParseTimestamp(o.observed_at);
    if (!t) return session.Usage("--observed-at must be RFC 3339, a date or a duration ago");
    *c->mutable_observed_at() = *t;
  }
  gv1::CheckIn out;
  grpc::Status s = Goals(session)->CreateCheckIn(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CreateCheckIn", s);
  if (session.json()) {
    session.out() << ToJson(out) << "\n";
    return kExitOk;
  }
  gv1::GetKeyResultRequest get;
  get.set_name(o.key_result);
  gv1::KeyResult kr;
  s = Goals(session)->GetKeyResult(session.Context().get(), get, &kr);
  session.out() << "checked in: " << out.name() << "\n";
  if (s.ok()) PrintKeyResult(session, kr);
  return kExitOk;
}

}  // namespace

void AddKeyResultCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* krs = app.add_subcommand("krs", "Key results");
  krs->alias("kr");
  krs->require_subcommand(1);

  auto co = std::make_shared<CreateOptions>();
  CLI::App* create = krs->add_subcommand("create", "Add a key result to an objective");
  create->add_option("objective", co->objective, "objectives/ID or ID")->required();
  create->add_option("--title", co->title, "What is measured")->required();
  create->add_option("--description", co->description, "Details");
  create->add_option("--type", co->type, "numeric, percent, currency, boolean, milestone or rollup")
      ->capture_default_str();
  create->add_option("--direction", co->direction,
                     "increase, decrease, keep-above or keep-below (numeric types)");
  create->add_option("--start", co->start, "Start value")->capture_default_str();
  create->add_option("--target", co->target, "Target value");
  create->add_option("--threshold", co->threshold, "Threshold (keep-above / keep-below)");
  create->add_option("--unit", co->unit, "Unit shown with numeric values");
  create->add_option("--currency", co->currency, "ISO 4217 code (currency type)");
  create->add_option("--weight", co->weight, "Weight in the objective")->capture_default_str();
  create->add_option("--owner", co->owner, "Who checks it in, people/ID");
  create->add_option("--metric-key", co->metric_key, "Streamed progress events move it");
  create->add_option("--milestone", co->milestones, "A milestone, \"title\" or \"title:weight\"");
  create->add_option("--request-id", co->request_id, "Idempotency key (a UUID)");
  create->callback(Runner(session, exit_code, [&session, co] { return Create(session, *co); }));

  auto name = std::make_shared<std::string>();
  auto check_ins = std::make_shared<int>(10);
  CLI::App* show = krs->add_subcommand("show", "One key result with its latest check-ins");
  show->add_option("key-result", *name, "objectives/ID/keyResults/ID")->required();
  show->add_option("--check-ins", *check_ins, "How many check-ins to show")->capture_default_str();
  show->callback(Runner(session, exit_code,
                        [&session, name, check_ins] { return Show(session, *name, *check_ins); }));

  auto ci = std::make_shared<CheckInOptions>();
  CLI::App* checkin = app.add_subcommand("checkin", "Check in on a key result");
  checkin->add_option("key-result", ci->key_result, "objectives/ID/keyResults/ID")->required();
  checkin->add_option("--value", ci->value, "The new value");
  checkin->add_option("--done", ci->done, "Milestone ids now done");
  checkin->add_option("--undone", ci->undone, "Milestone ids no longer done");
  checkin->add_option("--confidence", ci->confidence, "0 (no chance) to 10 (certain)")
      ->check(CLI::Range(0, 10));
  checkin->add_option("--progress,--note", ci->progress, "What moved");
  checkin->add_option("--challenges", ci->challenges, "What is in the way");
  checkin->add_option("--next-steps", ci->next_steps, "What comes next");
  checkin->add_option("--observed-at", ci->observed_at, "When it was observed (default: now)");
  checkin->add_option("--request-id", ci->request_id, "Idempotency key (a UUID)");
  checkin->callback(Runner(session, exit_code, [&session, ci] { return CheckIn(session, *ci); }));
}

}  // namespace okr::ctl
