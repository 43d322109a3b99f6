// The in-memory fan-out of a change log: the newest committed entries in commit order, and the
// watchers to wake when more are published. One publish wakes every watcher once; watchers read
// the entries from memory, so many watchers cost no database reads while they keep up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/changelog/change_entry.h"

namespace okr::common {

class ChangeHub {
 public:
  // Keeps the newest `capacity` entries.
  explicit ChangeHub(size_t capacity = 65536) : capacity_(capacity) {}

  // Sets the position of the newest committed entry (at start, from the database).
  void Reset(int64_t last_seq, absl::Time last_commit_time);

  // Adds entries that just committed, in commit order, and wakes the listeners. Entries must come
  // in increasing seq; a gap (entries committed without being published) empties the memory, so
  // watchers read that range from the database instead of missing it.
  void Publish(const std::vector<ChangeEntryPtr>& entries);

  int64_t last_seq() const;
  absl::Time last_commit_time() const;
  // Both at once: the newest position and its commit time.
  std::pair<int64_t, absl::Time> Position() const;

  // Appends to `out` up to `max` entries with seq > after from memory. False (nothing appended)
  // when some of them are no longer in memory: the caller reads the database instead.
  bool ReadAfter(int64_t after, size_t max, std::vector<ChangeEntryPtr>* out) const;

  // `listener` is called after every Publish, on the publishing thread: it must be quick and must
  // not call Subscribe or Unsubscribe. Returns an id for Unsubscribe, after which it is never
  // called again.
  int Subscribe(std::function<void()> listener);
  void Unsubscribe(int id);
  size_t subscribers() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<ChangeEntryPtr> entries_ ABSL_GUARDED_BY(mu_);
  // Every entry with seq <= floor_ is not in memory.
  int64_t floor_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_commit_time_ ABSL_GUARDED_BY(mu_) = absl::UnixEpoch();

  mutable absl::Mutex listeners_mu_;
  std::map<int, std::function<void()>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  int next_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;
};

}  // namespace okr::common
