#include "services/analytics/src/feeds/trend_keeper.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/logging/log.h"
#include "services/analytics/src/domain/trends.h"
#include "services/analytics/src/feeds/fact_codec.h"

namespace okr::analytics {
namespace {

absl::CivilDay DayOf(absl::Time t) { return absl::ToCivilDay(t, absl::UTCTimeZone()); }
absl::Time StartOf(absl::CivilDay day) { return absl::FromCivil(day, absl::UTCTimeZone()); }

}  // namespace

TrendKeeper::TrendKeeper(TenantFeeds* feeds, TrendStore* store, common::ServiceTokens* tokens,
                         prometheus::Registry* registry, TrendKeeperOptions options)
    : feeds_(feeds), store_(store), tokens_(tokens), options_(std::move(options)) {
  auto& days = prometheus::BuildCounter()
                   .Name("okr_analytics_trend_days_total")
                   .Help(
                       "Days of a cycle whose trend points were written (written), or that "
                       "failed and are retried on the next pass (failed)")
                   .Register(*registry);
  days_written_ = &days.Add({{"result", "written"}});
  failures_ = &days.Add({{"result", "failed"}});
}

TrendKeeper::~TrendKeeper() { Stop(); }

void TrendKeeper::Start() {
  thread_ = std::thread([this] {
    do {
      RunOnce();
    } while (!stop_.WaitForNotificationWithTimeout(options_.interval));
  });
}

void TrendKeeper::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void TrendKeeper::RunOnce() {
  for (const std::string& tenant : feeds_->Tenants()) {
    std::shared_ptr<TenantModel> model = feeds_->Find(tenant);
    if (model == nullptr || !model->ready()) continue;
    std::vector<CycleFact> cycles = model->Read([](const TenantState& state) {
      std::vector<CycleFact> out;
      for (const auto& [unused, cycle] : state.cycles()) out.push_back(cycle);
      return out;
    });
    for (const CycleFact& cycle : cycles) {
      if (stop_.HasBeenNotified()) return;
      if (absl::Status s = FillCycle(tenant, *model, cycle); !s.ok()) {
        failures_->Increment();
        common::LogWarn(
            "trend points not written; retried on the next pass",
            {{"tenant", tenant}, {"cycle", cycle.id}, {"error", std::string(s.message())}});
      }
    }
  }
}

absl::Status TrendKeeper::FillCycle(const std::string& tenant, TenantModel& model,
                                    const CycleFact& cycle) {
  const absl::CivilDay today = DayOf(options_.clock());
  // Days that have ended, inside the cycle and the backfill window.
  const absl::CivilDay first = std::max(DayOf(cycle.utc_begin), today - options_.backfill_days);
  const absl::CivilDay last = std::min(DayOf(cycle.utc_end - absl::Nanoseconds(1)), today - 1);
  if (last < first) return absl::OkStatus();
  auto stored = store_->Days(tenant, cycle.id, first, last);
  if (!stored.ok()) return stored.status();
  const absl::flat_hash_set<absl::CivilDay> done(stored->begin(), stored->end());
  // Newest first: the day that just ended comes before a long backfill, and a day goals cannot
  // answer for does not hold back the others (it is tried again on the next pass).
  absl::Status first_error;
  for (absl::CivilDay day = last; day >= first; --day) {
    if (done.contains(day)) continue;
    if (stop_.HasBeenNotified()) return absl::OkStatus();
    absl::Status s = FillDay(tenant, model, cycle, day);
    if (s.ok()) {
      days_written_->Increment();
    } else if (first_error.ok()) {
      first_error = s;
    }
  }
  return first_error;
}

absl::Status TrendKeeper::FillDay(const std::string& tenant, TenantModel& model,
                                  const CycleFact& cycle, absl::CivilDay day) {
  // The last moment of the day (as-of includes check-ins recorded at that instant).
  const absl::Time end_of_day = StartOf(day + 1) - absl::Microseconds(1);
  auto token = tokens_->For(tenant);
  if (!token.ok()) return token.status();
  auto puts = SnapshotCycleAsOf(options_.goals, *token, cycle.id, end_of_day, options_.snapshot);
  if (!puts.ok()) return puts.status();
  // The tenant as it is now (people, teams, cycles), with the cycle's objectives and key results
  // as they were at the end of the day.
  auto state = model.Read([](const TenantState& s) { return std::make_unique<TenantState>(s); });
  const TenantState::Ids current = state->ObjectivesOfCycle(cycle.id);  // a copy
  for (const std::string& id : current) state->RemoveObjective(id);
  if (absl::Status s = ApplyOps(*state, *puts); !s.ok()) return s;
  return store_->SaveDay(tenant, cycle.id, day,
                         CyclePoints(*state, cycle.id, end_of_day, options_.figures));
  return absl::OkStatus();
}

}  // namespace okr::analytics
