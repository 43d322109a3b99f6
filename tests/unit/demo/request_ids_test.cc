#include "tools/okr-demo/request_ids.h"

#include <gtest/gtest.h>

#include <set>

#include "tools/okr-demo/parallel.h"

namespace okr::demo {
namespace {

TEST(DemoRequestIdTest, UuidShapedStableAndDistinct) {
  const std::string id = DemoRequestId(42, "objective", 7);
  ASSERT_EQ(id.size(), 36u);
  for (size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[i], '-') << id;
  EXPECT_EQ(id[14], '4') << id;                                          // version 4
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 4122 variant
  EXPECT_EQ(id, DemoRequestId(42, "objective", 7));
  std::set<std::string> ids;
  for (uint64_t seed : {1u, 42u}) {
    for (const char* kind : {"objective", "key-result", "check-in"}) {
      for (uint64_t i = 0; i < 2000; ++i) ids.insert(DemoRequestId(seed, kind, i));
    }
  }
  EXPECT_EQ(ids.size(), 2u * 3u * 2000u);
}

TEST(ParallelForTest, RunsEveryItemOnceAndReportsTheFirstError) {
  std::vector<int> hits(500, 0);
  EXPECT_TRUE(ParallelFor(hits.size(), 8, [&](size_t i) {
                ++hits[i];
                return absl::OkStatus();
              }).ok());
  for (int h : hits) EXPECT_EQ(h, 1);
  absl::Status s = ParallelFor(100, 1, [](size_t i) {
    return i >= 10 ? absl::InternalError("item " + std::to_string(i)) : absl::OkStatus();
  });
  EXPECT_EQ(s.message(), "item 10");
  EXPECT_TRUE(ParallelFor(0, 4, [](size_t) { return absl::InternalError("never"); }).ok());
}

}  // namespace
}  // namespace okr::demo
