// analytics' daily trend points: per tenant, cycle and scope (the cycle, a team with or without
// its sub-teams, an objective subtree), the figures at the end of each day. A day of a cycle is
// written whole, in one transaction, with a marker that it is done.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "okr/common/storage/database.h"
#include "services/analytics/src/domain/trends.h"

namespace okr::analytics {

struct DayPoint {
  absl::CivilDay day;
  TrendValues values;
};

class TrendStore {
 public:
  explicit TrendStore(common::Database* database) : database_(database) {}

  // The days of `cycle` already written, in [from, to].
  absl::StatusOr<std::vector<absl::CivilDay>> Days(const std::string& tenant,
                                                   const std::string& cycle, absl::CivilDay from,
                                                   absl::CivilDay to);
  // Writes every scope's point of one day (replacing any), and marks the day done.
  absl::Status SaveDay(const std::string& tenant, const std::string& cycle, absl::CivilDay day,
                       const std::vector<ScopePoint>& points);
  // The points of one scope in [from, to], in date order.
  absl::StatusOr<std::vector<DayPoint>> Points(const std::string& tenant, const std::string& cycle,
                                               const std::string& scope, absl::CivilDay from,
                                               absl::CivilDay to);

 private:
  common::Database* database_;
};

}  // namespace okr::analytics
