#include "services/goals/src/goals_service.h"

namespace okr::goals {

// Every method authenticates the caller first; those a later release implements answer
// UNIMPLEMENTED (reason NOT_IMPLEMENTED_YET) until then.

grpc::ServerUnaryReactor* GoalsService::CreateCycle(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::CreateCycleRequest* /*request*/,
    ::okr::goals::v1::Cycle* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::GetCycle(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::GetCycleRequest* /*request*/,
    ::okr::goals::v1::Cycle* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::ListCycles(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::ListCyclesRequest* /*request*/,
    ::okr::goals::v1::ListCyclesResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::UpdateCycle(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::UpdateCycleRequest* /*request*/,
    ::okr::goals::v1::Cycle* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::CloseCycle(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::CloseCycleRequest* /*request*/,
    ::okr::goals::v1::Cycle* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::CreateObjective(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::CreateObjectiveRequest* /*request*/,
    ::okr::goals::v1::Objective* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::GetObjective(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::GetObjectiveRequest* /*request*/,
    ::okr::goals::v1::Objective* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::ListObjectives(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::ListObjectivesRequest* /*request*/,
    ::okr::goals::v1::ListObjectivesResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::UpdateObjective(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::UpdateObjectiveRequest* /*request*/,
    ::okr::goals::v1::Objective* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::DeleteObjective(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::DeleteObjectiveRequest* /*request*/,
    ::google::protobuf::Empty* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::CreateKeyResult(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::CreateKeyResultRequest* /*request*/,
    ::okr::goals::v1::KeyResult* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::GetKeyResult(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::GetKeyResultRequest* /*request*/,
    ::okr::goals::v1::KeyResult* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::ListKeyResults(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::ListKeyResultsRequest* /*request*/,
    ::okr::goals::v1::ListKeyResultsResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::UpdateKeyResult(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::UpdateKeyResultRequest* /*request*/,
    ::okr::goals::v1::KeyResult* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::DeleteKeyResult(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::DeleteKeyResultRequest* /*request*/,
    ::google::protobuf::Empty* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::CreateCheckIn(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::CreateCheckInRequest* /*request*/,
    ::okr::goals::v1::CheckIn* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::ListCheckIns(
    grpc::CallbackServerContext* context, const ::okr::goals::v1::ListCheckInsRequest* /*request*/,
    ::okr::goals::v1::ListCheckInsResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* GoalsService::GetObjectiveTree(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::GetObjectiveTreeRequest* /*request*/,
    ::okr::goals::v1::ObjectiveTree* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerWriteReactor<::okr::goals::v1::WatchChangesResponse>* GoalsService::WatchChanges(
    grpc::CallbackServerContext* context,
    const ::okr::goals::v1::WatchChangesRequest* /*request*/) {
  return runtime_->UnimplementedServerStream<::okr::goals::v1::WatchChangesResponse>(context);
}

}  // namespace okr::goals
