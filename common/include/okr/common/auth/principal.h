// The authenticated caller of an RPC: who they are, which tenant they act in, what they may do.
// Built only from a verified token, so the tenant here is the one every query is scoped to.
#ifndef OKR_COMMON_AUTH_PRINCIPAL_H_
#define OKR_COMMON_AUTH_PRINCIPAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace okr::common {

struct Principal {
  std::string tenant;
  std::string subject;
  std::vector<std::string> roles;
  // When the credential stops being valid (the token's exp plus the verifier's leeway).
  absl::Time expires = absl::InfiniteFuture();

  // Exact, case-sensitive match: role names are identifiers, not display text.
  bool HasRole(std::string_view role) const;
};

}  // namespace okr::common

#endif  // OKR_COMMON_AUTH_PRINCIPAL_H_
