#include "services/feedback/src/clients/grpc_org_directory.h"

#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/logging/log.h"
#include "okr/common/status/errors.h"
#include "okr/common/status/string_view.h"
#include "services/feedback/src/domain/names.h"

namespace okr::feedback {
namespace {

namespace org = ::okr::org::v1;

std::string IdOf(const std::string& name) {
  const size_t slash = name.find('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

absl::Status GoalsCallError(const grpc::Status& status, std::string_view what) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::CANCELLED:
      return common::MakeError(absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE",
                               absl::StrCat("the goals service could not be asked for ",
                                            common::Sv(what), "; try again"));
    default:
      common::LogError("unexpected answer from the goals service",
                       {{"what", std::string(what)},
                        {"code", static_cast<int>(status.error_code())},
                        {"message", status.error_message()}});
      return common::MakeError(
          absl::StatusCode::kInternal, "GOALS_CALL_FAILED",
          absl::StrCat("asking the goals service for ", common::Sv(what), " failed"));
  }
}

absl::Status GrpcOrgDirectory::Prepare(grpc::ClientContext& context, const std::string& tenant) {
  auto token = tokens_->For(tenant);
  if (!token.ok()) return token.status();
  context.AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  return absl::OkStatus();
}

absl::StatusOr<PersonFacts> GrpcOrgDirectory::GetPerson(const std::string& tenant,
                                                        const std::string& person) {
  grpc::ClientContext context;
  if (absl::Status s = Prepare(context, tenant); !s.ok()) return s;
  org::GetPersonRequest request;
  request.set_name(PersonName(person));
  org::Person response;
  grpc::Status status = stub_->GetPerson(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return common::NotFound("PERSON_NOT_FOUND", "no such person");
  }
  if (!status.ok()) return GoalsCallError(status, "a person");
  PersonFacts facts;
  facts.id = person;
  facts.manager = IdOf(response.manager());
  for (const std::string& team : response.teams()) facts.teams.push_back(IdOf(team));
  facts.active = response.state() != org::PERSON_STATE_INACTIVE;
  return facts;
}

absl::StatusOr<std::vector<std::string>> GrpcOrgDirectory::ManagerChain(const std::string& tenant,
                                                                        const std::string& person) {
  grpc::ClientContext context;
  if (absl::Status s = Prepare(context, tenant); !s.ok()) return s;
  org::GetReportingChainRequest request;
  request.set_name(PersonName(person));
  org::GetReportingChainResponse response;
  grpc::Status status = stub_->GetReportingChain(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return common::NotFound("PERSON_NOT_FOUND", "no such person");
  }
  if (!status.ok()) return GoalsCallError(status, "a reporting chain");
  std::vector<std::string> chain;
  for (const org::Person& manager : response.managers()) chain.push_back(IdOf(manager.name()));
  return chain;
}

absl::StatusOr<std::vector<std::string>> GrpcOrgDirectory::TeamMembers(const std::string& tenant,
                                                                       const std::string& team) {
  {
    grpc::ClientContext context;
    if (absl::Status s = Prepare(context, tenant); !s.ok()) return s;
    org::GetTeamRequest request;
    request.set_name(Name(kTeams, team));
    org::Team response;
    grpc::Status status = stub_->GetTeam(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return common::NotFound("TEAM_NOT_FOUND", "no such team");
    }
    if (!status.ok()) return GoalsCallError(status, "a team");
  }
  std::vector<std::string> members;
  absl::flat_hash_set<std::string> seen_people;
  absl::flat_hash_set<std::string> seen_teams = {team};
  std::deque<std::string> teams = {team};
  while (!teams.empty()) {
    const std::string current = teams.front();
    teams.pop_front();
    std::string page;
    do {
      grpc::ClientContext context;
      if (absl::Status s = Prepare(context, tenant); !s.ok()) return s;
      org::ListPeopleRequest request;
      request.set_team(Name(kTeams, current));
      request.set_page_size(1000);
      request.set_page_token(page);
      org::ListPeopleResponse response;
      grpc::Status status = stub_->ListPeople(&context, request, &response);
      if (!status.ok()) return GoalsCallError(status, "a team's members");
      for (const org::Person& p : response.people()) {
        std::string id = IdOf(p.name());
        if (seen_people.insert(id).second) members.push_back(std::move(id));
      }
      page = response.next_page_token();
    } while (!page.empty());
    page.clear();
    do {
      grpc::ClientContext context;
      if (absl::Status s = Prepare(context, tenant); !s.ok()) return s;
      org::ListTeamsRequest request;
      request.set_parent(Name(kTeams, current));
      request.set_page_size(1000);
      request.set_page_token(page);
      org::ListTeamsResponse response;
      grpc::Status status = stub_->ListTeams(&context, request, &response);
      if (!status.ok()) return GoalsCallError(status, "sub-teams");
      for (const org::Team& t : response.teams()) {
        std::string id = IdOf(t.name());
        if (seen_teams.insert(id).second) teams.push_back(std::move(id));
      }
      page = response.next_page_token();
    } while (!page.empty());
  }
  return members;
}

}  // namespace okr::feedback
