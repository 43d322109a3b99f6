#include "services/analytics/src/domain/reader.h"

#include <algorithm>

#include "okr/common/auth/service_tokens.h"

namespace okr::analytics {
namespace {

bool InChainOf(const TenantState& state, const std::string& reader, const std::string& person) {
  if (person.empty()) return false;
  if (reader == person) return true;
  const std::vector<std::string> chain = state.ManagersOf(person);
  return std::find(chain.begin(), chain.end(), reader) != chain.end();
}

}  // namespace

Reader ReaderOf(const common::Principal& principal) {
  return Reader{principal.subject, principal.HasRole(kAdminRole),
                principal.HasRole(common::kServiceReaderRole)};
}

bool MaySeeObjective(const TenantState& state, const Reader& reader,
                     const ObjectiveFact& objective) {
  if (!objective.is_private || reader.admin || reader.service) return true;
  if (!objective.owner_person.empty()) {
    if (InChainOf(state, reader.person, objective.owner_person)) return true;
  } else if (const TeamFact* team = state.FindTeam(objective.owner_team)) {
    if (InChainOf(state, reader.person, team->lead)) return true;
    if (state.MembersOf(team->id).contains(reader.person)) return true;
  }
  for (const std::string& name : state.KeyResultsOf(objective.id)) {
    const KeyResultFact* key_result = state.FindKeyResult(name);
    if (key_result != nullptr && key_result->owner == reader.person) return true;
  }
  return false;
}

bool MayReadPerson(const TenantState& state, const Reader& reader, const std::string& person) {
  return reader.admin || reader.service || InChainOf(state, reader.person, person);
}

}  // namespace okr::analytics
