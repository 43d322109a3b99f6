// okr.goals.v1.ProgressIngestService: the bidirectional stream other backends send progress on.
#pragma once

#include "okr/common/server/rpc_runtime.h"
#include "okr/goals/v1/progress_ingest_service.grpc.pb.h"

namespace okr::goals {

class ProgressIngestService final
    : public ::okr::goals::v1::ProgressIngestService::CallbackService {
 public:
  explicit ProgressIngestService(common::RpcRuntime* runtime) : runtime_(runtime) {}

  grpc::ServerBidiReactor<::okr::goals::v1::IngestProgressRequest,
                          ::okr::goals::v1::IngestProgressResponse>*
  IngestProgress(grpc::CallbackServerContext* context) override;

 private:
  common::RpcRuntime* runtime_;
};

}  // namespace okr::goals
