// GoogleMock double for TokenVerifier, for tests of code that authenticates callers.
// Header-only: only test targets (which link GMock) include it.
#ifndef OKR_COMMON_AUTH_MOCK_TOKEN_VERIFIER_H_
#define OKR_COMMON_AUTH_MOCK_TOKEN_VERIFIER_H_

#include <string_view>

#include "gmock/gmock.h"
#include "okr/common/auth/token_verifier.h"

namespace okr::common {

class MockTokenVerifier : public TokenVerifier {
 public:
  MOCK_METHOD(absl::StatusOr<Principal>, Verify, (std::string_view token), (const, override));
};

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_MOCK_TOKEN_VERIFIER_H_
