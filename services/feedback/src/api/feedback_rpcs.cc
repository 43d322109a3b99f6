#include "services/feedback/src/api/feedback_service.h"

namespace okr::feedback {

grpc::ServerUnaryReactor* FeedbackService::CreateFeedback(grpc::CallbackServerContext* context,
                                                          const v1::CreateFeedbackRequest*,
                                                          v1::Feedback*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::GetFeedback(grpc::CallbackServerContext* context,
                                                       const v1::GetFeedbackRequest*,
                                                       v1::Feedback*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::ListFeedback(grpc::CallbackServerContext* context,
                                                        const v1::ListFeedbackRequest*,
                                                        v1::ListFeedbackResponse*) {
  return runtime_->Unimplemented(context);
}
grpc::ServerUnaryReactor* FeedbackService::DeleteFeedback(grpc::CallbackServerContext* context,
                                                          const v1::DeleteFeedbackRequest*,
                                                          ::google::protobuf::Empty*) {
  return runtime_->Unimplemented(context);
}

}  // namespace okr::feedback
