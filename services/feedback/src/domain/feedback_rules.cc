#include "services/feedback/src/domain/feedback_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::feedback {

Visibility DefaultVisibility(FeedbackKind kind) {
  return kind == FeedbackKind::kRecognition ? Visibility::kPublic : Visibility::kPrivate;
}

bool KindAllows(FeedbackKind kind, Visibility visibility) {
  if (kind == FeedbackKind::kRecognition) return visibility == Visibility::kPublic;
  if (kind == FeedbackKind::kConstructive) return visibility != Visibility::kPublic;
  return true;
}

absl::StatusOr<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags,
                                                       const std::string& field) {
  common::Violations violations;
  std::vector<std::string> out;
  for (size_t i = 0; i < tags.size(); ++i) {
    std::string tag = absl::AsciiStrToLower(tags[i]);
    const bool ok =
        !tag.empty() && tag.size() <= kMaxTagLength &&
        std::all_of(tag.begin(), tag.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
    if (!violations.Check(ok, absl::StrCat(field, "[", i, "]"),
                          "must be 1 to 64 characters from [a-z0-9_-]")) {
      continue;
    }
    if (std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(std::move(tag));
  }
  violations.Check(out.size() <= kMaxTags, field, "at most 10 distinct tags");
  if (absl::Status s = violations.ToStatus("INVALID_TAGS", "the tags are not valid"); !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace okr::feedback
