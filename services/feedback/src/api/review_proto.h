// Review cycles and reviews between the API and the store: checks of a cycle to create, and the
// Review message assembled from a stored review, its goal scores and its feedback summary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "okr/feedback/v1/review.pb.h"
#include "okr/feedback/v1/review_cycle.pb.h"
#include "services/feedback/src/domain/review_rules.h"
#include "services/feedback/src/store/review_store.h"

namespace okr::feedback {

// A review cycle to create after the checks that need no other service.
struct ReviewCycleDraft {
  ::okr::feedback::v1::ReviewCycle definition;  // trimmed, labels sorted, output fields cleared
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string goals_cycle;  // id
  // Distinct participants, each with its index in `participants` (for error paths).
  std::vector<std::pair<std::string, int>> people;  // person ids
  std::vector<std::pair<std::string, int>> teams;   // team ids
};

// INVALID_ARGUMENT (reason INVALID_REVIEW_CYCLE) with every violation, paths under
// `review_cycle.`.
absl::StatusOr<ReviewCycleDraft> CheckReviewCycle(const ::okr::feedback::v1::ReviewCycle& cycle);

// The stored definition with its state at `now`.
absl::StatusOr<::okr::feedback::v1::ReviewCycle> ReviewCycleProto(const ReviewCycleRecord& record,
                                                                  absl::Time now);
ReviewCycleState StateOf(const ReviewCycleRecord& record, absl::Time now);

// The competency ids and scale of a stored definition.
struct CycleRubric {
  std::vector<std::string> competencies;  // in display order
  RatingScaleRule scale;
};
absl::StatusOr<CycleRubric> RubricOf(const ReviewCycleRecord& record);

// The goal scores one reader is shown of a review.
struct GoalScoresView {
  std::vector<FrozenGoalScore> shown;  // sorted by title
  int hidden = 0;
  std::optional<absl::Time> time;  // unset when goals could not be asked and nothing is frozen
  std::string digest;              // of the scores every reader's view is cut from; "" when frozen
};

// The etag of a review: its version, and while scores are live a digest of them, so a refresh
// moves it.
std::string ReviewEtag(int64_t version, const std::string& goals_digest);
// A digest stable across processes of the full (unfiltered) live scores; "" for none.
std::string GoalsDigest(const std::vector<FrozenGoalScore>& all);

struct ReviewParts {
  const ReviewRecord& record;
  ReviewCycleState cycle_state;
  const GoalScoresView& goals;
  // Unset in change payloads: what a watcher may read of it differs per watcher.
  std::optional<::okr::feedback::v1::FeedbackSummary> summary;
  bool show_manager_assessment = true;
};
::okr::feedback::v1::Review ReviewProto(const ReviewParts& parts);

::okr::feedback::v1::FeedbackSummary SummaryProto(const FeedbackTally& tally,
                                                  int answered_requests);

}  // namespace okr::feedback
