#include "services/feedback/src/feedback_service.h"

namespace okr::feedback {

// Every method authenticates the caller first; those a later release implements answer
// UNIMPLEMENTED (reason NOT_IMPLEMENTED_YET) until then.

grpc::ServerUnaryReactor* FeedbackService::CreateFeedback(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::CreateFeedbackRequest* /*request*/,
    ::okr::feedback::v1::Feedback* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::GetFeedback(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::GetFeedbackRequest* /*request*/,
    ::okr::feedback::v1::Feedback* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::ListFeedback(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::ListFeedbackRequest* /*request*/,
    ::okr::feedback::v1::ListFeedbackResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::DeleteFeedback(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::DeleteFeedbackRequest* /*request*/,
    ::google::protobuf::Empty* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::CreateFeedbackRequest(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::CreateFeedbackRequestRequest* /*request*/,
    ::okr::feedback::v1::FeedbackRequest* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::ListFeedbackRequests(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::ListFeedbackRequestsRequest* /*request*/,
    ::okr::feedback::v1::ListFeedbackRequestsResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::DeclineFeedbackRequest(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::DeclineFeedbackRequestRequest* /*request*/,
    ::okr::feedback::v1::FeedbackRequest* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::CreateOneOnOne(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::CreateOneOnOneRequest* /*request*/,
    ::okr::feedback::v1::OneOnOne* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::GetOneOnOne(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::GetOneOnOneRequest* /*request*/,
    ::okr::feedback::v1::OneOnOne* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::ListOneOnOnes(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::ListOneOnOnesRequest* /*request*/,
    ::okr::feedback::v1::ListOneOnOnesResponse* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::UpdateOneOnOne(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::UpdateOneOnOneRequest* /*request*/,
    ::okr::feedback::v1::OneOnOne* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::CreateReviewCycle(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::CreateReviewCycleRequest* /*request*/,
    ::okr::feedback::v1::ReviewCycle* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::SubmitAssessment(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::SubmitAssessmentRequest* /*request*/,
    ::okr::feedback::v1::Review* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerUnaryReactor* FeedbackService::GetReview(
    grpc::CallbackServerContext* context, const ::okr::feedback::v1::GetReviewRequest* /*request*/,
    ::okr::feedback::v1::Review* /*response*/) {
  return runtime_->Unimplemented(context);
}

grpc::ServerWriteReactor<::okr::feedback::v1::WatchChangesResponse>* FeedbackService::WatchChanges(
    grpc::CallbackServerContext* context,
    const ::okr::feedback::v1::WatchChangesRequest* /*request*/) {
  return runtime_->UnimplementedServerStream<::okr::feedback::v1::WatchChangesResponse>(context);
}

}  // namespace okr::feedback
