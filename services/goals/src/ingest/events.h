// Streamed progress events: their checks and their effect, one write for a request's events.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "okr/goals/v1/progress_event.pb.h"
#include "services/goals/src/api/goals_service.h"

namespace okr::goals {

// Why one event was rejected (ProgressEventError).
struct EventError {
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  std::string reason;
  std::string message;
  std::string field;
};

// The checks an event passes before it is written: id, target, mode, finite value, time, source.
std::optional<EventError> CheckEvent(const ::okr::goals::v1::ProgressEvent& event, absl::Time now);

// Whether an event id is well-formed (1 to 128 characters from [A-Za-z0-9._:-]).
bool ValidEventId(const std::string& id);

// The answer to one event: nullopt when it is durable (applied now or before).
struct EventOutcome {
  std::string event_id;
  std::optional<EventError> error;
};

// Applies checked events in order in one write: an id applied before is acknowledged again; an
// event whose targets cannot take it is rejected with nothing written for it; every other event
// becomes a STREAMED check-in on each key result it targets, through ApplyCheckIn, and its id is
// remembered. A non-OK result (storage) fails the whole write.
absl::Status ApplyEvents(GoalsWrite& w,
                         const std::vector<const ::okr::goals::v1::ProgressEvent*>& events,
                         std::vector<EventOutcome>& outcomes);

}  // namespace okr::goals
