#include "services/feedback/src/api/feedback_proto.h"

#include <utility>

#include "okr/common/aip/etag.h"
#include "okr/common/aip/proto_time.h"

namespace okr::feedback {

namespace v1 = ::okr::feedback::v1;

v1::Feedback ToProto(Feedback f, const Viewer& viewer, bool show_goal) {
  v1::Feedback out;
  out.set_name(Name(kFeedback, f.id));
  if (ShowsAuthor(f.facts(), viewer)) out.set_author(PersonName(f.author));
  out.set_recipient(PersonName(f.recipient));
  out.set_kind(static_cast<v1::FeedbackKind>(f.kind));
  out.set_body(std::move(f.body));
  if (show_goal && !f.goal.objective.empty()) {
    if (f.goal.key_result.empty()) {
      out.set_objective(ObjectiveName(f.goal.objective));
    } else {
      out.set_key_result(KeyResultName(f.goal));
    }
  }
  for (std::string& tag : f.tags) out.add_tags(std::move(tag));
  out.set_visibility(static_cast<v1::FeedbackVisibility>(f.visibility));
  out.set_anonymous(f.anonymous);
  if (!f.request.empty()) out.set_feedback_request(Name(kFeedbackRequests, f.request));
  *out.mutable_create_time() = common::ToTimestamp(f.create_time);
  return out;
}

bool ShowsRequestSubject(const FeedbackRequest& request, const Viewer& viewer) {
  return !request.subject_private || viewer.admin || viewer.service ||
         request.requester == viewer.person;
}

v1::FeedbackRequest ToProto(const FeedbackRequest& r, const Viewer& viewer, absl::Time now) {
  v1::FeedbackRequest out;
  out.set_name(Name(kFeedbackRequests, r.id));
  out.set_requester(PersonName(r.requester));
  if (!r.subject.objective.empty() && ShowsRequestSubject(r, viewer)) {
    if (r.subject.key_result.empty()) {
      out.set_objective(ObjectiveName(r.subject.objective));
    } else {
      out.set_key_result(KeyResultName(r.subject));
    }
  }
  const bool sees_all = viewer.admin || viewer.service || r.requester == viewer.person;
  for (const RecipientResponse& resp : r.responses) {
    out.add_recipients(PersonName(resp.recipient));
    if (!sees_all && resp.recipient != viewer.person) continue;
    v1::FeedbackResponse* o = out.add_responses();
    o->set_recipient(PersonName(resp.recipient));
    const ResponseState state = ResponseAsOf(resp.state, r.expiry(), now);
    o->set_state(static_cast<v1::FeedbackResponseState>(state));
    if (state == ResponseState::kAnswered && !resp.feedback.empty()) {
      o->set_feedback(Name(kFeedback, resp.feedback));
    }
    if (state == ResponseState::kDeclined) o->set_decline_reason(resp.decline_reason);
    if (state == ResponseState::kExpired && resp.state == ResponseState::kPending) {
      *o->mutable_respond_time() = common::ToTimestamp(r.expiry());
    } else if (resp.respond_time != absl::InfinitePast()) {
      *o->mutable_respond_time() = common::ToTimestamp(resp.respond_time);
    }
  }
  out.set_message(r.message);
  *out.mutable_due_date() = common::ToDate(r.due_date);
  out.set_state(static_cast<v1::FeedbackRequestState>(r.StateAt(now)));
  *out.mutable_create_time() = common::ToTimestamp(r.create_time);
  // An expiry not yet recorded by the scheduler still changes what readers see.
  const bool expired_unrecorded = r.StateAt(now) != r.StateAt(r.update_time) && now >= r.expiry();
  *out.mutable_update_time() =
      common::ToTimestamp(expired_unrecorded ? std::max(r.update_time, r.expiry()) : r.update_time);
  out.set_etag(common::FormatEtag(r.version));
  return out;
}

}  // namespace okr::feedback
