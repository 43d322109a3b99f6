#include "okr/common/changelog/change_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "okr/common/changelog/resume_token.h"

namespace okr::common {
namespace {

ChangeEntryPtr Entry(int64_t seq) {
  auto e = std::make_shared<ChangeEntry>();
  e->seq = seq;
  e->tenant = "t";
  e->commit_time = absl::FromUnixSeconds(seq);
  return e;
}

std::vector<int64_t> Seqs(const std::vector<ChangeEntryPtr>& entries) {
  std::vector<int64_t> out;
  for (const auto& e : entries) out.push_back(e->seq);
  return out;
}

TEST(ChangeHubTest, ServesEntriesAfterAPositionInOrder) {
  ChangeHub hub(16);
  hub.Reset(10, absl::UnixEpoch());
  hub.Publish({Entry(11), Entry(12), Entry(13)});
  std::vector<ChangeEntryPtr> out;
  ASSERT_TRUE(hub.ReadAfter(11, 10, &out));
  EXPECT_EQ(Seqs(out), (std::vector<int64_t>{12, 13}));
  out.clear();
  ASSERT_TRUE(hub.ReadAfter(13, 10, &out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(hub.last_seq(), 13);
  EXPECT_EQ(hub.last_commit_time(), absl::FromUnixSeconds(13));
}

TEST(ChangeHubTest, APositionBeforeMemorySendsTheReaderToTheDatabase) {
  ChangeHub hub(2);
  hub.Reset(10, absl::UnixEpoch());
  std::vector<ChangeEntryPtr> out;
  EXPECT_FALSE(hub.ReadAfter(9, 10, &out));  // committed before the hub started
  hub.Publish({Entry(11), Entry(12), Entry(13)});
  EXPECT_FALSE(hub.ReadAfter(10, 10, &out));  // 11 was evicted
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(hub.ReadAfter(11, 10, &out));
  EXPECT_EQ(Seqs(out), (std::vector<int64_t>{12, 13}));
}

TEST(ChangeHubTest, AGapInPublishedEntriesIsNeverSkippedByMemoryReaders) {
  ChangeHub hub(16);
  hub.Reset(0, absl::UnixEpoch());
  hub.Publish({Entry(1), Entry(2)});
  hub.Publish({Entry(5)});  // 3 and 4 committed unpublished
  std::vector<ChangeEntryPtr> out;
  EXPECT_FALSE(hub.ReadAfter(2, 10, &out));
  ASSERT_TRUE(hub.ReadAfter(4, 10, &out));
  EXPECT_EQ(Seqs(out), (std::vector<int64_t>{5}));
}

TEST(ChangeHubTest, ListenersAreWokenOncePerPublishUntilUnsubscribed) {
  ChangeHub hub;
  std::atomic<int> calls{0};
  const int id = hub.Subscribe([&] { ++calls; });
  hub.Publish({Entry(1), Entry(2)});
  hub.Publish({Entry(3)});
  EXPECT_EQ(calls.load(), 2);
  hub.Unsubscribe(id);
  hub.Publish({Entry(4)});
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST(ResumeTokenTest, RoundTripsAndRefusesAnythingElse) {
  auto seq = DecodeResumeToken(EncodeResumeToken(12345), "resume_token");
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 12345);
  for (const char* bad :
       {"", "c1.", "c1.-1", "c1.01", "c2.5", "c1.5x", "12", "c1.99999999999999999999999"}) {
    auto decoded = DecodeResumeToken(bad, "resume_token");
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace okr::common
