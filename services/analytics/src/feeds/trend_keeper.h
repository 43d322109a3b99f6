// Keeps the daily trend points: for every followed tenant and every cycle, each past day (within
// the backfill window and the cycle's dates) gets its points once, computed from goals' tree of
// the cycle as of the end of that day (the check-in history), so days analytics was not running
// for are filled in as well as the day that just ended. Today's point is not stored: GetTrend
// computes it from the current facts.
#pragma once

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "okr/common/auth/service_tokens.h"
#include "services/analytics/src/domain/figures.h"
#include "services/analytics/src/feeds/snapshot.h"
#include "services/analytics/src/feeds/tenant_feeds.h"
#include "services/analytics/src/store/trend_store.h"

namespace okr::analytics {

struct TrendKeeperOptions {
  std::shared_ptr<grpc::Channel> goals;
  FiguresConfig figures;
  // How often to look for days without points.
  absl::Duration interval = absl::Minutes(1);
  // How far back days are filled in.
  int backfill_days = 366;
  SnapshotOptions snapshot;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class TrendKeeper {
 public:
  TrendKeeper(TenantFeeds* feeds, TrendStore* store, common::ServiceTokens* tokens,
              prometheus::Registry* registry, TrendKeeperOptions options);
  ~TrendKeeper();
  void Start();
  void Stop();

  // One pass over every tenant (the thread's body; also for tests).
  void RunOnce();

 private:
  // Writes the missing days of one cycle, newest first; returns the first failure (those days
  // are tried again on the next pass).
  absl::Status FillCycle(const std::string& tenant, TenantModel& model, const CycleFact& cycle);
  absl::Status FillDay(const std::string& tenant, TenantModel& model, const CycleFact& cycle,
                       absl::CivilDay day);

  TenantFeeds* feeds_;
  TrendStore* store_;
  common::ServiceTokens* tokens_;
  const TrendKeeperOptions options_;
  prometheus::Counter* days_written_;
  prometheus::Counter* failures_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace okr::analytics
