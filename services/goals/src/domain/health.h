// Health of an objective against the time elapsed in its cycle, and its grade at cycle close
// (DOMAIN.md "Health" and "Score"). Time is always passed in: nothing here reads a clock.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "services/goals/src/domain/types.h"

namespace okr::goals::domain {

struct Cycle {
  absl::Time start;
  absl::Time end;
};

// Server configuration; the defaults are DOMAIN.md's.
struct HealthThresholds {
  // ON_TRACK when progress >= expected - on_track_margin.
  double on_track_margin = 0.10;
  // AT_RISK when progress >= expected - at_risk_margin, else OFF_TRACK.
  double at_risk_margin = 0.25;
};

// Fraction of the cycle elapsed at `now`, in [0, 1]: 0 before the start, 1 from the end on (and 1
// for a cycle whose end is not after its start, once it has started).
double ExpectedProgress(const Cycle& cycle, absl::Time now);

// NO_MEASURE without a measure; else the band of `progress` against `expected`, with a LOW
// confidence (0 to 3) capping ON_TRACK at AT_RISK. Inline: the full roll-up calls it per objective.
inline Health ComputeHealth(bool has_measure, double progress, std::optional<int> confidence,
                            double expected, const HealthThresholds& thresholds) {
  if (!has_measure) return Health::kNoMeasure;
  Health health = Health::kOffTrack;
  if (progress >= expected - thresholds.on_track_margin) {
    health = Health::kOnTrack;
  } else if (progress >= expected - thresholds.at_risk_margin) {
    health = Health::kAtRisk;
  }
  if (health == Health::kOnTrack && confidence && BandOf(*confidence) == ConfidenceBand::kLow) {
    health = Health::kAtRisk;
  }
  return health;
}

// Server configuration; the defaults are DOMAIN.md's.
struct GradingThresholds {
  double committed = 1.0;
  double aspirational = 0.7;
};

// The grade of an objective at cycle close: its progress, frozen.
struct Grade {
  double score = 0.0;
  double success_threshold = 1.0;
  bool success = false;

  bool operator==(const Grade&) const = default;
};

double SuccessThreshold(Kind kind, const GradingThresholds& thresholds = {});

Grade GradeAtClose(double progress, Kind kind, const GradingThresholds& thresholds = {});

}  // namespace okr::goals::domain
