// The loader acts as the people of the demo: each write is made with a token whose subject is the
// person who would make it (the check-in's author, the feedback's giver), so the services apply
// their usual rules to it. Administrator writes (the org, the cycle, company objectives, the review
// cycle) use a token with roles admin and ingest.
#ifndef OKR_TOOLS_OKR_DEMO_TOKENS_H_
#define OKR_TOOLS_OKR_DEMO_TOKENS_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "okr/common/auth/token_minter.h"

namespace okr::demo {

class Tokens {
 public:
  // `claims` gives tenant, issuer, audience and lifetime; subjects and roles are set per token.
  Tokens(okr::common::TokenClaims claims, std::string hs256_secret)
      : claims_(std::move(claims)), secret_(std::move(hs256_secret)) {}

  // The administrator's token (subject "okr-demo", roles admin and ingest).
  absl::StatusOr<std::string> Admin() { return Mint("okr-demo", true); }
  // A token acting as `people/{person}` with no roles.
  absl::StatusOr<std::string> As(const std::string& person) { return Mint(person, false); }

 private:
  absl::StatusOr<std::string> Mint(const std::string& subject, bool admin);

  const okr::common::TokenClaims claims_;
  const std::string secret_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, bool>, std::string> minted_ ABSL_GUARDED_BY(mu_);
};

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_TOKENS_H_
