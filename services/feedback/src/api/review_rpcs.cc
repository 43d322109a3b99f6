// FeedbackService review methods. (Not implemented yet.)
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/api/review_view.h"

namespace okr::feedback {

grpc::ServerUnaryReactor* FeedbackService::CreateReviewCycle(grpc::CallbackServerContext* context,
                                                             const v1::CreateReviewCycleRequest*,
                                                             v1::ReviewCycle*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::SubmitAssessment(grpc::CallbackServerContext* context,
                                                            const v1::SubmitAssessmentRequest*,
                                                            v1::Review*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::GetReview(grpc::CallbackServerContext* context,
                                                     const v1::GetReviewRequest*, v1::Review*) {
  return runtime_->Unimplemented(context);
}
absl::StatusOr<int> FeedbackService::AdvanceReviewCycles(absl::Time) { return 0; }

}  // namespace okr::feedback

namespace okr::feedback {
absl::StatusOr<std::optional<::okr::feedback::v1::Review>> ReviewForFeed(
    const ::okr::feedback::v1::Review&, const Viewer&, bool,
    const std::function<absl::StatusOr<std::vector<std::string>>()>&) {
  return std::optional<::okr::feedback::v1::Review>();
}
}  // namespace okr::feedback
