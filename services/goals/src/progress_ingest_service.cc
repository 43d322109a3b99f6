#include "services/goals/src/progress_ingest_service.h"

namespace okr::goals {

// Every method authenticates the caller first; those a later release implements answer
// UNIMPLEMENTED (reason NOT_IMPLEMENTED_YET) until then.

grpc::ServerBidiReactor<::okr::goals::v1::IngestProgressRequest,
                        ::okr::goals::v1::IngestProgressResponse>*
ProgressIngestService::IngestProgress(grpc::CallbackServerContext* context) {
  return runtime_->UnimplementedBidiStream<::okr::goals::v1::IngestProgressRequest,
                                           ::okr::goals::v1::IngestProgressResponse>(context);
}

}  // namespace okr::goals
