#include "okr/common/aip/page_token.h"

#include <gtest/gtest.h>

#include <random>

#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

const PageScope kScope{"acme", {"ListPeople", "teams/eng", "", "0"}};

void ExpectInvalidToken(const absl::StatusOr<std::string>& opened) {
  ASSERT_FALSE(opened.ok()) << *opened;
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(opened.status()), "INVALID_PAGE_TOKEN");
  auto violations = ErrorFieldViolations(opened.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "page_token");
}

TEST(PageTokenCodecTest, OpensWhatItSealed) {
  PageTokenCodec codec(std::string(32, 'k'));
  const std::string token = codec.Seal(kScope, "person-0042");
  auto position = codec.Open(token, kScope);
  ASSERT_TRUE(position.ok()) << position.status();
  EXPECT_EQ(*position, "person-0042");
}

TEST(PageTokenCodecTest, TokenIsUrlSafe) {
  PageTokenCodec codec(PageTokenCodec::GenerateKey());
  const std::string token = codec.Seal(kScope, std::string("\xff\xfe/+=?&", 7));
  for (char c : token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
  }
  EXPECT_EQ(*codec.Open(token, kScope), std::string("\xff\xfe/+=?&", 7));
}

TEST(PageTokenCodecTest, AnotherTenantCannotOpenIt) {
  PageTokenCodec codec(std::string(32, 'k'));
  const std::string token = codec.Seal(kScope, "p1");
  PageScope other = kScope;
  other.tenant = "globex";
  ExpectInvalidToken(codec.Open(token, other));
}

TEST(PageTokenCodecTest, OtherRequestFieldsCannotOpenIt) {
  PageTokenCodec codec(std::string(32, 'k'));
  const std::string token = codec.Seal(kScope, "p1");
  PageScope other = kScope;
  other.fields[1] = "teams/sales";
  ExpectInvalidToken(codec.Open(token, other));
  // Field boundaries count: moving a character from one field to the next is another request.
  PageScope shifted{"acme", {"ListPeople", "teams/en", "g", "0"}};
  ExpectInvalidToken(codec.Open(token, shifted));
  PageScope other_method = kScope;
  other_method.fields[0] = "ListTeams";
  ExpectInvalidToken(codec.Open(token, other_method));
}

TEST(PageTokenCodecTest, AnotherKeyCannotOpenIt) {
  const std::string token = PageTokenCodec(std::string(32, 'a')).Seal(kScope, "p1");
  ExpectInvalidToken(PageTokenCodec(std::string(32, 'b')).Open(token, kScope));
}

TEST(PageTokenCodecTest, EveryAlteredCharacterIsRejected) {
  PageTokenCodec codec(std::string(32, 'k'));
  const std::string token = codec.Seal(kScope, "person-0042");
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    auto opened = codec.Open(tampered, kScope);
    // The last character may carry only padding bits that decoding ignores; it must then still
    // give the original position, never another one.
    if (opened.ok()) {
      EXPECT_EQ(i, token.size() - 1);
      EXPECT_EQ(*opened, "person-0042");
    } else {
      ExpectInvalidToken(opened);
    }
  }
}

TEST(PageTokenCodecTest, MalformedTokensAreRejected) {
  PageTokenCodec codec(std::string(32, 'k'));
  for (const std::string& token :
       {std::string("x"), std::string("!!!!"), std::string("AAAA"), std::string(5000, 'A'),
        std::string("a b c"), std::string(1, '\0'), std::string("====")}) {
    ExpectInvalidToken(codec.Open(token, kScope));
  }
  // Valid base64 of a MAC-length blob without a header is still rejected.
  ExpectInvalidToken(codec.Open(std::string(64, 'A'), kScope));
}

// A small libFuzzer-style loop: random bytes, and random mutations of a valid token, never crash
// and never open.
TEST(PageTokenCodecTest, RandomInputNeverCrashesOrOpens) {
  PageTokenCodec codec(std::string(32, 'k'));
  const std::string valid = codec.Seal(kScope, "person-0042");
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> length(0, 200);
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=";
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    if (round % 2 == 0) {
      const size_t size = length(random);
      for (size_t i = 0; i < size; ++i) {
        input.push_back(round % 4 == 0
                            ? static_cast<char>(byte(random))
                            : alphabet[static_cast<size_t>(byte(random)) % alphabet.size()]);
      }
    } else {
      input = valid;
      const int edits = 1 + byte(random) % 4;
      for (int e = 0; e < edits; ++e) {
        const size_t at = static_cast<size_t>(byte(random)) % input.size();
        input[at] = alphabet[static_cast<size_t>(byte(random)) % alphabet.size()];
      }
      if (input == valid) continue;
    }
    auto opened = codec.Open(input, kScope);
    if (opened.ok()) {
      // Only a change in ignored padding bits can open, and then it yields the same position.
      EXPECT_EQ(*opened, "person-0042") << input;
    } else {
      EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(PageTokenCodecTest, GeneratedKeysDiffer) {
  EXPECT_EQ(PageTokenCodec::GenerateKey().size(), 32u);
  EXPECT_NE(PageTokenCodec::GenerateKey(), PageTokenCodec::GenerateKey());
}

}  // namespace
}  // namespace okr::common
