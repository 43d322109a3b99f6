// The rules of giving feedback that do not depend on anyone else's data: kinds and the visibility
// they allow, tags, limits.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/feedback/src/domain/visibility.h"

namespace okr::feedback {

inline constexpr size_t kMaxBodyCodePoints = 10000;
inline constexpr size_t kMaxTags = 10;
inline constexpr size_t kMaxTagLength = 64;

// The visibility a create without one gets: PUBLIC for RECOGNITION, PRIVATE otherwise.
Visibility DefaultVisibility(FeedbackKind kind);

// RECOGNITION must be PUBLIC and CONSTRUCTIVE must not be PUBLIC.
bool KindAllows(FeedbackKind kind, Visibility visibility);

// Tags lower-cased and de-duplicated in the order given; INVALID_ARGUMENT (reason INVALID_TAGS,
// violations on `field[i]`) for more than kMaxTags or a tag outside 1..64 of [a-z0-9_-].
absl::StatusOr<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags,
                                                       const std::string& field);

}  // namespace okr::feedback
