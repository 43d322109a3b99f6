// What the feedback service asks the goals service about goals: whether a caller may read an
// objective or key result (to link feedback and requests to it), the objectives a person owns in a
// cycle (for reviews) and a cycle's dates. Calls are made with a bearer token, the caller's own
// (so goals decides what the caller may read) or the service's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/feedback/src/domain/names.h"

namespace okr::feedback {

// Who a call to goals is made for.
struct GoalsCaller {
  std::string tenant;
  std::string subject;
  std::string bearer_token;
};

struct GoalFacts {
  bool is_private = false;   // the objective (of a key result: its objective) is PRIVATE
  std::string cycle;         // `cycles/{id}`
  std::string owner_person;  // the objective's owner: a person id, or
  std::string owner_team;    // a team id
};

struct ObjectiveFacts {
  std::string name;  // `objectives/{id}`
  std::string title;
  bool is_private = false;
  bool active_or_closed = false;  // ACTIVE or CLOSED (not DRAFT or ARCHIVED)
  double progress = 0;
  std::optional<double> score;
  double success_threshold = 0;
};

struct CycleFacts {
  std::string name;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  bool closed = false;
};

class GoalsDirectory {
 public:
  virtual ~GoalsDirectory() = default;

  // The goal as `caller` reads it. NOT_FOUND (reason GOAL_NOT_FOUND) when it does not exist or the
  // caller may not read it (goals answers both alike); PERMISSION_DENIED (reason
  // GOAL_ACCESS_DENIED) passed on; UNAVAILABLE (reason GOALS_UNAVAILABLE) when goals cannot be
  // asked now.
  virtual absl::StatusOr<GoalFacts> ReadGoal(const GoalsCaller& caller, const GoalRef& goal) = 0;

  // The objectives owned by `person` (an id) in `cycle` (an id) that the token's caller reads.
  virtual absl::StatusOr<std::vector<ObjectiveFacts>> OwnedObjectives(const GoalsCaller& caller,
                                                                      const std::string& person,
                                                                      const std::string& cycle) = 0;

  // The cycle (an id). NOT_FOUND (reason GOALS_CYCLE_NOT_FOUND) when it does not exist.
  virtual absl::StatusOr<CycleFacts> GetCycle(const GoalsCaller& caller,
                                              const std::string& cycle) = 0;
};

using GoalsDirectoryPtr = std::unique_ptr<GoalsDirectory>;

}  // namespace okr::feedback
