#include "okr/common/auth/jwt_algorithm.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace okr::common {
namespace {

TEST(JwtAlgorithmTest, NamesRoundTrip) {
  for (JwtAlgorithm algorithm :
       {JwtAlgorithm::kHs256, JwtAlgorithm::kRs256, JwtAlgorithm::kEs256}) {
    absl::StatusOr<JwtAlgorithm> parsed = ParseJwtAlgorithm(JwtAlgorithmName(algorithm));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, algorithm);
  }
  EXPECT_EQ(JwtAlgorithmName(JwtAlgorithm::kEs256), "ES256");
}

TEST(JwtAlgorithmTest, ParseRejectsOtherNamesAndCase) {
  for (const char* name : {"none", "hs256", "HS512", "PS256", "", "HS256 "}) {
    EXPECT_EQ(ParseJwtAlgorithm(name).status().code(), absl::StatusCode::kInvalidArgument) << name;
  }
}

}  // namespace
}  // namespace okr::common
