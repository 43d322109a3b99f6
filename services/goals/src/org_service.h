// okr.org.v1.OrgService: the org directory (people, teams, reporting chains).
#pragma once

#include "okr/common/server/rpc_runtime.h"
#include "okr/org/v1/org_service.grpc.pb.h"

namespace okr::goals {

class OrgService final : public ::okr::org::v1::OrgService::CallbackService {
 public:
  explicit OrgService(common::RpcRuntime* runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* BatchUpsertPeople(
      grpc::CallbackServerContext* context, const ::okr::org::v1::BatchUpsertPeopleRequest* request,
      ::okr::org::v1::BatchUpsertPeopleResponse* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const ::okr::org::v1::GetPersonRequest* request,
                                      ::okr::org::v1::Person* response) override;
  grpc::ServerUnaryReactor* ListPeople(grpc::CallbackServerContext* context,
                                       const ::okr::org::v1::ListPeopleRequest* request,
                                       ::okr::org::v1::ListPeopleResponse* response) override;
  grpc::ServerUnaryReactor* BatchUpsertTeams(
      grpc::CallbackServerContext* context, const ::okr::org::v1::BatchUpsertTeamsRequest* request,
      ::okr::org::v1::BatchUpsertTeamsResponse* response) override;
  grpc::ServerUnaryReactor* GetTeam(grpc::CallbackServerContext* context,
                                    const ::okr::org::v1::GetTeamRequest* request,
                                    ::okr::org::v1::Team* response) override;
  grpc::ServerUnaryReactor* ListTeams(grpc::CallbackServerContext* context,
                                      const ::okr::org::v1::ListTeamsRequest* request,
                                      ::okr::org::v1::ListTeamsResponse* response) override;
  grpc::ServerUnaryReactor* GetReportingChain(
      grpc::CallbackServerContext* context, const ::okr::org::v1::GetReportingChainRequest* request,
      ::okr::org::v1::GetReportingChainResponse* response) override;

 private:
  common::RpcRuntime* runtime_;
};

}  // namespace okr::goals
