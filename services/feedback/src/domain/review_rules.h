// Review cycles as rules of plain C++: a cycle's state from its dates and the clock, a review's
// state from its assessments, the limits a definition and an assessment must keep, who may read a
// review and submit its assessments, and the feedback summary a reader is shown.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/domain/feedback.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

// Numbers as in okr.feedback.v1 (stored as such).
enum class ReviewCycleState { kScheduled = 1, kActive = 2, kClosed = 3 };
enum class ReviewState {
  kPending = 1,
  kSelfSubmitted = 2,
  kManagerSubmitted = 3,
  kCompleted = 4,
  kIncomplete = 5,
};
enum class AssessmentKind { kSelf = 1, kManager = 2 };

inline constexpr int kMaxReviewCycleDays = 366;
inline constexpr int kMaxCompetencies = 30;
inline constexpr int kMaxParticipants = 1000;
// People a cycle may review once teams are expanded; beyond it the write would stall the writer.
inline constexpr int kMaxReviews = 5000;
inline constexpr int kMaxRatingValue = 100;
inline constexpr int kMaxSummaryFeedback = 200;

// SCHEDULED before `start` (UTC), ACTIVE from `start` through `end` inclusive, CLOSED after.
ReviewCycleState CycleStateAt(absl::CivilDay start, absl::CivilDay end, absl::Time now);

// COMPLETED once both are in (closed or not); otherwise INCOMPLETE once the cycle is CLOSED, else
// which of the two has been submitted.
ReviewState DeriveReviewState(bool self_submitted, bool manager_submitted,
                              ReviewCycleState cycle_state);

// `[a-z0-9_-]{1,63}`.
bool IsCompetencyId(std::string_view id);

struct RatingScaleRule {
  int min_rating = 0;
  int max_rating = 0;
  bool Contains(int rating) const { return rating >= min_rating && rating <= max_rating; }
};

// Checks 0 <= min < max <= 100; violations are added under `field` (e.g.
// "review_cycle.rating_scale").
void CheckRatingScale(const RatingScaleRule& scale, const std::string& field,
                      common::Violations& violations);

// One rating of a submitted assessment.
struct RatingInput {
  std::string competency;
  int rating = 0;
};

// Exactly one rating per competency of `competency_ids`, each within `scale`: missing ones are
// reported on `ratings`, unknown, repeated and out-of-scale ones on `ratings[i].competency` or
// `ratings[i].rating`.
void CheckRatings(absl::Span<const RatingInput> ratings,
                  absl::Span<const std::string> competency_ids, const RatingScaleRule& scale,
                  common::Violations& violations);

// Who a review is about and who writes its manager assessment (person ids; reviewer may be empty).
struct ReviewParties {
  std::string reviewee;
  std::string reviewer;
};

enum class ReviewReadDecision { kAllowed, kNeedsChain };

// Allowed for the reviewee, the reviewer, admin, hr and service identities; anyone else reads it
// only from the reviewee's manager chain.
ReviewReadDecision DecideReviewRead(const ReviewParties& parties, const Viewer& viewer);
// The full rule, with the reviewee's manager chain (person ids).
bool MayReadReview(const ReviewParties& parties, const Viewer& viewer,
                   absl::Span<const std::string> reviewee_chain);

// The reviewee reads the manager assessment only once the cycle is CLOSED; other readers always.
bool ShowsManagerAssessment(const ReviewParties& parties, const Viewer& viewer,
                            ReviewCycleState cycle_state);

// SELF: only the reviewee. MANAGER: only the reviewer, or an admin when there is none. Otherwise
// PERMISSION_DENIED (reason ASSESSMENT_SUBMIT_DENIED). Readability is checked before.
absl::Status MaySubmit(const ReviewParties& parties, const Viewer& viewer, AssessmentKind kind);

// A PRIVATE objective of the reviewee as goals shows it: to the reviewee, their manager chain,
// admins and service identities. Used for frozen scores when goals cannot be asked.
bool MaySeePrivateGoal(const ReviewParties& parties, const Viewer& viewer,
                       absl::Span<const std::string> reviewee_chain);

// Feedback received by the reviewee, counted as one reader may read it.
struct FeedbackTally {
  int praise = 0;
  int constructive = 0;
  int recognition = 0;
  int authors = 0;               // distinct authors, anonymous ones included
  std::vector<std::string> ids;  // newest first, at most kMaxSummaryFeedback
};

// `received` newest first; only what MayRead allows `viewer` is counted.
FeedbackTally TallyFeedback(absl::Span<const Feedback> received, const Viewer& viewer,
                            absl::Span<const std::string> recipient_chain);

// The window feedback is summarised from: the goals cycle's first day through the review cycle's
// last day, as [start, end) in UTC.
struct TimeWindow {
  absl::Time start;
  absl::Time end;
};
TimeWindow FeedbackWindow(absl::CivilDay goals_start, absl::CivilDay review_end);

}  // namespace okr::feedback
