// The change log table (outbox) of a service's database: appended to inside the write that makes
// the change, read in position order by watchers catching up, pruned after its retention.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/changelog/change_entry.h"
#include "okr/common/storage/session.h"

namespace okr::common {

// The schema, for the service's migration list (tables `change_log` and `change_log_horizon`).
// AUTOINCREMENT keeps positions strictly increasing even after every row was pruned.
const char* ChangeLogSchemaSql();

// The log's bounds: every entry with seq <= pruned_through was pruned; last_seq is the newest.
struct ChangeLogBounds {
  int64_t pruned_through = 0;
  int64_t last_seq = 0;
};

class ChangeLogStore {
 public:
  // Inserts `entry` (its seq is set from the insert). Must run inside the write's transaction.
  static absl::Status Append(SqlSession& session, ChangeEntry& entry);

  // The tenant's entries with after < seq <= up_to in seq order, at most `limit`.
  static absl::StatusOr<std::vector<ChangeEntryPtr>> ReadAfter(SqlSession& session,
                                                               const std::string& tenant,
                                                               int64_t after, int64_t up_to,
                                                               int limit);

  static absl::StatusOr<ChangeLogBounds> Bounds(SqlSession& session);

  // Deletes at most `limit` of the oldest entries committed before `before` and moves the horizon
  // past them. Returns how many it deleted.
  static absl::StatusOr<int64_t> Prune(SqlSession& session, absl::Time before, int limit);
};

}  // namespace okr::common
