// okr.goals.v1.GoalsService: cycles, objectives, key results, check-ins, trees, change feed.
#pragma once

#include <functional>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "okr/common/aip/page_token.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/storage/database.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "services/goals/src/api/access.h"
#include "services/goals/src/api/goals_proto.h"
#include "services/goals/src/feed/changes.h"
#include "services/goals/src/model/cycle_trees.h"
#include "services/goals/src/model/read_model.h"
#include "services/goals/src/store/goals_store.h"

namespace okr::goals {

// Server configuration of the goals rules (the defaults are DOMAIN.md's).
struct GoalsOptions {
  // The check-in cadence of cycles created without one.
  absl::Duration default_cadence = kDefaultCadence;
  domain::HealthThresholds health;
  domain::GradingThresholds grading;
  // The clock every rule reads (tests inject one).
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Answer GetObjective and GetKeyResult from the in-memory read model on the gRPC thread (the
  // database otherwise, as before the model is loaded).
  bool read_model = true;
};

// What one write sees: the writer's session for the caller's tenant, the caller's access, the
// write's time, and the roll-up trees (a tree it changes is dropped if the write fails).
struct GoalsWrite {
  const std::string& tenant;
  GoalsStore& store;
  GoalsAccess& access;
  absl::Time now;
  // The change log entries of this write (committed with it, published after the commit).
  GoalsChanges& changes;
  // The cycle's roll-up tree with its clock at `now`; marks it as changed by this write.
  absl::AnyInvocable<absl::StatusOr<CycleTree*>(const CycleRecord&)> tree;
};

// What one read sees: a read snapshot for the caller's tenant and the caller's access.
struct GoalsRead {
  GoalsStore& store;
  GoalsAccess& access;
  ReadContext clock;
};

using WriteBody = absl::AnyInvocable<absl::Status(GoalsWrite&)>;

class GoalsService final
    : public ::okr::goals::v1::GoalsService::WithRawCallbackMethod_WatchChanges<
          ::okr::goals::v1::GoalsService::CallbackService> {
 public:
  // All four must outlive the service. `database` is migrated with GoalsMigrations(); `feed` is
  // the change feed over it (opened).
  GoalsService(common::RpcRuntime* runtime, common::Database* database, common::ChangeFeed* feed,
               const common::PageTokenCodec* page_tokens, GoalsOptions options = {})
      : runtime_(runtime),
        database_(database),
        feed_(feed),
        page_tokens_(page_tokens),
        options_(std::move(options)),
        trees_(options_.health) {}

  // Loads the read model and the roll-up trees of every cycle that is not CLOSED through the
  // writer (queued now, run before later writes), so the first write of a large cycle does not
  // wait for its load and the model starts equal to what is committed.
  void WarmUp();

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
  // Raw: every watcher is sent the same serialized change, framed once per watcher.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchChanges(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

  // The roll-up trees, for the ingest stream that shares the check-in path.
  CycleTrees& trees() { return trees_; }
  const ReadModel& read_model() const { return read_model_; }
  const GoalsOptions& options() const { return options_; }
  // Runs `body` as one write outside an RPC (the ingest stream, the scheduler), with changes
  // published after the commit; `done` is called on the writer thread.
  void WriteAs(const common::Principal& principal, WriteBody body,
               absl::AnyInvocable<void(absl::Status) &&> done);

 private:
  // Runs `body` as one write of the group-commit writer and calls `finish` once it is durably
  // committed (or failed); no thread waits for it.
  void Write(const common::Call& call, common::RpcRuntime::Finish finish, WriteBody body);
  // Runs `body` in a read snapshot on the calling (executor) thread.
  absl::Status Read(const common::Call& call, absl::FunctionRef<absl::Status(GoalsRead&)> body);
  ReadContext ReadClock() const;

  common::RpcRuntime* runtime_;
  common::Database* database_;
  common::ChangeFeed* feed_;
  const common::PageTokenCodec* page_tokens_;
  const GoalsOptions options_;
  CycleTrees trees_;
  ReadModel read_model_;
};

}  // namespace okr::goals
