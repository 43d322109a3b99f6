// OrgDirectory over okr.org.v1.OrgService, as the feedback service's own identity, with a
// deadline on every call.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/time/time.h"
#include "okr/common/auth/service_tokens.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "services/feedback/src/clients/org_directory.h"

namespace okr::feedback {

// How a failed call to the goals service reads to the feedback service's callers: UNAVAILABLE
// (reason GOALS_UNAVAILABLE) for faults worth retrying (unreachable, deadline, overloaded),
// INTERNAL for answers that mean our side is misconfigured (e.g. our identity is refused).
absl::Status GoalsCallError(const grpc::Status& status, std::string_view what);

class GrpcOrgDirectory final : public OrgDirectory {
 public:
  GrpcOrgDirectory(std::shared_ptr<grpc::Channel> channel, common::ServiceTokens* tokens,
                   absl::Duration deadline)
      : stub_(okr::org::v1::OrgService::NewStub(channel)), tokens_(tokens), deadline_(deadline) {}

  absl::StatusOr<PersonFacts> GetPerson(const std::string& tenant,
                                        const std::string& person) override;
  absl::StatusOr<std::vector<std::string>> ManagerChain(const std::string& tenant,
                                                        const std::string& person) override;
  absl::StatusOr<std::vector<std::string>> TeamMembers(const std::string& tenant,
                                                       const std::string& team) override;

 private:
  absl::Status Prepare(grpc::ClientContext& context, const std::string& tenant);

  std::unique_ptr<okr::org::v1::OrgService::Stub> stub_;
  common::ServiceTokens* tokens_;
  const absl::Duration deadline_;
};

}  // namespace okr::feedback
