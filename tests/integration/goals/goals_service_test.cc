// GoalsService in process over real gRPC and a real SQLite file, with an injected clock: health and
// staleness as time passes, and the stored roll-up against a recomputation from scratch after
// random sequences of writes (including rejected ones and a restart).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "google/protobuf/util/time_util.h"
#include "tests/integration/goals/goals_fixture.h"

namespace okr::goals {
namespace {

using google::protobuf::util::TimeUtil;
using GoalsServiceTest = GoalsServiceFixture;

TEST_F(GoalsServiceTest, HealthAndStalenessFollowTheInjectedClock) {
  AddPerson("boss");
  const v1::Cycle cycle = CreateJanuaryCycle();
  const v1::Objective objective = CreateObjective(cycle.name());
  v1::KeyResult kr;
  ASSERT_TRUE(CreateKeyResult(objective.name(), v1::KEY_RESULT_TYPE_NUMERIC, &kr).ok());
  EXPECT_EQ(GetObjective(objective.name()).health(), v1::HEALTH_ON_TRACK);  // 0 of 0 expected
  ASSERT_TRUE(CheckIn(kr.name(), 50).ok());

  // Progress 0.5 against the elapsed fraction: ON_TRACK down to 0.4, AT_RISK down to 0.25.
  struct Point {
    int day;
    v1::Health health;
  };
  for (const Point& p : {Point{3, v1::HEALTH_ON_TRACK}, Point{18, v1::HEALTH_ON_TRACK},
                         Point{21, v1::HEALTH_AT_RISK}, Point{22, v1::HEALTH_AT_RISK},
                         Point{23, v1::HEALTH_OFF_TRACK}, Point{40, v1::HEALTH_OFF_TRACK}}) {
    SetNow(kJan1 + absl::Hours(24 * p.day));
    const v1::Objective read = GetObjective(objective.name());
    EXPECT_EQ(read.health(), p.health) << "day " << p.day;
    EXPECT_NEAR(read.expected_progress(), std::min(p.day / 30.0, 1.0), 1e-12) << "day " << p.day;
  }

  // A LOW confidence caps ON_TRACK at AT_RISK.
  SetNow(kJan1 + absl::Hours(24 * 3));
  ASSERT_TRUE(CheckIn(kr.name(), std::nullopt, 2).ok());
  EXPECT_EQ(GetObjective(objective.name()).health(), v1::HEALTH_AT_RISK);
  EXPECT_EQ(GetObjective(objective.name()).confidence(), 2);

  // Stale after the cadence (7 days) without a check-in, fresh again after one.
  EXPECT_FALSE(GetKeyResult(kr.name()).stale());
  SetNow(kJan1 + absl::Hours(24 * 3) + absl::Hours(24 * 7) + absl::Seconds(1));
  EXPECT_TRUE(GetKeyResult(kr.name()).stale());
  v1::ListKeyResultsRequest stale;
  stale.set_parent("objectives/-");
  stale.set_cycle(cycle.name());
  stale.set_stale_only(true);
  v1::ListKeyResultsResponse listed;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::ListKeyResults, stale, &listed).ok());
  ASSERT_EQ(listed.key_results_size(), 1);
  ASSERT_TRUE(CheckIn(kr.name(), 60).ok());
  EXPECT_FALSE(GetKeyResult(kr.name()).stale());
  listed.Clear();
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::ListKeyResults, stale, &listed).ok());
  EXPECT_EQ(listed.key_results_size(), 0);

  // Closing freezes health as judged at that moment: later reads do not move it.
  SetNow(kJan1 + absl::Hours(24 * 29));  // expected 0.967, progress 0.6: OFF_TRACK
  v1::CloseCycleRequest close;
  close.set_name(cycle.name());
  v1::Cycle closed;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::CloseCycle, close, &closed).ok());
  SetNow(kJan1);
  const v1::Objective graded = GetObjective(objective.name());
  EXPECT_EQ(graded.state(), v1::OBJECTIVE_STATE_CLOSED);
  EXPECT_EQ(graded.health(), v1::HEALTH_OFF_TRACK);
  EXPECT_DOUBLE_EQ(graded.score(), 0.6);
}

TEST_F(GoalsServiceTest, RandomWritesKeepTheStoredRollupEqualToARecomputation) {
  AddPerson("boss");
  const v1::Cycle cycle = CreateJanuaryCycle();
  std::mt19937 rng(20271);
  std::vector<std::string> objectives;
  std::vector<std::string> key_results;
  std::vector<std::string> rollups;  // ROLLUP key results
  int rejected = 0;
  auto pick = [&rng](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  auto step = [&](int i) {
    const int op = objectives.empty() ? 0 : std::uniform_int_distribution<int>(0, 9)(rng);
    grpc::Status status;
    if (op <= 1) {
      std::string parent;
      const int where = std::uniform_int_distribution<int>(0, 3)(rng);
      if (where == 1 && !objectives.empty()) parent = pick(objectives);
      if (where == 2 && !rollups.empty()) parent = pick(rollups);
      objectives.push_back(
          CreateObjective(cycle.name(), parent, rng() % 2 == 0, 1 + rng() % 4).name());
    } else if (op <= 3) {
      static const v1::KeyResultType kTypes[] = {
          v1::KEY_RESULT_TYPE_NUMERIC, v1::KEY_RESULT_TYPE_NUMERIC, v1::KEY_RESULT_TYPE_BOOLEAN,
          v1::KEY_RESULT_TYPE_MILESTONE, v1::KEY_RESULT_TYPE_ROLLUP};
      const v1::KeyResultType type = kTypes[rng() % 5];
      v1::KeyResult created;
      status = CreateKeyResult(pick(objectives), type, &created);
      if (status.ok()) {
        (type == v1::KEY_RESULT_TYPE_ROLLUP ? rollups : key_results).push_back(created.name());
      }
    } else if (op <= 6 && !key_results.empty()) {
      const std::string kr = pick(key_results);
      const v1::KeyResult read = GetKeyResult(kr);
      if (read.type() == v1::KEY_RESULT_TYPE_MILESTONE) {
        v1::CreateCheckInRequest request;
        request.set_parent(kr);
        auto* state = request.mutable_check_in()->add_milestone_states();
        state->set_milestone_id(read.milestones(rng() % 3).id());
        state->set_done(rng() % 2 == 0);
        v1::CheckIn created;
        status = Call(&v1::GoalsService::Stub::CreateCheckIn, request, &created);
      } else {
        const double value = read.type() == v1::KEY_RESULT_TYPE_BOOLEAN
                                 ? static_cast<double>(rng() % 2)
                                 : static_cast<double>(rng() % 150);
        status = CheckIn(kr, value, static_cast<int>(rng() % 11));
      }
    } else {
      // Move, re-weigh, archive or unarchive an objective; some of these are rejected (cycles,
      // invalid transitions) and must leave everything as it was.
      v1::UpdateObjectiveRequest request;
      request.mutable_objective()->set_name(pick(objectives));
      const int what = std::uniform_int_distribution<int>(0, 3)(rng);
      if (what == 0) {
        const bool to_rollup = !rollups.empty() && rng() % 2 == 0;
        request.mutable_objective()->set_parent(rng() % 4 == 0 ? ""
                                                : to_rollup    ? pick(rollups)
                                                               : pick(objectives));
        request.mutable_update_mask()->add_paths("parent");
      } else if (what == 1) {
        request.mutable_objective()->set_weight(1 + rng() % 5);
        request.mutable_update_mask()->add_paths("weight");
      } else if (what == 2) {
        request.mutable_objective()->set_state(rng() % 2 == 0 ? v1::OBJECTIVE_STATE_ARCHIVED
                                                              : v1::OBJECTIVE_STATE_ACTIVE);
        request.mutable_update_mask()->add_paths("state");
      } else {
        request.mutable_objective()->set_rollup_children(rng() % 2 == 0);
        request.mutable_update_mask()->add_paths("rollup_children");
      }
      v1::Objective updated;
      status = Call(&v1::GoalsService::Stub::UpdateObjective, request, &updated);
    }
    if (!status.ok()) {
      ++rejected;
      EXPECT_NE(status.error_code(), grpc::StatusCode::INTERNAL) << status.error_message();
    }
    if (i % 25 == 24) {
      EXPECT_THAT(Verify(cycle.name()), ::testing::IsEmpty()) << "step " << i;
    }
  };
  for (int i = 0; i < 250; ++i) step(i);
  // A restart rebuilds the trees from the database; writes go on from there.
  StopServer();
  StartServer();
  for (int i = 250; i < 400; ++i) step(i);
  EXPECT_THAT(Verify(cycle.name()), ::testing::IsEmpty());
  EXPECT_GT(rejected, 0);  // the sequence did exercise rejected writes
  EXPECT_GT(objectives.size(), 20u);
}

TEST_F(GoalsServiceTest, HiddenThingsStayHiddenAndFrozenHealthIsTodays) {
  AddPerson("boss");
  AddPerson("peer");
  const v1::Cycle cycle = CreateJanuaryCycle();
  // A PRIVATE parent of boss's, with a PUBLIC child: the peer reads the child without learning
  // the parent's name, in Get, List and the tree (where the parent is redacted).
  const v1::Objective secret = CreateObjective(cycle.name(), "", true, 1, "boss", true);
  const v1::Objective child = CreateObjective(cycle.name(), secret.name());
  token_ = "acme.peer.";
  EXPECT_EQ(GetObjective(child.name()).parent(), "");
  v1::ListObjectivesRequest list;
  list.set_cycle(cycle.name());
  v1::ListObjectivesResponse listed;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::ListObjectives, list, &listed).ok());
  ASSERT_EQ(listed.objectives_size(), 1);
  EXPECT_EQ(listed.objectives(0).parent(), "");
  v1::GetObjectiveTreeRequest tree_request;
  tree_request.set_name(cycle.name());
  v1::ObjectiveTree tree;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::GetObjectiveTree, tree_request, &tree).ok());
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_TRUE(tree.roots(0).redacted());
  ASSERT_EQ(tree.roots(0).children_size(), 1);
  EXPECT_EQ(tree.roots(0).children(0).objective().name(), child.name());
  EXPECT_EQ(tree.roots(0).children(0).objective().parent(), "");

  // boss's request_id does not replay boss's key result to the peer (who owns nothing here).
  token_ = "acme.boss.admin";
  v1::CreateKeyResultRequest create;
  create.set_parent(secret.name());
  create.set_request_id("0b3c5a52-9b4e-4a53-9d54-7d4f3a1b2c3d");
  create.mutable_key_result()->set_title("acquire a competitor");
  create.mutable_key_result()->set_type(v1::KEY_RESULT_TYPE_BOOLEAN);
  v1::KeyResult created;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::CreateKeyResult, create, &created).ok());
  const v1::Objective peers = CreateObjective(cycle.name(), "", false, 1, "peer");
  token_ = "acme.peer.";
  create.set_parent(peers.name());
  create.mutable_key_result()->set_title("peer's own");
  v1::KeyResult replayed;
  grpc::Status status = Call(&v1::GoalsService::Stub::CreateKeyResult, create, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replayed.title(), "peer's own");  // a new key result, not boss's
  EXPECT_NE(replayed.name(), created.name());

  // Archiving on day 28 freezes the health of day 28 (OFF_TRACK at progress 0), not the health the
  // in-memory tree judged when it was loaded on day 0.
  token_ = "acme.boss.admin";
  const v1::Objective late = CreateObjective(cycle.name());
  v1::KeyResult kr;
  ASSERT_TRUE(CreateKeyResult(late.name(), v1::KEY_RESULT_TYPE_NUMERIC, &kr).ok());
  SetNow(kJan1 + absl::Hours(24 * 28));
  v1::UpdateObjectiveRequest archive;
  archive.mutable_objective()->set_name(late.name());
  archive.mutable_objective()->set_state(v1::OBJECTIVE_STATE_ARCHIVED);
  archive.mutable_update_mask()->add_paths("state");
  v1::Objective archived;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::UpdateObjective, archive, &archived).ok());
  EXPECT_EQ(archived.health(), v1::HEALTH_OFF_TRACK);
  SetNow(kJan1);
  EXPECT_EQ(GetObjective(late.name()).health(), v1::HEALTH_OFF_TRACK);

  // An archived parent is left out of the tree; its live child shows as a root, not vanishing.
  const v1::Objective parent = CreateObjective(cycle.name());
  const v1::Objective orphan = CreateObjective(cycle.name(), parent.name());
  archive.mutable_objective()->set_name(parent.name());
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::UpdateObjective, archive, &archived).ok());
  tree.Clear();
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::GetObjectiveTree, tree_request, &tree).ok());
  bool orphan_is_root = false;
  for (const auto& root : tree.roots()) orphan_is_root |= root.objective().name() == orphan.name();
  EXPECT_TRUE(orphan_is_root);
}

TEST_F(GoalsServiceTest, TreeAsOfBeforeCloseJudgesHealthAtThatTime) {
  AddPerson("boss");
  const v1::Cycle cycle = CreateJanuaryCycle();
  const v1::Objective objective = CreateObjective(cycle.name());
  v1::KeyResult kr;
  ASSERT_TRUE(CreateKeyResult(objective.name(), v1::KEY_RESULT_TYPE_NUMERIC, &kr).ok());
  SetNow(kJan1 + absl::Hours(24 * 2));
  ASSERT_TRUE(CheckIn(kr.name(), 20).ok());  // 0.2 on day 2 of 30: ON_TRACK
  SetNow(kJan1 + absl::Hours(24 * 29));      // still 0.2 on day 29: OFF_TRACK, frozen at close
  v1::CloseCycleRequest close;
  close.set_name(cycle.name());
  v1::Cycle closed;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::CloseCycle, close, &closed).ok());
  EXPECT_EQ(GetObjective(objective.name()).health(), v1::HEALTH_OFF_TRACK);
  v1::GetObjectiveTreeRequest request;
  request.set_name(objective.name());
  *request.mutable_as_of() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kJan1 + absl::Hours(24 * 3)));
  v1::ObjectiveTree tree;
  ASSERT_TRUE(Call(&v1::GoalsService::Stub::GetObjectiveTree, request, &tree).ok());
  ASSERT_EQ(tree.roots_size(), 1);
  EXPECT_DOUBLE_EQ(tree.roots(0).objective().progress(), 0.2);
  EXPECT_EQ(tree.roots(0).objective().health(), v1::HEALTH_ON_TRACK);
}

}  // namespace
}  // namespace okr::goals
