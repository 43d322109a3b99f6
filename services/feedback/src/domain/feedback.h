// A piece of feedback as the service keeps it (the author kept even when anonymous: the rules in
// visibility.h decide who is shown it).
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/visibility.h"

namespace okr::feedback {

struct Feedback {
  std::string id;
  std::string author;     // person id
  std::string recipient;  // person id
  FeedbackKind kind = FeedbackKind::kPraise;
  Visibility visibility = Visibility::kPrivate;
  bool anonymous = false;
  GoalRef goal;               // empty objective: about the recipient in general
  bool goal_private = false;  // the linked objective was PRIVATE when the feedback was given
  std::string request;        // id of the feedback request it answers; empty for none
  std::vector<std::string> tags;
  std::string body;
  absl::Time create_time;
  // The author was in the recipient's reporting line below them (a direct or indirect report).
  bool upward = false;

  FeedbackFacts facts() const { return {author, recipient, visibility, anonymous}; }
};

}  // namespace okr::feedback
