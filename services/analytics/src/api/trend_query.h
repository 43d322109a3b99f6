// GetTrend: the request checked into a query, and the series answered from the stored daily
// points plus today's point from the current facts.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "okr/analytics/v1/analytics_service.pb.h"
#include "services/analytics/src/domain/figures.h"
#include "services/analytics/src/domain/reader.h"
#include "services/analytics/src/domain/tenant_state.h"
#include "services/analytics/src/store/trend_store.h"

namespace okr::analytics {

struct TrendQuery {
  v1::TrendMetric metric = v1::TREND_METRIC_UNSPECIFIED;
  std::string cycle;      // id; empty until resolved from the objective
  std::string objective;  // id, or
  std::string team;       // id, or neither (the whole cycle)
  bool include_sub_teams = false;
  absl::CivilDay start;
  absl::CivilDay end;
};

// INVALID_ARGUMENT with field violations for everything the contract rejects.
absl::StatusOr<TrendQuery> ParseTrendRequest(const v1::GetTrendRequest& request);

// A query checked against the tenant's facts: what to read from the store, and today's value.
struct TrendPlan {
  TrendQuery query;  // with the cycle resolved
  std::string scope;
  absl::CivilDay today;
  std::optional<double> today_value;  // when today is in range, in the cycle, and has a point
};

// Under the tenant's state lock: NOT_FOUND for an unknown cycle or team, or an objective the
// reader may not see; INVALID_ARGUMENT when the cycle is not the objective's.
absl::StatusOr<TrendPlan> PlanTrend(const TenantState& state, const Reader& reader,
                                    TrendQuery query, absl::Time now, const FiguresConfig& config);

// Outside the lock: the stored points of past days, then today's, into `out` (without freshness).
absl::Status FillTrend(const TrendPlan& plan, TrendStore& store, const std::string& tenant,
                       absl::Time now, v1::Trend& out);

}  // namespace okr::analytics
