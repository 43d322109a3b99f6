// Who reads analytics (docs/analytics.md): which objectives a reader may see named, and whose
// per-person figures they may read. Decided against the tenant's facts, as goals decides them.
#pragma once

#include <string>

#include "okr/common/auth/principal.h"
#include "services/analytics/src/domain/tenant_state.h"

namespace okr::analytics {

inline constexpr char kAdminRole[] = "admin";

struct Reader {
  std::string person;  // the token's subject
  bool admin = false;
  bool service = false;  // role service-reader: reads what an admin reads
};

Reader ReaderOf(const common::Principal& principal);

// As goals' own rule: PUBLIC; or the reader is an admin or a service, the owner or in the owner's
// manager chain (for a team: its lead or in the lead's chain), a member of the owning team, or
// the owner of one of its key results.
bool MaySeeObjective(const TenantState& state, const Reader& reader,
                     const ObjectiveFact& objective);

// A person's figures: the person, their manager chain, admins and services.
bool MayReadPerson(const TenantState& state, const Reader& reader, const std::string& person);

}  // namespace okr::analytics
