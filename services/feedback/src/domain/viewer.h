// Who is reading or writing: the caller's person id and the roles that widen what they may see.
// Built from the verified token; the rules in visibility.h decide with it.
#pragma once

#include <string>

#include "okr/common/auth/principal.h"
#include "okr/common/auth/service_tokens.h"

namespace okr::feedback {

// Tenant administrators: read all feedback (never an anonymous author), one-on-ones without notes,
// every review; create review cycles; delete any feedback.
inline constexpr char kAdminRole[] = "admin";
// People-operations staff: read MANAGER and PUBLIC feedback of everyone (as if at the top of every
// reporting line) and every review, but no PRIVATE feedback and no one-on-one.
inline constexpr char kHrRole[] = "hr";
// A service identity of the tenant (analytics): reads everything an administrator reads, and the
// change feed's pseudonymous author keys; writes nothing.
using common::kServiceReaderRole;

struct Viewer {
  std::string person;  // the token's subject: a person id (or a service account's id)
  bool admin = false;
  bool hr = false;
  bool service = false;
};

inline Viewer ViewerOf(const common::Principal& principal) {
  return Viewer{principal.subject, principal.HasRole(kAdminRole), principal.HasRole(kHrRole),
                principal.HasRole(kServiceReaderRole)};
}

}  // namespace okr::feedback
