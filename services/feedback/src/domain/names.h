// Resource names the feedback service reads and writes: its own (`feedback/{id}`,
// `feedbackRequests/{id}`, `oneOnOnes/{id}`, `reviewCycles/{id}/reviews/{person}`) and the goals
// service's it refers to (`people/{id}`, `teams/{id}`, `objectives/{id}`, `cycles/{id}`).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace okr::feedback {

inline constexpr std::string_view kFeedback = "feedback";
inline constexpr std::string_view kFeedbackRequests = "feedbackRequests";
inline constexpr std::string_view kOneOnOnes = "oneOnOnes";
inline constexpr std::string_view kReviewCycles = "reviewCycles";
inline constexpr std::string_view kPeople = "people";
inline constexpr std::string_view kTeams = "teams";
inline constexpr std::string_view kObjectives = "objectives";
inline constexpr std::string_view kCycles = "cycles";

// `collection/id`.
std::string Name(std::string_view collection, std::string_view id);

// The id of `name` in `collection` (`collection/{id}`), or INVALID_ARGUMENT (reason
// INVALID_NAME, violation on `field`). Server-assigned ids are `[a-z0-9-]{1,63}`; people and
// teams follow the org directory's rule (1 to 128 of `[A-Za-z0-9._-]`, starting with a letter or
// digit). An empty name is INVALID_ARGUMENT too: check `required` before when it is optional.
absl::StatusOr<std::string> IdFromName(std::string_view collection, std::string_view name,
                                       std::string_view field);

// Person ids: the token's subject is a person id.
std::string PersonName(std::string_view id);
absl::StatusOr<std::string> PersonIdFromName(std::string_view name, std::string_view field);

// A goal named by a feedback or a request: an objective or one of its key results.
struct GoalRef {
  std::string objective;   // the objective's id
  std::string key_result;  // the key result's id; empty for the objective itself
};
// `objectives/{o}` when `key_result` is false, `objectives/{o}/keyResults/{k}` when true.
absl::StatusOr<GoalRef> GoalFromName(std::string_view name, bool key_result,
                                     std::string_view field);
std::string ObjectiveName(std::string_view id);
std::string KeyResultName(const GoalRef& goal);

// `reviewCycles/{cycle}/reviews/{person}`.
std::string ReviewName(std::string_view cycle, std::string_view person);
struct ReviewRef {
  std::string cycle;
  std::string person;
};
absl::StatusOr<ReviewRef> ReviewFromName(std::string_view name, std::string_view field);

}  // namespace okr::feedback
