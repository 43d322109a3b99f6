#include "services/feedback/src/domain/review_rules.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/feedback/src/domain/visibility.h"

namespace okr::feedback {

ReviewCycleState CycleStateAt(absl::CivilDay start, absl::CivilDay end, absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  if (today < start) return ReviewCycleState::kScheduled;
  if (today <= end) return ReviewCycleState::kActive;
  return ReviewCycleState::kClosed;
}

ReviewState DeriveReviewState(bool self_submitted, bool manager_submitted,
                              ReviewCycleState cycle_state) {
  if (self_submitted && manager_submitted) return ReviewState::kCompleted;
  if (cycle_state == ReviewCycleState::kClosed) return ReviewState::kIncomplete;
  if (self_submitted) return ReviewState::kSelfSubmitted;
  if (manager_submitted) return ReviewState::kManagerSubmitted;
  return ReviewState::kPending;
}

bool IsCompetencyId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void CheckRatingScale(const RatingScaleRule& scale, const std::string& field,
                      common::Violations& violations) {
  violations.Check(scale.min_rating >= 0 && scale.min_rating < kMaxRatingValue,
                   absl::StrCat(field, ".min_rating"), "must be 0 to 99");
  violations.Check(scale.max_rating > scale.min_rating && scale.max_rating <= kMaxRatingValue,
                   absl::StrCat(field, ".max_rating"),
                   "must be greater than min_rating and at most 100");
}

void CheckRatings(absl::Span<const RatingInput> ratings,
                  absl::Span<const std::string> competency_ids, const RatingScaleRule& scale,
                  common::Violations& violations) {
  const absl::flat_hash_set<std::string> known(competency_ids.begin(), competency_ids.end());
  absl::flat_hash_set<std::string> rated;
  for (size_t i = 0; i < ratings.size(); ++i) {
    const std::string path = absl::StrCat("ratings[", i, "]");
    const RatingInput& r = ratings[i];
    if (!known.contains(r.competency)) {
      violations.Add(
          absl::StrCat(path, ".competency"),
          r.competency.empty() ? "is required" : "is not a competency of the review cycle");
    } else if (!rated.insert(r.competency).second) {
      violations.Add(absl::StrCat(path, ".competency"), "is rated more than once");
    }
    violations.Check(scale.Contains(r.rating), absl::StrCat(path, ".rating"),
                     absl::StrCat("must be ", scale.min_rating, " to ", scale.max_rating));
  }
  for (const std::string& id : competency_ids) {
    if (!rated.contains(id) && known.contains(id)) {
      violations.Add("ratings", absl::StrCat("has no rating for competency '", id, "'"));
    }
  }
}

ReviewReadDecision DecideReviewRead(const ReviewParties& parties, const Viewer& viewer) {
  if (viewer.admin || viewer.hr || viewer.service) return ReviewReadDecision::kAllowed;
  if (!viewer.person.empty() &&
      (viewer.person == parties.reviewee || viewer.person == parties.reviewer)) {
    return ReviewReadDecision::kAllowed;
  }
  return ReviewReadDecision::kNeedsChain;
}

bool MayReadReview(const ReviewParties& parties, const Viewer& viewer,
                   absl::Span<const std::string> reviewee_chain) {
  if (DecideReviewRead(parties, viewer) == ReviewReadDecision::kAllowed) return true;
  return !viewer.person.empty() && std::find(reviewee_chain.begin(), reviewee_chain.end(),
                                             viewer.person) != reviewee_chain.end();
}

bool ShowsManagerAssessment(const ReviewParties& parties, const Viewer& viewer,
                            ReviewCycleState cycle_state) {
  // Even an administrator reviewing their own review waits for the close like every reviewee.
  return viewer.person != parties.reviewee || cycle_state == ReviewCycleState::kClosed;
}

absl::Status MaySubmit(const ReviewParties& parties, const Viewer& viewer, AssessmentKind kind) {
  if (kind == AssessmentKind::kSelf) {
    if (viewer.person == parties.reviewee) return absl::OkStatus();
    return common::PermissionDenied("ASSESSMENT_SUBMIT_DENIED",
                                    "only the reviewee submits the self assessment");
  }
  if (parties.reviewer.empty()) {
    if (viewer.admin) return absl::OkStatus();
    return common::PermissionDenied(
        "ASSESSMENT_SUBMIT_DENIED",
        "the review has no reviewer: only a tenant administrator submits the manager assessment");
  }
  if (viewer.person == parties.reviewer) return absl::OkStatus();
  return common::PermissionDenied("ASSESSMENT_SUBMIT_DENIED",
                                  "only the reviewer submits the manager assessment");
}

bool MaySeePrivateGoal(const ReviewParties& parties, const Viewer& viewer,
                       absl::Span<const std::string> reviewee_chain) {
  if (viewer.admin || viewer.service) return true;
  if (viewer.person.empty()) return false;
  return viewer.person == parties.reviewee ||
         std::find(reviewee_chain.begin(), reviewee_chain.end(), viewer.person) !=
             reviewee_chain.end();
}

FeedbackTally TallyFeedback(absl::Span<const Feedback> received, const Viewer& viewer,
                            absl::Span<const std::string> recipient_chain) {
  FeedbackTally tally;
  absl::flat_hash_set<std::string> authors;
  for (const Feedback& f : received) {
    if (!MayRead(f.facts(), viewer, recipient_chain)) continue;
    switch (f.kind) {
      case FeedbackKind::kPraise:
        ++tally.praise;
        break;
      case FeedbackKind::kConstructive:
        ++tally.constructive;
        break;
      case FeedbackKind::kRecognition:
        ++tally.recognition;
        break;
    }
    // Counted by the stored author, which never leaves this function for anonymous feedback.
    authors.insert(f.author);
    if (tally.ids.size() < static_cast<size_t>(kMaxSummaryFeedback)) tally.ids.push_back(f.id);
  }
  tally.authors = static_cast<int>(authors.size());
  return tally;
}

TimeWindow FeedbackWindow(absl::CivilDay goals_start, absl::CivilDay review_end) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  TimeWindow window{absl::FromCivil(goals_start, utc), absl::FromCivil(review_end + 1, utc)};
  if (window.end < window.start) window.end = window.start;
  return window;
}

}  // namespace okr::feedback
