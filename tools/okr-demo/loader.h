// Loads a DemoPlan into running services through their public RPCs only: the org directory and
// goals on the goals address, the rest on the feedback address. The loader is a client like any
// other; it writes as the people of the plan (see tokens.h), in dependency order, with many calls
// in flight per step.
#ifndef OKR_TOOLS_OKR_DEMO_LOADER_H_
#define OKR_TOOLS_OKR_DEMO_LOADER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tools/okr-demo/plan.h"
#include "tools/okr-demo/tokens.h"

namespace okr::demo {

struct LoaderOptions {
  std::shared_ptr<grpc::Channel> goals;     // OrgService, GoalsService, ProgressIngestService.
  std::shared_ptr<grpc::Channel> feedback;  // FeedbackService.
  Tokens* tokens = nullptr;
  uint64_t seed = 42;  // Makes the request ids and event ids of this plan.
  int concurrency = 16;
  absl::Duration deadline = absl::Seconds(30);         // Per call.
  std::function<void(std::string_view step)> on_step;  // Called as each step starts.
};

struct LoadSummary {
  int teams = 0, people = 0, objectives = 0, key_results = 0;
  int check_ins = 0;  // Manual check-ins.
  int events = 0;     // Progress events acked by the ingest stream.
  int feedback = 0, requests = 0, answers = 0, declines = 0;
  int one_on_ones = 0, assessments = 0;
  std::string cycle;  // The goals cycle's name, `cycles/{cycle}`.
};

class Loader {
 public:
  explicit Loader(LoaderOptions options);

  // Whether the tenant already has a goals cycle (then it is not a fresh tenant).
  absl::StatusOr<bool> TenantHasCycles();

  // Writes the whole plan; stops at the first failed call and returns its error (the gRPC code,
  // message, reason and field violations, and which write it was).
  absl::StatusOr<LoadSummary> Load(const DemoPlan& plan);

 private:
  struct KeyResultRef {
    size_t objective, key_result;
  };

  absl::Status LoadOrg(const DemoPlan& plan);
  absl::Status LoadCycle(const DemoPlan& plan);
  absl::Status LoadObjectives(const DemoPlan& plan);
  absl::Status CreateObjective(const DemoPlan& plan, size_t index);
  absl::Status LoadCheckIns(const DemoPlan& plan);
  absl::Status CheckInManually(const DemoPlan& plan, const KeyResultRef& ref);
  absl::Status StreamEvents(const DemoPlan& plan, const std::vector<KeyResultRef>& bound);
  absl::Status LoadFeedback(const DemoPlan& plan);
  absl::Status LoadRequests(const DemoPlan& plan);
  absl::Status LoadOneOnOnes(const DemoPlan& plan);
  absl::Status LoadReviews(const DemoPlan& plan);

  // A context with the token of `person` (empty: the administrator), the deadline and
  // wait-for-ready, so calls made while a channel is still connecting wait instead of failing.
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> Context(const std::string& person);
  // OK, or the call's error described with `what`.
  static absl::Status Check(std::string_view what, const grpc::Status& status);
  std::string RequestId(std::string_view kind, uint64_t index) const;
  void Step(std::string_view step) const;

  LoaderOptions options_;
  std::unique_ptr<okr::org::v1::OrgService::Stub> org_;
  std::unique_ptr<okr::goals::v1::GoalsService::Stub> goals_;
  std::unique_ptr<okr::feedback::v1::FeedbackService::Stub> feedback_;
  std::string cycle_;
  int events_acked_ = 0;
  // Server-assigned names, by plan index.
  std::vector<std::string> objective_names_;
  std::vector<std::vector<std::string>> key_result_names_;
  std::vector<std::vector<std::vector<std::string>>> milestone_ids_;
};

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_LOADER_H_
