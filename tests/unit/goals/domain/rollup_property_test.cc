// Property: after every write of a random sequence on a random tree, the incrementally kept roll-up
// equals the full recomputation exactly, and the reported changes cover every node that changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

#include "services/goals/src/domain/rollup_tree.h"

namespace okr::goals::domain {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
const RollupOptions kOptions{{kStart, kStart + absl::Hours(24 * 90)}, {}};

class RandomWriter {
 public:
  RandomWriter(std::uint64_t seed, RollupTree& tree) : rng_(seed), tree_(tree) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin(double p = 0.5) { return std::bernoulli_distribution(p)(rng_); }
  double Weight() {
    static constexpr double kWeights[] = {0.5, 1.0, 1.0, 2.0, 3.7, 0.1, 1000.0};
    return kWeights[Int(0, 6)];
  }

  std::optional<ObjectiveId> AnyObjective() {
    const std::vector<ObjectiveId> ids = tree_.Objectives();
    if (ids.empty()) return std::nullopt;
    return ids[static_cast<std::size_t>(Int(0, static_cast<int>(ids.size()) - 1))];
  }
  std::optional<KeyResultId> AnyKeyResult(bool rollup_only = false) {
    std::vector<KeyResultId> ids = tree_.KeyResults();
    if (rollup_only) {
      std::erase_if(ids, [&](KeyResultId k) { return tree_.TypeOf(k) != KeyResultType::kRollup; });
    }
    if (ids.empty()) return std::nullopt;
    return ids[static_cast<std::size_t>(Int(0, static_cast<int>(ids.size()) - 1))];
  }

  // Mostly valid targets, sometimes a cycle or a non-ROLLUP key result (which must fail cleanly).
  Alignment AnyParent() {
    const int pick = Int(0, 9);
    if (pick < 2) return Alignment::None();
    if (pick < 6) {
      if (auto o = AnyObjective()) return Alignment::To(*o);
      return Alignment::None();
    }
    if (auto k = AnyKeyResult(/*rollup_only=*/pick < 9)) return Alignment::To(*k);
    return Alignment::None();
  }

  KeyResultSpec AnyKeyResultSpec() {
    KeyResultSpec spec;
    spec.weight = Weight();
    if (Coin(0.3)) spec.confidence = Int(0, 10);
    switch (Int(0, 7)) {
      case 0:
      case 1:
        spec.type = KeyResultType::kNumeric;
        spec.direction = Direction::kIncrease;
        spec.measure.start = Int(-5, 5);
        spec.measure.target = spec.measure.start + Int(1, 100);
        spec.measure.current = spec.measure.start + Int(-10, 120);
        break;
      case 2:
        spec.type = KeyResultType::kCurrency;
        spec.direction = Direction::kDecrease;
        spec.measure.start = 1000.5;
        spec.measure.target = 3.25;
        spec.measure.current = 700.125;
        break;
      case 3:
        spec.type = KeyResultType::kPercent;
        spec.direction = Coin() ? Direction::kKeepAbove : Direction::kKeepBelow;
        spec.measure.threshold = 50;
        spec.measure.current = Int(48, 52);
        break;
      case 4:
        spec.type = KeyResultType::kBoolean;
        spec.measure.current = Int(0, 1);
        break;
      case 5:
        spec.type = KeyResultType::kMilestone;
        spec.measure.milestones.resize(static_cast<std::size_t>(Int(1, 5)));
        for (Milestone& m : spec.measure.milestones) m = {Weight(), Coin()};
        break;
      default:
        spec.type = KeyResultType::kRollup;
        break;
    }
    return spec;
  }

  ObjectiveSpec AnyObjectiveSpec() {
    ObjectiveSpec spec;
    spec.parent = AnyParent();
    spec.weight = Weight();
    spec.rollup_children = Coin(0.7);
    spec.kind = Coin() ? Kind::kCommitted : Kind::kAspirational;
    spec.state = Coin() ? ObjectiveState::kDraft : ObjectiveState::kActive;
    return spec;
  }

  // One random write; returns whether it succeeded.
  bool Step(RollupChanges* changes) {
    switch (Int(0, 16)) {
      case 0:
        return tree_.AddObjective(AnyObjectiveSpec(), changes).ok();
      case 1:
      case 2:
        if (auto o = AnyObjective())
          return tree_.AddKeyResult(*o, AnyKeyResultSpec(), changes).ok();
        return false;
      case 3:
        if (auto o = AnyObjective()) return tree_.RemoveObjective(*o, changes).ok();
        return false;
      case 4:
        if (auto k = AnyKeyResult()) return tree_.RemoveKeyResult(*k, changes).ok();
        return false;
      case 5:
      case 6:
      case 7:
        if (auto k = AnyKeyResult()) {
          const double value = tree_.TypeOf(*k) == KeyResultType::kBoolean
                                   ? Int(0, 1)
                                   : Int(-20, 130) + (Coin() ? 0.0 : 0.375);
          return tree_.SetKeyResultValue(*k, value, changes).ok();
        }
        return false;
      case 8:
        if (auto k = AnyKeyResult()) {
          return tree_.SetMilestoneDone(*k, static_cast<std::size_t>(Int(0, 4)), Coin(), changes)
              .ok();
        }
        return false;
      case 9:
        if (auto k = AnyKeyResult()) {
          std::optional<int> c;
          if (Coin(0.8)) c = Int(0, 10);
          return tree_.SetConfidence(*k, c, changes).ok();
        }
        return false;
      case 10:
        if (auto k = AnyKeyResult()) return tree_.SetKeyResultWeight(*k, Weight(), changes).ok();
        return false;
      case 11:
        if (auto o = AnyObjective()) return tree_.SetObjectiveWeight(*o, Weight(), changes).ok();
        return false;
      case 12:
        if (auto o = AnyObjective()) return tree_.MoveObjective(*o, AnyParent(), changes).ok();
        return false;
      case 13:
        if (auto o = AnyObjective()) {
          static constexpr ObjectiveState kStates[] = {
              ObjectiveState::kDraft, ObjectiveState::kActive, ObjectiveState::kArchived,
              ObjectiveState::kArchived, ObjectiveState::kClosed};
          return tree_.SetObjectiveState(*o, kStates[Int(0, 4)], changes).ok();
        }
        return false;
      case 14:
        if (auto o = AnyObjective()) return tree_.SetRollupChildren(*o, Coin(), changes).ok();
        return false;
      case 15:
        if (auto k = AnyKeyResult()) {
          // Often of another type, so this fails validation about as often as it succeeds.
          const KeyResultSpec spec = AnyKeyResultSpec();
          return tree_.SetKeyResultMeasure(*k, spec.direction, spec.measure, changes).ok();
        }
        return false;
      default:
        tree_.RefreshHealth(kStart + absl::Hours(Int(-24, 24 * 100)), changes);
        return true;
    }
  }

 private:
  std::mt19937_64 rng_;
  RollupTree& tree_;
};

// Derived fields by id (ids are compact, so vectors indexed by id are enough).
struct Snapshot {
  std::vector<std::optional<ObjectiveRollup>> objectives;
  std::vector<std::optional<KeyResultRollup>> key_results;
};

Snapshot Take(const RollupTree& tree) {
  Snapshot s;
  for (ObjectiveId o : tree.Objectives()) {
    if (s.objectives.size() <= o.value) s.objectives.resize(o.value + 1);
    s.objectives[o.value] = tree.GetObjective(o);
  }
  for (KeyResultId k : tree.KeyResults()) {
    if (s.key_results.size() <= k.value) s.key_results.resize(k.value + 1);
    s.key_results[k.value] = tree.GetKeyResult(k);
  }
  return s;
}

template <typename T>
bool ChangedSince(const std::vector<std::optional<T>>& before, std::uint32_t id, const T& now) {
  return id >= before.size() || !before[id].has_value() || !(*before[id] == now);
}

TEST(RollupPropertyTest, IncrementalRollupEqualsFullRecomputationAfterEveryWrite) {
  constexpr int kTrees = 200;
  constexpr int kSteps = 300;
  int succeeded = 0;
  int with_changes = 0;
  for (int seed = 0; seed < kTrees; ++seed) {
    RollupTree tree(kOptions, kStart + absl::Hours(24 * 30));
    RandomWriter writer(static_cast<std::uint64_t>(seed), tree);
    const int initial = writer.Int(1, 25);
    for (int i = 0; i < initial; ++i) {
      if (auto o = tree.AddObjective(writer.AnyObjectiveSpec()); o.ok()) {
        for (int k = writer.Int(0, 4); k > 0; --k) {
          ASSERT_TRUE(tree.AddKeyResult(*o, writer.AnyKeyResultSpec()).ok());
        }
      }
    }
    for (int step = 0; step < kSteps; ++step) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " step " << step);
      const Snapshot before = Take(tree);
      RollupChanges changes;
      if (writer.Step(&changes)) ++succeeded;
      if (!changes.empty()) ++with_changes;

      RollupTree full = tree;
      RollupChanges diff;
      full.RecomputeAll(&diff);
      ASSERT_TRUE(diff.empty()) << diff.objectives.size() << " objectives and "
                                << diff.key_results.size() << " key results differ";
      for (ObjectiveId id : tree.Objectives()) {
        const ObjectiveRollup rollup = tree.GetObjective(id);
        const ObjectiveRollup expected = full.GetObjective(id);
        ASSERT_EQ(rollup.progress, expected.progress);
        ASSERT_EQ(rollup.attainment, expected.attainment);
        ASSERT_EQ(rollup.confidence, expected.confidence);
        ASSERT_EQ(rollup.has_measure, expected.has_measure);
        ASSERT_EQ(rollup.health, expected.health);
        if (ChangedSince(before.objectives, id.value, rollup)) {
          ASSERT_TRUE(std::count(changes.objectives.begin(), changes.objectives.end(), id) == 1)
              << "objective " << id.value << " changed but was not reported once";
        }
      }
      for (KeyResultId id : tree.KeyResults()) {
        const KeyResultRollup rollup = tree.GetKeyResult(id);
        ASSERT_EQ(rollup, full.GetKeyResult(id));
        if (ChangedSince(before.key_results, id.value, rollup)) {
          ASSERT_TRUE(std::count(changes.key_results.begin(), changes.key_results.end(), id) == 1)
              << "key result " << id.value << " changed but was not reported once";
        }
      }
    }
  }
  // The sequences must actually exercise the tree, or the property says nothing.
  EXPECT_GT(succeeded, kTrees * kSteps / 2);
  EXPECT_GT(with_changes, kTrees * kSteps / 5);
}

}  // namespace
}  // namespace okr::goals::domain
