// Feedback request rows: the request and one row per recipient's response.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/common/storage/session.h"
#include "services/feedback/src/domain/feedback_request.h"
#include "services/feedback/src/domain/viewer.h"
#include "services/feedback/src/store/page_position.h"

namespace okr::feedback {

// Where a listing resumes (newest first).
using RequestPosition = PagePosition;

struct RequestQuery {
  std::string requester;
  std::string recipient;
  // Only requests the viewer reads (requester or recipient) unless admin or service.
  Viewer viewer;
  std::optional<RequestPosition> after;
  int limit = 50;
};

class RequestStore {
 public:
  RequestStore(common::SqlSession& session, std::string tenant)
      : session_(session), tenant_(std::move(tenant)) {}

  absl::Status Insert(const FeedbackRequest& request, RequestState state);
  absl::StatusOr<std::optional<FeedbackRequest>> Find(const std::string& id);
  // Writes the responses, update time, version and stored state of an existing request.
  absl::Status Update(const FeedbackRequest& request, RequestState state);
  // Newest first after `query.after`, at most `query.limit`.
  absl::StatusOr<std::vector<FeedbackRequest>> List(const RequestQuery& query);
  // Clears the answer `feedback` from the responses that name it (the feedback was deleted).
  absl::Status ForgetAnswer(const std::string& feedback);
  // Requests of `requester` created in [start, end) with at least one ANSWERED response.
  absl::StatusOr<int> CountAnswered(const std::string& requester, absl::Time start, absl::Time end);

  // Across tenants: (tenant, id) of OPEN requests whose expiry is at or before `now`.
  static absl::StatusOr<std::vector<std::pair<std::string, std::string>>> DueForExpiry(
      common::SqlSession& session, absl::Time now, int limit);

 private:
  absl::Status LoadResponses(FeedbackRequest& request);

  common::SqlSession& session_;
  const std::string tenant_;
};

}  // namespace okr::feedback
