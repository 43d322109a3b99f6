// GetTrend: the request checked into a query, and the series answered from the stored daily
// points plus today's point from the current facts.
#pragma once

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

// Fills `out` (without freshness) for `reader`: NOT_FOUND for an unknown cycle or team, an
// objective the reader may not see; INVALID_ARGUMENT when the cycle is not the objective's.
// Points of past days come from `store`, today's (when in range and in the cycle) from `state`.
absl::Status AnswerTrend(const TenantState& state, const Reader& reader, TrendQuery query,
                         TrendStore& store, const std::string& tenant, absl::Time now,
                         const FiguresConfig& config, v1::Trend& out);

}  // namespace okr::analytics
