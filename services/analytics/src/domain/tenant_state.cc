#include "services/analytics/src/domain/tenant_state.h"

#include "absl/container/flat_hash_set.h"

namespace okr::analytics {

void TenantState::Link(absl::flat_hash_map<std::string, Ids>& index, const std::string& key,
                       const std::string& id) {
  if (!key.empty()) index[key].insert(id);
}

void TenantState::Unlink(absl::flat_hash_map<std::string, Ids>& index, const std::string& key,
                         const std::string& id) {
  auto it = index.find(key);
  if (it == index.end()) return;
  it->second.erase(id);
  if (it->second.empty()) index.erase(it);
}

const TenantState::Ids& TenantState::Lookup(const absl::flat_hash_map<std::string, Ids>& index,
                                            const std::string& key) {
  static const Ids* const kNone = new Ids();
  auto it = index.find(key);
  return it == index.end() ? *kNone : it->second;
}

void TenantState::Upsert(CycleFact cycle) {
  std::string id = cycle.id;
  cycles_[id] = std::move(cycle);
}

void TenantState::UnindexObjective(const ObjectiveFact& o) {
  Unlink(children_, o.parent, o.id);
  Unlink(objectives_of_cycle_, o.cycle, o.id);
  Unlink(owned_by_person_, o.owner_person, o.id);
  Unlink(owned_by_team_, o.owner_team, o.id);
}

void TenantState::Upsert(ObjectiveFact objective) {
  auto it = objectives_.find(objective.id);
  if (it != objectives_.end()) UnindexObjective(it->second);
  Link(children_, objective.parent, objective.id);
  Link(objectives_of_cycle_, objective.cycle, objective.id);
  Link(owned_by_person_, objective.owner_person, objective.id);
  Link(owned_by_team_, objective.owner_team, objective.id);
  std::string id = objective.id;
  objectives_[id] = std::move(objective);
}

void TenantState::Upsert(KeyResultFact key_result) {
  auto it = key_results_.find(key_result.name);
  if (it != key_results_.end()) Unlink(key_results_of_, it->second.objective, it->second.name);
  Link(key_results_of_, key_result.objective, key_result.name);
  std::string name = key_result.name;
  key_results_[name] = std::move(key_result);
}

void TenantState::Upsert(PersonFact person) {
  auto it = people_.find(person.id);
  if (it != people_.end()) {
    for (const std::string& team : it->second.teams) Unlink(members_, team, person.id);
  }
  if (person.active) {
    for (const std::string& team : person.teams) Link(members_, team, person.id);
  }
  std::string id = person.id;
  people_[id] = std::move(person);
}

void TenantState::Upsert(TeamFact team) {
  auto it = teams_.find(team.id);
  if (it != teams_.end()) Unlink(sub_teams_, it->second.parent, team.id);
  Link(sub_teams_, team.parent, team.id);
  std::string id = team.id;
  teams_[id] = std::move(team);
}

void TenantState::Upsert(FeedbackFact feedback) {
  auto it = feedback_.find(feedback.id);
  if (it != feedback_.end()) {
    Unlink(feedback_by_, it->second.author, feedback.id);
    Unlink(feedback_to_, it->second.recipient, feedback.id);
  }
  Link(feedback_by_, feedback.author, feedback.id);
  Link(feedback_to_, feedback.recipient, feedback.id);
  std::string id = feedback.id;
  feedback_[id] = std::move(feedback);
}

void TenantState::Upsert(RequestFact request) {
  auto it = requests_.find(request.id);
  if (it != requests_.end()) {
    for (const auto& r : it->second.responses) Unlink(requests_asking_, r.recipient, request.id);
  }
  for (const auto& r : request.responses) Link(requests_asking_, r.recipient, request.id);
  std::string id = request.id;
  requests_[id] = std::move(request);
}

void TenantState::Upsert(OneOnOneFact one_on_one) {
  auto it = one_on_ones_.find(one_on_one.id);
  if (it != one_on_ones_.end()) {
    Unlink(one_on_ones_of_, it->second.manager, one_on_one.id);
    Unlink(one_on_ones_of_, it->second.report, one_on_one.id);
  }
  Link(one_on_ones_of_, one_on_one.manager, one_on_one.id);
  Link(one_on_ones_of_, one_on_one.report, one_on_one.id);
  std::string id = one_on_one.id;
  one_on_ones_[id] = std::move(one_on_one);
}

void TenantState::RemoveObjective(const std::string& id) {
  auto it = objectives_.find(id);
  if (it != objectives_.end()) {
    UnindexObjective(it->second);
    objectives_.erase(it);
  }
  const Ids key_results = KeyResultsOf(id);  // a copy: RemoveKeyResult edits the index
  for (const std::string& name : key_results) RemoveKeyResult(name);
}

void TenantState::RemoveKeyResult(const std::string& name) {
  auto it = key_results_.find(name);
  if (it == key_results_.end()) return;
  Unlink(key_results_of_, it->second.objective, name);
  key_results_.erase(it);
}

void TenantState::RemoveFeedback(const std::string& id) {
  auto it = feedback_.find(id);
  if (it == feedback_.end()) return;
  Unlink(feedback_by_, it->second.author, id);
  Unlink(feedback_to_, it->second.recipient, id);
  feedback_.erase(it);
}

namespace {
template <typename Map>
const typename Map::mapped_type* FindIn(const Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}
}  // namespace

const CycleFact* TenantState::FindCycle(const std::string& id) const { return FindIn(cycles_, id); }
const ObjectiveFact* TenantState::FindObjective(const std::string& id) const {
  return FindIn(objectives_, id);
}
const KeyResultFact* TenantState::FindKeyResult(const std::string& name) const {
  return FindIn(key_results_, name);
}
const PersonFact* TenantState::FindPerson(const std::string& id) const {
  return FindIn(people_, id);
}
const TeamFact* TenantState::FindTeam(const std::string& id) const { return FindIn(teams_, id); }
const FeedbackFact* TenantState::FindFeedback(const std::string& id) const {
  return FindIn(feedback_, id);
}

const TenantState::Ids& TenantState::ChildrenOf(const std::string& objective) const {
  return Lookup(children_, objective);
}
const TenantState::Ids& TenantState::KeyResultsOf(const std::string& objective) const {
  return Lookup(key_results_of_, objective);
}
const TenantState::Ids& TenantState::ObjectivesOfCycle(const std::string& cycle) const {
  return Lookup(objectives_of_cycle_, cycle);
}
const TenantState::Ids& TenantState::ObjectivesOwnedByPerson(const std::string& person) const {
  return Lookup(owned_by_person_, person);
}
const TenantState::Ids& TenantState::ObjectivesOwnedByTeam(const std::string& team) const {
  return Lookup(owned_by_team_, team);
}
const TenantState::Ids& TenantState::SubTeamsOf(const std::string& team) const {
  return Lookup(sub_teams_, team);
}
const TenantState::Ids& TenantState::MembersOf(const std::string& team) const {
  return Lookup(members_, team);
}
const TenantState::Ids& TenantState::FeedbackBy(const std::string& author) const {
  return Lookup(feedback_by_, author);
}
const TenantState::Ids& TenantState::FeedbackTo(const std::string& recipient) const {
  return Lookup(feedback_to_, recipient);
}
const TenantState::Ids& TenantState::RequestsAsking(const std::string& person) const {
  return Lookup(requests_asking_, person);
}
const TenantState::Ids& TenantState::OneOnOnesOf(const std::string& person) const {
  return Lookup(one_on_ones_of_, person);
}

std::vector<std::string> TenantState::ManagersOf(const std::string& person) const {
  std::vector<std::string> chain;
  absl::flat_hash_set<std::string> seen = {person};
  const PersonFact* p = FindPerson(person);
  while (p != nullptr && !p->manager.empty() && seen.insert(p->manager).second) {
    chain.push_back(p->manager);
    p = FindPerson(p->manager);
  }
  return chain;
}

TenantState::Ids TenantState::TeamsInScope(const std::string& team, bool with_sub_teams) const {
  Ids scope = {team};
  if (!with_sub_teams) return scope;
  std::vector<std::string> pending = {team};
  while (!pending.empty()) {
    const std::string next = std::move(pending.back());
    pending.pop_back();
    for (const std::string& sub : SubTeamsOf(next)) {
      if (scope.insert(sub).second) pending.push_back(sub);
    }
  }
  return scope;
}

}  // namespace okr::analytics
