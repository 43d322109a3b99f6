// Feedback and feedback requests as the API spells them, redacted for the reader: an anonymous
// author only for the author, a PRIVATE goal only for those who may read it, a request's other
// responses only for its requester and administrators.
#pragma once

#include "okr/feedback/v1/feedback.pb.h"
#include "okr/feedback/v1/feedback_request.pb.h"
#include "services/feedback/src/domain/feedback.h"
#include "services/feedback/src/domain/feedback_request.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

// `show_goal`: the reader may see the linked goal (decided by the caller).
::okr::feedback::v1::Feedback ToProto(Feedback feedback, const Viewer& viewer, bool show_goal);

// The request as of `now` (expired responses shown EXPIRED).
::okr::feedback::v1::FeedbackRequest ToProto(const FeedbackRequest& request, const Viewer& viewer,
                                             absl::Time now);

// Whether `viewer` sees the request's subject without asking goals: always when it is not
// PRIVATE; the requester, administrators and service identities also when it is.
bool ShowsRequestSubject(const FeedbackRequest& request, const Viewer& viewer);

}  // namespace okr::feedback
