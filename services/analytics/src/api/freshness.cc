#include "services/analytics/src/api/freshness.h"

#include <algorithm>

#include "services/analytics/src/api/figures_proto.h"

namespace okr::analytics {

void SetFreshness(const FeedStatus& goals, const FeedStatus& feedback, absl::Time now,
                  absl::Duration bound, v1::ValueSource source, v1::Freshness& out) {
  auto consistent = [now](const FeedStatus& f) {
    return f.live ? now : std::min(f.applied_commit_time, now);
  };
  const absl::Time time = std::min(consistent(goals), consistent(feedback));
  const absl::Duration staleness =
      time == absl::InfinitePast() ? absl::InfiniteDuration() : now - time;
  if (goals.rebuilding || feedback.rebuilding) {
    out.set_state(v1::FRESHNESS_STATE_REBUILDING);
  } else if (goals.live && feedback.live && staleness <= bound) {
    out.set_state(v1::FRESHNESS_STATE_CURRENT);
  } else {
    out.set_state(v1::FRESHNESS_STATE_LAGGING);
  }
  if (time != absl::InfinitePast()) {
    SetTime(time, *out.mutable_consistent_time());
    out.mutable_staleness()->set_seconds(absl::ToInt64Seconds(staleness));
    out.mutable_staleness()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(staleness % absl::Seconds(1))));
  }
  out.set_source(source);
}

}  // namespace okr::analytics
