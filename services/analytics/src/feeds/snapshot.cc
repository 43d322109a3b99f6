#include "services/analytics/src/feeds/snapshot.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "services/analytics/src/feeds/fact_codec.h"

namespace okr::analytics {
namespace {

// Reads every page of one List RPC: `call(context, request, response)` makes the call,
// `each(response)` takes a page's items.
template <typename Request, typename Response, typename Call, typename Each>
absl::Status ReadAll(Request request, const std::string& token, const SnapshotOptions& options,
                     Call call, Each each) {
  request.set_page_size(options.page_size);
  while (true) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(options.call_deadline));
    Response response;
    grpc::Status status = call(&context, request, &response);
    if (!status.ok()) return common::FromGrpcStatus(status);
    each(response);
    if (response.next_page_token().empty()) return absl::OkStatus();
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace

absl::StatusOr<std::vector<FactOp>> SnapshotGoals(const std::shared_ptr<grpc::Channel>& channel,
                                                  const std::string& token,
                                                  const SnapshotOptions& options) {
  auto org = org::v1::OrgService::NewStub(channel);
  auto goals = goals::v1::GoalsService::NewStub(channel);
  std::vector<FactOp> puts;
  org::v1::ListPeopleRequest people;
  people.set_include_inactive(true);
  absl::Status s = ReadAll<org::v1::ListPeopleRequest, org::v1::ListPeopleResponse>(
      people, token, options,
      [&](auto* c, const auto& r, auto* out) { return org->ListPeople(c, r, out); },
      [&](const org::v1::ListPeopleResponse& page) {
        for (const auto& p : page.people()) puts.push_back(PutOf(p));
      });
  if (!s.ok()) return s;
  org::v1::ListTeamsRequest teams;
  teams.set_include_inactive(true);
  s = ReadAll<org::v1::ListTeamsRequest, org::v1::ListTeamsResponse>(
      teams, token, options,
      [&](auto* c, const auto& r, auto* out) { return org->ListTeams(c, r, out); },
      [&](const org::v1::ListTeamsResponse& page) {
        for (const auto& t : page.teams()) puts.push_back(PutOf(t));
      });
  if (!s.ok()) return s;
  std::vector<std::string> cycles;
  s = ReadAll<goals::v1::ListCyclesRequest, goals::v1::ListCyclesResponse>(
      goals::v1::ListCyclesRequest(), token, options,
      [&](auto* c, const auto& r, auto* out) { return goals->ListCycles(c, r, out); },
      [&](const goals::v1::ListCyclesResponse& page) {
        for (const auto& c : page.cycles()) {
          puts.push_back(PutOf(c));
          cycles.push_back(c.name());
        }
      });
  if (!s.ok()) return s;
  for (const std::string& cycle : cycles) {
    goals::v1::ListObjectivesRequest objectives;
    objectives.set_cycle(cycle);
    objectives.set_include_archived(true);
    s = ReadAll<goals::v1::ListObjectivesRequest, goals::v1::ListObjectivesResponse>(
        objectives, token, options,
        [&](auto* c, const auto& r, auto* out) { return goals->ListObjectives(c, r, out); },
        [&](const goals::v1::ListObjectivesResponse& page) {
          for (const auto& o : page.objectives()) puts.push_back(PutOf(o));
        });
    if (!s.ok()) return s;
    goals::v1::ListKeyResultsRequest key_results;
    key_results.set_parent("objectives/-");
    key_results.set_cycle(cycle);
    s = ReadAll<goals::v1::ListKeyResultsRequest, goals::v1::ListKeyResultsResponse>(
        key_results, token, options,
        [&](auto* c, const auto& r, auto* out) { return goals->ListKeyResults(c, r, out); },
        [&](const goals::v1::ListKeyResultsResponse& page) {
          for (const auto& k : page.key_results()) puts.push_back(PutOf(k));
        });
    if (!s.ok()) return s;
  }
  return puts;
}

absl::StatusOr<std::vector<FactOp>> SnapshotFeedback(const std::shared_ptr<grpc::Channel>& channel,
                                                     const std::string& token,
                                                     const SnapshotOptions& options) {
  auto stub = feedback::v1::FeedbackService::NewStub(channel);
  std::vector<FactOp> puts;
  feedback::v1::ListFeedbackRequest feedback;
  feedback.set_as_records(true);
  absl::Status s = ReadAll<feedback::v1::ListFeedbackRequest, feedback::v1::ListFeedbackResponse>(
      feedback, token, options,
      [&](auto* c, const auto& r, auto* out) { return stub->ListFeedback(c, r, out); },
      [&](const feedback::v1::ListFeedbackResponse& page) {
        for (const auto& record : page.records()) puts.push_back(PutOf(record));
      });
  if (!s.ok()) return s;
  s = ReadAll<feedback::v1::ListFeedbackRequestsRequest,
              feedback::v1::ListFeedbackRequestsResponse>(
      feedback::v1::ListFeedbackRequestsRequest(), token, options,
      [&](auto* c, const auto& r, auto* out) { return stub->ListFeedbackRequests(c, r, out); },
      [&](const feedback::v1::ListFeedbackRequestsResponse& page) {
        for (const auto& r : page.feedback_requests()) puts.push_back(PutOf(r));
      });
  if (!s.ok()) return s;
  s = ReadAll<feedback::v1::ListOneOnOnesRequest, feedback::v1::ListOneOnOnesResponse>(
      feedback::v1::ListOneOnOnesRequest(), token, options,
      [&](auto* c, const auto& r, auto* out) { return stub->ListOneOnOnes(c, r, out); },
      [&](const feedback::v1::ListOneOnOnesResponse& page) {
        for (const auto& o : page.one_on_ones()) puts.push_back(PutOf(o));
      });
  if (!s.ok()) return s;
  return puts;
}

namespace {

void AppendNode(const goals::v1::ObjectiveNode& node, std::vector<FactOp>& puts) {
  // A service identity reads every objective; a redacted node (no name) cannot be a fact.
  if (!node.redacted() && !node.objective().name().empty()) puts.push_back(PutOf(node.objective()));
  for (const auto& kr : node.key_results()) {
    puts.push_back(PutOf(kr.key_result()));
    for (const auto& child : kr.children()) AppendNode(child, puts);
  }
  for (const auto& child : node.children()) AppendNode(child, puts);
}

}  // namespace

absl::StatusOr<std::vector<FactOp>> SnapshotCycleAsOf(const std::shared_ptr<grpc::Channel>& channel,
                                                      const std::string& token,
                                                      const std::string& cycle, absl::Time as_of,
                                                      const SnapshotOptions& options) {
  auto goals = goals::v1::GoalsService::NewStub(channel);
  goals::v1::GetObjectiveTreeRequest request;
  request.set_name(absl::StrCat("cycles/", cycle));
  request.set_include_archived(true);
  const int64_t micros = absl::ToUnixMicros(as_of);
  request.mutable_as_of()->set_seconds(micros / 1'000'000);
  request.mutable_as_of()->set_nanos(static_cast<int32_t>(micros % 1'000'000) * 1000);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(options.call_deadline));
  goals::v1::ObjectiveTree tree;
  grpc::Status status = goals->GetObjectiveTree(&context, request, &tree);
  if (!status.ok()) return common::FromGrpcStatus(status);
  std::vector<FactOp> puts;
  for (const auto& root : tree.roots()) AppendNode(root, puts);
  return puts;
}

}  // namespace okr::analytics
