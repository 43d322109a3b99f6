#include "tools/okr-demo/loader.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "okr/common/aip/proto_time.h"
#include "tools/okr-demo/parallel.h"
#include "tools/okr-demo/request_ids.h"
#include "tools/okrctl/errors.h"

namespace okr::demo {
namespace v1 = okr::goals::v1;
namespace org = okr::org::v1;

namespace {

v1::ObjectiveLevel LevelOf(Level level) {
  switch (level) {
    case Level::kCompany:
      return v1::OBJECTIVE_LEVEL_COMPANY;
    case Level::kTeam:
      return v1::OBJECTIVE_LEVEL_TEAM;
    case Level::kIndividual:
      return v1::OBJECTIVE_LEVEL_INDIVIDUAL;
  }
  return v1::OBJECTIVE_LEVEL_UNSPECIFIED;
}

v1::KeyResultType TypeOf(KrType type) {
  switch (type) {
    case KrType::kNumeric:
      return v1::KEY_RESULT_TYPE_NUMERIC;
    case KrType::kPercent:
      return v1::KEY_RESULT_TYPE_PERCENT;
    case KrType::kCurrency:
      return v1::KEY_RESULT_TYPE_CURRENCY;
    case KrType::kBoolean:
      return v1::KEY_RESULT_TYPE_BOOLEAN;
    case KrType::kMilestone:
      return v1::KEY_RESULT_TYPE_MILESTONE;
    case KrType::kRollup:
      return v1::KEY_RESULT_TYPE_ROLLUP;
  }
  return v1::KEY_RESULT_TYPE_UNSPECIFIED;
}

v1::KeyResultDirection DirectionOf(Direction direction) {
  switch (direction) {
    case Direction::kNone:
      return v1::KEY_RESULT_DIRECTION_UNSPECIFIED;
    case Direction::kIncrease:
      return v1::KEY_RESULT_DIRECTION_INCREASE;
    case Direction::kDecrease:
      return v1::KEY_RESULT_DIRECTION_DECREASE;
    case Direction::kKeepAbove:
      return v1::KEY_RESULT_DIRECTION_KEEP_ABOVE;
    case Direction::kKeepBelow:
      return v1::KEY_RESULT_DIRECTION_KEEP_BELOW;
  }
  return v1::KEY_RESULT_DIRECTION_UNSPECIFIED;
}

std::string PersonName(const std::string& id) {
  return id.empty() ? "" : absl::StrCat("people/", id);
}
std::string TeamName(const std::string& id) { return id.empty() ? "" : absl::StrCat("teams/", id); }

}  // namespace

Loader::Loader(LoaderOptions options)
    : options_(std::move(options)),
      org_(org::OrgService::NewStub(options_.goals)),
      goals_(v1::GoalsService::NewStub(options_.goals)),
      feedback_(okr::feedback::v1::FeedbackService::NewStub(options_.feedback)) {}

absl::StatusOr<std::unique_ptr<grpc::ClientContext>> Loader::Context(const std::string& person) {
  absl::StatusOr<std::string> token =
      person.empty() ? options_.tokens->Admin() : options_.tokens->As(person);
  if (!token.ok()) return token.status();
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  context->set_wait_for_ready(true);
  return context;
}

absl::Status Loader::Check(std::string_view what, const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StripPrefix(okr::ctl::DescribeRpcError(what, status), "okrctl: "));
}

std::string Loader::RequestId(std::string_view kind, uint64_t index) const {
  return DemoRequestId(options_.seed, kind, index);
}

void Loader::Step(std::string_view step) const {
  if (options_.on_step) options_.on_step(step);
}

absl::StatusOr<bool> Loader::TenantHasCycles() {
  auto context = Context("");
  if (!context.ok()) return context.status();
  v1::ListCyclesRequest request;
  request.set_page_size(1);
  v1::ListCyclesResponse response;
  absl::Status s = Check("ListCycles", goals_->ListCycles(context->get(), request, &response));
  if (!s.ok()) return s;
  return response.cycles_size() > 0;
}

absl::StatusOr<LoadSummary> Loader::Load(const DemoPlan& plan) {
  using StepFn = absl::Status (Loader::*)(const DemoPlan&);
  const std::vector<std::pair<const char*, StepFn>> steps = {
      {"org directory", &Loader::LoadOrg},     {"cycle", &Loader::LoadCycle},
      {"objectives", &Loader::LoadObjectives}, {"check-ins", &Loader::LoadCheckIns},
      {"feedback", &Loader::LoadFeedback},     {"feedback requests", &Loader::LoadRequests},
      {"one-on-ones", &Loader::LoadOneOnOnes}, {"review cycle", &Loader::LoadReviews}};
  for (const auto& [name, step] : steps) {
    Step(name);
    if (absl::Status s = (this->*step)(plan); !s.ok()) return s;
  }
  LoadSummary summary;
  summary.cycle = cycle_;
  summary.teams = static_cast<int>(plan.teams.size());
  summary.people = static_cast<int>(plan.people.size());
  summary.objectives = static_cast<int>(plan.objectives.size());
  for (const Objective& o : plan.objectives) {
    summary.key_results += static_cast<int>(o.key_results.size());
    for (const KeyResult& k : o.key_results) {
      // A bound key result gets its values streamed and one manual check-in for confidence.
      summary.check_ins += k.metric_key.empty() ? static_cast<int>(k.check_ins.size())
                                                : (k.check_ins.empty() ? 0 : 1);
    }
  }
  summary.events = events_acked_;
  summary.feedback = static_cast<int>(plan.feedback.size());
  summary.requests = static_cast<int>(plan.requests.size());
  for (const FeedbackRequest& r : plan.requests) {
    for (const auto& response : r.responses) {
      summary.answers += response.answer == Answer::kAnswered;
      summary.declines += response.answer == Answer::kDeclined;
    }
  }
  summary.one_on_ones = static_cast<int>(plan.one_on_ones.size());
  summary.assessments = static_cast<int>(plan.review_cycle.assessments.size());
  return summary;
}

absl::Status Loader::LoadOrg(const DemoPlan& plan) {
  // Teams first (their leads may name people not stored yet: the directory resolves names when
  // read), then people, each in one batch: a batch is all or nothing.
  org::BatchUpsertTeamsRequest teams;
  for (const demo::Team& t : plan.teams) {
    org::Team* team = teams.add_teams();
    team->set_name(TeamName(t.id));
    team->set_display_name(t.display_name);
    team->set_parent(TeamName(t.parent));
    team->set_lead(PersonName(t.lead));
  }
  auto context = Context("");
  if (!context.ok()) return context.status();
  org::BatchUpsertTeamsResponse teams_response;
  absl::Status s =
      Check("BatchUpsertTeams", org_->BatchUpsertTeams(context->get(), teams, &teams_response));
  if (!s.ok()) return s;
  org::BatchUpsertPeopleRequest people;
  for (const demo::Person& p : plan.people) {
    org::Person* person = people.add_people();
    person->set_name(PersonName(p.id));
    person->set_display_name(p.display_name);
    person->set_email(p.email);
    person->set_manager(PersonName(p.manager));
    for (const std::string& t : p.teams) person->add_teams(TeamName(t));
  }
  context = Context("");
  if (!context.ok()) return context.status();
  org::BatchUpsertPeopleResponse people_response;
  return Check("BatchUpsertPeople",
               org_->BatchUpsertPeople(context->get(), people, &people_response));
}

absl::Status Loader::LoadCycle(const DemoPlan& plan) {
  v1::CreateCycleRequest request;
  v1::Cycle* cycle = request.mutable_cycle();
  cycle->set_display_name(plan.cycle_name);
  *cycle->mutable_start_date() = okr::common::ToDate(plan.cycle_start);
  *cycle->mutable_end_date() = okr::common::ToDate(plan.cycle_end);
  cycle->set_time_zone("UTC");
  cycle->set_state(v1::CYCLE_STATE_ACTIVE);
  request.set_request_id(RequestId("cycle", 0));
  auto context = Context("");
  if (!context.ok()) return context.status();
  v1::Cycle response;
  absl::Status s = Check("CreateCycle", goals_->CreateCycle(context->get(), request, &response));
  if (s.ok()) cycle_ = response.name();
  return s;
}

absl::Status Loader::LoadObjectives(const DemoPlan& plan) {
  const size_t n = plan.objectives.size();
  objective_names_.assign(n, "");
  key_result_names_.assign(n, {});
  milestone_ids_.assign(n, {});
  // Parents come before children in the plan; objectives of one depth are created together.
  std::vector<int> depth(n, 0);
  int deepest = 0;
  for (size_t i = 0; i < n; ++i) {
    const int parent = plan.objectives[i].parent;
    if (parent >= 0) depth[i] = depth[static_cast<size_t>(parent)] + 1;
    deepest = std::max(deepest, depth[i]);
  }
  for (int d = 0; d <= deepest; ++d) {
    std::vector<size_t> level;
    for (size_t i = 0; i < n; ++i) {
      if (depth[i] == d) level.push_back(i);
    }
    absl::Status s = ParallelFor(level.size(), options_.concurrency,
                                 [&](size_t i) { return CreateObjective(plan, level[i]); });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Loader::CreateObjective(const DemoPlan& plan, size_t index) {
  const demo::Objective& o = plan.objectives[index];
  v1::CreateObjectiveRequest request;
  v1::Objective* objective = request.mutable_objective();
  objective->set_title(o.title);
  if (o.owner_team.empty()) {
    objective->set_owner_person(PersonName(o.owner_person));
  } else {
    objective->set_owner_team(TeamName(o.owner_team));
  }
  objective->set_level(LevelOf(o.level));
  objective->set_cycle(cycle_);
  if (o.parent >= 0) {
    const auto p = static_cast<size_t>(o.parent);
    objective->set_parent(o.parent_key_result >= 0
                              ? key_result_names_[p][static_cast<size_t>(o.parent_key_result)]
                              : objective_names_[p]);
  }
  objective->set_kind(o.aspirational ? v1::OBJECTIVE_KIND_ASPIRATIONAL
                                     : v1::OBJECTIVE_KIND_COMMITTED);
  objective->set_visibility(o.private_visibility ? v1::OBJECTIVE_VISIBILITY_PRIVATE
                                                 : v1::OBJECTIVE_VISIBILITY_PUBLIC);
  objective->set_state(v1::OBJECTIVE_STATE_ACTIVE);
  objective->set_rollup_children(o.rollup_children);
  request.set_request_id(RequestId("objective", index));
  auto context = Context("");
  if (!context.ok()) return context.status();
  v1::Objective created;
  absl::Status s = Check(absl::StrCat("CreateObjective \"", o.title, "\""),
                         goals_->CreateObjective(context->get(), request, &created));
  if (!s.ok()) return s;
  objective_names_[index] = created.name();
  for (size_t k = 0; k < o.key_results.size(); ++k) {
    const demo::KeyResult& kr = o.key_results[k];
    v1::CreateKeyResultRequest kr_request;
    kr_request.set_parent(created.name());
    v1::KeyResult* key_result = kr_request.mutable_key_result();
    key_result->set_title(kr.title);
    key_result->set_owner(PersonName(kr.owner));
    key_result->set_type(TypeOf(kr.type));
    key_result->set_direction(DirectionOf(kr.direction));
    key_result->set_unit(kr.unit);
    key_result->set_currency_code(kr.currency_code);
    key_result->set_start_value(kr.start_value);
    key_result->set_target_value(kr.target_value);
    if (kr.threshold) key_result->set_threshold(*kr.threshold);
    key_result->set_weight(kr.weight);
    key_result->set_metric_key(kr.metric_key);
    for (const Milestone& m : kr.milestones) {
      v1::Milestone* milestone = key_result->add_milestones();
      milestone->set_title(m.title);
      milestone->set_weight(m.weight);
    }
    kr_request.set_request_id(RequestId("key-result", index * 100 + k));
    context = Context("");
    if (!context.ok()) return context.status();
    v1::KeyResult kr_created;
    s = Check(absl::StrCat("CreateKeyResult \"", kr.title, "\""),
              goals_->CreateKeyResult(context->get(), kr_request, &kr_created));
    if (!s.ok()) return s;
    key_result_names_[index].push_back(kr_created.name());
    std::vector<std::string> ids;
    for (const v1::Milestone& m : kr_created.milestones()) ids.push_back(m.id());
    milestone_ids_[index].push_back(std::move(ids));
  }
  return absl::OkStatus();
}

}  // namespace okr::demo
