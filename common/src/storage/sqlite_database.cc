#include "okr/common/storage/sqlite_database.h"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "okr/common/storage/transaction.h"

namespace okr::common {
namespace {

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

// Write functions are our code and should not throw, but one that does must fail its own write,
// not take the writer thread (and every write queued behind it) down.
absl::Status RunGuarded(WriteFn& fn, SqlSession& session) {
  try {
    return fn(session);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("write threw an exception: ", e.what()));
  } catch (...) {
    return absl::InternalError("write threw an exception");
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    SqliteDatabaseOptions options) {
  if (options.path.empty() || options.path == ":memory:") {
    return absl::InvalidArgumentError(
        "sqlite database needs a file path (in-memory databases cannot be shared with readers)");
  }
  if (options.readers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("sqlite database needs at least one reader, got ", options.readers));
  }
  if (options.max_batch < 1) {
    return absl::InvalidArgumentError("sqlite database max_batch must be at least 1");
  }

  SqliteConnectionOptions conn_options;
  conn_options.path = options.path;
  conn_options.synchronous = options.synchronous;
  conn_options.busy_timeout = options.busy_timeout;
  conn_options.cache_kib = options.writer_cache_kib;
  // With a background checkpointer the writer checkpoints only if it falls far behind.
  conn_options.wal_autocheckpoint_pages =
      options.checkpoint_interval > absl::ZeroDuration() ? 50000 : 0;
  absl::StatusOr<SqliteConnectionPtr> writer = SqliteConnection::Open(conn_options);
  if (!writer.ok()) return writer.status();
  if (!options.migrations.empty()) {
    if (absl::Status status = Migrate(**writer, options.migrations); !status.ok()) {
      return Prefixed(absl::StrCat("migrating '", options.path, "': "), status);
    }
  }

  SqliteConnectionPtr checkpointer;
  if (options.checkpoint_interval > absl::ZeroDuration()) {
    conn_options.cache_kib = 2048;
    conn_options.wal_autocheckpoint_pages = 0;
    absl::StatusOr<SqliteConnectionPtr> c = SqliteConnection::Open(conn_options);
    if (!c.ok()) return c.status();
    checkpointer = *std::move(c);
  }
  conn_options.read_only = true;
  conn_options.cache_kib = std::max(2048, options.writer_cache_kib / 4);
  std::vector<SqliteConnectionPtr> readers;
  for (int i = 0; i < options.readers; ++i) {
    absl::StatusOr<SqliteConnectionPtr> reader = SqliteConnection::Open(conn_options);
    if (!reader.ok()) return reader.status();
    readers.push_back(*std::move(reader));
  }
  return std::unique_ptr<SqliteDatabase>(
      new SqliteDatabase(options, *std::move(writer), std::move(readers), std::move(checkpointer)));
}

SqliteDatabase::SqliteDatabase(const SqliteDatabaseOptions& options, SqliteConnectionPtr writer,
                               std::vector<SqliteConnectionPtr> readers,
                               SqliteConnectionPtr checkpointer)
    : path_(options.path),
      max_batch_(options.max_batch),
      max_pending_(options.max_pending),
      writer_(std::move(writer)),
      checkpoint_interval_(options.checkpoint_interval),
      checkpointer_(std::move(checkpointer)),
      readers_(std::move(readers)) {
  {
    absl::MutexLock lock(&pool_mu_);
    for (const SqliteConnectionPtr& reader : readers_) idle_.push_back(reader.get());
  }
  writer_thread_ = std::thread([this] { WriterLoop(); });
  if (checkpointer_ != nullptr) checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

void SqliteDatabase::CheckpointLoop() {
  pthread_setname_np(pthread_self(), "okr-db-ckpt");
  while (true) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      auto stop = [this]() ABSL_SHARED_LOCKS_REQUIRED(checkpoint_mu_) { return checkpoint_stop_; };
      checkpoint_mu_.AwaitWithTimeout(absl::Condition(&stop), checkpoint_interval_);
      if (checkpoint_stop_) return;
    }
    // PASSIVE: copies what it can without waiting for the writer or readers; a busy database is
    // simply tried again next time (the writer's own fallback bounds the WAL).
    (void)checkpointer_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
  }
}

SqliteDatabase::~SqliteDatabase() { Close(); }

bool SqliteDatabase::OnWriterThread() const {
  return writer_thread_.get_id() == std::this_thread::get_id();
}

void SqliteDatabase::Write(WriteFn fn, WriteDoneFn done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&queue_mu_);
    if (!fn) {
      refused = absl::InvalidArgumentError("empty write function");
    } else if (closing_) {
      refused = absl::UnavailableError(absl::StrCat("database '", path_, "' is closed"));
    } else if (max_pending_ != 0 && queue_.size() >= max_pending_) {
      refused = absl::ResourceExhaustedError(absl::StrCat(
          "database '", path_, "' has ", queue_.size(), " writes waiting; try again later"));
    } else {
      queue_.push_back(PendingWrite{std::move(fn), std::move(done)});
      return;
    }
  }
  writes_rejected_.fetch_add(1, std::memory_order_relaxed);
  if (done) done(std::move(refused));
}

absl::Status SqliteDatabase::WriteAndWait(WriteFn fn) {
  if (OnWriterThread()) {
    return absl::FailedPreconditionError(
        "WriteAndWait called on the database writer thread (in a write or a done callback): it "
        "would wait for itself; use Write");
  }
  absl::Notification finished;
  absl::Status result;
  Write(std::move(fn), [&](absl::Status status) {
    result = std::move(status);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

absl::Status SqliteDatabase::Read(ReadFn fn) {
  SqliteConnection* reader = nullptr;
  {
    absl::MutexLock lock(&pool_mu_);
    pool_mu_.Await(absl::Condition(
        +[](SqliteDatabase* db) ABSL_EXCLUSIVE_LOCKS_REQUIRED(db->pool_mu_) {
          return !db->idle_.empty() || db->readers_closed_;
        },
        this));
    if (readers_closed_) {
      return absl::UnavailableError(absl::StrCat("database '", path_, "' is closed"));
    }
    reader = idle_.back();
    idle_.pop_back();
  }
  absl::Status status = RunInTransaction(*reader, fn, TransactionMode::kRead);
  absl::MutexLock lock(&pool_mu_);
  idle_.push_back(reader);
  return status;
}

void SqliteDatabase::Close() {
  {
    absl::MutexLock lock(&queue_mu_);
    closing_ = true;
  }
  if (OnWriterThread()) return;  // cannot join itself; the destructor finishes
  absl::MutexLock close_lock(&close_mu_);
  {
    absl::MutexLock lock(&checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  checkpointer_.reset();
  if (writer_thread_.joinable()) writer_thread_.join();
  writer_.reset();
  std::vector<SqliteConnectionPtr> readers;
  {
    absl::MutexLock lock(&pool_mu_);
    readers_closed_ = true;
    pool_mu_.Await(absl::Condition(
        +[](SqliteDatabase* db) ABSL_EXCLUSIVE_LOCKS_REQUIRED(db->pool_mu_) {
          return db->idle_.size() == db->readers_.size();
        },
        this));
    idle_.clear();
    readers.swap(readers_);
  }
}

DatabaseStats SqliteDatabase::Stats() const {
  DatabaseStats stats;
  stats.batches_committed = batches_committed_.load(std::memory_order_relaxed);
  stats.writes_committed = writes_committed_.load(std::memory_order_relaxed);
  stats.writes_failed = writes_failed_.load(std::memory_order_relaxed);
  stats.writes_rejected = writes_rejected_.load(std::memory_order_relaxed);
  stats.largest_batch = largest_batch_.load(std::memory_order_relaxed);
  return stats;
}

void SqliteDatabase::WriterLoop() {
  pthread_setname_np(pthread_self(), "okr-db-writer");
  std::vector<PendingWrite> batch;
  while (true) {
    {
      absl::MutexLock lock(&queue_mu_);
      queue_mu_.Await(absl::Condition(
          +[](SqliteDatabase* db) ABSL_EXCLUSIVE_LOCKS_REQUIRED(db->queue_mu_) {
            return !db->queue_.empty() || db->closing_;
          },
          this));
      // Closing stops new writes, not queued ones: those are committed first.
      if (queue_.empty()) return;
      size_t n = std::min(queue_.size(), max_batch_);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

bool SqliteDatabase::RunWrite(WriteFn& fn, absl::Status& result) {
  constexpr char kSavepoint[] = "SAVEPOINT okr_write";
  constexpr char kRelease[] = "RELEASE SAVEPOINT okr_write";
  constexpr char kRollbackTo[] = "ROLLBACK TO SAVEPOINT okr_write";
  if (result = writer_->Exec(kSavepoint); !result.ok()) return false;
  result = RunGuarded(fn, *writer_);
  if (result.ok()) {
    if (!writer_->InTransaction()) {
      result = absl::InternalError("write ended the batch transaction itself");
      return false;
    }
    if (result = writer_->Exec(kRelease); result.ok()) return true;
  }
  absl::Status undo = writer_->Exec(kRollbackTo);
  if (undo.ok()) undo = writer_->Exec(kRelease);
  if (undo.ok()) return true;
  result = absl::Status(
      result.code(),
      absl::StrCat(result.message(), " (and undoing it failed: ", undo.message(), ")"));
  return false;
}

void SqliteDatabase::RunBatch(std::vector<PendingWrite>& batch) {
  std::vector<absl::Status> results(batch.size());
  bool committed = false;
  if (absl::Status begin = writer_->Begin(TransactionMode::kWrite); !begin.ok()) {
    for (absl::Status& r : results) r = Prefixed("starting the write transaction: ", begin);
  } else {
    // The write after which the batch cannot be committed: the transaction is gone (SQLite rolls
    // it back itself on some errors, such as a full disk), or a failed write's changes could not
    // be undone.
    size_t broken_by = batch.size();
    for (size_t i = 0; i < batch.size() && broken_by == batch.size(); ++i) {
      if (!RunWrite(batch[i].fn, results[i])) broken_by = i;
    }
    if (broken_by < batch.size()) {
      if (writer_->InTransaction()) writer_->Exec("ROLLBACK").IgnoreError();
      // Another request's error (possibly another tenant's) must not reach this caller.
      absl::Status aborted = absl::AbortedError(
          "write transaction abandoned because of another write of its batch; retry");
      for (size_t i = 0; i < batch.size(); ++i) {
        // Writes that failed on their own keep their error; the rest were undone or never ran.
        if (i > broken_by || (i < broken_by && results[i].ok())) results[i] = aborted;
      }
    } else if (absl::Status commit = writer_->Exec("COMMIT"); !commit.ok()) {
      if (writer_->InTransaction()) writer_->Exec("ROLLBACK").IgnoreError();
      for (absl::Status& r : results) {
        if (r.ok()) r = Prefixed("commit failed, the write was not applied: ", commit);
      }
    } else {
      committed = true;
    }
  }

  int64_t ok = 0;
  for (const absl::Status& r : results) ok += r.ok() ? 1 : 0;
  if (committed) batches_committed_.fetch_add(1, std::memory_order_relaxed);
  writes_committed_.fetch_add(ok, std::memory_order_relaxed);
  writes_failed_.fetch_add(static_cast<int64_t>(results.size()) - ok, std::memory_order_relaxed);
  int64_t size = static_cast<int64_t>(batch.size());
  int64_t largest = largest_batch_.load(std::memory_order_relaxed);
  while (size > largest && !largest_batch_.compare_exchange_weak(largest, size)) {
  }

  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(std::move(results[i]));
  }
}

}  // namespace okr::common
