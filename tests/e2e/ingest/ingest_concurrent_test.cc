// okr.goals.v1.ProgressIngestService under load, end to end: four concurrent IngestClients push
// 100k events with duplicates, reorderings and late observations, and the key results' values and
// histories must equal a model the test computes on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/e2e/ingest/ingest_e2e.h"

namespace okr::e2e {
namespace {

constexpr int kStreams = 4;
constexpr int kRounds = 40;
constexpr int kSendsPerRound = 2500;  // 100k sends in total, duplicates included.

// The expected check-in of one event on one key result.
struct ExpectedCheckIn {
  gv1::ProgressMode mode;
  double value;  // SET: the value; INCREMENT: the amount added.
  bool superseded;
  absl::Time observed_at;
};

// The workload and its model. Key results 0-2 are gauges (SET only), 3-5 counters (INCREMENT
// only), so that the final values do not depend on the order in which concurrent streams commit.
// Rounds end with a barrier (every stream flushed): in each round every gauge gets exactly one
// fresh observation, later than anything before, and any number of late ones, older than what
// earlier rounds applied; so whether a SET is superseded is decided by the rounds alone.
struct Plan {
  // sends[round][stream]: what each stream sends in each round, in order.
  std::vector<std::vector<std::vector<gv1::ProgressEvent>>> sends;
  // Per key result index: event id -> expected check-in.
  std::vector<std::map<std::string, ExpectedCheckIn>> expected;
  std::vector<double> final_value;
  std::set<std::string> ids;
  int duplicates = 0;
  int late = 0;
};

class IngestConcurrentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string problem = server_.Start();
    ASSERT_EQ(problem, "");
    tenant_ = std::make_unique<Tenant>(server_.channel(), "t-ingest-load");
    tenant_->SeedPeople();
    const gv1::Cycle cycle = tenant_->NewCycle();
    const gv1::Objective a = tenant_->NewObjective(cycle, "Revenue");
    const gv1::Objective b = tenant_->NewObjective(cycle, "Pipeline");
    const gv1::Objective c = tenant_->NewObjective(cycle, "Reach");
    ASSERT_FALSE(HasFailure());
    // Gauges g1 (direct), g2 and g3 (also via metric key m.gauge); counters c1 (direct), c2 and
    // c3 (also via m.count).
    krs_ = {tenant_->NewKeyResult(a, 0, 1000),
            tenant_->NewKeyResult(b, 0, 1000, "m.gauge"),
            tenant_->NewKeyResult(c, 0, 1000, "m.gauge"),
            tenant_->NewKeyResult(a, 5, 1e7),
            tenant_->NewKeyResult(b, 7, 1e7, "m.count"),
            tenant_->NewKeyResult(c, 11, 1e7, "m.count")};
    ASSERT_FALSE(HasFailure());
  }

  // The key results an event targets, by index.
  static std::vector<int> Targets(const gv1::ProgressEvent& event, const std::vector<Target>& t,
                                  const std::vector<std::vector<int>>& krs_of) {
    for (size_t i = 0; i < t.size(); ++i) {
      const bool metric = event.has_metric_key();
      if (t[i].metric == metric &&
          t[i].name == (metric ? event.metric_key() : event.key_result())) {
        return krs_of[i];
      }
    }
    return {};
  }

  Plan MakePlan(uint32_t seed) {
    std::mt19937 rng(seed);
    const absl::Time base = ObservationBase();
    const std::vector<Target> gauges = {Kr(krs_[0].name()), Kr(krs_[1].name()), Kr(krs_[2].name()),
                                        Metric("m.gauge")};
    const std::vector<std::vector<int>> gauge_krs = {{0}, {1}, {2}, {1, 2}};
    const std::vector<Target> counters = {Kr(krs_[3].name()), Kr(krs_[4].name()),
                                          Kr(krs_[5].name()), Metric("m.count")};
    const std::vector<std::vector<int>> counter_krs = {{3}, {4}, {5}, {4, 5}};

    Plan plan;
    plan.expected.resize(krs_.size());
    plan.final_value = {krs_[0].start_value(), krs_[1].start_value(), krs_[2].start_value(),
                        krs_[3].start_value(), krs_[4].start_value(), krs_[5].start_value()};
    // Latest observation applied by the end of the previous round, in ms after base, per gauge.
    std::vector<int64_t> applied(3, -1);
    std::vector<gv1::ProgressEvent> all;  // Every distinct event so far, in creation order.
    std::vector<int> round_of;            // The round each of `all` was created in.
    int next_id = 0;
    auto new_id = [&] { return "ev-" + std::to_string(next_id++); };
    auto ms = [&](int64_t n) { return base + absl::Milliseconds(n); };
    auto record = [&](const gv1::ProgressEvent& event, const std::vector<int>& targets,
                      bool superseded, int round) {
      for (int kr : targets) {
        plan.expected[kr][event.event_id()] = ExpectedCheckIn{
            event.mode(), event.value(), superseded, FromProto(event.observed_at())};
        if (event.mode() == gv1::PROGRESS_MODE_INCREMENT) plan.final_value[kr] += event.value();
      }
      plan.ids.insert(event.event_id());
      all.push_back(event);
      round_of.push_back(round);
    };

    plan.sends.resize(kRounds);
    for (int round = 0; round < kRounds; ++round) {
      std::vector<gv1::ProgressEvent> sends;
      // One fresh observation per gauge: g1 directly; g2 and g3 by metric key in even rounds,
      // directly in odd ones.
      const int64_t fresh_ms = (round + 1) * int64_t{1000000};
      std::vector<int> fresh_targets = {0};
      if (round % 2 == 0) {
        fresh_targets.push_back(3);
      } else {
        fresh_targets.push_back(1);
        fresh_targets.push_back(2);
      }
      std::vector<int64_t> fresh_applied = applied;
      for (size_t i = 0; i < fresh_targets.size(); ++i) {
        const int t = fresh_targets[i];
        const double value = std::uniform_int_distribution<int>(0, 1000)(rng);
        gv1::ProgressEvent event =
            SetEvent(new_id(), gauges[t], value, ms(fresh_ms + static_cast<int64_t>(i)));
        record(event, gauge_krs[t], false, round);
        for (int kr : gauge_krs[t]) {
          plan.final_value[kr] = value;
          fresh_applied[kr] = fresh_ms + static_cast<int64_t>(i);
        }
        sends.push_back(event);
      }
      while (static_cast<int>(sends.size()) < kSendsPerRound) {
        const int dice = std::uniform_int_distribution<int>(0, 99)(rng);
        if (dice < 6 && !all.empty()) {
          // A duplicate. One created in an earlier round is surely applied already: its copy may
          // carry another value, which the server must ignore.
          const size_t pick = std::uniform_int_distribution<size_t>(0, all.size() - 1)(rng);
          gv1::ProgressEvent copy = all[pick];
          if (round_of[pick] < round && dice < 3) copy.set_value(copy.value() + 1000);
          sends.push_back(copy);
          ++plan.duplicates;
        } else if (dice < 53 && round > 0) {
          // A late SET: older than what the targets had applied before this round.
          const int t = std::uniform_int_distribution<int>(0, 3)(rng);
          int64_t bound = INT64_MAX;
          for (int kr : gauge_krs[t]) bound = std::min(bound, applied[kr]);
          const int64_t at = std::uniform_int_distribution<int64_t>(0, bound - 1)(rng);
          const double value = std::uniform_int_distribution<int>(-1000, 1000)(rng);
          gv1::ProgressEvent event = SetEvent(new_id(), gauges[t], value, ms(at));
          record(event, gauge_krs[t], true, round);
          sends.push_back(event);
          ++plan.late;
        } else {
          // An increment, observed at any time, earlier or later than anything else.
          const int t = std::uniform_int_distribution<int>(0, 3)(rng);
          const double delta = std::uniform_int_distribution<int>(-3, 9)(rng);
          const int64_t at =
              std::uniform_int_distribution<int64_t>(0, (kRounds + 1) * int64_t{1000000})(rng);
          gv1::ProgressEvent event = IncEvent(new_id(), counters[t], delta, ms(at));
          record(event, counter_krs[t], false, round);
          sends.push_back(event);
        }
      }
      applied = fresh_applied;
      std::shuffle(sends.begin(), sends.end(), rng);
      plan.sends[round].resize(kStreams);
      for (size_t i = 0; i < sends.size(); ++i) {
        plan.sends[round][i % kStreams].push_back(sends[i]);
      }
    }
    return plan;
  }

  GoalsServer server_{{"--drain-period", "0s"}};
  std::unique_ptr<Tenant> tenant_;
  std::vector<gv1::KeyResult> krs_;
};

TEST_F(IngestConcurrentTest, ConcurrentStreamsWithDuplicatesAndLateEventsMatchTheModel) {
  const uint32_t seed = 20240611;
  const Plan plan = MakePlan(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  ASSERT_GT(plan.duplicates, 1000);
  ASSERT_GT(plan.late, 10000);

  Answers answers;
  std::vector<clients::IngestClientPtr> streams;
  for (int s = 0; s < kStreams; ++s) {
    auto client = NewIngestClient(server_.channel(), tenant_->ingest_token(), &answers, 250);
    ASSERT_TRUE(client.ok()) << client.status();
    streams.push_back(*std::move(client));
  }

  const absl::Time start = absl::Now();
  std::atomic<int> failures{0};
  std::barrier round_end(kStreams);
  std::vector<std::thread> threads;
  for (int s = 0; s < kStreams; ++s) {
    threads.emplace_back([&, s] {
      for (int round = 0; round < kRounds; ++round) {
        for (const auto& event : plan.sends[round][s]) {
          const absl::Status sent = streams[s]->Send(event, absl::Seconds(60));
          if (!sent.ok()) {
            ADD_FAILURE() << "stream " << s << " Send: " << sent;
            ++failures;
            break;
          }
        }
        const absl::Status flushed = streams[s]->Flush(absl::Seconds(120));
        if (!flushed.ok()) {
          ADD_FAILURE() << "stream " << s << " round " << round << " Flush: " << flushed;
          ++failures;
        }
        round_end.arrive_and_wait();
        if (failures.load() > 0) return;  // Every stream leaves after the same round.
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (auto& stream : streams) stream->Close();
  std::cout << "[          ] 100k sends (" << plan.ids.size() << " distinct, " << plan.duplicates
            << " duplicates, " << plan.late << " late) answered in " << (absl::Now() - start)
            << "\n";
  ASSERT_EQ(failures.load(), 0) << server_.Log().substr(0, 20000);

  // Every event was acknowledged and none rejected.
  EXPECT_EQ(answers.Errors().size(), 0u)
      << (answers.Errors().empty() ? "" : answers.Errors()[0].ShortDebugString());
  const std::set<std::string> acked = answers.AckedIds();
  EXPECT_EQ(acked, plan.ids);

  for (size_t kr = 0; kr < krs_.size(); ++kr) {
    SCOPED_TRACE("key result " + std::to_string(kr) + " " + krs_[kr].name());
    EXPECT_EQ(tenant_->GetKeyResult(krs_[kr].name()).current_value(), plan.final_value[kr]);
    const std::vector<gv1::CheckIn> history = tenant_->CheckIns(krs_[kr].name());
    const auto& expected = plan.expected[kr];
    EXPECT_EQ(history.size(), expected.size());
    std::set<std::string> seen;
    int mismatches = 0;
    for (const gv1::CheckIn& check_in : history) {
      if (!seen.insert(check_in.event_id()).second) {
        if (++mismatches <= 5) ADD_FAILURE() << "applied twice: " << check_in.ShortDebugString();
        continue;
      }
      const auto it = expected.find(check_in.event_id());
      if (it == expected.end()) {
        if (++mismatches <= 5) ADD_FAILURE() << "unexpected: " << check_in.ShortDebugString();
        continue;
      }
      const ExpectedCheckIn& want = it->second;
      bool ok = check_in.source() == gv1::CHECK_IN_SOURCE_STREAMED &&
                check_in.superseded() == want.superseded &&
                FromProto(check_in.observed_at()) == want.observed_at;
      if (want.mode == gv1::PROGRESS_MODE_SET) {
        ok = ok && check_in.value() == want.value && !check_in.has_increment();
      } else {
        ok = ok && check_in.has_increment() && check_in.increment() == want.value;
      }
      if (!ok && ++mismatches <= 5) {
        ADD_FAILURE() << "check-in " << check_in.ShortDebugString() << "\nexpected value/increment "
                      << want.value << " superseded " << want.superseded << " observed_at "
                      << want.observed_at;
      }
    }
    EXPECT_EQ(mismatches, 0);
  }
}

}  // namespace
}  // namespace okr::e2e
