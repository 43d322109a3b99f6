// The check-in history of one key result over the cycle's first eight weeks, shaped by its
// trajectory: values (or milestones, or a yes/no) moving as the trajectory says, confidence that
// follows the progress, notes, the odd skipped week, and a stale history that stops early.
#ifndef OKR_TOOLS_OKR_DEMO_HISTORY_H_
#define OKR_TOOLS_OKR_DEMO_HISTORY_H_

#include <string>

#include "tools/okr-demo/plan.h"
#include "tools/okr-demo/random.h"

namespace okr::demo {

// The cycle is 13 weeks long and started 9 weeks before today, so 8 weeks of weekly check-ins
// lie behind it and two thirds of the quarter are expected to be done.
inline constexpr int kCycleDays = 91;
inline constexpr int kDaysIntoCycle = 63;
inline constexpr int kMinutesPerDay = 24 * 60;

class History {
 public:
  explicit History(Random& random) : random_(random) {}

  // Fills k.check_ins (in observation order), each by `author`.
  void Make(const std::string& author, KeyResult& k);

 private:
  // Progress in [0, ~1.5] expected of a trajectory on `day` of the cycle.
  double ProgressOn(Trajectory t, int day, double pace);
  // Whether a KEEP_ABOVE / KEEP_BELOW key result holds its threshold at check-in `week` of 8.
  bool Holds(Trajectory t, int week);
  int ConfidenceFor(Trajectory t, int week);

  Random& random_;
};

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_HISTORY_H_
