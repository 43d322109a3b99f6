// SqliteDatabase on real files: group commit, isolation of failing writes, durability across a
// reopen, snapshot reads while writes commit, and clean shutdown.
#include "okr/common/storage/sqlite_database.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace okr::common {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kTimeout = absl::Seconds(60);

std::vector<Migration> Schema() {
  return {{1, "create_items", "CREATE TABLE items (id INTEGER PRIMARY KEY, note TEXT);"},
          {2, "create_accounts",
           "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);"
           "INSERT INTO accounts VALUES (1, 500), (2, 500);"}};
}

// Counts finished writes so a test can wait for all of them, never longer than kTimeout.
class Completions {
 public:
  void Add() {
    absl::MutexLock lock(&mu_);
    ++count_;
  }
  bool WaitFor(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return count_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), kTimeout);
  }

 private:
  absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

// A write that holds the writer (inside its transaction) until released, so a test can line up
// the next batch deterministically.
class WriterBlocker {
 public:
  explicit WriterBlocker(Database& db) {
    db.Write(
        [this](SqlSession&) {
          started_.Notify();
          released_.WaitForNotificationWithTimeout(kTimeout);
          return absl::OkStatus();
        },
        [this](absl::Status status) {
          status_ = status;
          done_.Notify();
        });
    EXPECT_TRUE(started_.WaitForNotificationWithTimeout(kTimeout));
  }
  ~WriterBlocker() {
    Release();
    EXPECT_TRUE(done_.WaitForNotificationWithTimeout(kTimeout));
  }
  void Release() {
    if (!released_.HasBeenNotified()) released_.Notify();
  }

 private:
  absl::Notification started_, released_, done_;
  absl::Status status_;
};

absl::Status InsertItem(SqlSession& s, int64_t id) {
  return s.Exec("INSERT INTO items (id, note) VALUES (?, ?)", {id, absl::StrCat("item ", id)});
}

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  SqliteDatabaseOptions Options() {
    SqliteDatabaseOptions options;
    options.path = dir_.path() + "/db.sqlite";
    options.migrations = Schema();
    return options;
  }

  SqliteDatabasePtr MustOpen(SqliteDatabaseOptions options) {
    absl::StatusOr<SqliteDatabasePtr> db = SqliteDatabase::Open(std::move(options));
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  std::vector<int64_t> ItemIds(Database& db) {
    std::vector<int64_t> ids;
    absl::Status status = db.Read([&](SqlSession& s) {
      return s.Query("SELECT id FROM items ORDER BY id", {}, [&](const SqlRow& row) {
        ids.push_back(row.GetInt64(0));
        return absl::OkStatus();
      });
    });
    EXPECT_TRUE(status.ok()) << status;
    return ids;
  }

  test_support::TempDir dir_;
};

TEST_F(SqliteDatabaseTest, GroupCommitCompletesEveryRequestExactlyOnce) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  constexpr int kTotal = kThreads * kPerThread;
  std::vector<std::atomic<int>> calls(kTotal);
  std::vector<std::atomic<int>> codes(kTotal);
  Completions completions;

  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        db->Write(
            [id](SqlSession& s) -> absl::Status {
              if (absl::Status st = InsertItem(s, id); !st.ok()) return st;
              // Fails after writing, so its row must be rolled back.
              if (id % 7 == 0) return absl::FailedPreconditionError("deliberate failure");
              return absl::OkStatus();
            },
            [&, id](absl::Status status) {
              codes[id].store(static_cast<int>(status.code()));
              calls[id].fetch_add(1);
              completions.Add();
            });
      }
    });
  }
  for (std::thread& c : clients) c.join();
  ASSERT_TRUE(completions.WaitFor(kTotal));

  std::vector<int64_t> expected;
  for (int id = 0; id < kTotal; ++id) {
    ASSERT_EQ(calls[id].load(), 1) << "request " << id;
    if (id % 7 == 0) {
      ASSERT_EQ(codes[id].load(), static_cast<int>(absl::StatusCode::kFailedPrecondition)) << id;
    } else {
      ASSERT_EQ(codes[id].load(), 0) << "request " << id;
      expected.push_back(id);
    }
  }
  EXPECT_EQ(ItemIds(*db), expected);

  DatabaseStats stats = db->Stats();
  EXPECT_EQ(stats.writes_committed, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(stats.writes_failed, kTotal - static_cast<int64_t>(expected.size()));
  EXPECT_GT(stats.batches_committed, 0);
  EXPECT_LT(stats.batches_committed, kTotal);  // writes were batched
  EXPECT_GT(stats.largest_batch, 1);
  EXPECT_LE(stats.largest_batch, 256);
  // No callback is called twice, even later.
  db->Close();
  for (int id = 0; id < kTotal; ++id) ASSERT_EQ(calls[id].load(), 1);
}

TEST_F(SqliteDatabaseTest, FailingWriteIsIsolatedWithinItsBatch) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  std::vector<absl::Status> results(3);
  Completions completions;
  {
    WriterBlocker blocker(*db);
    db->Write([](SqlSession& s) { return InsertItem(s, 1); },
              [&](absl::Status st) { results[0] = st, completions.Add(); });
    db->Write(
        [](SqlSession& s) -> absl::Status {
          if (absl::Status st = InsertItem(s, 2); !st.ok()) return st;
          return InsertItem(s, 1);  // duplicate of the write before it
        },
        [&](absl::Status st) { results[1] = st, completions.Add(); });
    db->Write([](SqlSession& s) { return InsertItem(s, 3); },
              [&](absl::Status st) { results[2] = st, completions.Add(); });
  }
  ASSERT_TRUE(completions.WaitFor(3));
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(results[1].code(), absl::StatusCode::kAlreadyExists) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];
  EXPECT_EQ(ItemIds(*db), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(db->Stats().batches_committed, 2);  // the blocker's, then all three together
  EXPECT_EQ(db->Stats().largest_batch, 3);
}

TEST_F(SqliteDatabaseTest, BatchAbandonedByOneWriteFailsTheOthersWithAborted) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  std::vector<absl::Status> results(3);
  Completions completions;
  {
    WriterBlocker blocker(*db);
    db->Write([](SqlSession& s) { return InsertItem(s, 1); },
              [&](absl::Status st) { results[0] = st, completions.Add(); });
    // Ends the shared transaction, as SQLite itself does on some I/O errors.
    db->Write([](SqlSession& s) { return s.Exec("ROLLBACK"); },
              [&](absl::Status st) { results[1] = st, completions.Add(); });
    db->Write([](SqlSession& s) { return InsertItem(s, 3); },
              [&](absl::Status st) { results[2] = st, completions.Add(); });
  }
  ASSERT_TRUE(completions.WaitFor(3));
  EXPECT_EQ(results[0].code(), absl::StatusCode::kAborted) << results[0];
  EXPECT_FALSE(results[1].ok());
  EXPECT_NE(results[1].code(), absl::StatusCode::kAborted);
  EXPECT_EQ(results[2].code(), absl::StatusCode::kAborted) << results[2];
  EXPECT_TRUE(ItemIds(*db).empty());
  // The writer carries on with the next batch.
  EXPECT_TRUE(db->WriteAndWait([](SqlSession& s) { return InsertItem(s, 4); }).ok());
  EXPECT_EQ(ItemIds(*db), std::vector<int64_t>{4});
}

TEST_F(SqliteDatabaseTest, WriteThatThrowsFailsAloneAsInternal) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  absl::Status thrown = db->WriteAndWait([](SqlSession& s) -> absl::Status {
    if (absl::Status st = InsertItem(s, 1); !st.ok()) return st;
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(thrown.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(thrown.message(), HasSubstr("boom"));
  EXPECT_TRUE(db->WriteAndWait([](SqlSession& s) { return InsertItem(s, 2); }).ok());
  EXPECT_EQ(ItemIds(*db), std::vector<int64_t>{2});
}

TEST_F(SqliteDatabaseTest, AcknowledgedWritesSurviveCloseAndReopen) {
  constexpr int kWrites = 300;
  std::atomic<int> ok{0};
  {
    SqliteDatabasePtr db = MustOpen(Options());
    ASSERT_NE(db, nullptr);
    for (int i = 0; i < kWrites; ++i) {
      db->Write([i](SqlSession& s) { return InsertItem(s, i); },
                [&ok](absl::Status st) { ok += st.ok() ? 1 : 0; });
    }
    ASSERT_TRUE(db->WriteAndWait([](SqlSession& s) { return InsertItem(s, kWrites); }).ok());
    // Destroyed here with writes possibly still queued: they are committed first.
  }
  EXPECT_EQ(ok.load(), kWrites);
  SqliteDatabasePtr reopened = MustOpen(Options());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(ItemIds(*reopened).size(), static_cast<size_t>(kWrites + 1));
}

// Acknowledged means committed: kill -9 the writing process at an arbitrary moment, and every
// write it had acknowledged is in the file.
TEST_F(SqliteDatabaseTest, AcknowledgedWritesSurviveTheProcessBeingKilled) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    absl::StatusOr<SqliteDatabasePtr> db = SqliteDatabase::Open(Options());
    if (!db.ok()) _exit(2);
    std::vector<std::thread> clients;
    for (int64_t t = 0; t < 4; ++t) {
      clients.emplace_back([&db, t, out = fds[1]] {
        for (int64_t id = t;; id += 4) {
          if (!(*db)->WriteAndWait([id](SqlSession& s) { return InsertItem(s, id); }).ok()) {
            _exit(3);
          }
          if (write(out, &id, sizeof id) != sizeof id) _exit(4);
        }
      });
    }
    for (std::thread& c : clients) c.join();
    _exit(0);
  }
  close(fds[1]);

  // Reads acknowledged ids until `enough` of them, or the pipe ends, or time runs out.
  std::vector<int64_t> acked;
  std::string pending;
  auto read_acks = [&](size_t enough) {
    absl::Time deadline = absl::Now() + kTimeout;
    while (acked.size() < enough && absl::Now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) return;
      pending.append(buf, static_cast<size_t>(n));
      while (pending.size() >= sizeof(int64_t)) {
        int64_t id;
        std::memcpy(&id, pending.data(), sizeof id);
        acked.push_back(id);
        pending.erase(0, sizeof id);
      }
    }
  };
  read_acks(2000);
  ASSERT_GE(acked.size(), 2000u) << "the child stopped acknowledging";
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  EXPECT_TRUE(WIFSIGNALED(wstatus));
  read_acks(SIZE_MAX);  // what was acknowledged before the kill, up to end of pipe
  close(fds[0]);

  SqliteDatabasePtr reopened = MustOpen(Options());
  ASSERT_NE(reopened, nullptr);
  std::vector<int64_t> ids = ItemIds(*reopened);
  std::set<int64_t> present(ids.begin(), ids.end());
  size_t missing = 0;
  for (int64_t id : acked) missing += present.count(id) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";
}

TEST_F(SqliteDatabaseTest, CloseCommitsQueuedWritesAndRefusesLaterOnes) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  std::atomic<int> queued_ok{0}, queued_calls{0};
  auto blocker = std::make_unique<WriterBlocker>(*db);
  constexpr int kQueued = 50;
  for (int i = 0; i < kQueued; ++i) {
    db->Write([i](SqlSession& s) { return InsertItem(s, i); },
              [&](absl::Status st) {
                queued_ok += st.ok() ? 1 : 0;
                ++queued_calls;
              });
  }
  std::thread closer([&] { db->Close(); });

  // Probe until the database refuses: a refused write is completed before Write returns.
  int probes_accepted = 0;
  bool refused = false;
  absl::Time deadline = absl::Now() + kTimeout;
  while (!refused && absl::Now() < deadline) {
    bool completed_inline = false;
    absl::Status refusal;
    db->Write([](SqlSession&) { return absl::OkStatus(); },
              [&, caller = std::this_thread::get_id()](absl::Status st) {
                if (std::this_thread::get_id() == caller && !st.ok()) {
                  completed_inline = true;
                  refusal = st;
                }
              });
    if (completed_inline) {
      refused = true;
      EXPECT_EQ(refusal.code(), absl::StatusCode::kUnavailable) << refusal;
      EXPECT_THAT(refusal.message(), HasSubstr("closed"));
    } else {
      ++probes_accepted;
      absl::SleepFor(absl::Milliseconds(1));
    }
  }
  ASSERT_TRUE(refused);
  blocker->Release();
  closer.join();
  blocker.reset();
  EXPECT_EQ(queued_calls.load(), kQueued);
  EXPECT_EQ(queued_ok.load(), kQueued);
  EXPECT_EQ(db->Stats().writes_committed, kQueued + 1 + probes_accepted);
  EXPECT_EQ(db->Read([](SqlSession&) { return absl::OkStatus(); }).code(),
            absl::StatusCode::kUnavailable);

  db.reset();
  SqliteDatabasePtr reopened = MustOpen(Options());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(ItemIds(*reopened).size(), static_cast<size_t>(kQueued));
}

TEST_F(SqliteDatabaseTest, ReadsSeeConsistentSnapshotsWhileWritesCommit) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  constexpr int kWriters = 4;
  constexpr int kTransfers = 500;
  Completions completions;
  std::atomic<bool> writing{true};
  std::atomic<int> reads{0}, torn{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (writing.load()) {
        int64_t a = 0, b = 0;
        absl::Status status = db->Read([&](SqlSession& s) -> absl::Status {
          // Two statements on purpose: only the read transaction keeps them on one snapshot.
          absl::StatusOr<std::optional<SqlRow>> first =
              s.QueryOne("SELECT balance FROM accounts WHERE id = 1");
          if (!first.ok()) return first.status();
          std::this_thread::yield();
          absl::StatusOr<std::optional<SqlRow>> second =
              s.QueryOne("SELECT balance FROM accounts WHERE id = 2");
          if (!second.ok()) return second.status();
          a = (*first)->GetInt64(0);
          b = (*second)->GetInt64(0);
          return absl::OkStatus();
        });
        ASSERT_TRUE(status.ok()) << status;
        if (a + b != 1000) ++torn;
        ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kTransfers; ++i) {
        int64_t amount = (w + i) % 13 + 1;
        int64_t from = (i % 2) + 1, to = 3 - from;
        db->Write(
            [=](SqlSession& s) -> absl::Status {
              absl::Status st =
                  s.Exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", {amount, from});
              if (!st.ok()) return st;
              return s.Exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", {amount, to});
            },
            [&](absl::Status st) {
              EXPECT_TRUE(st.ok()) << st;
              completions.Add();
            });
        if (i % 50 == 0) std::this_thread::yield();
      }
    });
  }
  for (std::thread& w : writers) w.join();
  EXPECT_TRUE(completions.WaitFor(kWriters * kTransfers));
  writing = false;
  for (std::thread& r : readers) r.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(torn.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(db->Stats().batches_committed, 1);
}

TEST_F(SqliteDatabaseTest, ReadsDoNotWaitForTheWriter) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  absl::Notification inserted, release, done;
  db->Write(
      [&](SqlSession& s) -> absl::Status {
        absl::Status st = InsertItem(s, 1);
        inserted.Notify();
        release.WaitForNotificationWithTimeout(kTimeout);
        return st;
      },
      [&](absl::Status) { done.Notify(); });
  ASSERT_TRUE(inserted.WaitForNotificationWithTimeout(kTimeout));
  // The writer holds the write lock with an uncommitted row: reads go on, without it.
  absl::Time start = absl::Now();
  EXPECT_TRUE(ItemIds(*db).empty());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  release.Notify();
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kTimeout));
  EXPECT_EQ(ItemIds(*db), std::vector<int64_t>{1});  // visible once acknowledged
}

TEST_F(SqliteDatabaseTest, FullQueueRefusesWithResourceExhausted) {
  SqliteDatabaseOptions options = Options();
  options.max_pending = 4;
  SqliteDatabasePtr db = MustOpen(options);
  ASSERT_NE(db, nullptr);
  std::atomic<int> ok{0};
  Completions completions;
  absl::Status refused;
  {
    WriterBlocker blocker(*db);
    for (int i = 0; i < 4; ++i) {
      db->Write([i](SqlSession& s) { return InsertItem(s, i); },
                [&](absl::Status st) {
                  ok += st.ok() ? 1 : 0;
                  completions.Add();
                });
    }
    db->Write([](SqlSession& s) { return InsertItem(s, 99); },
              [&](absl::Status st) { refused = st; });
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  }
  ASSERT_TRUE(completions.WaitFor(4));
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(db->Stats().writes_rejected, 1);
  EXPECT_EQ(ItemIds(*db).size(), 4u);
  // Once drained the queue takes writes again.
  EXPECT_TRUE(db->WriteAndWait([](SqlSession& s) { return InsertItem(s, 99); }).ok());
}

TEST_F(SqliteDatabaseTest, WriteAndWaitFromTheWriterThreadIsRefused) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  absl::Notification done;
  absl::Status nested;
  db->Write([](SqlSession&) { return absl::OkStatus(); },
            [&](absl::Status) {
              nested = db->WriteAndWait([](SqlSession&) { return absl::OkStatus(); });
              done.Notify();
            });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kTimeout));
  EXPECT_EQ(nested.code(), absl::StatusCode::kFailedPrecondition) << nested;
}

TEST_F(SqliteDatabaseTest, ReadReturnsTheCallbacksErrorAndTheReaderStaysUsable) {
  SqliteDatabaseOptions options = Options();
  options.readers = 1;
  SqliteDatabasePtr db = MustOpen(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->Read([](SqlSession&) { return absl::NotFoundError("nope"); }),
            absl::NotFoundError("nope"));
  absl::Status write = db->Read([](SqlSession& s) { return InsertItem(s, 1); });
  EXPECT_FALSE(write.ok());  // read connections are read-only
  EXPECT_TRUE(ItemIds(*db).empty());
}

TEST_F(SqliteDatabaseTest, EmptyWriteFunctionIsRefusedAtOnce) {
  SqliteDatabasePtr db = MustOpen(Options());
  ASSERT_NE(db, nullptr);
  absl::Status status;
  bool called = false;
  db->Write(nullptr, [&](absl::Status st) {
    status = st;
    called = true;
  });
  EXPECT_TRUE(called);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(SqliteDatabaseOpenTest, RefusesOptionsThatCannotWork) {
  SqliteDatabaseOptions memory;
  memory.path = ":memory:";
  EXPECT_EQ(SqliteDatabase::Open(memory).status().code(), absl::StatusCode::kInvalidArgument);
  test_support::TempDir dir;
  SqliteDatabaseOptions no_readers;
  no_readers.path = dir.path() + "/db";
  no_readers.readers = 0;
  EXPECT_EQ(SqliteDatabase::Open(no_readers).status().code(), absl::StatusCode::kInvalidArgument);
  SqliteDatabaseOptions missing_dir;
  missing_dir.path = dir.path() + "/no/such/dir/db";
  EXPECT_EQ(SqliteDatabase::Open(missing_dir).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace okr::common
