// A service's change feed: publishes what its writes appended to the change log, and serves
// `Watch...` streams from any position (a resume token) in commit order, first from the database,
// then from memory as entries commit, with no gap and no duplicate at the switch. Also prunes the
// log after its retention. Shared by every service that has a feed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "okr/common/changelog/change_entry.h"
#include "okr/common/changelog/change_hub.h"
#include "okr/common/server/rpc_runtime.h"
#include "okr/common/storage/database.h"
#include "okr/common/storage/session.h"

namespace okr::common {

struct ChangeFeedOptions {
  // Entries older than this are pruned; a token older than the oldest kept entry is OUT_OF_RANGE.
  absl::Duration retention = absl::Hours(7 * 24);
  absl::Duration prune_interval = absl::Minutes(1);
  // A watcher that sent nothing for this long gets a checkpoint.
  absl::Duration checkpoint_interval = absl::Seconds(30);
  // Entries kept in memory for watchers that keep up.
  size_t memory_entries = 65536;
  // Entries read from the database at a time by a watcher catching up.
  int page = 256;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // The serialized stream message for an entry (with its resume token and commit time); built
  // once per entry and shared by every watcher.
  std::function<std::string(const ChangeEntry&)> frame;
};

// The entries one write appends. The write's done callback publishes them once it committed.
class ChangeBatch {
 public:
  absl::Status Append(SqlSession& session, ChangeEntry entry);
  const std::vector<ChangeEntryPtr>& entries() const { return entries_; }

 private:
  std::vector<ChangeEntryPtr> entries_;
};

// What one watch stream delivers and how the service spells it.
struct WatchSpec {
  std::string tenant;
  // The position to continue after; nullopt: from now (a checkpoint first).
  std::optional<int64_t> after;
  // Whether the watcher gets this entry of its tenant. Runs on the executor; may read. An error
  // ends the stream with UNAVAILABLE (the consumer resumes from its last token), never skips.
  std::function<absl::StatusOr<bool>(const ChangeEntry&)> matches;
  // The serialized stream message for a checkpoint at `seq`.
  std::function<std::string(int64_t seq, absl::Time commit_time, bool caught_up)> checkpoint;
  // When above 1, consecutive matching entries are sent up to this many per message:
  // `batch_header(n)` gives the bytes put before n bytes of concatenated entry messages (the
  // service's batch message, whose repeated field has the same wire form as a single change).
  int max_batch = 0;
  std::function<std::string(size_t bytes)> batch_header;
  // Optional. This watcher's own message for a matching entry when it must differ from the shared
  // one (a service whose changes are redacted per reader: the author of anonymous feedback reads
  // it whole); nullopt sends the shared frame. Runs on the executor.
  std::function<std::optional<std::string>(const ChangeEntry&)> own_frame;
};

class WatchStream;

class ChangeFeed {
 public:
  // Neither may be null; both must outlive the feed.
  ChangeFeed(Database* database, RpcRuntime* runtime, ChangeFeedOptions options = {});
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Reads the log's position and starts the checkpoint and pruning timer.
  absl::Status Open();
  // Stops the timer; open streams end with UNAVAILABLE. Idempotent.
  void Stop();

  // Call from the done callback of a write that committed `batch` (the writer calls done
  // callbacks in commit order, which is the order the feed needs).
  void Publish(const ChangeBatch& batch) { hub_.Publish(batch.entries()); }

  // A stream serving `spec`. OUT_OF_RANGE when `spec.after` is older than the retention,
  // or newer than the log (a token of another database).
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Watch(WatchSpec spec);

  // Prunes entries older than the retention now; returns how many.
  absl::StatusOr<int64_t> PruneNow();

  ChangeHub& hub() { return hub_; }
  const ChangeFeedOptions& options() const { return options_; }
  size_t watchers() const;

 private:
  friend class WatchStream;
  // The entry's stream message, built on first use (a reference to shared bytes).
  grpc::Slice Framed(const ChangeEntry& entry) const;
  void TimerLoop();
  void Register(const std::shared_ptr<WatchStream>& stream);
  void Unregister(const WatchStream* stream);

  Database* database_;
  RpcRuntime* runtime_;
  const ChangeFeedOptions options_;
  ChangeHub hub_;

  mutable absl::Mutex mu_;
  std::map<const WatchStream*, std::weak_ptr<WatchStream>> streams_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread timer_;
};

}  // namespace okr::common
