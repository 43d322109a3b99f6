// Who may read and write goals (docs/goals-authorization.md), decided against the org directory in
// the caller's own transaction. The only place these rules live.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "okr/common/auth/principal.h"
#include "okr/common/storage/session.h"
#include "services/goals/src/domain/records.h"

namespace okr::goals {

inline constexpr char kGoalsAdminRole[] = "admin";
// A service identity of the tenant (e.g. the feedback service assembling reviews): reads every
// objective as an admin does, and writes only what a caller without roles may.
inline constexpr char kGoalsServiceReaderRole[] = "service-reader";

// CanRead's answer when it needs no lookup: PUBLIC, or the caller is an admin or a service reader.
// False means "ask GoalsAccess" (the org directory decides), not "hidden".
bool ReadableWithoutDirectory(const ObjectiveRecord& objective, const common::Principal& principal);

class GoalsAccess {
 public:
  // One per call: it caches what it has looked up for the call's duration.
  GoalsAccess(common::SqlSession& session, const common::Principal& principal)
      : session_(session), principal_(principal) {}

  bool IsAdmin() const { return principal_.HasRole(kGoalsAdminRole); }
  bool IsServiceReader() const { return principal_.HasRole(kGoalsServiceReaderRole); }
  // The caller's person id (the token's subject).
  const std::string& caller() const { return principal_.subject; }

  // The caller is the owner person or in their manager chain; for a team, its lead or in the lead's
  // manager chain. Admins are not stewards by this test (callers check IsAdmin themselves).
  absl::StatusOr<bool> IsSteward(const Owner& owner);
  // PUBLIC, or the caller is an admin, a service reader, a steward, a member of the owning team, or
  // the owner of one of its key results.
  absl::StatusOr<bool> CanRead(const ObjectiveRecord& objective);
  // Admin or steward of the objective's owner.
  absl::StatusOr<bool> CanWrite(const ObjectiveRecord& objective);
  // CanWrite, the key result's owner, or a member of the owning team.
  absl::StatusOr<bool> CanCheckIn(const ObjectiveRecord& objective,
                                  const KeyResultRecord& key_result);

 private:
  absl::StatusOr<bool> InChainOf(const std::string& person);
  absl::StatusOr<bool> IsMember(const std::string& team);

  common::SqlSession& session_;
  const common::Principal& principal_;
  absl::flat_hash_map<std::string, bool> chain_of_;
  absl::flat_hash_map<std::string, bool> member_of_;
};

}  // namespace okr::goals
