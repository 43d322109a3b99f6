// okr.org.v1.OrgService: the org directory (people, teams, reporting chains) over the goals
// database. Handlers validate, authorize and convert; OrgDirectory holds the storage logic.
#pragma once

#include "okr/common/aip/page_token.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/storage/database.h"
#include "okr/org/v1/org_service.grpc.pb.h"

namespace okr::goals {

// Roles that may write the directory (reads are open to every authenticated caller of a tenant).
inline constexpr char kAdminRole[] = "admin";
inline constexpr char kOrgSyncRole[] = "org-sync";

class OrgService final : public ::okr::org::v1::OrgService::CallbackService {
 public:
  // All three must outlive the service. `database` is migrated with GoalsMigrations().
  // `feed` (may be null: no change feed) gets PERSON_*/TEAM_* changes of every upsert.
  OrgService(common::RpcRuntime* runtime, common::Database* database,
             const common::PageTokenCodec* page_tokens, common::ChangeFeed* feed = nullptr)
      : runtime_(runtime), database_(database), page_tokens_(page_tokens), feed_(feed) {}

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
  common::Database* database_;
  const common::PageTokenCodec* page_tokens_;
  common::ChangeFeed* feed_;

  // Runs `body` as one write, publishing its changes once committed; waits for it (executor).
  absl::Status WriteWithChanges(
      const common::Principal& principal,
      absl::FunctionRef<absl::Status(common::SqlSession&, common::ChangeBatch&)> body);
};

}  // namespace okr::goals
