// A feedback request as the service keeps it: who asked whom, about what, by when, and where each
// recipient stands. Reads judge it as of their time (request_rules.h), so an expiry shows at once
// even before the scheduler has recorded it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/request_rules.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

struct RecipientResponse {
  std::string recipient;  // person id
  ResponseState state = ResponseState::kPending;
  std::string feedback;  // feedback id when ANSWERED (empty once deleted)
  std::string decline_reason;
  absl::Time respond_time = absl::InfinitePast();  // InfinitePast while PENDING
};

struct FeedbackRequest {
  std::string id;
  std::string requester;  // person id
  GoalRef subject;        // empty objective: the requester themselves
  bool subject_private = false;
  std::vector<RecipientResponse> responses;  // in the order the recipients were given
  std::string message;
  absl::CivilDay due_date;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;

  absl::Time expiry() const { return ExpiryTime(due_date); }
  RequestState StateAt(absl::Time now) const;
  // The response of `person`; nullptr when they were not asked.
  RecipientResponse* ResponseOf(const std::string& person);
  const RecipientResponse* ResponseOf(const std::string& person) const;
};

// Who reads a request: its requester, its recipients, administrators and service identities.
bool MayReadRequest(const FeedbackRequest& request, const Viewer& viewer);

}  // namespace okr::feedback
