// Who may read a piece of feedback, and whether they see its author (DOMAIN.md, "Feedback and
// conversations"; docs/feedback-authorization.md). Plain rules: the caller supplies the
// recipient's manager chain when a rule needs it.
#pragma once

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

// Numbers as in okr.feedback.v1 (stored as such).
enum class FeedbackKind { kPraise = 1, kConstructive = 2, kRecognition = 3 };
enum class Visibility { kPrivate = 1, kManager = 2, kPublic = 3 };

// The facts about one piece of feedback the rules read.
struct FeedbackFacts {
  std::string author;     // person id (kept even when anonymous)
  std::string recipient;  // person id
  Visibility visibility = Visibility::kPrivate;
  bool anonymous = false;
};

// What a reader's access to one piece of feedback depends on.
enum class ReadDecision {
  kAllowed,
  kDenied,
  // Allowed only if the viewer is in the recipient's manager chain: ask MayReadWithChain.
  kNeedsChain,
};

// Decides without the org directory where it can.
ReadDecision DecideRead(const FeedbackFacts& feedback, const Viewer& viewer);

// The full rule, given the recipient's manager chain (person ids, nearest manager first).
bool MayRead(const FeedbackFacts& feedback, const Viewer& viewer,
             absl::Span<const std::string> recipient_chain);

// Whether the viewer is shown who wrote it: everyone for named feedback, only the author for
// anonymous feedback (administrators, hr and services included).
bool ShowsAuthor(const FeedbackFacts& feedback, const Viewer& viewer);

// Whether an author filter may match it: only when the author is shown to the viewer, so the
// filter cannot reveal who wrote anonymous feedback.
bool AuthorFilterMatches(const FeedbackFacts& feedback, const Viewer& viewer,
                         const std::string& author);

}  // namespace okr::feedback
