#include "services/feedback/src/domain/visibility.h"

#include <algorithm>

namespace okr::feedback {

ReadDecision DecideRead(const FeedbackFacts& feedback, const Viewer& viewer) {
  if (viewer.admin || viewer.service) return ReadDecision::kAllowed;
  if (!viewer.person.empty() &&
      (viewer.person == feedback.author || viewer.person == feedback.recipient)) {
    return ReadDecision::kAllowed;
  }
  switch (feedback.visibility) {
    case Visibility::kPublic:
      return ReadDecision::kAllowed;
    case Visibility::kManager:
      return viewer.hr ? ReadDecision::kAllowed : ReadDecision::kNeedsChain;
    case Visibility::kPrivate:
      return ReadDecision::kDenied;
  }
  return ReadDecision::kDenied;
}

bool MayRead(const FeedbackFacts& feedback, const Viewer& viewer,
             absl::Span<const std::string> recipient_chain) {
  switch (DecideRead(feedback, viewer)) {
    case ReadDecision::kAllowed:
      return true;
    case ReadDecision::kDenied:
      return false;
    case ReadDecision::kNeedsChain:
      return !viewer.person.empty() && std::find(recipient_chain.begin(), recipient_chain.end(),
                                                 viewer.person) != recipient_chain.end();
  }
  return false;
}

bool ShowsAuthor(const FeedbackFacts& feedback, const Viewer& viewer) {
  return !feedback.anonymous || (!viewer.person.empty() && viewer.person == feedback.author);
}

bool AuthorFilterMatches(const FeedbackFacts& feedback, const Viewer& viewer,
                         const std::string& author) {
  return feedback.author == author && ShowsAuthor(feedback, viewer);
}

}  // namespace okr::feedback
