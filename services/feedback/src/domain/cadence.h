// How often a manager and a report mean to meet, and when their next meeting is due: one period
// after they last met (or after the one-on-one began). Plain time arithmetic in UTC.
#pragma once

#include <optional>

#include "absl/time/time.h"

namespace okr::feedback {

// Numbers as in okr.feedback.v1.OneOnOneCadence.
enum class Cadence { kWeekly = 1, kBiweekly = 2, kMonthly = 3 };

// True for the numbers of a real cadence (not UNSPECIFIED, not an unknown value).
bool IsCadence(int number);

// `from` plus one period: 7 or 14 days, or the same day of the next calendar month (its last
// day when that day does not exist there) at the same UTC time of day.
absl::Time AddPeriod(absl::Time from, Cadence cadence);

// When the next meeting is due: the last meeting (or, before the first, the creation) plus one
// period.
absl::Time NextDueTime(absl::Time create_time, std::optional<absl::Time> last_meeting_time,
                       Cadence cadence);

// Past its cadence: strictly after the due time (a meeting exactly at it is on time).
inline bool IsOverdue(absl::Time next_due_time, absl::Time now) { return now > next_due_time; }

}  // namespace okr::feedback
