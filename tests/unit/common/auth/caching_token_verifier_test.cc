#include "okr/common/auth/caching_token_verifier.h"

#include <gtest/gtest.h>

#include <atomic>

namespace okr::common {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// Accepts tokens starting with "ok" (expiring at kT0 + 60 s, or never for "ok-forever"), counting
// how often it is asked.
class CountingVerifier final : public TokenVerifier {
 public:
  explicit CountingVerifier(std::atomic<int>* calls) : calls_(calls) {}
  absl::StatusOr<Principal> Verify(std::string_view token) const override {
    ++*calls_;
    if (!token.starts_with("ok")) return absl::UnauthenticatedError("rejected");
    Principal principal{"acme", std::string(token), {"admin"}};
    if (token != "ok-forever") principal.expires = kT0 + absl::Seconds(60);
    return principal;
  }

 private:
  std::atomic<int>* calls_;
};

class CachingTokenVerifierTest : public ::testing::Test {
 protected:
  CachingTokenVerifier Make(size_t capacity = 100) {
    return CachingTokenVerifier(std::make_unique<CountingVerifier>(&calls_), capacity,
                                [this] { return now_; });
  }
  std::atomic<int> calls_{0};
  absl::Time now_ = kT0;
};

TEST_F(CachingTokenVerifierTest, AcceptedTokenIsVerifiedOnceUntilItExpires) {
  CachingTokenVerifier verifier = Make();
  for (int i = 0; i < 3; ++i) {
    auto principal = verifier.Verify("ok-alice");
    ASSERT_TRUE(principal.ok());
    EXPECT_EQ(principal->subject, "ok-alice");
  }
  EXPECT_EQ(calls_, 1);
  EXPECT_TRUE(verifier.Verify("ok-bob").ok());
  EXPECT_EQ(calls_, 2);
  // At expiry the inner verifier decides again (here it would still accept: the fake has no
  // clock), so an expired token is never served from the cache.
  now_ = kT0 + absl::Seconds(60);
  EXPECT_TRUE(verifier.Verify("ok-alice").ok());
  EXPECT_EQ(calls_, 3);
  // ...and what it accepts with an expiry already past is not cached.
  EXPECT_TRUE(verifier.Verify("ok-alice").ok());
  EXPECT_EQ(calls_, 4);
}

TEST_F(CachingTokenVerifierTest, RejectionsAndTokensWithoutExpiryAreNotCached) {
  CachingTokenVerifier verifier = Make();
  EXPECT_FALSE(verifier.Verify("forged").ok());
  EXPECT_FALSE(verifier.Verify("forged").ok());
  EXPECT_EQ(calls_, 2);
  EXPECT_TRUE(verifier.Verify("ok-forever").ok());
  EXPECT_TRUE(verifier.Verify("ok-forever").ok());
  EXPECT_EQ(calls_, 4);
}

TEST_F(CachingTokenVerifierTest, MemoryIsBoundedByTheCapacity) {
  CachingTokenVerifier verifier = Make(/*capacity=*/16);  // one entry per shard
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(verifier.Verify("ok-" + std::to_string(i)).ok());
  EXPECT_EQ(calls_, 1000);
  // Whatever survived, asking for all of them again cannot hit more than the capacity.
  calls_ = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(verifier.Verify("ok-" + std::to_string(i)).ok());
  EXPECT_GE(calls_, 1000 - 16);
}

}  // namespace
}  // namespace okr::common
