#include "services/goals/src/domain/health.h"

#include <algorithm>

namespace okr::goals::domain {

double ExpectedProgress(const Cycle& cycle, absl::Time now) {
  if (now <= cycle.start) return 0.0;
  if (now >= cycle.end) return 1.0;
  return std::clamp(absl::FDivDuration(now - cycle.start, cycle.end - cycle.start), 0.0, 1.0);
}

double SuccessThreshold(Kind kind, const GradingThresholds& thresholds) {
  return kind == Kind::kAspirational ? thresholds.aspirational : thresholds.committed;
}

Grade GradeAtClose(double progress, Kind kind, const GradingThresholds& thresholds) {
  Grade grade;
  grade.score = std::clamp(progress, 0.0, 1.0);
  grade.success_threshold = SuccessThreshold(kind, thresholds);
  grade.success = grade.score >= grade.success_threshold;
  return grade;
}

}  // namespace okr::goals::domain
