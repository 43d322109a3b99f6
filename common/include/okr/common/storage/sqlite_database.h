// SqliteDatabase: the Database over one SQLite file in WAL mode: a single writer thread doing
// group commit, and a pool of read-only connections that never wait for it.
#ifndef OKR_COMMON_STORAGE_SQLITE_DATABASE_H_
#define OKR_COMMON_STORAGE_SQLITE_DATABASE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/storage/database.h"
#include "okr/common/storage/migrations.h"
#include "okr/common/storage/sqlite_connection.h"

namespace okr::common {

struct SqliteDatabaseOptions {
  // A file path; created if missing. (":memory:" is refused: readers would each see another db.)
  std::string path;
  // Read connections, hence concurrent Reads.
  int readers = 4;
  // kFull: a write is acknowledged only once it would survive a power loss.
  SqliteSynchronous synchronous = SqliteSynchronous::kFull;
  absl::Duration busy_timeout = absl::Seconds(5);
  // Most writes committed in one transaction.
  size_t max_batch = 256;
  // Most writes waiting for the writer; beyond it Write fails fast with RESOURCE_EXHAUSTED instead
  // of queueing without bound. 0: no limit.
  size_t max_pending = 100000;
  // Applied at Open, before any read or write (see Migrate).
  std::vector<Migration> migrations;
  // How often a background connection copies the WAL into the database file (a PASSIVE
  // checkpoint), so that commits on the writer do not pay for it. Zero: the writer checkpoints
  // (SQLite's default, every 1000 WAL pages).
  absl::Duration checkpoint_interval = absl::Milliseconds(250);
  // The writer's page cache, in KiB (readers get a quarter each).
  int writer_cache_kib = 65536;
};

// Group commit: the writer thread takes every queued write (up to max_batch), runs them in one
// transaction (BEGIN IMMEDIATE), each in its own savepoint, then COMMITs. A write that fails is
// rolled back to its savepoint and gets its own error while the others commit. Only after COMMIT
// returns (durable, with synchronous=FULL) are the done callbacks called, in queue order, each
// exactly once. If COMMIT fails every write of the batch gets that error. If the batch breaks
// half-way (SQLite abandons the transaction on some I/O errors, or a failed write cannot be undone)
// the write that broke it gets its error, the others ABORTED (nothing of the batch is committed;
// writes that failed on their own keep their error).
//
// Writes are not retried: a write function runs at most once.
//
// Threads: done callbacks run on the writer thread, so they must be quick and never block (hand
// anything slow to an executor); they may call Write. A write refused up front (closed:
// UNAVAILABLE, queue full: RESOURCE_EXHAUSTED) has its callback called on the calling thread before
// Write returns. An empty write function is refused the same way (INVALID_ARGUMENT).
class SqliteDatabase final : public Database {
 public:
  // Opens the file, switches it to WAL, applies the migrations, opens the readers and starts the
  // writer thread.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(SqliteDatabaseOptions options);

  // Closes (see Close). Must not run on the writer thread (in a write or a done callback).
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  SqlEngine Engine() const override { return SqlEngine::kSqlite; }
  void Write(WriteFn fn, WriteDoneFn done) override;
  absl::Status WriteAndWait(WriteFn fn) override;
  absl::Status Read(ReadFn fn) override;
  // Queued writes are committed (not cancelled) before Close returns. Called from a done callback
  // it only stops taking writes; the destructor then finishes the job.
  void Close() override;
  DatabaseStats Stats() const override;

  const std::string& path() const { return path_; }

 private:
  struct PendingWrite {
    WriteFn fn;
    WriteDoneFn done;
  };

  SqliteDatabase(const SqliteDatabaseOptions& options, SqliteConnectionPtr writer,
                 std::vector<SqliteConnectionPtr> readers, SqliteConnectionPtr checkpointer);

  void WriterLoop();
  void CheckpointLoop();
  void RunBatch(std::vector<PendingWrite>& batch);
  // Runs one write in its own savepoint, leaving its outcome in `result`. False when the batch can
  // no longer be committed because of it.
  bool RunWrite(WriteFn& fn, absl::Status& result);
  bool OnWriterThread() const;

  const std::string path_;
  const size_t max_batch_;
  const size_t max_pending_;

  // Used by the writer thread only (and by Close after joining it).
  SqliteConnectionPtr writer_;
  std::thread writer_thread_;

  // The background checkpoint (see SqliteDatabaseOptions::checkpoint_interval).
  const absl::Duration checkpoint_interval_;
  SqliteConnectionPtr checkpointer_;
  std::thread checkpoint_thread_;
  absl::Mutex checkpoint_mu_;
  bool checkpoint_stop_ ABSL_GUARDED_BY(checkpoint_mu_) = false;

  mutable absl::Mutex queue_mu_;
  std::deque<PendingWrite> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool closing_ ABSL_GUARDED_BY(queue_mu_) = false;

  absl::Mutex pool_mu_;
  std::vector<SqliteConnectionPtr> readers_;  // owned; handed out through idle_
  std::vector<SqliteConnection*> idle_ ABSL_GUARDED_BY(pool_mu_);
  bool readers_closed_ ABSL_GUARDED_BY(pool_mu_) = false;

  absl::Mutex close_mu_;  // serializes Close

  std::atomic<int64_t> batches_committed_{0};
  std::atomic<int64_t> writes_committed_{0};
  std::atomic<int64_t> writes_failed_{0};
  std::atomic<int64_t> writes_rejected_{0};
  std::atomic<int64_t> largest_batch_{0};
};

using SqliteDatabasePtr = std::unique_ptr<SqliteDatabase>;

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_SQLITE_DATABASE_H_
