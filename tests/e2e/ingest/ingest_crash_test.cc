// okr.goals.v1.ProgressIngestService across a crash, end to end: okr-goals is killed with SIGKILL
// while four streams push events and restarted on the same database; every event acknowledged
// before the crash must be there, and after the clients resend what was not acknowledged (and some
// of what was), every event is applied exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
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
constexpr int kEventsPerStream = 6000;

struct Planned {
  gv1::ProgressEvent event;
  std::vector<int> krs;
};

TEST(IngestCrashTest, AckedEventsSurviveKillAndResentEventsApplyExactlyOnce) {
  GoalsServer server({"--drain-period", "0s"});
  ASSERT_EQ(server.Start(), "");
  Tenant tenant(server.channel(), "t-ingest-crash");
  tenant.SeedPeople();
  const gv1::Cycle cycle = tenant.NewCycle();
  const gv1::Objective a = tenant.NewObjective(cycle, "Revenue");
  const gv1::Objective b = tenant.NewObjective(cycle, "Pipeline");
  ASSERT_FALSE(::testing::Test::HasFailure());
  // 0: gauge, 1 and 2: gauges bound to m.gauge; 3: counter, 4 and 5: counters bound to m.count.
  const std::vector<gv1::KeyResult> krs = {tenant.NewKeyResult(a, 0, 1000),
                                           tenant.NewKeyResult(a, 0, 1000, "m.gauge"),
                                           tenant.NewKeyResult(b, 0, 1000, "m.gauge"),
                                           tenant.NewKeyResult(a, 3, 1e7),
                                           tenant.NewKeyResult(a, 0, 1e7, "m.count"),
                                           tenant.NewKeyResult(b, 1, 1e7, "m.count")};
  ASSERT_FALSE(::testing::Test::HasFailure());

  // Gauges get distinct observation times in shuffled order: the final value is the latest
  // observation's whatever the commit order; counters add up whatever the order.
  const uint32_t seed = 777;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const absl::Time base = ObservationBase();
  const std::vector<Target> gauges = {Kr(krs[0].name()), Kr(krs[1].name()), Kr(krs[2].name()),
                                      Metric("m.gauge")};
  const std::vector<std::vector<int>> gauge_krs = {{0}, {1}, {2}, {1, 2}};
  const std::vector<Target> counters = {Kr(krs[3].name()), Kr(krs[4].name()), Kr(krs[5].name()),
                                        Metric("m.count")};
  const std::vector<std::vector<int>> counter_krs = {{3}, {4}, {5}, {4, 5}};
  std::vector<Planned> planned;
  for (int i = 0; i < kStreams * kEventsPerStream; ++i) {
    const std::string id = "crash-" + std::to_string(i);
    const int t = std::uniform_int_distribution<int>(0, 3)(rng);
    if (i % 2 == 0) {
      const double value = std::uniform_int_distribution<int>(0, 1000)(rng);
      planned.push_back(
          {SetEvent(id, gauges[t], value, base + absl::Milliseconds(i)), gauge_krs[t]});
    } else {
      const double delta = std::uniform_int_distribution<int>(-2, 9)(rng);
      const absl::Time at =
          base + absl::Milliseconds(std::uniform_int_distribution<int>(0, 1000000)(rng));
      planned.push_back({IncEvent(id, counters[t], delta, at), counter_krs[t]});
    }
  }
  std::shuffle(planned.begin(), planned.end(), rng);

  // The model: per key result, the ids it gets and its final value.
  std::vector<std::map<std::string, const Planned*>> expected(krs.size());
  std::vector<double> final_value;
  std::vector<absl::Time> latest(krs.size(), absl::InfinitePast());
  for (const auto& kr : krs) final_value.push_back(kr.start_value());
  for (const Planned& p : planned) {
    for (int kr : p.krs) {
      expected[kr][p.event.event_id()] = &p;
      if (p.event.mode() == gv1::PROGRESS_MODE_INCREMENT) {
        final_value[kr] += p.event.value();
      } else if (FromProto(p.event.observed_at()) > latest[kr]) {
        latest[kr] = FromProto(p.event.observed_at());
        final_value[kr] = p.event.value();
      }
    }
  }

  // Phase 1: four streams push until the server is killed under them.
  Answers before;
  std::atomic<bool> stop{false};
  {
    std::vector<clients::IngestClientPtr> streams;
    for (int s = 0; s < kStreams; ++s) {
      auto client = NewIngestClient(server.channel(), tenant.ingest_token(), &before, 250);
      ASSERT_TRUE(client.ok()) << client.status();
      streams.push_back(*std::move(client));
    }
    std::vector<std::thread> threads;
    for (int s = 0; s < kStreams; ++s) {
      threads.emplace_back([&, s] {
        for (size_t i = s; i < planned.size() && !stop.load(); i += kStreams) {
          // Retried so that a full client queue does not lose the event, but stop at the kill.
          while (!stop.load() &&
                 !streams[s]->Send(planned[i].event, absl::Milliseconds(100)).ok()) {
          }
        }
      });
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (before.AckedCount() < 4000 && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(5));
    ASSERT_NO_FATAL_FAILURE(server.Kill());
    stop = true;
    for (auto& thread : threads) thread.join();
    for (auto& stream : streams) stream->Close();
  }
  const std::set<std::string> acked = before.AckedIds();
  std::cout << "[          ] " << acked.size() << " of " << planned.size()
            << " events acknowledged before the kill\n";
  ASSERT_GE(acked.size(), 4000u) << "too few acks before the deadline; log:\n" << server.Log();
  ASSERT_LT(acked.size(), planned.size()) << "the kill came after every event was answered";
  EXPECT_EQ(before.Errors().size(), 0u);

  // Phase 2: restart on the same database; every acknowledged event is there, once.
  ASSERT_EQ(server.Start(), "");
  tenant.Connect(server.channel());
  for (size_t kr = 0; kr < krs.size(); ++kr) {
    std::set<std::string> applied;
    for (const auto& check_in : tenant.CheckIns(krs[kr].name())) {
      EXPECT_TRUE(applied.insert(check_in.event_id()).second)
          << "applied twice before the resend: " << check_in.ShortDebugString();
    }
    int lost = 0;
    for (const auto& [id, p] : expected[kr]) {
      if (acked.contains(id) && !applied.contains(id) && ++lost <= 5) {
        ADD_FAILURE() << "acknowledged before the kill but not applied after the restart: " << id
                      << " on " << krs[kr].name();
      }
    }
    EXPECT_EQ(lost, 0) << "key result " << kr;
  }

  // Phase 3: new clients on the new server resend every unacknowledged event plus 1000
  // acknowledged ones as duplicates.
  std::vector<const gv1::ProgressEvent*> resend;
  std::vector<const gv1::ProgressEvent*> acked_events;
  for (const Planned& p : planned) {
    (acked.contains(p.event.event_id()) ? acked_events : resend).push_back(&p.event);
  }
  std::shuffle(acked_events.begin(), acked_events.end(), rng);
  resend.insert(resend.end(), acked_events.begin(), acked_events.begin() + 1000);
  std::shuffle(resend.begin(), resend.end(), rng);
  Answers after;
  {
    std::vector<clients::IngestClientPtr> streams;
    for (int s = 0; s < kStreams; ++s) {
      auto client = NewIngestClient(server.channel(), tenant.ingest_token(), &after, 250);
      ASSERT_TRUE(client.ok()) << client.status();
      streams.push_back(*std::move(client));
    }
    std::vector<std::thread> threads;
    for (int s = 0; s < kStreams; ++s) {
      threads.emplace_back([&, s] {
        for (size_t i = s; i < resend.size(); i += kStreams) {
          const absl::Status sent = streams[s]->Send(*resend[i], absl::Seconds(60));
          if (!sent.ok()) {
            ADD_FAILURE() << "Send: " << sent;
            return;
          }
        }
        const absl::Status flushed = streams[s]->Flush(absl::Seconds(120));
        EXPECT_TRUE(flushed.ok()) << flushed;
      });
    }
    for (auto& thread : threads) thread.join();
    for (auto& stream : streams) stream->Close();
  }
  EXPECT_EQ(after.Errors().size(), 0u);
  for (const auto* event : resend) {
    EXPECT_TRUE(after.Acked(event->event_id())) << "not acknowledged: " << event->event_id();
  }

  // Exactly once, and the final state equals the model.
  for (size_t kr = 0; kr < krs.size(); ++kr) {
    SCOPED_TRACE("key result " + std::to_string(kr));
    EXPECT_EQ(tenant.GetKeyResult(krs[kr].name()).current_value(), final_value[kr]);
    const auto history = tenant.CheckIns(krs[kr].name());
    EXPECT_EQ(history.size(), expected[kr].size());
    std::set<std::string> applied;
    int wrong = 0;
    for (const auto& check_in : history) {
      const auto it = expected[kr].find(check_in.event_id());
      const bool known = it != expected[kr].end();
      const bool once = applied.insert(check_in.event_id()).second;
      bool right = known && once;
      if (right && it->second->event.mode() == gv1::PROGRESS_MODE_SET) {
        right = check_in.value() == it->second->event.value() &&
                check_in.superseded() ==
                    (check_in.superseded() && FromProto(check_in.observed_at()) < latest[kr]);
      } else if (right) {
        right = check_in.increment() == it->second->event.value() && !check_in.superseded();
      }
      if (!right && ++wrong <= 5) {
        ADD_FAILURE() << (known ? (once ? "wrong" : "applied twice") : "unexpected")
                      << " check-in: " << check_in.ShortDebugString();
      }
    }
    EXPECT_EQ(wrong, 0);
  }
}

}  // namespace
}  // namespace okr::e2e
