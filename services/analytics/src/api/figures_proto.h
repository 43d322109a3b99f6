// Figures (domain) into the okr.analytics.v1 messages. Figures are converted as an all-seeing
// reader would get them; what a given reader may not see is taken out when serving (serving.h).
#pragma once

#include "absl/time/time.h"
#include "okr/analytics/v1/aggregates.pb.h"
#include "services/analytics/src/domain/figures.h"

namespace okr::analytics {

void ToProto(const GoalFigures& figures, const FiguresConfig& config, v1::GoalSummary& out);
void ToProto(const EngagementFigures& figures, absl::Time now, v1::EngagementMetrics& out);
void ToProto(const RollupFigures& figures, const FiguresConfig& config, v1::ObjectiveRollup& out);
void SetTime(absl::Time t, google::protobuf::Timestamp& out);

}  // namespace okr::analytics
