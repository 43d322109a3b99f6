// Drawing analytics aggregates as a dashboard: progress against expected, the health distribution,
// the progress histogram, engagement, a trend sparkline and stale key results. Used by
// `okrctl dashboard` and redrawn by `okrctl watch`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "okr/analytics/v1/aggregates.pb.h"
#include "okr/analytics/v1/trend.pb.h"
#include "okr/goals/v1/key_result.pb.h"
#include "tools/okrctl/style.h"

namespace okr::ctl {

struct DashboardData {
  std::string title;  // "team teams/x in cycles/y"
  const okr::analytics::v1::GoalSummary* goals = nullptr;
  const okr::analytics::v1::EngagementMetrics* engagement = nullptr;  // may be null
  const okr::analytics::v1::Freshness* freshness = nullptr;
  const okr::analytics::v1::Trend* trend = nullptr;  // may be null
  std::vector<okr::goals::v1::KeyResult> stale;      // a few stale key results, may be empty
};

void PrintDashboard(std::ostream& out, const DashboardData& data, const Style& style);

// A one-objective roll-up (for `watch --objective`).
void PrintRollup(std::ostream& out, const okr::analytics::v1::ObjectiveRollup& rollup,
                 const Style& style);

}  // namespace okr::ctl
