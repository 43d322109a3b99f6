// A full snapshot of one tenant's facts from a source service's List RPCs, read as the service
// identity (role service-reader: PRIVATE objectives included, anonymous authors pseudonymous).
// Used on a first start and when a stored feed position fell out of the feed's retention.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {

struct SnapshotOptions {
  absl::Duration call_deadline = absl::Seconds(10);
  int page_size = 1000;
};

// Puts of every cycle, objective (archived included), key result, person and team (inactive
// included).
absl::StatusOr<std::vector<FactOp>> SnapshotGoals(const std::shared_ptr<grpc::Channel>& goals,
                                                  const std::string& bearer_token,
                                                  const SnapshotOptions& options);
// Puts of every feedback (as records), feedback request and one-on-one.
absl::StatusOr<std::vector<FactOp>> SnapshotFeedback(const std::shared_ptr<grpc::Channel>& feedback,
                                                     const std::string& bearer_token,
                                                     const SnapshotOptions& options);

// Puts of the objectives (archived included) and key results of one cycle as they were at
// `as_of` (GetObjectiveTree with as_of: values, progress and health from the check-ins recorded
// until then; only what existed then).
absl::StatusOr<std::vector<FactOp>> SnapshotCycleAsOf(const std::shared_ptr<grpc::Channel>& goals,
                                                      const std::string& bearer_token,
                                                      const std::string& cycle, absl::Time as_of,
                                                      const SnapshotOptions& options);

}  // namespace okr::analytics
