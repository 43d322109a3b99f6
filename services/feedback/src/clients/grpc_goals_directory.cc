#include "services/feedback/src/clients/grpc_goals_directory.h"

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/clients/grpc_org_directory.h"

namespace okr::feedback {
namespace {

namespace goals = ::okr::goals::v1;

// NOT_FOUND and PERMISSION_DENIED of goals mean the caller may not link or see the goal; they are
// passed on with reasons of ours, and no detail of goals' message.
absl::Status GoalError(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return common::NotFound("GOAL_NOT_FOUND", "the goal does not exist or you may not read it");
  }
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return common::PermissionDenied("GOAL_ACCESS_DENIED", "you may not read the goal");
  }
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return common::Unauthenticated("GOALS_REJECTED_TOKEN",
                                   "the goals service did not accept your token");
  }
  return GoalsCallError(status, "a goal");
}

absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

}  // namespace

void GrpcGoalsDirectory::Prepare(grpc::ClientContext& context, const GoalsCaller& caller) const {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", caller.bearer_token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
}

absl::StatusOr<GoalFacts> GrpcGoalsDirectory::ReadGoal(const GoalsCaller& caller,
                                                       const GoalRef& goal) {
  GoalFacts facts;
  {
    grpc::ClientContext context;
    Prepare(context, caller);
    goals::GetObjectiveRequest request;
    request.set_name(ObjectiveName(goal.objective));
    goals::Objective objective;
    grpc::Status status = stub_->GetObjective(&context, request, &objective);
    if (!status.ok()) return GoalError(status);
    facts.is_private = objective.visibility() == goals::OBJECTIVE_VISIBILITY_PRIVATE;
    facts.cycle = objective.cycle();
    auto id_of = [](const std::string& name) {
      const size_t slash = name.find('/');
      return slash == std::string::npos ? std::string() : name.substr(slash + 1);
    };
    if (objective.has_owner_person()) facts.owner_person = id_of(objective.owner_person());
    if (objective.has_owner_team()) facts.owner_team = id_of(objective.owner_team());
  }
  if (!goal.key_result.empty()) {
    grpc::ClientContext context;
    Prepare(context, caller);
    goals::GetKeyResultRequest request;
    request.set_name(KeyResultName(goal));
    goals::KeyResult key_result;
    grpc::Status status = stub_->GetKeyResult(&context, request, &key_result);
    if (!status.ok()) return GoalError(status);
  }
  return facts;
}

absl::StatusOr<std::vector<ObjectiveFacts>> GrpcGoalsDirectory::OwnedObjectives(
    const GoalsCaller& caller, const std::string& person, const std::string& cycle) {
  std::vector<ObjectiveFacts> out;
  std::string page;
  do {
    grpc::ClientContext context;
    Prepare(context, caller);
    goals::ListObjectivesRequest request;
    request.set_page_size(1000);
    request.set_page_token(page);
    request.set_cycle(Name(kCycles, cycle));
    request.set_owner(PersonName(person));
    goals::ListObjectivesResponse response;
    grpc::Status status = stub_->ListObjectives(&context, request, &response);
    if (!status.ok()) return GoalsCallError(status, "objectives");
    for (const goals::Objective& o : response.objectives()) {
      ObjectiveFacts f;
      f.name = o.name();
      f.title = o.title();
      f.is_private = o.visibility() == goals::OBJECTIVE_VISIBILITY_PRIVATE;
      f.active_or_closed =
          o.state() == goals::OBJECTIVE_STATE_ACTIVE || o.state() == goals::OBJECTIVE_STATE_CLOSED;
      f.progress = o.progress();
      if (o.has_score()) f.score = o.score();
      f.success_threshold = o.success_threshold();
      out.push_back(std::move(f));
    }
    page = response.next_page_token();
  } while (!page.empty());
  return out;
}

absl::StatusOr<CycleFacts> GrpcGoalsDirectory::GetCycle(const GoalsCaller& caller,
                                                        const std::string& cycle) {
  grpc::ClientContext context;
  Prepare(context, caller);
  goals::GetCycleRequest request;
  request.set_name(Name(kCycles, cycle));
  goals::Cycle response;
  grpc::Status status = stub_->GetCycle(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return common::NotFound("GOALS_CYCLE_NOT_FOUND", "no such goals cycle");
  }
  if (!status.ok()) return GoalsCallError(status, "a cycle");
  CycleFacts facts;
  facts.name = response.name();
  facts.start_date = DayOf(response.start_date());
  facts.end_date = DayOf(response.end_date());
  facts.closed = response.state() == goals::CYCLE_STATE_CLOSED;
  return facts;
}

}  // namespace okr::feedback
