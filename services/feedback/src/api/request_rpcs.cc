#include "services/feedback/src/api/feedback_service.h"

namespace okr::feedback {

grpc::ServerUnaryReactor* FeedbackService::CreateFeedbackRequest(
    grpc::CallbackServerContext* context, const v1::CreateFeedbackRequestRequest*,
    v1::FeedbackRequest*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::ListFeedbackRequests(
    grpc::CallbackServerContext* context, const v1::ListFeedbackRequestsRequest*,
    v1::ListFeedbackRequestsResponse*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::DeclineFeedbackRequest(
    grpc::CallbackServerContext* context, const v1::DeclineFeedbackRequestRequest*,
    v1::FeedbackRequest*) {
  return runtime_->Unimplemented(context);
}
absl::StatusOr<int> FeedbackService::ExpireRequests(absl::Time) { return 0; }

}  // namespace okr::feedback
