#include "services/feedback/src/api/feedback_service.h"

namespace okr::feedback {

grpc::ServerWriteReactor<grpc::ByteBuffer>* FeedbackService::WatchChanges(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer*) {
  return runtime_->UnimplementedServerStream<grpc::ByteBuffer>(context);
}

}  // namespace okr::feedback
