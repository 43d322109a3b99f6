// What analytics keeps of the goals and feedback services' state: the facts its figures are
// computed from, in plain C++ (no proto, no SQL). Ids are the last segment of a resource name,
// except key results, which are named in full (`objectives/{o}/keyResults/{k}`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace okr::analytics {

// Numbers as in okr.goals.v1 / okr.analytics.v1 (the same values in both).
enum class Health { kUnspecified = 0, kOnTrack = 1, kAtRisk = 2, kOffTrack = 3, kNoMeasure = 4 };
enum class CycleState { kUnspecified = 0, kPlanning = 1, kActive = 2, kClosed = 3 };
enum class ObjectiveLevel { kUnspecified = 0, kCompany = 1, kTeam = 2, kIndividual = 3 };
enum class ObjectiveState { kUnspecified = 0, kDraft = 1, kActive = 2, kClosed = 3, kArchived = 4 };
enum class FeedbackKind { kUnspecified = 0, kPraise = 1, kConstructive = 2, kRecognition = 3 };
enum class ResponseState {
  kUnspecified = 0,
  kPending = 1,
  kAnswered = 2,
  kDeclined = 3,
  kExpired = 4
};

struct CycleFact {
  std::string id;
  std::string display_name;
  absl::Time begin;  // start date 00:00 in the cycle's zone
  absl::Time end;    // the day after the end date, 00:00 in the cycle's zone
  // The cycle's dates as UTC days, for feedback and requests "during the cycle's dates".
  absl::Time utc_begin;
  absl::Time utc_end;
  CycleState state = CycleState::kUnspecified;
  absl::Duration check_in_cadence = absl::Hours(24 * 7);
};

struct ObjectiveFact {
  std::string id;
  std::string title;
  std::string cycle;
  std::string owner_person;  // exactly one of the owners is set
  std::string owner_team;
  ObjectiveLevel level = ObjectiveLevel::kUnspecified;
  std::string parent;  // the parent objective's id (also when aligned to one of its key results)
  bool is_private = false;
  ObjectiveState state = ObjectiveState::kUnspecified;
  double weight = 1;
  double progress = 0;
  bool has_measure = false;
  Health health = Health::kNoMeasure;
  std::optional<int> confidence;
  std::optional<double> score;
  double success_threshold = 1;
  absl::Time create_time;
};

struct KeyResultFact {
  std::string name;  // objectives/{o}/keyResults/{k}
  std::string objective;
  std::string owner;  // person id; empty if none
  double progress = 0;
  double attainment = 0;
  bool has_measure = false;
  bool stale = false;
  std::optional<absl::Time> last_check_in_time;
  absl::Time create_time;
};

struct PersonFact {
  std::string id;
  std::string display_name;
  std::string manager;
  std::vector<std::string> teams;
  bool active = true;
};

struct TeamFact {
  std::string id;
  std::string display_name;
  std::string parent;
  std::string lead;
  bool active = true;
};

struct FeedbackFact {
  std::string id;
  // Empty when analytics may not know it (anonymous feedback); `author_key` is always set.
  std::string author;
  std::string author_key;
  std::string recipient;
  FeedbackKind kind = FeedbackKind::kUnspecified;
  bool anonymous = false;
  bool upward = false;
  absl::Time create_time;
};

struct RequestFact {
  std::string id;
  std::string requester;
  absl::Time create_time;
  struct Response {
    std::string recipient;
    ResponseState state = ResponseState::kPending;
  };
  std::vector<Response> responses;
};

struct OneOnOneFact {
  std::string id;
  std::string manager;
  std::string report;
  std::optional<absl::Time> next_due_time;
};

}  // namespace okr::analytics
