// Feedback requests as a state machine: each recipient's response moves from PENDING to ANSWERED,
// DECLINED or (when the due date passes) EXPIRED, and the request's state follows from them.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace okr::feedback {

// Numbers as in okr.feedback.v1.
enum class RequestState { kOpen = 1, kAnswered = 2, kDeclined = 3, kExpired = 4 };
enum class ResponseState { kPending = 1, kAnswered = 2, kDeclined = 3, kExpired = 4 };

inline constexpr int kMaxRequestRecipients = 50;
inline constexpr int kDefaultDueDays = 14;
inline constexpr int kMaxDueDays = 365;

// The end of the due date (24:00 UTC): answers are accepted before it.
absl::Time ExpiryTime(absl::CivilDay due_date);

// The request's state from its responses: OPEN while someone is PENDING before the expiry time;
// then ANSWERED if anyone answered, DECLINED if everyone declined, else EXPIRED.
RequestState DeriveRequestState(const std::vector<ResponseState>& responses, absl::Time expiry,
                                absl::Time now);

// A response as of `now`: PENDING past the expiry time reads as EXPIRED.
ResponseState ResponseAsOf(ResponseState stored, absl::Time expiry, absl::Time now);

// OK when `due_date` is between today and kMaxDueDays ahead (UTC) at `now`.
bool DueDateAllowed(absl::CivilDay due_date, absl::Time now);

}  // namespace okr::feedback
