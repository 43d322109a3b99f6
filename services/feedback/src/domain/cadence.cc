#include "services/feedback/src/domain/cadence.h"

#include <algorithm>

#include "absl/time/civil_time.h"

namespace okr::feedback {
namespace {

absl::Time AddMonth(absl::Time from) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond at = absl::ToCivilSecond(from, utc);
  // Sub-second precision survives the civil round trip.
  const absl::Duration fraction = from - absl::FromCivil(at, utc);
  const absl::CivilMonth next = absl::CivilMonth(at) + 1;
  const int last_day = (absl::CivilDay(next + 1) - 1).day();
  const absl::CivilSecond due(next.year(), next.month(), std::min(at.day(), last_day), at.hour(),
                              at.minute(), at.second());
  return absl::FromCivil(due, utc) + fraction;
}

}  // namespace

bool IsCadence(int number) {
  return number >= static_cast<int>(Cadence::kWeekly) &&
         number <= static_cast<int>(Cadence::kMonthly);
}

absl::Time AddPeriod(absl::Time from, Cadence cadence) {
  switch (cadence) {
    case Cadence::kWeekly:
      return from + absl::Hours(24 * 7);
    case Cadence::kBiweekly:
      return from + absl::Hours(24 * 14);
    case Cadence::kMonthly:
      return AddMonth(from);
  }
  return from + absl::Hours(24 * 7);  // unreachable: cadences are validated on the way in
}

absl::Time NextDueTime(absl::Time create_time, std::optional<absl::Time> last_meeting_time,
                       Cadence cadence) {
  return AddPeriod(last_meeting_time.value_or(create_time), cadence);
}

}  // namespace okr::feedback
