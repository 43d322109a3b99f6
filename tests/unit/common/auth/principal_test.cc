#include "okr/common/auth/principal.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "okr/common/auth/exempt_methods.h"
#include "okr/common/auth/mock_token_verifier.h"

namespace okr::common {
namespace {

TEST(PrincipalTest, HasRoleMatchesExactly) {
  const Principal principal{"acme", "alice", {"member", "manager"}};
  EXPECT_TRUE(principal.HasRole("member"));
  EXPECT_TRUE(principal.HasRole("manager"));
  EXPECT_FALSE(principal.HasRole("Manager"));
  EXPECT_FALSE(principal.HasRole("admin"));
  EXPECT_FALSE(principal.HasRole(""));
  EXPECT_FALSE(Principal{}.HasRole("member"));
}

TEST(MockTokenVerifierTest, StandsInForTheInterface) {
  MockTokenVerifier mock;
  EXPECT_CALL(mock, Verify(std::string_view("good")))
      .WillOnce(::testing::Return(Principal{"acme", "alice", {}}));
  const TokenVerifier& verifier = mock;
  absl::StatusOr<Principal> principal = verifier.Verify("good");
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->tenant, "acme");
}

TEST(IsExemptFromAuthTest, HealthAndReflectionAreExempt) {
  EXPECT_TRUE(IsExemptFromAuth("/grpc.health.v1.Health/Check"));
  EXPECT_TRUE(IsExemptFromAuth("/grpc.health.v1.Health/Watch"));
  EXPECT_TRUE(IsExemptFromAuth("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
  EXPECT_TRUE(IsExemptFromAuth("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
}

TEST(IsExemptFromAuthTest, EverythingElseNeedsAToken) {
  EXPECT_FALSE(IsExemptFromAuth("/okr.goals.v1.GoalService/CreateGoal"));
  EXPECT_FALSE(IsExemptFromAuth("/grpc.health.v1.HealthX/Check"));
  EXPECT_FALSE(IsExemptFromAuth("/grpc.health.v1.Health/"));
  EXPECT_FALSE(IsExemptFromAuth("grpc.health.v1.Health/Check"));
  EXPECT_FALSE(IsExemptFromAuth("/okr.goals.v1.GoalService/grpc.health.v1.Health/Check"));
  EXPECT_FALSE(IsExemptFromAuth(""));
}

}  // namespace
}  // namespace okr::common
