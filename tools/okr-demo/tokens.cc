#include "tools/okr-demo/tokens.h"

#include "absl/time/clock.h"
#include "okr/common/auth/jwt_algorithm.h"

namespace okr::demo {

absl::StatusOr<std::string> Tokens::Mint(const std::string& subject, bool admin) {
  absl::MutexLock lock(&mu_);
  auto it = minted_.find({subject, admin});
  if (it != minted_.end()) return it->second;
  okr::common::TokenClaims claims = claims_;
  claims.subject = subject;
  if (admin) claims.roles = {"admin", "ingest"};
  absl::StatusOr<std::string> token =
      okr::common::MintToken(claims, okr::common::JwtAlgorithm::kHs256, secret_, absl::Now());
  if (token.ok()) minted_[{subject, admin}] = *token;
  return token;
}

}  // namespace okr::demo
