#include "okr/common/auth/bearer.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace okr::common {
namespace {

constexpr std::string_view kJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

TEST(ExtractBearerTokenTest, ReturnsTheToken) {
  const std::string header = "Bearer " + std::string(kJwt);
  absl::StatusOr<std::string_view> token = ExtractBearerToken(header);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, kJwt);
  EXPECT_EQ(token->data(), header.data() + 7);  // A view into the header, not a copy.
}

TEST(ExtractBearerTokenTest, SchemeIsCaseInsensitive) {
  for (const char* scheme : {"bearer", "BEARER", "bEaReR"}) {
    const std::string header = std::string(scheme) + " abc";  // The result views into it.
    absl::StatusOr<std::string_view> token = ExtractBearerToken(header);
    ASSERT_TRUE(token.ok()) << scheme << ": " << token.status();
    EXPECT_EQ(*token, "abc");
  }
}

TEST(ExtractBearerTokenTest, AcceptsAllRfc6750TokenCharacters) {
  absl::StatusOr<std::string_view> token = ExtractBearerToken("Bearer aZ09-._~+/==");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "aZ09-._~+/==");
}

TEST(ExtractBearerTokenTest, MissingHeaderIsUnauthenticated) {
  absl::StatusOr<std::string_view> token = ExtractBearerToken("");
  EXPECT_EQ(token.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(token.status().message(), "missing bearer token");
}

TEST(ExtractBearerTokenTest, MalformedHeadersAreUnauthenticated) {
  for (const char* header :
       {"Bearer", "Bearer ", "Bearer  abc", "Bearer\tabc", "Bearerabc", "Basic dXNlcjpwYXNz",
        "Token abc", " Bearer abc", "Bearer abc ", "Bearer abc def", "Bearer ===", "Bearer a=b",
        "Bearer abc\n", "Bearer ab\xc3\xa9", "Bearer: abc"}) {
    absl::StatusOr<std::string_view> token = ExtractBearerToken(header);
    EXPECT_EQ(token.status().code(), absl::StatusCode::kUnauthenticated) << header;
    EXPECT_EQ(token.status().message(), "malformed authorization header") << header;
  }
}

}  // namespace
}  // namespace okr::common
