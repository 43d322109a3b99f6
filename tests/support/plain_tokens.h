// A token verifier for in-process integration tests: tokens are "tenant.subject.role~role", so a
// test names its caller without signing anything (authentication itself is tested elsewhere).
// Header-only: tests that include it link okr::common_auth already.
#ifndef OKR_TESTS_SUPPORT_PLAIN_TOKENS_H_
#define OKR_TESTS_SUPPORT_PLAIN_TOKENS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "okr/common/auth/token_verifier.h"

namespace okr::test_support {

class PlainTokens final : public common::TokenVerifier {
 public:
  absl::StatusOr<common::Principal> Verify(std::string_view token) const override {
    std::vector<std::string> parts = absl::StrSplit(std::string(token), '.');
    if (parts.size() != 3) return absl::UnauthenticatedError("bad test token");
    common::Principal principal{parts[0], parts[1], {}};
    for (auto role : absl::StrSplit(parts[2], '~', absl::SkipEmpty())) {
      principal.roles.emplace_back(role);
    }
    return principal;
  }
};

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_PLAIN_TOKENS_H_
