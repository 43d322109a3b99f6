// One-on-one rows (one per pair, with its agenda, action items and linked objectives) and each
// participant's private notes in their own table: insert, update, find, the filtered oldest-first
// listing and the sweep for one-on-ones that just became overdue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"
#include "services/feedback/src/domain/one_on_one.h"

namespace okr::feedback {

// Where a listing resumes: after this (create time, id) in oldest-first order.
struct OneOnOnePosition {
  int64_t create_time_us = 0;
  std::string id;
};

struct OneOnOneQuery {
  std::string participant;  // set: only one-on-ones this person is the manager or report of
  std::string manager;      // set: only this manager's
  std::string report;       // set: only this report's
  std::optional<absl::Time> overdue_at;  // set: only those past their due time at this time
  std::string notes_of;                  // whose private notes are loaded with each row
  std::optional<OneOnOnePosition> after;
  int limit = 50;
};

// A one-on-one that became overdue and has not been reported for this due time yet.
struct NewlyOverdue {
  std::string tenant;
  OneOnOne one_on_one;
  absl::Time next_due_time;
};

class OneOnOneStore {
 public:
  OneOnOneStore(common::SqlSession& session, std::string tenant)
      : session_(session), tenant_(std::move(tenant)) {}

  // ALREADY_EXISTS when the pair already has one.
  absl::Status Insert(const OneOnOne& one_on_one);
  // Writes every field but the private notes (SetPrivateNotes) and the pair (immutable).
  absl::Status Update(const OneOnOne& one_on_one);
  // With the private notes of `notes_of` (none when empty).
  absl::StatusOr<std::optional<OneOnOne>> Find(const std::string& id, const std::string& notes_of);
  // The id of the pair's one-on-one, if it has one.
  absl::StatusOr<std::optional<std::string>> FindPair(const std::string& manager,
                                                      const std::string& report);
  // Empty notes delete the author's row.
  absl::Status SetPrivateNotes(const std::string& id, const std::string& author,
                               const std::string& notes);
  // At most `query.limit` rows in oldest-first order after `query.after`.
  absl::StatusOr<std::vector<OneOnOne>> List(const OneOnOneQuery& query);

  // Across tenants: one-on-ones past their due time at `now` whose due time was not reported yet
  // (without private notes).
  static absl::StatusOr<std::vector<NewlyOverdue>> FindNewlyOverdue(common::SqlSession& session,
                                                                    absl::Time now);
  // Remembers that the one-on-one was reported overdue for `next_due_time`.
  static absl::Status MarkOverdueReported(common::SqlSession& session, const std::string& tenant,
                                          const std::string& id, absl::Time next_due_time);

 private:
  common::SqlSession& session_;
  const std::string tenant_;
};

}  // namespace okr::feedback
