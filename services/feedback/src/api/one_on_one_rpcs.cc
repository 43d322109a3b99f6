// FeedbackService one-on-one methods. (Not implemented yet.)
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/api/one_on_one_view.h"

namespace okr::feedback {

grpc::ServerUnaryReactor* FeedbackService::CreateOneOnOne(grpc::CallbackServerContext* context,
                                                          const v1::CreateOneOnOneRequest*,
                                                          v1::OneOnOne*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::GetOneOnOne(grpc::CallbackServerContext* context,
                                                       const v1::GetOneOnOneRequest*,
                                                       v1::OneOnOne*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::ListOneOnOnes(grpc::CallbackServerContext* context,
                                                         const v1::ListOneOnOnesRequest*,
                                                         v1::ListOneOnOnesResponse*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::UpdateOneOnOne(grpc::CallbackServerContext* context,
                                                          const v1::UpdateOneOnOneRequest*,
                                                          v1::OneOnOne*) {
  return runtime_->Unimplemented(context);
}
absl::StatusOr<int> FeedbackService::MarkOverdueOneOnOnes(absl::Time) { return 0; }

}  // namespace okr::feedback

namespace okr::feedback {
std::optional<::okr::feedback::v1::OneOnOne> OneOnOneForFeed(const ::okr::feedback::v1::OneOnOne&,
                                                             const Viewer&) {
  return std::nullopt;
}
}  // namespace okr::feedback
