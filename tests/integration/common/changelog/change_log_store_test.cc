// The change log table on a real SQLite file, through the group-commit writer.
#include "okr/common/changelog/change_log_store.h"

#include <gtest/gtest.h>

#include <vector>

#include "okr/common/changelog/change_feed.h"
#include "okr/common/storage/sqlite_database.h"
#include "tests/support/temp_dir.h"

namespace okr::common {
namespace {

class ChangeLogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteDatabaseOptions options;
    options.path = dir_.path() + "/log.db";
    options.migrations = {{1, "change log", ChangeLogSchemaSql()}};
    auto db = SqliteDatabase::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  // Appends one entry per (tenant, time) in one write; returns the positions.
  std::vector<int64_t> Append(const std::vector<std::pair<std::string, absl::Time>>& rows) {
    std::vector<int64_t> seqs;
    ChangeBatch batch;
    absl::Status s = db_->WriteAndWait([&](SqlSession& session) -> absl::Status {
      for (const auto& [tenant, time] : rows) {
        ChangeEntry e;
        e.tenant = tenant;
        e.commit_time = time;
        e.kind = 7;
        e.resource = "objectives/o";
        e.payload = std::string("\x00\x01payload", 9);
        if (absl::Status a = batch.Append(session, e); !a.ok()) return a;
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    for (const auto& e : batch.entries()) seqs.push_back(e->seq);
    return seqs;
  }

  std::vector<ChangeEntryPtr> Read(const std::string& tenant, int64_t after, int64_t up_to,
                                   int limit) {
    std::vector<ChangeEntryPtr> out;
    absl::Status s = db_->Read([&](SqlSession& session) {
      auto rows = ChangeLogStore::ReadAfter(session, tenant, after, up_to, limit);
      if (!rows.ok()) return rows.status();
      out = *rows;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  ChangeLogBounds Bounds() {
    ChangeLogBounds bounds;
    absl::Status s = db_->Read([&](SqlSession& session) {
      auto b = ChangeLogStore::Bounds(session);
      if (!b.ok()) return b.status();
      bounds = *b;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return bounds;
  }

  test_support::TempDir dir_;
  SqliteDatabasePtr db_;
};

TEST_F(ChangeLogStoreTest, PositionsIncreaseAndReadsStayInOneTenant) {
  const absl::Time t = absl::FromUnixSeconds(1000);
  auto seqs = Append({{"a", t}, {"b", t}, {"a", t}});
  ASSERT_EQ(seqs.size(), 3u);
  EXPECT_LT(seqs[0], seqs[1]);
  EXPECT_LT(seqs[1], seqs[2]);
  auto a = Read("a", 0, seqs[2], 10);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0]->seq, seqs[0]);
  EXPECT_EQ(a[1]->seq, seqs[2]);
  EXPECT_EQ(a[0]->payload, std::string("\x00\x01payload", 9));
  EXPECT_EQ(a[0]->commit_time, t);
  EXPECT_EQ(Read("a", seqs[0], seqs[2], 10).size(), 1u);
  EXPECT_EQ(Read("a", 0, seqs[1], 10).size(), 1u);  // up_to bounds the read
  EXPECT_EQ(Read("a", 0, seqs[2], 1).size(), 1u);   // and so does the limit
  EXPECT_EQ(Bounds().last_seq, seqs[2]);
}

TEST_F(ChangeLogStoreTest, PruningMovesTheHorizonAndPositionsNeverRepeat) {
  auto old_seqs = Append({{"a", absl::FromUnixSeconds(10)}, {"a", absl::FromUnixSeconds(20)}});
  auto new_seqs = Append({{"a", absl::FromUnixSeconds(100)}});
  int64_t deleted = 0;
  ASSERT_TRUE(db_->WriteAndWait([&](SqlSession& session) -> absl::Status {
                   auto n = ChangeLogStore::Prune(session, absl::FromUnixSeconds(50), 1000);
                   if (!n.ok()) return n.status();
                   deleted = *n;
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(deleted, 2);
  ChangeLogBounds bounds = Bounds();
  EXPECT_EQ(bounds.pruned_through, old_seqs[1]);
  EXPECT_EQ(bounds.last_seq, new_seqs[0]);
  // Every row gone: the next position still follows the last one.
  ASSERT_TRUE(
      db_->WriteAndWait([&](SqlSession& session) -> absl::Status {
           return ChangeLogStore::Prune(session, absl::FromUnixSeconds(1000), 1000).status();
         })
          .ok());
  EXPECT_EQ(Bounds().pruned_through, new_seqs[0]);
  auto later = Append({{"a", absl::FromUnixSeconds(2000)}});
  EXPECT_GT(later[0], new_seqs[0]);
}

TEST_F(ChangeLogStoreTest, AFailedWriteLeavesNoEntry) {
  ChangeBatch batch;
  absl::Status s = db_->WriteAndWait([&](SqlSession& session) -> absl::Status {
    ChangeEntry e;
    e.tenant = "a";
    if (absl::Status a = batch.Append(session, e); !a.ok()) return a;
    return absl::AbortedError("the write's own check failed after appending");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(Read("a", 0, 1000, 10).empty());
}

}  // namespace
}  // namespace okr::common
