// okr.goals.v1.GoalsService: cycles, objectives, key results, check-ins, trees, change feed.
#pragma once

#include "okr/common/server/rpc_runtime.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"

namespace okr::goals {

class GoalsService final : public ::okr::goals::v1::GoalsService::CallbackService {
 public:
  explicit GoalsService(common::RpcRuntime* runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreateCycle(grpc::CallbackServerContext* context,
                                        const ::okr::goals::v1::CreateCycleRequest* request,
                                        ::okr::goals::v1::Cycle* response) override;
  grpc::ServerUnaryReactor* GetCycle(grpc::CallbackServerContext* context,
                                     const ::okr::goals::v1::GetCycleRequest* request,
                                     ::okr::goals::v1::Cycle* response) override;
  grpc::ServerUnaryReactor* ListCycles(grpc::CallbackServerContext* context,
                                       const ::okr::goals::v1::ListCyclesRequest* request,
                                       ::okr::goals::v1::ListCyclesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCycle(grpc::CallbackServerContext* context,
                                        const ::okr::goals::v1::UpdateCycleRequest* request,
                                        ::okr::goals::v1::Cycle* response) override;
  grpc::ServerUnaryReactor* CloseCycle(grpc::CallbackServerContext* context,
                                       const ::okr::goals::v1::CloseCycleRequest* request,
                                       ::okr::goals::v1::Cycle* response) override;
  grpc::ServerUnaryReactor* CreateObjective(grpc::CallbackServerContext* context,
                                            const ::okr::goals::v1::CreateObjectiveRequest* request,
                                            ::okr::goals::v1::Objective* response) override;
  grpc::ServerUnaryReactor* GetObjective(grpc::CallbackServerContext* context,
                                         const ::okr::goals::v1::GetObjectiveRequest* request,
                                         ::okr::goals::v1::Objective* response) override;
  grpc::ServerUnaryReactor* ListObjectives(
      grpc::CallbackServerContext* context, const ::okr::goals::v1::ListObjectivesRequest* request,
      ::okr::goals::v1::ListObjectivesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateObjective(grpc::CallbackServerContext* context,
                                            const ::okr::goals::v1::UpdateObjectiveRequest* request,
                                            ::okr::goals::v1::Objective* response) override;
  grpc::ServerUnaryReactor* DeleteObjective(grpc::CallbackServerContext* context,
                                            const ::okr::goals::v1::DeleteObjectiveRequest* request,
                                            ::google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateKeyResult(grpc::CallbackServerContext* context,
                                            const ::okr::goals::v1::CreateKeyResultRequest* request,
                                            ::okr::goals::v1::KeyResult* response) override;
  grpc::ServerUnaryReactor* GetKeyResult(grpc::CallbackServerContext* context,
                                         const ::okr::goals::v1::GetKeyResultRequest* request,
                                         ::okr::goals::v1::KeyResult* response) override;
  grpc::ServerUnaryReactor* ListKeyResults(
      grpc::CallbackServerContext* context, const ::okr::goals::v1::ListKeyResultsRequest* request,
      ::okr::goals::v1::ListKeyResultsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateKeyResult(grpc::CallbackServerContext* context,
                                            const ::okr::goals::v1::UpdateKeyResultRequest* request,
                                            ::okr::goals::v1::KeyResult* response) override;
  grpc::ServerUnaryReactor* DeleteKeyResult(grpc::CallbackServerContext* context,
                                            const ::okr::goals::v1::DeleteKeyResultRequest* request,
                                            ::google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateCheckIn(grpc::CallbackServerContext* context,
                                          const ::okr::goals::v1::CreateCheckInRequest* request,
                                          ::okr::goals::v1::CheckIn* response) override;
  grpc::ServerUnaryReactor* ListCheckIns(grpc::CallbackServerContext* context,
                                         const ::okr::goals::v1::ListCheckInsRequest* request,
                                         ::okr::goals::v1::ListCheckInsResponse* response) override;
  grpc::ServerUnaryReactor* GetObjectiveTree(
      grpc::CallbackServerContext* context,
      const ::okr::goals::v1::GetObjectiveTreeRequest* request,
      ::okr::goals::v1::ObjectiveTree* response) override;
  grpc::ServerWriteReactor<::okr::goals::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context,
      const ::okr::goals::v1::WatchChangesRequest* request) override;

 private:
  common::RpcRuntime* runtime_;
};

}  // namespace okr::goals
