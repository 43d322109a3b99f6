// Vocabulary of the goals domain (key result types, directions, states, health, confidence), with
// the same meanings as the goals v1 API but free of transport and storage types.
#pragma once

#include <cstdint>

#include "absl/status/status.h"

namespace okr::goals::domain {

// How a key result is measured.
enum class KeyResultType : std::uint8_t {
  kNumeric = 1,
  kPercent = 2,
  kCurrency = 3,
  kBoolean = 4,
  kMilestone = 5,
  kRollup = 6,
};

// Which way a NUMERIC, PERCENT or CURRENCY key result has to move; kNone for the other types.
enum class Direction : std::uint8_t {
  kNone = 0,
  kIncrease = 1,
  kDecrease = 2,
  kKeepAbove = 3,
  kKeepBelow = 4,
};

enum class ObjectiveState : std::uint8_t {
  kDraft = 1,
  kActive = 2,
  kClosed = 3,
  kArchived = 4,
};

enum class Kind : std::uint8_t {
  kCommitted = 1,
  kAspirational = 2,
};

enum class Health : std::uint8_t {
  kOnTrack = 1,
  kAtRisk = 2,
  kOffTrack = 3,
  kNoMeasure = 4,
};

// Confidence is 0 (no chance) to 10 (certain); the bands are what three-level clients show.
inline constexpr int kMinConfidence = 0;
inline constexpr int kMaxConfidence = 10;

enum class ConfidenceBand : std::uint8_t {
  kLow = 1,     // 0 to 3: caps an objective's health at AT_RISK.
  kMedium = 2,  // 4 to 6
  kHigh = 3,    // 7 to 10
};

// The band of a confidence in [0, 10] (values outside count as the nearest band).
inline ConfidenceBand BandOf(int confidence) {
  if (confidence <= 3) return ConfidenceBand::kLow;
  if (confidence <= 6) return ConfidenceBand::kMedium;
  return ConfidenceBand::kHigh;
}

// INVALID_ARGUMENT (reason CONFIDENCE_OUT_OF_RANGE) unless 0 <= confidence <= 10.
absl::Status ValidateConfidence(int confidence);

// Whether the types take a value through check-ins (NUMERIC, PERCENT, CURRENCY, BOOLEAN).
bool TakesValue(KeyResultType type);

// Whether the type has a direction (NUMERIC, PERCENT, CURRENCY).
bool HasDirection(KeyResultType type);

// Whether an objective in this state has its health computed (DRAFT and ACTIVE); CLOSED and
// ARCHIVED objectives keep the health they had when they left.
inline bool HealthIsLive(ObjectiveState state) {
  return state == ObjectiveState::kDraft || state == ObjectiveState::kActive;
}

}  // namespace okr::goals::domain
