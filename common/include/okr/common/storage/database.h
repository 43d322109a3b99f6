// Database: how services reach their own database, whatever the engine. Writes are queued to one
// writer that commits them in batches (group commit); reads run on a pool of read connections.
#ifndef OKR_COMMON_STORAGE_DATABASE_H_
#define OKR_COMMON_STORAGE_DATABASE_H_

#include <cstdint>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "okr/common/storage/session.h"

namespace okr::common {

// The work of one write. It runs on the writer's session inside a transaction it shares with the
// other writes of its batch, isolated by a savepoint: returning an error undoes exactly this
// write's changes. It must touch nothing but the session (state outside the database is updated in
// the done callback, after the commit), must not end the transaction, and should be quick: the
// whole batch waits for it.
using WriteFn = absl::AnyInvocable<absl::Status(SqlSession&)>;
// Called exactly once per write with its outcome: OK only once the write is durably committed.
using WriteDoneFn = absl::AnyInvocable<void(absl::Status)>;
// The work of one read; runs in a read transaction, so every query in it sees the same snapshot.
using ReadFn = absl::FunctionRef<absl::Status(SqlSession&)>;

struct DatabaseStats {
  int64_t batches_committed = 0;
  int64_t writes_committed = 0;
  // Writes that completed with an error: their own, or their batch's.
  int64_t writes_failed = 0;
  // Writes refused without running: the database was closed or its queue full.
  int64_t writes_rejected = 0;
  int64_t largest_batch = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual SqlEngine Engine() const = 0;

  // Queues a write and returns at once. `done` (may be empty) is called exactly once with the
  // write's outcome. See the implementation for the thread it is called on; it must not block.
  virtual void Write(WriteFn fn, WriteDoneFn done) = 0;

  // Write and block the calling thread until the outcome is known. Not for gRPC threads, and not
  // from inside a write or a done callback (that would wait for itself: FAILED_PRECONDITION).
  virtual absl::Status WriteAndWait(WriteFn fn) = 0;

  // Runs `fn` on a read connection in a read transaction, blocking the calling thread (call it
  // from the service's executor). Sees every write whose done callback has been called.
  virtual absl::Status Read(ReadFn fn) = 0;

  // Stops taking writes (later ones fail with UNAVAILABLE), completes every write already queued,
  // waits for reads in progress, and releases the connections. Idempotent; the destructor calls it.
  virtual void Close() = 0;

  virtual DatabaseStats Stats() const = 0;
};

using DatabasePtr = std::unique_ptr<Database>;

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_DATABASE_H_
