#include "services/goals/src/api/access.h"

#include "absl/container/flat_hash_set.h"
#include "services/goals/src/store/org_directory.h"

namespace okr::goals {

absl::StatusOr<bool> GoalsAccess::InChainOf(const std::string& person) {
  if (person.empty() || caller().empty()) return false;
  if (auto it = chain_of_.find(person); it != chain_of_.end()) return it->second;
  bool found = false;
  absl::flat_hash_set<std::string> seen;
  std::string next = person;
  // The person, then each manager up the chain (bounded, and safe against damaged data).
  while (!next.empty() && seen.size() < static_cast<size_t>(kMaxReportingChain)) {
    if (next == caller()) {
      found = true;
      break;
    }
    if (!seen.insert(next).second) break;
    auto row = session_.QueryOne("SELECT manager FROM org_people WHERE tenant = ? AND id = ?",
                                 {principal_.tenant, next});
    if (!row.ok()) return row.status();
    if (!row->has_value()) break;
    next = (*row)->GetString(0);
  }
  chain_of_[person] = found;
  return found;
}

absl::StatusOr<bool> GoalsAccess::IsMember(const std::string& team) {
  if (caller().empty()) return false;
  if (auto it = member_of_.find(team); it != member_of_.end()) return it->second;
  auto row = session_.QueryOne(
      "SELECT 1 FROM org_person_teams WHERE tenant = ? AND person = ? AND team = ?",
      {principal_.tenant, caller(), team});
  if (!row.ok()) return row.status();
  member_of_[team] = row->has_value();
  return row->has_value();
}

absl::StatusOr<bool> GoalsAccess::IsSteward(const Owner& owner) {
  if (owner.kind == OwnerKind::kPerson) return InChainOf(owner.id);
  auto row = session_.QueryOne("SELECT lead FROM org_teams WHERE tenant = ? AND id = ?",
                               {principal_.tenant, owner.id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return false;
  return InChainOf((*row)->GetString(0));
}

bool ReadableWithoutDirectory(const ObjectiveRecord& objective,
                              const common::Principal& principal) {
  return objective.visibility == Visibility::kPublic || principal.HasRole(kGoalsAdminRole) ||
         principal.HasRole(kGoalsServiceReaderRole);
}

absl::StatusOr<bool> GoalsAccess::CanRead(const ObjectiveRecord& objective) {
  if (ReadableWithoutDirectory(objective, principal_)) return true;
  auto steward = IsSteward(objective.owner);
  if (!steward.ok() || *steward) return steward;
  if (objective.owner.kind == OwnerKind::kTeam) {
    auto member = IsMember(objective.owner.id);
    if (!member.ok() || *member) return member;
  }
  // The owner of one of its key results reads it (and so may check in on that key result).
  if (caller().empty()) return false;
  auto row = session_.QueryOne(
      "SELECT 1 FROM goal_key_results WHERE tenant = ? AND objective = ? AND owner = ? LIMIT 1",
      {principal_.tenant, objective.id, caller()});
  if (!row.ok()) return row.status();
  return row->has_value();
}

absl::StatusOr<bool> GoalsAccess::CanWrite(const ObjectiveRecord& objective) {
  if (IsAdmin()) return true;
  return IsSteward(objective.owner);
}

absl::StatusOr<bool> GoalsAccess::CanCheckIn(const ObjectiveRecord& objective,
                                             const KeyResultRecord& key_result) {
  if (IsAdmin()) return true;
  if (!key_result.owner.empty() && key_result.owner == caller()) return true;
  auto steward = IsSteward(objective.owner);
  if (!steward.ok() || *steward) return steward;
  if (objective.owner.kind == OwnerKind::kTeam) return IsMember(objective.owner.id);
  return false;
}

}  // namespace okr::goals
