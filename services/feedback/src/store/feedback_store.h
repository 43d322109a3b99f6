// Feedback rows: insert, read, delete and the filtered, newest-first listing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"
#include "services/feedback/src/domain/feedback.h"
#include "services/feedback/src/domain/viewer.h"
#include "services/feedback/src/store/page_position.h"

namespace okr::feedback {

// Where a listing resumes (newest first).
using FeedbackPosition = PagePosition;

struct FeedbackQuery {
  std::string author;  // matched only where the viewer is shown the author
  std::string recipient;
  std::optional<FeedbackKind> kind;
  std::optional<Visibility> visibility;
  std::string objective;  // objective id: feedback about it or any of its key results
  GoalRef key_result;     // set: feedback about this key result
  std::string tag;
  std::optional<absl::Time> start;  // inclusive
  std::optional<absl::Time> end;    // exclusive
  // Rows the viewer can certainly not read are left out in SQL (others are decided by the caller).
  Viewer viewer;
  std::optional<FeedbackPosition> after;
  int limit = 50;
};

class FeedbackStore {
 public:
  FeedbackStore(common::SqlSession& session, std::string tenant)
      : session_(session), tenant_(std::move(tenant)) {}

  absl::Status Insert(const Feedback& feedback);
  absl::StatusOr<std::optional<Feedback>> Find(const std::string& id);
  // False when there was no such row.
  absl::StatusOr<bool> Delete(const std::string& id);
  // At most `query.limit` rows in newest-first order after `query.after`.
  absl::StatusOr<std::vector<Feedback>> List(const FeedbackQuery& query);
  // Feedback received by `recipient` created in [start, end), newest first (for reviews).
  absl::StatusOr<std::vector<Feedback>> Received(const std::string& recipient, absl::Time start,
                                                 absl::Time end);

 private:
  common::SqlSession& session_;
  const std::string tenant_;
};

}  // namespace okr::feedback
