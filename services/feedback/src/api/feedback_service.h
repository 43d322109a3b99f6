// okr.feedback.v1.FeedbackService: the gRPC adapter. The methods are split by resource:
// feedback_rpcs.cc, request_rpcs.cc, one_on_one_rpcs.cc, review_rpcs.cc, watch_rpcs.cc; this
// header and feedback_service.cc hold what they share (writes through the group-commit writer with
// their change entries, read snapshots, calls to goals on the caller's behalf).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "okr/common/aip/page_token.h"
#include "okr/common/auth/service_tokens.h"
#include "okr/common/changelog/change_feed.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/storage/database.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "services/feedback/src/api/changes.h"
#include "services/feedback/src/clients/goals_directory.h"
#include "services/feedback/src/clients/org_directory.h"
#include "services/feedback/src/domain/viewer.h"
#include "services/feedback/src/store/page_position.h"

namespace okr::feedback {

namespace v1 = ::okr::feedback::v1;

struct FeedbackOptions {
  // The clock every rule reads (tests inject one).
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Rows ListFeedback examines per call at most; past it a page may come back short (with a
  // next_page_token), so a reader who may see little of a large tenant still gets quick answers.
  int list_scan_limit = 5000;
  // Keys the change feed's pseudonymous author keys (FeedbackRecord.author_key) for service
  // identities. Must stay the same across restarts and replicas for the keys to.
  std::string author_key_secret;
};

// What one write sees: the writer's session, the write's time, the change entries it appends
// (committed with it, published once durable) and who makes it.
struct WriteContext {
  const std::string& tenant;
  common::SqlSession& session;
  absl::Time now;
  ChangeRecorder& changes;
  const Viewer& viewer;
};

// What one read sees: a consistent snapshot of the caller's tenant.
struct ReadContext {
  const std::string& tenant;
  common::SqlSession& session;
  absl::Time now;
  const Viewer& viewer;
};

using WriteBody = absl::AnyInvocable<absl::Status(WriteContext&)>;

class FeedbackService final : public v1::FeedbackService::WithRawCallbackMethod_WatchChanges<
                                  v1::FeedbackService::CallbackService> {
 public:
  // Every pointer must outlive the service. `database` is migrated with FeedbackMigrations();
  // `feed` is the change feed over it (opened); `org` and `goals` ask the goals service.
  FeedbackService(common::RpcRuntime* runtime, common::Database* database, common::ChangeFeed* feed,
                  const common::PageTokenCodec* page_tokens, OrgDirectory* org,
                  GoalsDirectory* goals, common::ServiceTokens* tokens,
                  FeedbackOptions options = {})
      : runtime_(runtime),
        database_(database),
        feed_(feed),
        page_tokens_(page_tokens),
        org_(org),
        goals_(goals),
        tokens_(tokens),
        options_(std::move(options)) {}

  // feedback_rpcs.cc
  grpc::ServerUnaryReactor* CreateFeedback(grpc::CallbackServerContext* context,
                                           const v1::CreateFeedbackRequest* request,
                                           v1::Feedback* response) override;
  grpc::ServerUnaryReactor* GetFeedback(grpc::CallbackServerContext* context,
                                        const v1::GetFeedbackRequest* request,
                                        v1::Feedback* response) override;
  grpc::ServerUnaryReactor* ListFeedback(grpc::CallbackServerContext* context,
                                         const v1::ListFeedbackRequest* request,
                                         v1::ListFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* DeleteFeedback(grpc::CallbackServerContext* context,
                                           const v1::DeleteFeedbackRequest* request,
                                           ::google::protobuf::Empty* response) override;
  // request_rpcs.cc
  grpc::ServerUnaryReactor* CreateFeedbackRequest(grpc::CallbackServerContext* context,
                                                  const v1::CreateFeedbackRequestRequest* request,
                                                  v1::FeedbackRequest* response) override;
  grpc::ServerUnaryReactor* ListFeedbackRequests(
      grpc::CallbackServerContext* context, const v1::ListFeedbackRequestsRequest* request,
      v1::ListFeedbackRequestsResponse* response) override;
  grpc::ServerUnaryReactor* DeclineFeedbackRequest(grpc::CallbackServerContext* context,
                                                   const v1::DeclineFeedbackRequestRequest* request,
                                                   v1::FeedbackRequest* response) override;
  // one_on_one_rpcs.cc
  grpc::ServerUnaryReactor* CreateOneOnOne(grpc::CallbackServerContext* context,
                                           const v1::CreateOneOnOneRequest* request,
                                           v1::OneOnOne* response) override;
  grpc::ServerUnaryReactor* GetOneOnOne(grpc::CallbackServerContext* context,
                                        const v1::GetOneOnOneRequest* request,
                                        v1::OneOnOne* response) override;
  grpc::ServerUnaryReactor* ListOneOnOnes(grpc::CallbackServerContext* context,
                                          const v1::ListOneOnOnesRequest* request,
                                          v1::ListOneOnOnesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOneOnOne(grpc::CallbackServerContext* context,
                                           const v1::UpdateOneOnOneRequest* request,
                                           v1::OneOnOne* response) override;
  // review_rpcs.cc
  grpc::ServerUnaryReactor* CreateReviewCycle(grpc::CallbackServerContext* context,
                                              const v1::CreateReviewCycleRequest* request,
                                              v1::ReviewCycle* response) override;
  grpc::ServerUnaryReactor* SubmitAssessment(grpc::CallbackServerContext* context,
                                             const v1::SubmitAssessmentRequest* request,
                                             v1::Review* response) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* context,
                                      const v1::GetReviewRequest* request,
                                      v1::Review* response) override;
  // watch_rpcs.cc. Raw: each watcher is sent the change as it may read it.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchChanges(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

  // Derived events as time passes (called by the scheduler with the current time): requests past
  // their due date expire (request_rpcs.cc), one-on-ones past their cadence become overdue
  // (one_on_one_rpcs.cc), review cycles change state (review_rpcs.cc). Each blocks until its
  // write committed; returns how many resources changed.
  absl::StatusOr<int> ExpireRequests(absl::Time now);
  absl::StatusOr<int> MarkOverdueOneOnOnes(absl::Time now);
  absl::StatusOr<int> AdvanceReviewCycles(absl::Time now);

  const FeedbackOptions& options() const { return options_; }

 private:
  // Runs `body` as one write of the group-commit writer and calls `finish` once it is durably
  // committed (or failed); no thread waits for it.
  void Write(const common::Call& call, common::RpcRuntime::Finish finish, WriteBody body);
  // Runs `body` as one write made by the server itself (derived events: no actor) and waits for
  // its outcome. With an empty `tenant` the body spans tenants and names each change's tenant
  // (ChangeRecorder::AppendFor).
  absl::Status WriteAndWait(const std::string& tenant, WriteBody body);
  // Runs `body` in a read snapshot on the calling (executor) thread.
  absl::Status Read(const common::Call& call, absl::FunctionRef<absl::Status(ReadContext&)> body);
  // The caller, for calls to goals on their behalf.
  static GoalsCaller CallerOf(const common::Call& call) {
    return {call.principal.tenant, call.principal.subject, call.bearer_token};
  }
  // The service's own identity in `tenant` (role service-reader), for calls to goals that must see
  // what the caller may not (e.g. to count a reviewee's objectives hidden from the caller).
  absl::StatusOr<GoalsCaller> ServiceCaller(const std::string& tenant) const;
  // Where a newest-first listing resumes: nullopt for no token; INVALID_ARGUMENT for a token
  // this listing (`scope`) did not seal.
  absl::StatusOr<std::optional<PagePosition>> ResumeAt(const std::string& page_token,
                                                       const common::PageScope& scope) const;
  // The key request ids are remembered under: method and caller.
  static std::string RequestKey(std::string_view method, const common::Call& call);

  common::RpcRuntime* runtime_;
  common::Database* database_;
  common::ChangeFeed* feed_;
  const common::PageTokenCodec* page_tokens_;
  OrgDirectory* org_;
  GoalsDirectory* goals_;
  common::ServiceTokens* tokens_;
  const FeedbackOptions options_;
};

}  // namespace okr::feedback
