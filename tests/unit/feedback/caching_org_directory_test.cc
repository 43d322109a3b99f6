// The org cache: answers within the TTL without asking, asks again after it, serves stale
// entries for a bounded time while goals is down, and asks again after an org change.
#include "services/feedback/src/clients/caching_org_directory.h"

#include <gtest/gtest.h>

#include "services/feedback/src/clients/fake_org_directory.h"

namespace okr::feedback {
namespace {

class CachingOrgDirectoryTest : public ::testing::Test {
 protected:
  CachingOrgDirectoryTest() {
    fake_.Put("t", {"rec", "mgr", {}, true});
    fake_.Put("t", {"mgr", "top", {}, true});
    fake_.Put("t", {"top", "", {}, true});
    OrgCacheOptions options;
    options.ttl = absl::Seconds(30);
    options.serve_stale_for = absl::Minutes(5);
    options.clock = [this] { return now_; };
    options.on_miss = [this](const std::string& tenant) { missed_tenants_.push_back(tenant); };
    cache_ = std::make_unique<CachingOrgDirectory>(&fake_, options);
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  FakeOrgDirectory fake_;
  std::vector<std::string> missed_tenants_;
  std::unique_ptr<CachingOrgDirectory> cache_;
};

TEST_F(CachingOrgDirectoryTest, AnswersWithinTheTtlWithoutAsking) {
  ASSERT_EQ(cache_->ManagerChain("t", "rec").value(), (std::vector<std::string>{"mgr", "top"}));
  const int calls = fake_.calls();
  now_ += absl::Seconds(29);
  ASSERT_TRUE(cache_->ManagerChain("t", "rec").ok());
  EXPECT_EQ(fake_.calls(), calls);
  now_ += absl::Seconds(2);
  ASSERT_TRUE(cache_->ManagerChain("t", "rec").ok());
  EXPECT_GT(fake_.calls(), calls);
  EXPECT_EQ(cache_->stats().hits, 1);
  EXPECT_EQ(missed_tenants_.front(), "t");
}

TEST_F(CachingOrgDirectoryTest, ServesStaleForABoundedTimeWhileGoalsIsDown) {
  ASSERT_TRUE(cache_->GetPerson("t", "rec").ok());
  fake_.SetDown(true);
  now_ += absl::Minutes(4);
  auto stale = cache_->GetPerson("t", "rec");
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->manager, "mgr");
  EXPECT_EQ(cache_->stats().stale, 1);
  now_ += absl::Minutes(2);  // past TTL + serve_stale_for
  EXPECT_TRUE(absl::IsUnavailable(cache_->GetPerson("t", "rec").status()));
  // Never known: UNAVAILABLE at once.
  EXPECT_TRUE(absl::IsUnavailable(cache_->GetPerson("t", "mgr").status()));
}

TEST_F(CachingOrgDirectoryTest, AnOrgChangeForgetsTheTenant) {
  ASSERT_EQ(cache_->ManagerChain("t", "rec").value().front(), "mgr");
  fake_.Put("t", {"rec", "top", {}, true});  // a re-org in goals
  EXPECT_EQ(cache_->ManagerChain("t", "rec").value().front(), "mgr") << "cached";
  cache_->InvalidateTenant("t");
  EXPECT_EQ(cache_->ManagerChain("t", "rec").value().front(), "top");
  EXPECT_EQ(cache_->stats().invalidations, 1);
}

TEST_F(CachingOrgDirectoryTest, AnInvalidatedEntryAsksAgainButIsServedStaleWhileGoalsIsDown) {
  ASSERT_TRUE(cache_->ManagerChain("t", "rec").ok());
  const int calls = fake_.calls();
  cache_->InvalidateTenant("t");
  // Within its TTL, but out of date: asked again.
  ASSERT_TRUE(cache_->ManagerChain("t", "rec").ok());
  EXPECT_EQ(fake_.calls(), calls + 1);
  cache_->InvalidateTenant("t");
  fake_.SetDown(true);
  auto stale = cache_->ManagerChain("t", "rec");
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->front(), "mgr");
  EXPECT_EQ(cache_->stats().stale, 1);
  // An invalidation also drops what is too old to be served at all.
  now_ += absl::Minutes(6);
  cache_->InvalidateTenant("t");
  fake_.SetDown(false);
  ASSERT_TRUE(cache_->ManagerChain("t", "rec").ok());
  fake_.SetDown(true);
  now_ += absl::Minutes(6);
  EXPECT_TRUE(absl::IsUnavailable(cache_->ManagerChain("t", "rec").status()));
}

TEST_F(CachingOrgDirectoryTest, NotFoundIsNotServedFromAnOldEntry) {
  ASSERT_TRUE(cache_->GetPerson("t", "rec").ok());
  now_ += absl::Minutes(1);
  FakeOrgDirectory empty;
  OrgCacheOptions options;
  options.clock = [this] { return now_; };
  CachingOrgDirectory cache(&empty, options);
  EXPECT_TRUE(absl::IsNotFound(cache.GetPerson("t", "rec").status()));
}

}  // namespace
}  // namespace okr::feedback
