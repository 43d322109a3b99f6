#include "services/feedback/src/domain/feedback_request.h"

namespace okr::feedback {

RequestState FeedbackRequest::StateAt(absl::Time now) const {
  std::vector<ResponseState> states;
  states.reserve(responses.size());
  for (const RecipientResponse& r : responses) states.push_back(r.state);
  return DeriveRequestState(states, expiry(), now);
}

RecipientResponse* FeedbackRequest::ResponseOf(const std::string& person) {
  for (RecipientResponse& r : responses) {
    if (r.recipient == person) return &r;
  }
  return nullptr;
}

const RecipientResponse* FeedbackRequest::ResponseOf(const std::string& person) const {
  return const_cast<FeedbackRequest*>(this)->ResponseOf(person);
}

bool MayReadRequest(const FeedbackRequest& request, const Viewer& viewer) {
  if (viewer.admin || viewer.service) return true;
  if (viewer.person.empty()) return false;
  return request.requester == viewer.person || request.ResponseOf(viewer.person) != nullptr;
}

}  // namespace okr::feedback
