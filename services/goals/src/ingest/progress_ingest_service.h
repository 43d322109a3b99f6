// okr.goals.v1.ProgressIngestService: the bidirectional stream other backends send progress on.
#pragma once

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/goals/v1/progress_ingest_service.grpc.pb.h"
#include "services/goals/src/api/goals_service.h"

namespace okr::goals {

// The role a token needs to open the stream.
inline constexpr char kIngestRole[] = "ingest";

struct IngestOptions {
  // Most unanswered events a stream holds (IngestProgressResponse.max_unacked_events).
  int max_unacked_events = 1000;
  // Most events in one request.
  int max_events_per_request = 500;
  // Most streams one tenant may have open at once (beyond: RESOURCE_EXHAUSTED).
  int max_streams_per_tenant = 256;
};

class IngestStream;

class ProgressIngestService final
    : public ::okr::goals::v1::ProgressIngestService::CallbackService {
 public:
  // Both must outlive the service; events are written through `goals` (the check-in path).
  ProgressIngestService(common::RpcRuntime* runtime, GoalsService* goals,
                        IngestOptions options = {})
      : runtime_(runtime), goals_(goals), options_(options) {}

  grpc::ServerBidiReactor<::okr::goals::v1::IngestProgressRequest,
                          ::okr::goals::v1::IngestProgressResponse>*
  IngestProgress(grpc::CallbackServerContext* context) override;

  // Ends every open stream with UNAVAILABLE (at shutdown); later streams are refused.
  void Stop();

 private:
  friend class IngestStream;
  void Unregister(const IngestStream* stream, const std::string& tenant);

  common::RpcRuntime* runtime_;
  GoalsService* goals_;
  const IngestOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> open_per_tenant_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const IngestStream*, std::weak_ptr<IngestStream>> streams_
      ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace okr::goals
