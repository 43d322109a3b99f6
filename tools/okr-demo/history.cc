#include "tools/okr-demo/history.h"

#include <algorithm>
#include <cmath>

#include "tools/okr-demo/catalog.h"

namespace okr::demo {
namespace {

// A value shown the way people write it: whole thousands of a large amount, one decimal of a
// percentage, whole counts.
double Round(const KeyResult& k, double value) {
  const double span = std::fabs(k.target_value - k.start_value);
  double step = 1;
  if (k.type == KrType::kPercent) {
    step = k.threshold && *k.threshold > 95 ? 0.01 : 0.1;
  } else if (k.type == KrType::kCurrency && span >= 100000) {
    step = 1000;
  } else if (span > 0 && span < 10) {
    step = 0.1;
  }
  // Dividing by the inverse of a fractional step keeps 1.4 from becoming 1.4000000000000001.
  return step < 1 ? std::round(value / step) / std::round(1 / step)
                  : std::round(value / step) * step;
}

}  // namespace

// Progress in [0, ~1.5] expected of a trajectory on `day` of the cycle.
double History::ProgressOn(Trajectory t, int day, double pace) {
  const double linear = static_cast<double>(day) / kCycleDays;
  switch (t) {
    case Trajectory::kOnTrack:  // A little ahead of the straight line, as planned work is.
      return std::min(1.0, linear * pace * 1.08);
    case Trajectory::kLate:  // Behind, within reach: AT_RISK rather than OFF_TRACK.
      return linear * pace * 0.75;
    case Trajectory::kStalled:
      return std::min(linear, 0.22) * pace;
    case Trajectory::kStale:
      return linear * pace * 0.85;
    case Trajectory::kOverAchieving:
      return linear * pace * 1.45;
  }
  return linear;
}

// Whether a KEEP_ABOVE / KEEP_BELOW key result holds its threshold at check-in `week` of 8.
bool History::Holds(Trajectory t, int week) {
  switch (t) {
    case Trajectory::kOnTrack:
      return !random_.Chance(0.1);
    case Trajectory::kLate:
      return !random_.Chance(0.45);
    case Trajectory::kStalled:
      return week < 5;
    case Trajectory::kStale:
    case Trajectory::kOverAchieving:
      return true;
  }
  return true;
}

int History::ConfidenceFor(Trajectory t, int week) {
  switch (t) {
    case Trajectory::kOnTrack:
      return random_.Int(6, 8);
    case Trajectory::kLate:
      return std::max(3, 6 - week / 3 + random_.Int(-1, 0));  // Slipping, not yet lost.
    case Trajectory::kStalled:
      return std::max(2, 5 - week / 3);
    case Trajectory::kStale:
      return random_.Int(5, 7);
    case Trajectory::kOverAchieving:
      return random_.Int(8, 10);
  }
  return 5;
}

void History::Make(const std::string& author, KeyResult& k) {
  const Trajectory t = k.trajectory;
  const double pace = random_.Real(0.95, 1.15);
  const int last_week = t == Trajectory::kStale ? random_.Int(3, 4) : 8;
  double previous = 0;
  size_t milestones_done = 0;
  bool boolean_done = false;
  // The week a yes/no key result is done: early when over-achieving, mostly by now when on track,
  // seldom when late, never when stalled or stale.
  int boolean_week = 99;
  if (t == Trajectory::kOverAchieving) boolean_week = random_.Int(3, 5);
  if (t == Trajectory::kOnTrack && random_.Chance(0.7)) boolean_week = random_.Int(4, 8);
  if (t == Trajectory::kLate && random_.Chance(0.25)) boolean_week = 8;
  std::vector<int> days;
  int skipped = 0;
  for (int week = 1; week <= last_week; ++week) {
    // Now and then a week is skipped (holidays, a busy sprint), at most twice a quarter.
    if (week < last_week && week > 1 && skipped < 2 && random_.Chance(0.1)) {
      ++skipped;
      continue;
    }
    days.push_back(7 * week + random_.Int(-2, 1));
  }
  if (t != Trajectory::kStale && t != Trajectory::kStalled && random_.Chance(0.3)) {
    days.push_back(kDaysIntoCycle - 1);
  }
  for (size_t i = 0; i < days.size(); ++i) {
    const int day = days[i];
    const int week = std::max(1, day / 7);
    CheckIn c;
    c.minute = day * kMinutesPerDay + random_.Int(8 * 60, 18 * 60);
    c.author = author;
    double p = ProgressOn(t, day, pace) + random_.Real(-0.02, 0.02);
    p = std::max(p, previous - 0.02);
    previous = p;
    switch (k.type) {
      case KrType::kNumeric:
      case KrType::kPercent:
      case KrType::kCurrency:
        if (k.threshold) {
          const double limit = *k.threshold;
          double spread = std::max(std::fabs(limit) * 0.04, 0.5);
          if (k.type == KrType::kPercent && k.direction == Direction::kKeepAbove) {
            spread = std::min(spread, (100 - limit) * 0.8);
          }
          const bool good = Holds(t, week);
          const double off = spread * random_.Real(0.1, good ? 1.0 : 0.8);
          const bool above = (k.direction == Direction::kKeepAbove) == good;
          c.value = Round(k, above ? limit + off : limit - off);
          if (good && c.value &&
              (k.direction == Direction::kKeepAbove ? *c.value < limit : *c.value > limit)) {
            c.value = limit;
          }
        } else {
          c.value = Round(k, k.start_value + p * (k.target_value - k.start_value));
        }
        break;
      case KrType::kBoolean:
        if (!boolean_done && week >= boolean_week) boolean_done = true;
        c.value = boolean_done ? 1 : 0;
        break;
      case KrType::kMilestone: {
        double total = 0;
        for (const Milestone& m : k.milestones) total += m.weight;
        double reached = 0;
        size_t target = 0;
        for (const Milestone& m : k.milestones) {
          if ((reached + m.weight) / total > p + 0.05) break;
          reached += m.weight;
          ++target;
        }
        for (; milestones_done < target; ++milestones_done) {
          c.milestones_done.push_back(static_cast<int>(milestones_done));
        }
        break;
      }
      case KrType::kRollup:
        break;
    }
    c.confidence = ConfidenceFor(t, week);
    if (random_.Chance(0.7)) c.progress_note = random_.Pick(ProgressNotes(t));
    if ((t == Trajectory::kLate || t == Trajectory::kStalled) && random_.Chance(0.7)) {
      c.challenges = random_.Pick(Challenges());
    }
    if (random_.Chance(0.5)) c.next_steps = random_.Pick(NextSteps());
    k.check_ins.push_back(std::move(c));
  }
}

}  // namespace okr::demo
