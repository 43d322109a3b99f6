// okr.feedback.v1.FeedbackService: feedback, requests, one-on-ones, reviews, change feed.
#pragma once

#include "okr/common/server/rpc_runtime.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"

namespace okr::feedback {

class FeedbackService final : public ::okr::feedback::v1::FeedbackService::CallbackService {
 public:
  explicit FeedbackService(common::RpcRuntime* runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreateFeedback(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::CreateFeedbackRequest* request,
      ::okr::feedback::v1::Feedback* response) override;
  grpc::ServerUnaryReactor* GetFeedback(grpc::CallbackServerContext* context,
                                        const ::okr::feedback::v1::GetFeedbackRequest* request,
                                        ::okr::feedback::v1::Feedback* response) override;
  grpc::ServerUnaryReactor* ListFeedback(
      grpc::CallbackServerContext* context, const ::okr::feedback::v1::ListFeedbackRequest* request,
      ::okr::feedback::v1::ListFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* DeleteFeedback(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::DeleteFeedbackRequest* request,
      ::google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateFeedbackRequest(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::CreateFeedbackRequestRequest* request,
      ::okr::feedback::v1::FeedbackRequest* response) override;
  grpc::ServerUnaryReactor* ListFeedbackRequests(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::ListFeedbackRequestsRequest* request,
      ::okr::feedback::v1::ListFeedbackRequestsResponse* response) override;
  grpc::ServerUnaryReactor* DeclineFeedbackRequest(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::DeclineFeedbackRequestRequest* request,
      ::okr::feedback::v1::FeedbackRequest* response) override;
  grpc::ServerUnaryReactor* CreateOneOnOne(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::CreateOneOnOneRequest* request,
      ::okr::feedback::v1::OneOnOne* response) override;
  grpc::ServerUnaryReactor* GetOneOnOne(grpc::CallbackServerContext* context,
                                        const ::okr::feedback::v1::GetOneOnOneRequest* request,
                                        ::okr::feedback::v1::OneOnOne* response) override;
  grpc::ServerUnaryReactor* ListOneOnOnes(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::ListOneOnOnesRequest* request,
      ::okr::feedback::v1::ListOneOnOnesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOneOnOne(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::UpdateOneOnOneRequest* request,
      ::okr::feedback::v1::OneOnOne* response) override;
  grpc::ServerUnaryReactor* CreateReviewCycle(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::CreateReviewCycleRequest* request,
      ::okr::feedback::v1::ReviewCycle* response) override;
  grpc::ServerUnaryReactor* SubmitAssessment(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::SubmitAssessmentRequest* request,
      ::okr::feedback::v1::Review* response) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* context,
                                      const ::okr::feedback::v1::GetReviewRequest* request,
                                      ::okr::feedback::v1::Review* response) override;
  grpc::ServerWriteReactor<::okr::feedback::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context,
      const ::okr::feedback::v1::WatchChangesRequest* request) override;

 private:
  common::RpcRuntime* runtime_;
};

}  // namespace okr::feedback
