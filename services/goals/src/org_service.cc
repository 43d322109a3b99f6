#include "services/goals/src/org_service.h"

namespace okr::goals {

// Every method authenticates the caller first; those a later release implements answer
// UNIMPLEMENTED (reason NOT_IMPLEMENTED_YET) until then.

grpc::ServerUnaryReactor* OrgService::BatchUpsertPeople(
    grpc::CallbackServerContext* context,
    const ::okr::org::v1::BatchUpsertPeopleRequest* /*request*/,
    ::okr::org::v1::BatchUpsertPeopleResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* OrgService::GetPerson(grpc::CallbackServerContext* context,
                                                const ::okr::org::v1::GetPersonRequest* /*request*/,
                                                ::okr::org::v1::Person* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* OrgService::ListPeople(
    grpc::CallbackServerContext* context, const ::okr::org::v1::ListPeopleRequest* /*request*/,
    ::okr::org::v1::ListPeopleResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* OrgService::BatchUpsertTeams(
    grpc::CallbackServerContext* context,
    const ::okr::org::v1::BatchUpsertTeamsRequest* /*request*/,
    ::okr::org::v1::BatchUpsertTeamsResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* OrgService::GetTeam(grpc::CallbackServerContext* context,
                                              const ::okr::org::v1::GetTeamRequest* /*request*/,
                                              ::okr::org::v1::Team* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* OrgService::ListTeams(grpc::CallbackServerContext* context,
                                                const ::okr::org::v1::ListTeamsRequest* /*request*/,
                                                ::okr::org::v1::ListTeamsResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* OrgService::GetReportingChain(
    grpc::CallbackServerContext* context,
    const ::okr::org::v1::GetReportingChainRequest* /*request*/,
    ::okr::org::v1::GetReportingChainResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

}  // namespace okr::goals
