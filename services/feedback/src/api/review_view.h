// What a reader may see of a review: the reviewee, the reviewer, the reviewee's manager chain,
// hr, administrators and service identities read it; the reviewee reads the manager assessment
// only once the review cycle is CLOSED. Shared by GetReview and the change feed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/feedback/v1/review.pb.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

// The review of a change as `viewer` may read it; nullopt when they may not. `chain` gives the
// reviewee's manager chain (person ids) and is called only when the answer depends on it;
// `cycle_closed` whether the review cycle is CLOSED now.
absl::StatusOr<std::optional<::okr::feedback::v1::Review>> ReviewForFeed(
    const ::okr::feedback::v1::Review& stored, const Viewer& viewer, bool cycle_closed,
    const std::function<absl::StatusOr<std::vector<std::string>>()>& chain);

}  // namespace okr::feedback
