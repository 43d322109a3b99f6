#include "services/feedback/src/domain/request_rules.h"

namespace okr::feedback {

absl::Time ExpiryTime(absl::CivilDay due_date) {
  return absl::FromCivil(due_date + 1, absl::UTCTimeZone());
}

ResponseState ResponseAsOf(ResponseState stored, absl::Time expiry, absl::Time now) {
  if (stored == ResponseState::kPending && now >= expiry) return ResponseState::kExpired;
  return stored;
}

RequestState DeriveRequestState(const std::vector<ResponseState>& responses, absl::Time expiry,
                                absl::Time now) {
  bool answered = false;
  bool all_declined = !responses.empty();
  for (ResponseState stored : responses) {
    const ResponseState r = ResponseAsOf(stored, expiry, now);
    if (r == ResponseState::kPending) return RequestState::kOpen;
    if (r == ResponseState::kAnswered) answered = true;
    if (r != ResponseState::kDeclined) all_declined = false;
  }
  if (answered) return RequestState::kAnswered;
  if (all_declined) return RequestState::kDeclined;
  return RequestState::kExpired;
}

bool DueDateAllowed(absl::CivilDay due_date, absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  return due_date >= today && due_date <= today + kMaxDueDays;
}

}  // namespace okr::feedback
