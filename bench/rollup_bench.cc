// Roll-up cost: full recomputation per node for 10^3 to 10^6 nodes, and one incremental update of a
// key result at depth 8. Targets (issue 3): <= 3 ns/node at 10^6, <= 2 us per incremental update.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "services/goals/src/domain/rollup_tree.h"

namespace okr::goals::domain {
namespace {

constexpr int kKeyResultsPerObjective = 5;  // 100k objectives : 500k key results, as in production.
constexpr int kFanout = 4;
const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

KeyResultSpec SpecFor(std::uint32_t i) {
  KeyResultSpec spec;
  spec.weight = 1.0 + (i % 3);
  switch (i % 10) {
    case 7:
      spec.type = KeyResultType::kPercent;
      spec.direction = Direction::kKeepAbove;
      spec.measure.threshold = 99.0;
      spec.measure.current = 98.0 + (i % 3);
      break;
    case 8:
      spec.type = KeyResultType::kBoolean;
      spec.measure.current = i % 2;
      break;
    case 9:
      spec.type = KeyResultType::kMilestone;
      spec.measure.milestones = {{1, true}, {2, false}, {1, i % 2 == 0}};
      break;
    default:
      spec.type = KeyResultType::kNumeric;
      spec.direction = Direction::kIncrease;
      spec.measure.start = 0;
      spec.measure.target = 100;
      spec.measure.current = i % 130;
      break;
  }
  return spec;
}

struct Forest {
  std::unique_ptr<RollupTree> tree;
  std::vector<ObjectiveId> objectives;
  std::vector<KeyResultId> key_results;
};

// A complete kFanout-ary tree of objectives (all rolling up their children), each with
// kKeyResultsPerObjective key results; `nodes` counts objectives plus key results.
Forest Build(std::int64_t nodes) {
  Forest f;
  f.tree = std::make_unique<RollupTree>(RollupOptions{{kStart, kStart + absl::Hours(24 * 90)}, {}},
                                        kStart + absl::Hours(24 * 40));
  const std::int64_t objectives = nodes / (1 + kKeyResultsPerObjective);
  f.objectives.reserve(static_cast<std::size_t>(objectives));
  f.key_results.reserve(static_cast<std::size_t>(objectives * kKeyResultsPerObjective));
  for (std::int64_t i = 0; i < objectives; ++i) {
    ObjectiveSpec spec;
    spec.rollup_children = true;
    spec.state = ObjectiveState::kActive;
    if (i > 0)
      spec.parent = Alignment::To(f.objectives[static_cast<std::size_t>((i - 1) / kFanout)]);
    f.objectives.push_back(*f.tree->AddObjective(spec));
  }
  // Key results are added leaves first so that building stays cheap (each addition only walks up
  // while something changes).
  for (std::int64_t i = objectives - 1; i >= 0; --i) {
    for (int k = 0; k < kKeyResultsPerObjective; ++k) {
      f.key_results.push_back(
          *f.tree->AddKeyResult(f.objectives[static_cast<std::size_t>(i)],
                                SpecFor(static_cast<std::uint32_t>(f.key_results.size()))));
    }
  }
  return f;
}

void BM_RecomputeAll(benchmark::State& state) {
  Forest f = Build(state.range(0));
  const auto nodes = static_cast<double>(f.tree->objective_count() + f.tree->key_result_count());
  for (auto _ : state) {
    f.tree->RecomputeAll();
    benchmark::ClobberMemory();
  }
  state.counters["nodes"] = nodes;
  state.counters["ns_per_node"] = benchmark::Counter(
      nodes * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(nodes));
}
BENCHMARK(BM_RecomputeAll)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMicrosecond);

// One check-in on a key result whose objective is at depth 8: the key result, its objective and
// the 8 ancestors above it are recomputed (each reading its 5 key results and 4 children).
void BM_IncrementalUpdateDepth8(benchmark::State& state) {
  Forest f = Build(state.range(0));
  // In the heap layout the first objective at depth 8 has index (4^8 - 1) / 3.
  const std::size_t leaf = (65536 - 1) / 3;
  const KeyResultId k = f.tree->KeyResultsOf(f.objectives[leaf])[0];
  std::vector<ObjectiveId> path;
  for (Alignment a = f.tree->ParentOf(f.objectives[leaf]); !a.is_none();
       a = f.tree->ParentOf(a.objective())) {
    path.push_back(a.objective());
  }
  if (path.size() != 8) state.SkipWithError("the key result is not at depth 8");
  RollupChanges changes;
  double value = 10;
  for (auto _ : state) {
    changes.objectives.clear();
    changes.key_results.clear();
    value = value == 10 ? 60 : 10;  // Every update moves the whole path.
    benchmark::DoNotOptimize(f.tree->SetKeyResultValue(k, value, &changes));
    benchmark::ClobberMemory();
  }
  state.counters["changed_nodes"] =
      static_cast<double>(changes.objectives.size() + changes.key_results.size());
}
BENCHMARK(BM_IncrementalUpdateDepth8)->Arg(1'000'000)->Unit(benchmark::kNanosecond);

// Ceiling, run in the same invocation because the machines are shared and noisy: the same formulas
// over flat arrays (5 increasing key results per objective, weighted mean per objective), with
// none of the tree's types, links, change detection or health. The ratio says how much the tree's
// bookkeeping costs over bare arithmetic and memory traffic.
void BM_CeilingFlatArrays(benchmark::State& state) {
  const std::size_t objectives =
      static_cast<std::size_t>(state.range(0)) / (1 + kKeyResultsPerObjective);
  const std::size_t krs = objectives * kKeyResultsPerObjective;
  std::vector<double> start(krs, 0.0), target(krs, 100.0), current(krs), weight(krs);
  std::vector<double> progress(krs), attainment(krs), obj_progress(objectives);
  for (std::size_t i = 0; i < krs; ++i) {
    current[i] = static_cast<double>(i % 130);
    weight[i] = 1.0 + static_cast<double>(i % 3);
  }
  for (auto _ : state) {
    for (std::size_t o = 0; o < objectives; ++o) {
      double sum_w = 0.0;
      double sum_p = 0.0;
      for (std::size_t i = o * kKeyResultsPerObjective; i < (o + 1) * kKeyResultsPerObjective;
           ++i) {
        const double a = (current[i] - start[i]) / (target[i] - start[i]);
        attainment[i] = a;
        progress[i] = std::clamp(a, 0.0, 1.0);
        sum_w += weight[i];
        sum_p += weight[i] * progress[i];
      }
      obj_progress[o] = sum_p / sum_w;
    }
    benchmark::DoNotOptimize(obj_progress.data());
    benchmark::ClobberMemory();
  }
  const auto nodes = static_cast<double>(objectives + krs);
  state.counters["nodes"] = nodes;
  state.counters["ns_per_node"] = benchmark::Counter(
      nodes * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CeilingFlatArrays)->Arg(1'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

// Prints the usual console table, then one JSON line a machine can read (see QUALITY.md).
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // With --benchmark_repetitions, take the median; without, the single run.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      const std::string name = run.run_name.str();
      auto counter = [&](const char* key) {
        auto it = run.counters.find(key);
        return it == run.counters.end() ? 0.0 : it->second.value;
      };
      if (name == "BM_RecomputeAll/1000000") full_ns_per_node_ = counter("ns_per_node");
      if (name == "BM_CeilingFlatArrays/1000000") ceiling_ns_per_node_ = counter("ns_per_node");
      if (name == "BM_IncrementalUpdateDepth8/1000000") incremental_ns_ = run.GetAdjustedCPUTime();
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double ratio = ceiling_ns_per_node_ > 0 ? full_ns_per_node_ / ceiling_ns_per_node_ : 0;
    std::printf(
        "{\"bench\":\"rollup\",\"full_ns_per_node_1e6\":%.3f,"
        "\"ceiling_ns_per_node_1e6\":%.3f,\"ratio\":%.2f,\"incremental_depth8_ns\":%.1f,"
        "\"target_full_ns_per_node\":3,\"target_incremental_ns\":2000}\n",
        full_ns_per_node_, ceiling_ns_per_node_, ratio, incremental_ns_);
  }

 private:
  double full_ns_per_node_ = 0;
  double ceiling_ns_per_node_ = 0;
  double incremental_ns_ = 0;
};

}  // namespace
}  // namespace okr::goals::domain

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  okr::goals::domain::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
