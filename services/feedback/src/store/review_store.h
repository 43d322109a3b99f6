// Review cycles and their reviews: the cycle's definition (kept whole, as the API gave it) with the
// columns queries need, each review's assessments, and the goal scores frozen at the manager
// assessment. Assessments and definitions are opaque bytes here: the api layer encodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"

namespace okr::feedback {

struct ReviewCycleRecord {
  std::string id;
  std::string definition;  // serialized okr.feedback.v1.ReviewCycle (without `state`)
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string goals_cycle;  // id
  // The goals cycle's first day, taken at creation: the feedback summary starts there.
  absl::CivilDay goals_start_date;
  // The last state announced in the change feed (ReviewCycleState), so each change is sent once.
  int announced_state = 0;
  absl::Time create_time;
};

// One objective's score as frozen into a review.
struct FrozenGoalScore {
  std::string objective;  // `objectives/{id}`
  std::string title;
  double progress = 0;
  std::optional<double> score;
  double success_threshold = 0;
  bool is_private = false;
};

struct ReviewRecord {
  std::string cycle;  // id
  std::string reviewee;
  std::string reviewer;                           // empty for none
  std::optional<std::string> self_assessment;     // serialized okr.feedback.v1.Assessment
  std::optional<std::string> manager_assessment;  // the same
  // Set at the manager assessment: from then on the review shows `frozen_goals`.
  std::optional<absl::Time> goals_frozen_time;
  std::vector<FrozenGoalScore> frozen_goals;  // loaded by FindReview only
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

// A cycle whose announced state may be behind its dates, for the derived-event sweep.
struct CycleToAnnounce {
  std::string tenant;
  ReviewCycleRecord cycle;
};

class ReviewStore {
 public:
  ReviewStore(common::SqlSession& session, std::string tenant)
      : session_(session), tenant_(std::move(tenant)) {}

  absl::Status InsertCycle(const ReviewCycleRecord& cycle);
  absl::StatusOr<std::optional<ReviewCycleRecord>> FindCycle(const std::string& id);
  absl::Status InsertReview(const ReviewRecord& review);
  absl::StatusOr<std::optional<ReviewRecord>> FindReview(const std::string& cycle,
                                                         const std::string& reviewee);
  // Writes the assessments, version and update time of an existing review; also the frozen goal
  // scores when `review.goals_frozen_time` is set and `freeze_goals`.
  absl::Status UpdateReview(const ReviewRecord& review, bool freeze_goals);

  // Across tenants: cycles whose announced state is not CLOSED yet.
  static absl::StatusOr<std::vector<CycleToAnnounce>> CyclesToAnnounce(common::SqlSession& session);
  static absl::Status SetAnnouncedState(common::SqlSession& session, const std::string& tenant,
                                        const std::string& id, int state);

  // The reviewee's feedback requests created in [start, end) answered by at least one recipient;
  // 0 while the request tables do not exist.
  absl::StatusOr<int> AnsweredRequests(const std::string& requester, absl::Time start,
                                       absl::Time end);

 private:
  common::SqlSession& session_;
  const std::string tenant_;
};

}  // namespace okr::feedback
