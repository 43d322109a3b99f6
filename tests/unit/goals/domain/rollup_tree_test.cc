#include "services/goals/src/domain/rollup_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "okr/common/status/errors.h"

namespace okr::goals::domain {
namespace {

using ::okr::common::ErrorReason;
using ::testing::UnorderedElementsAre;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
const RollupOptions kOptions{{kStart, kStart + absl::Hours(24 * 100)}, {}};
absl::Time Day(double d) { return kStart + absl::Hours(24 * d); }

KeyResultSpec Numeric(double start, double target, double current, double weight = 1.0) {
  KeyResultSpec spec;
  spec.type = KeyResultType::kNumeric;
  spec.direction = start < target ? Direction::kIncrease : Direction::kDecrease;
  spec.measure.start = start;
  spec.measure.target = target;
  spec.measure.current = current;
  spec.weight = weight;
  return spec;
}

KeyResultSpec Rollup(double weight = 1.0) {
  KeyResultSpec spec;
  spec.type = KeyResultType::kRollup;
  spec.weight = weight;
  return spec;
}

ObjectiveSpec Under(Alignment parent, double weight = 1.0, bool rollup_children = false) {
  ObjectiveSpec spec;
  spec.parent = parent;
  spec.weight = weight;
  spec.rollup_children = rollup_children;
  spec.state = ObjectiveState::kActive;
  return spec;
}

ObjectiveSpec Top(bool rollup_children = true) {
  return Under(Alignment::None(), 1.0, rollup_children);
}

class RollupTreeTest : public ::testing::Test {
 protected:
  ObjectiveId Obj(const ObjectiveSpec& spec) {
    absl::StatusOr<ObjectiveId> id = tree_.AddObjective(spec);
    EXPECT_TRUE(id.ok()) << id.status();
    return *id;
  }
  KeyResultId Kr(ObjectiveId o, const KeyResultSpec& spec) {
    absl::StatusOr<KeyResultId> id = tree_.AddKeyResult(o, spec);
    EXPECT_TRUE(id.ok()) << id.status();
    return *id;
  }
  double Progress(ObjectiveId o) const { return tree_.GetObjective(o).progress; }
  void ExpectConsistent() {
    RollupChanges diff;
    RollupTree copy = tree_;
    copy.RecomputeAll(&diff);
    EXPECT_TRUE(diff.empty());
  }

  RollupTree tree_{kOptions, Day(50)};
};

TEST_F(RollupTreeTest, ObjectiveProgressIsTheWeightedMeanOfItsKeyResults) {
  const ObjectiveId o = Obj(Top());
  Kr(o, Numeric(0, 10, 5, 1.0));   // 0.5
  Kr(o, Numeric(0, 10, 20, 3.0));  // 1.0, attainment 2.0
  const ObjectiveRollup r = tree_.GetObjective(o);
  EXPECT_EQ(r.progress, (0.5 + 3.0) / 4.0);
  EXPECT_EQ(r.attainment, (0.5 + 6.0) / 4.0);
  EXPECT_TRUE(r.has_measure);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ObjectiveWithNothingToMeasureHasNoMeasure) {
  const ObjectiveId o = Obj(Top());
  const ObjectiveRollup r = tree_.GetObjective(o);
  EXPECT_EQ(r.progress, 0.0);
  EXPECT_FALSE(r.has_measure);
  EXPECT_EQ(r.health, Health::kNoMeasure);
  EXPECT_FALSE(r.confidence.has_value());
}

TEST_F(RollupTreeTest, ChildrenCountOnlyWithRollupChildren) {
  const ObjectiveId parent = Obj(Top(/*rollup_children=*/false));
  Kr(parent, Numeric(0, 10, 10));  // 1.0
  const ObjectiveId child = Obj(Under(Alignment::To(parent), 3.0));
  Kr(child, Numeric(0, 10, 0));  // 0.0
  EXPECT_EQ(Progress(parent), 1.0);
  RollupChanges changes;
  ASSERT_TRUE(tree_.SetRollupChildren(parent, true, &changes).ok());
  EXPECT_EQ(Progress(parent), 0.25);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(parent));
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ChildWithoutMeasureIsLeftOutNotCountedAsZero) {
  const ObjectiveId parent = Obj(Top());
  Kr(parent, Numeric(0, 10, 5));
  const ObjectiveId child = Obj(Under(Alignment::To(parent)));
  EXPECT_EQ(Progress(parent), 0.5);
  const KeyResultId k = Kr(child, Numeric(0, 10, 0));
  EXPECT_EQ(Progress(parent), 0.25);
  ASSERT_TRUE(tree_.RemoveKeyResult(k).ok());
  EXPECT_EQ(Progress(parent), 0.5);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ParentMeasuredOnlyByChildrenGetsTheirMean) {
  const ObjectiveId parent = Obj(Top());
  EXPECT_FALSE(tree_.GetObjective(parent).has_measure);
  const ObjectiveId a = Obj(Under(Alignment::To(parent), 1.0));
  const ObjectiveId b = Obj(Under(Alignment::To(parent), 2.0));
  Kr(a, Numeric(0, 4, 1));  // 0.25
  Kr(b, Numeric(0, 4, 4));  // 1.0
  EXPECT_TRUE(tree_.GetObjective(parent).has_measure);
  EXPECT_EQ(Progress(parent), 0.75);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, RollupKeyResultIsTheWeightedMeanOfItsAlignedObjectives) {
  const ObjectiveId company = Obj(Top(false));
  const KeyResultId rollup = Kr(company, Rollup());
  Kr(company, Numeric(0, 10, 10));  // 1.0
  // With nothing aligned, the ROLLUP key result has no measure and is left out.
  EXPECT_FALSE(tree_.GetKeyResult(rollup).has_measure);
  EXPECT_EQ(Progress(company), 1.0);
  const ObjectiveId team1 = Obj(Under(Alignment::To(rollup), 1.0));
  const ObjectiveId team2 = Obj(Under(Alignment::To(rollup), 3.0));
  Kr(team1, Numeric(0, 10, 10));    // 1.0
  Kr(team2, Numeric(100, 0, 100));  // 0.0
  EXPECT_EQ(tree_.GetKeyResult(rollup), (KeyResultRollup{0.25, 0.25, true}));
  EXPECT_EQ(Progress(company), (0.25 + 1.0) / 2);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, AlignmentToAKeyResultMustBeRollup) {
  const ObjectiveId company = Obj(Top());
  const KeyResultId numeric = Kr(company, Numeric(0, 1, 0));
  absl::StatusOr<ObjectiveId> r = tree_.AddObjective(Under(Alignment::To(numeric)));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(r.status()), "PARENT_KEY_RESULT_NOT_ROLLUP");
  EXPECT_EQ(tree_.objective_count(), 1u);
}

TEST_F(RollupTreeTest, MilestoneWeightsDriveTheObjective) {
  const ObjectiveId o = Obj(Top());
  KeyResultSpec spec;
  spec.type = KeyResultType::kMilestone;
  spec.measure.milestones = {{1, false}, {3, false}};
  const KeyResultId k = Kr(o, spec);
  EXPECT_EQ(Progress(o), 0.0);
  ASSERT_TRUE(tree_.SetMilestoneDone(k, 1, true).ok());
  EXPECT_EQ(Progress(o), 0.75);
  ASSERT_TRUE(tree_.SetMilestones(k, {{1, true}, {1, false}}).ok());
  EXPECT_EQ(Progress(o), 0.5);
  EXPECT_EQ(ErrorReason(tree_.SetMilestoneDone(k, 2, true)), "UNKNOWN_MILESTONE");
  EXPECT_EQ(ErrorReason(tree_.SetMilestones(k, {{0, true}})), "INVALID_MILESTONES");
  EXPECT_EQ(ErrorReason(tree_.SetKeyResultValue(k, 1)), "KEY_RESULT_TAKES_NO_VALUE");
  EXPECT_EQ(Progress(o), 0.5);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, InvalidKeyResultsAreRejectedAndChangeNothing) {
  const ObjectiveId o = Obj(Top());
  absl::StatusOr<KeyResultId> r = tree_.AddKeyResult(o, Numeric(5, 5, 5));
  EXPECT_EQ(ErrorReason(r.status()), "KEY_RESULT_TARGET_EQUALS_START");
  r = tree_.AddKeyResult(o, Numeric(0, 5, 0, 0.0));
  EXPECT_EQ(ErrorReason(r.status()), "INVALID_WEIGHT");
  EXPECT_EQ(tree_.key_result_count(), 0u);
  const KeyResultId k = Kr(o, Numeric(0, 10, 5));
  EXPECT_EQ(ErrorReason(tree_.SetKeyResultValue(k, std::nan(""))), "VALUE_NOT_FINITE");
  EXPECT_EQ(ErrorReason(tree_.SetKeyResultWeight(k, -1)), "INVALID_WEIGHT");
  EXPECT_EQ(ErrorReason(tree_.SetObjectiveWeight(o, 0)), "INVALID_WEIGHT");
  EXPECT_EQ(ErrorReason(tree_.SetConfidence(k, 11)), "CONFIDENCE_OUT_OF_RANGE");
  EXPECT_EQ(ErrorReason(tree_.SetKeyResultValue(KeyResultId{99}, 1)), "KEY_RESULT_NOT_FOUND");
  EXPECT_EQ(ErrorReason(tree_.Archive(ObjectiveId{99})), "OBJECTIVE_NOT_FOUND");
  EXPECT_EQ(Progress(o), 0.5);
}

TEST_F(RollupTreeTest, KeepKeyResultsAreInclusiveInTheTree) {
  const ObjectiveId o = Obj(Top());
  KeyResultSpec spec;
  spec.type = KeyResultType::kPercent;
  spec.direction = Direction::kKeepAbove;
  spec.measure.threshold = 99.9;
  spec.measure.current = 99.0;
  const KeyResultId k = Kr(o, spec);
  EXPECT_EQ(Progress(o), 0.0);
  ASSERT_TRUE(tree_.SetKeyResultValue(k, 99.9).ok());
  EXPECT_EQ(Progress(o), 1.0);
  EXPECT_EQ(tree_.MeasureOf(k).threshold, 99.9);
}

TEST_F(RollupTreeTest, ConfidenceIsTheMinimumOfTheKeyResults) {
  const ObjectiveId o = Obj(Top());
  const KeyResultId a = Kr(o, Numeric(0, 10, 10));
  const KeyResultId b = Kr(o, Numeric(0, 10, 10));
  EXPECT_FALSE(tree_.GetObjective(o).confidence.has_value());
  ASSERT_TRUE(tree_.SetConfidence(a, 8).ok());
  EXPECT_EQ(tree_.GetObjective(o).confidence, 8);
  EXPECT_EQ(tree_.GetObjective(o).health, Health::kOnTrack);
  RollupChanges changes;
  ASSERT_TRUE(tree_.SetConfidence(b, 2, &changes).ok());
  EXPECT_EQ(tree_.GetObjective(o).confidence, 2);
  // Progress 1.0 would be ON_TRACK, but a LOW confidence caps it.
  EXPECT_EQ(tree_.GetObjective(o).health, Health::kAtRisk);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(o));
  ASSERT_TRUE(tree_.SetConfidence(b, std::nullopt).ok());
  EXPECT_EQ(tree_.GetObjective(o).confidence, 8);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ConfidenceDoesNotRollUpToParents) {
  const ObjectiveId parent = Obj(Top());
  const ObjectiveId child = Obj(Under(Alignment::To(parent)));
  const KeyResultId k = Kr(child, Numeric(0, 10, 5));
  RollupChanges changes;
  ASSERT_TRUE(tree_.SetConfidence(k, 1, &changes).ok());
  EXPECT_EQ(tree_.GetObjective(child).confidence, 1);
  EXPECT_FALSE(tree_.GetObjective(parent).confidence.has_value());
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(child));
}

TEST_F(RollupTreeTest, ArchivedChildrenLeaveTheMeanAndKeepTheirHealth) {
  const ObjectiveId parent = Obj(Top());
  Kr(parent, Numeric(0, 10, 10));  // 1.0
  const ObjectiveId child = Obj(Under(Alignment::To(parent)));
  const KeyResultId k = Kr(child, Numeric(0, 10, 0));  // 0.0 at day 50: OFF_TRACK
  EXPECT_EQ(Progress(parent), 0.5);
  EXPECT_EQ(tree_.GetObjective(child).health, Health::kOffTrack);
  RollupChanges changes;
  ASSERT_TRUE(tree_.Archive(child, &changes).ok());
  EXPECT_EQ(Progress(parent), 1.0);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(parent));
  EXPECT_EQ(ErrorReason(tree_.SetKeyResultValue(k, 10)), "OBJECTIVE_ARCHIVED");
  EXPECT_EQ(ErrorReason(tree_.SetConfidence(k, 5)), "OBJECTIVE_ARCHIVED");
  // Editing the key result itself is still allowed (check-ins are not).
  KeyResultMeasure edited;
  edited.target = 20;
  EXPECT_TRUE(tree_.SetKeyResultMeasure(k, Direction::kIncrease, edited).ok());
  // Time moves on; the archived objective's health stays what it was.
  tree_.RefreshHealth(Day(0));
  EXPECT_EQ(tree_.GetObjective(child).health, Health::kOffTrack);
  EXPECT_EQ(tree_.GetObjective(parent).health, Health::kOnTrack);
  ExpectConsistent();
  ASSERT_TRUE(tree_.Unarchive(child).ok());
  EXPECT_EQ(tree_.GetObjective(child).health, Health::kOnTrack);
  EXPECT_EQ(Progress(parent), 0.5);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ArchivingAndClosingFreezeTheHealthJudgedAtTheCurrentClock) {
  // Built at day 50; the clock moves to day 0 without re-judging anything (SetClock).
  const ObjectiveId archived = Obj(Top(false));
  Kr(archived, Numeric(0, 10, 2));  // 0.2: OFF_TRACK at day 50, ON_TRACK at day 0
  const ObjectiveId closed = Obj(Top(false));
  Kr(closed, Numeric(0, 10, 2));
  EXPECT_EQ(tree_.GetObjective(archived).health, Health::kOffTrack);
  tree_.SetClock(Day(0));
  EXPECT_EQ(tree_.GetObjective(archived).health, Health::kOffTrack);  // not re-judged yet
  RollupChanges changes;
  ASSERT_TRUE(tree_.Archive(archived, &changes).ok());
  EXPECT_EQ(tree_.GetObjective(archived).health, Health::kOnTrack);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(archived));
  tree_.CloseCycle();
  EXPECT_EQ(tree_.GetObjective(closed).health, Health::kOnTrack);
}

TEST_F(RollupTreeTest, ArchivedObjectivesLeaveRollupKeyResults) {
  const ObjectiveId company = Obj(Top());
  const KeyResultId rollup = Kr(company, Rollup());
  const ObjectiveId team = Obj(Under(Alignment::To(rollup)));
  Kr(team, Numeric(0, 10, 4));
  EXPECT_EQ(Progress(company), 0.4);
  ASSERT_TRUE(tree_.Archive(team).ok());
  EXPECT_FALSE(tree_.GetKeyResult(rollup).has_measure);
  EXPECT_FALSE(tree_.GetObjective(company).has_measure);
  EXPECT_EQ(tree_.GetObjective(company).health, Health::kNoMeasure);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, StateTransitionsFollowTheContract) {
  const ObjectiveId o = Obj(Top());
  EXPECT_TRUE(tree_.SetObjectiveState(o, ObjectiveState::kDraft).ok());
  EXPECT_TRUE(tree_.SetObjectiveState(o, ObjectiveState::kArchived).ok());
  EXPECT_EQ(ErrorReason(tree_.SetObjectiveState(o, ObjectiveState::kDraft)),
            "INVALID_STATE_TRANSITION");
  EXPECT_EQ(ErrorReason(tree_.SetObjectiveState(o, ObjectiveState::kClosed)),
            "INVALID_STATE_TRANSITION");
  EXPECT_TRUE(tree_.SetObjectiveState(o, ObjectiveState::kActive).ok());
}

TEST_F(RollupTreeTest, DeletedChildrenLeaveTheMean) {
  const ObjectiveId parent = Obj(Top());
  Kr(parent, Numeric(0, 10, 10));
  const ObjectiveId child = Obj(Under(Alignment::To(parent)));
  Kr(child, Numeric(0, 10, 0));
  EXPECT_EQ(Progress(parent), 0.5);
  RollupChanges changes;
  ASSERT_TRUE(tree_.RemoveObjective(child, &changes).ok());
  EXPECT_EQ(Progress(parent), 1.0);
  EXPECT_FALSE(tree_.Contains(child));
  EXPECT_EQ(tree_.key_result_count(), 1u);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(parent));
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ObjectivesWithAlignedChildrenCannotBeRemoved) {
  const ObjectiveId parent = Obj(Top());
  const KeyResultId rollup = Kr(parent, Rollup());
  const ObjectiveId child = Obj(Under(Alignment::To(rollup)));
  EXPECT_EQ(ErrorReason(tree_.RemoveObjective(parent)), "OBJECTIVE_HAS_ALIGNED_CHILDREN");
  EXPECT_EQ(ErrorReason(tree_.RemoveKeyResult(rollup)), "KEY_RESULT_HAS_ALIGNED_CHILDREN");
  ASSERT_TRUE(tree_.MoveObjective(child, Alignment::None()).ok());
  EXPECT_TRUE(tree_.RemoveObjective(parent).ok());
}

TEST_F(RollupTreeTest, MovingUpdatesOldAndNewAncestors) {
  const ObjectiveId old_root = Obj(Top());
  const ObjectiveId old_mid = Obj(Under(Alignment::To(old_root), 1.0, true));
  const ObjectiveId new_root = Obj(Top());
  const KeyResultId new_rollup = Kr(new_root, Rollup());
  Kr(old_root, Numeric(0, 10, 10));  // 1.0
  const ObjectiveId leaf = Obj(Under(Alignment::To(old_mid)));
  Kr(leaf, Numeric(0, 10, 2));  // 0.2
  EXPECT_EQ(Progress(old_mid), 0.2);
  EXPECT_EQ(Progress(old_root), 0.6);
  RollupChanges changes;
  ASSERT_TRUE(tree_.MoveObjective(leaf, Alignment::To(new_rollup), &changes).ok());
  EXPECT_FALSE(tree_.GetObjective(old_mid).has_measure);
  EXPECT_EQ(Progress(old_root), 1.0);
  EXPECT_EQ(tree_.GetKeyResult(new_rollup), (KeyResultRollup{0.2, 0.2, true}));
  EXPECT_EQ(Progress(new_root), 0.2);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(old_mid, old_root, new_root));
  EXPECT_THAT(changes.key_results, UnorderedElementsAre(new_rollup));
  EXPECT_EQ(tree_.ParentOf(leaf), Alignment::To(new_rollup));
  EXPECT_THAT(tree_.ChildrenOf(Alignment::To(old_mid)), ::testing::IsEmpty());
  ExpectConsistent();
}

TEST_F(RollupTreeTest, MovingWithinOneSubtreeReportsSharedAncestorsOnce) {
  const ObjectiveId root = Obj(Top());
  const ObjectiveId a = Obj(Under(Alignment::To(root), 1.0, true));
  const ObjectiveId b = Obj(Under(Alignment::To(root), 3.0, true));
  Kr(b, Numeric(0, 10, 10));
  const ObjectiveId leaf = Obj(Under(Alignment::To(a)));
  Kr(leaf, Numeric(0, 10, 0));
  RollupChanges changes;
  ASSERT_TRUE(tree_.MoveObjective(leaf, Alignment::To(b), &changes).ok());
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(a, b, root));
  ExpectConsistent();
}

TEST_F(RollupTreeTest, AlignmentCyclesAreRejected) {
  const ObjectiveId a = Obj(Top());
  const KeyResultId a_rollup = Kr(a, Rollup());
  const ObjectiveId b = Obj(Under(Alignment::To(a_rollup)));
  const ObjectiveId c = Obj(Under(Alignment::To(b)));
  for (Alignment bad : {Alignment::To(a), Alignment::To(b), Alignment::To(c)}) {
    absl::Status s = tree_.MoveObjective(a, bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ErrorReason(s), "ALIGNMENT_CYCLE");
  }
  EXPECT_TRUE(tree_.MoveObjective(b, Alignment::To(a_rollup)).ok()) << "moving to the same parent";
  EXPECT_EQ(ErrorReason(tree_.MoveObjective(b, Alignment::To(c))), "ALIGNMENT_CYCLE");
  const KeyResultId c_rollup = Kr(c, Rollup());
  EXPECT_EQ(ErrorReason(tree_.MoveObjective(c, Alignment::To(c_rollup))), "ALIGNMENT_CYCLE");
  EXPECT_EQ(ErrorReason(tree_.MoveObjective(a, Alignment::To(c_rollup))), "ALIGNMENT_CYCLE");
  EXPECT_EQ(tree_.ParentOf(a), Alignment::None());
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ACheckInReportsExactlyTheChangedNodes) {
  const ObjectiveId root = Obj(Top());
  const ObjectiveId mid = Obj(Under(Alignment::To(root), 1.0, true));
  const ObjectiveId sibling = Obj(Under(Alignment::To(root)));
  Kr(sibling, Numeric(0, 10, 5));
  const ObjectiveId leaf = Obj(Under(Alignment::To(mid)));
  const KeyResultId k = Kr(leaf, Numeric(0, 10, 5));
  const KeyResultId other = Kr(leaf, Numeric(0, 10, 5));
  RollupChanges changes;
  ASSERT_TRUE(tree_.SetKeyResultValue(k, 7, &changes).ok());
  EXPECT_THAT(changes.key_results, UnorderedElementsAre(k));
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(leaf, mid, root));
  EXPECT_EQ(Progress(root), (0.6 + 0.5) / 2);
  // The same value again changes nothing, so nothing is reported.
  changes = {};
  ASSERT_TRUE(tree_.SetKeyResultValue(k, 7, &changes).ok());
  EXPECT_TRUE(changes.empty());
  // Parents that do not roll up children are not touched.
  ASSERT_TRUE(tree_.SetRollupChildren(root, false).ok());
  changes = {};
  ASSERT_TRUE(tree_.SetKeyResultValue(other, 9, &changes).ok());
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(leaf, mid));
  ExpectConsistent();
}

TEST_F(RollupTreeTest, WeightChangesMoveTheMean) {
  const ObjectiveId root = Obj(Top());
  const ObjectiveId a = Obj(Under(Alignment::To(root)));
  const ObjectiveId b = Obj(Under(Alignment::To(root)));
  Kr(a, Numeric(0, 10, 10));
  const KeyResultId kb = Kr(b, Numeric(0, 10, 0));
  Kr(b, Numeric(0, 10, 10));
  EXPECT_EQ(Progress(root), 0.75);
  ASSERT_TRUE(tree_.SetObjectiveWeight(a, 3).ok());
  EXPECT_EQ(Progress(root), (3.0 + 0.5) / 4);
  ASSERT_TRUE(tree_.SetKeyResultWeight(kb, 3).ok());
  EXPECT_EQ(Progress(b), 0.25);
  EXPECT_EQ(Progress(root), (3.0 + 0.25) / 4);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, HealthFollowsTheInjectedClock) {
  const ObjectiveId o = Obj(Top());
  Kr(o, Numeric(0, 10, 4));  // 0.4
  RollupChanges changes;
  tree_.RefreshHealth(Day(10), &changes);  // expected 0.1
  EXPECT_EQ(tree_.GetObjective(o).health, Health::kOnTrack);
  tree_.RefreshHealth(Day(45), &changes);  // expected 0.45
  EXPECT_EQ(tree_.GetObjective(o).health, Health::kOnTrack);
  changes = {};
  tree_.RefreshHealth(Day(60), &changes);  // expected 0.6
  EXPECT_EQ(tree_.GetObjective(o).health, Health::kAtRisk);
  EXPECT_THAT(changes.objectives, UnorderedElementsAre(o));
  tree_.RefreshHealth(Day(90));  // expected 0.9
  EXPECT_EQ(tree_.GetObjective(o).health, Health::kOffTrack);
  EXPECT_EQ(tree_.expected_progress(), 0.9);
  ExpectConsistent();
}

TEST_F(RollupTreeTest, ClosingGradesAndFreezes) {
  ObjectiveSpec aspirational = Top();
  aspirational.kind = Kind::kAspirational;
  const ObjectiveId a = Obj(aspirational);
  Kr(a, Numeric(0, 10, 7));
  const ObjectiveId c = Obj(Top());
  Kr(c, Numeric(0, 10, 9));
  const ObjectiveId archived = Obj(Top());
  ASSERT_TRUE(tree_.Archive(archived).ok());
  const auto grades = tree_.CloseCycle();
  ASSERT_EQ(grades.size(), 2u);
  EXPECT_EQ(grades[0].first, a);
  EXPECT_EQ(grades[0].second, (Grade{0.7, 0.7, true}));
  EXPECT_EQ(grades[1].first, c);
  EXPECT_EQ(grades[1].second, (Grade{0.9, 1.0, false}));
  EXPECT_EQ(tree_.StateOf(a), ObjectiveState::kClosed);
  EXPECT_EQ(tree_.StateOf(archived), ObjectiveState::kArchived);
  const Health before = tree_.GetObjective(c).health;
  tree_.RefreshHealth(Day(100));
  EXPECT_EQ(tree_.GetObjective(c).health, before);
  EXPECT_EQ(ErrorReason(tree_.SetKeyResultValue(tree_.KeyResultsOf(c)[0], 10)), "OBJECTIVE_CLOSED");
  ExpectConsistent();
}

TEST_F(RollupTreeTest, DeepChainsRollUpWithoutRecursion) {
  ObjectiveId parent = Obj(Top());
  const ObjectiveId root = parent;
  for (int i = 0; i < 3000; ++i) parent = Obj(Under(Alignment::To(parent), 1.0, true));
  const KeyResultId k = Kr(parent, Numeric(0, 4, 1));
  EXPECT_EQ(Progress(root), 0.25);
  ASSERT_TRUE(tree_.SetKeyResultValue(k, 3).ok());
  EXPECT_EQ(Progress(root), 0.75);
  EXPECT_EQ(ErrorReason(tree_.MoveObjective(root, Alignment::To(parent))), "ALIGNMENT_CYCLE");
  ExpectConsistent();
}

TEST_F(RollupTreeTest, RemovedIdsAreReused) {
  const ObjectiveId a = Obj(Top());
  ASSERT_TRUE(tree_.RemoveObjective(a).ok());
  const ObjectiveId b = Obj(Top());
  EXPECT_EQ(a, b);
  EXPECT_TRUE(tree_.Contains(b));
  EXPECT_THAT(tree_.Objectives(), UnorderedElementsAre(b));
}

}  // namespace
}  // namespace okr::goals::domain
