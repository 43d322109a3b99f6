// GoalsDirectory over okr.goals.v1.GoalsService, with a deadline on every call.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/time/time.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "services/feedback/src/clients/goals_directory.h"

namespace okr::feedback {

class GrpcGoalsDirectory final : public GoalsDirectory {
 public:
  GrpcGoalsDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
      : stub_(okr::goals::v1::GoalsService::NewStub(channel)), deadline_(deadline) {}

  absl::StatusOr<GoalFacts> ReadGoal(const GoalsCaller& caller, const GoalRef& goal) override;
  absl::StatusOr<std::vector<ObjectiveFacts>> OwnedObjectives(const GoalsCaller& caller,
                                                              const std::string& person,
                                                              const std::string& cycle) override;
  absl::StatusOr<CycleFacts> GetCycle(const GoalsCaller& caller, const std::string& cycle) override;

 private:
  void Prepare(grpc::ClientContext& context, const GoalsCaller& caller) const;

  std::unique_ptr<okr::goals::v1::GoalsService::Stub> stub_;
  const absl::Duration deadline_;
};

}  // namespace okr::feedback
