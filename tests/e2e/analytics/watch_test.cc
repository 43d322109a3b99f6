// Analytics end to end, WatchAggregates: current values first, then an update per change
// coalesced to the requested interval (the last one carries the latest value), "unavailable"
// for an aggregate whose subject went away, and clear errors for bad requests.
#include "tests/e2e/analytics/analytics_e2e.h"

namespace okr::e2e {
namespace {

class AnalyticsWatchTest : public AnalyticsServersSuite {
 protected:
  std::unique_ptr<grpc::ClientReader<av1::WatchAggregatesResponse>> Watch(
      grpc::ClientContext& context, const av1::WatchAggregatesRequest& request) {
    context.AddMetadata("authorization", "Bearer " + Token("dev"));
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return analytics_stub_->WatchAggregates(&context, request);
  }
};

TEST_F(AnalyticsWatchTest, SendsCurrentValuesThenCoalescedUpdates) {
  UpsertOrg({{"lead", "", {"core"}}, {"dev", "lead", {"core"}}});
  const std::string cycle = CreateActiveCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  const std::string objective = CreateObjective(cycle, "dev", "Ship it");
  const std::string doomed = CreateObjective(cycle, "dev", "Dropped later");
  const std::string kr = CreateKeyResult(objective);
  TeamSummary(Token("dev"), "teams/core", cycle);  // analytics follows the tenant

  av1::WatchAggregatesRequest request;
  av1::TeamAggregateKey* team = request.add_aggregates()->mutable_team();
  team->set_team("teams/core");
  team->set_cycle(cycle);
  request.add_aggregates()->set_objective(doomed);
  request.add_aggregates()->set_cycle(cycle);
  request.mutable_min_interval()->set_nanos(200'000'000);
  grpc::ClientContext context;
  auto reader = Watch(context, request);

  // First the three current values.
  av1::WatchAggregatesResponse update;
  int firsts = 0;
  while (firsts < 3 && reader->Read(&update)) {
    ++firsts;
    EXPECT_FALSE(update.unavailable());
    if (update.has_team_summary()) {
      EXPECT_EQ(update.team_summary().goals().objective_count(), 2);
    }
  }
  ASSERT_EQ(firsts, 3);

  // Ten quick check-ins: fewer team updates than that, the last with the final value.
  const absl::Time start = absl::Now();
  for (int i = 1; i <= 10; ++i) ASSERT_NO_FATAL_FAILURE(CheckIn(kr, i * 10));
  int team_updates = 0;
  double progress = 0;
  absl::Time previous = absl::InfinitePast();
  absl::Duration shortest = absl::InfiniteDuration();
  while (progress < 0.5 - 1e-9 && reader->Read(&update)) {
    if (!update.has_team_summary()) continue;
    ++team_updates;
    const absl::Time now = absl::Now();
    if (previous != absl::InfinitePast()) shortest = std::min(shortest, now - previous);
    previous = now;
    progress = update.team_summary().goals().average_progress();
  }
  // Two objectives, one of them without a measure: the mean is the key result's progress.
  EXPECT_DOUBLE_EQ(progress, 1.0);
  EXPECT_LT(team_updates, 10);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  if (team_updates > 1) {
    EXPECT_GE(shortest, absl::Milliseconds(150));
  }

  // The watched objective is deleted: its last message says so, the others go on.
  gv1::DeleteObjectiveRequest remove;
  remove.set_name(doomed);
  google::protobuf::Empty empty;
  ASSERT_TRUE(goals_stub_->DeleteObjective(Ctx(Admin()).get(), remove, &empty).ok());
  bool unavailable = false;
  while (!unavailable && reader->Read(&update)) {
    if (update.key().objective() == doomed) {
      unavailable = update.unavailable();
      EXPECT_FALSE(update.has_objective_rollup());
    }
  }
  EXPECT_TRUE(unavailable);
  ASSERT_NO_FATAL_FAILURE(CheckIn(kr, 20));
  bool team_again = false;
  while (!team_again && reader->Read(&update)) team_again = update.has_team_summary();
  EXPECT_TRUE(team_again);
  context.TryCancel();
  while (reader->Read(&update)) {
  }
  reader->Finish();
}

TEST_F(AnalyticsWatchTest, BadRequestsFailTheWholeCall) {
  UpsertOrg({{"dev", "", {"core"}}});
  const std::string cycle = CreateActiveCycle("Q", Date(2026, 10, 1), Date(2027, 3, 31));
  TeamSummary(Token("dev"), "teams/core", cycle);
  auto expect = [&](const av1::WatchAggregatesRequest& request, grpc::StatusCode code,
                    const std::string& field) {
    grpc::ClientContext context;
    auto reader = Watch(context, request);
    av1::WatchAggregatesResponse update;
    while (reader->Read(&update)) {
    }
    grpc::Status s = reader->Finish();
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    if (!field.empty()) {
      EXPECT_EQ(FeedbackFields(s), (std::vector<std::string>{field}));
    }
  };
  expect(av1::WatchAggregatesRequest(), grpc::StatusCode::INVALID_ARGUMENT, "aggregates");
  av1::WatchAggregatesRequest twice;
  twice.add_aggregates()->set_cycle(cycle);
  twice.add_aggregates()->set_cycle(cycle);
  expect(twice, grpc::StatusCode::INVALID_ARGUMENT, "aggregates[1]");
  av1::WatchAggregatesRequest fast;
  fast.add_aggregates()->set_cycle(cycle);
  fast.mutable_min_interval()->set_nanos(10'000'000);
  expect(fast, grpc::StatusCode::INVALID_ARGUMENT, "min_interval");
  av1::WatchAggregatesRequest unknown;
  unknown.add_aggregates()->set_cycle(cycle);
  unknown.add_aggregates()->set_objective("objectives/nope");
  expect(unknown, grpc::StatusCode::NOT_FOUND, "");
}

}  // namespace
}  // namespace okr::e2e
