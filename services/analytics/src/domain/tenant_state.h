// One tenant's facts with the indexes the figures need (children of an objective, objectives of a
// cycle or an owner, members of a team, feedback of a person...). Upserts and removals are
// idempotent: applying a change twice, or a snapshot over a state, gives the same state.
#pragma once

#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "services/analytics/src/domain/facts.h"

namespace okr::analytics {

class TenantState {
 public:
  using Ids = absl::btree_set<std::string>;

  void Upsert(CycleFact cycle);
  void Upsert(ObjectiveFact objective);
  void Upsert(KeyResultFact key_result);
  void Upsert(PersonFact person);
  void Upsert(TeamFact team);
  void Upsert(FeedbackFact feedback);
  void Upsert(RequestFact request);
  void Upsert(OneOnOneFact one_on_one);
  // Removes the objective and its key results.
  void RemoveObjective(const std::string& id);
  void RemoveKeyResult(const std::string& name);
  void RemoveFeedback(const std::string& id);

  const CycleFact* FindCycle(const std::string& id) const;
  const ObjectiveFact* FindObjective(const std::string& id) const;
  const KeyResultFact* FindKeyResult(const std::string& name) const;
  const PersonFact* FindPerson(const std::string& id) const;
  const TeamFact* FindTeam(const std::string& id) const;
  const FeedbackFact* FindFeedback(const std::string& id) const;

  // Objectives aligned directly to `objective` (or to one of its key results), in any state.
  const Ids& ChildrenOf(const std::string& objective) const;
  const Ids& KeyResultsOf(const std::string& objective) const;
  const Ids& ObjectivesOfCycle(const std::string& cycle) const;
  const Ids& ObjectivesOwnedByPerson(const std::string& person) const;
  const Ids& ObjectivesOwnedByTeam(const std::string& team) const;
  const Ids& SubTeamsOf(const std::string& team) const;
  // Active people who name `team` among their teams.
  const Ids& MembersOf(const std::string& team) const;
  const Ids& FeedbackBy(const std::string& author) const;
  const Ids& FeedbackTo(const std::string& recipient) const;
  const Ids& RequestsAsking(const std::string& person) const;
  const Ids& OneOnOnesOf(const std::string& person) const;

  const absl::flat_hash_map<std::string, CycleFact>& cycles() const { return cycles_; }
  const absl::flat_hash_map<std::string, PersonFact>& people() const { return people_; }
  const absl::flat_hash_map<std::string, TeamFact>& teams() const { return teams_; }
  const absl::flat_hash_map<std::string, RequestFact>& requests() const { return requests_; }
  const absl::flat_hash_map<std::string, OneOnOneFact>& one_on_ones() const { return one_on_ones_; }
  size_t objective_count() const { return objectives_.size(); }
  size_t key_result_count() const { return key_results_.size(); }
  size_t feedback_count() const { return feedback_.size(); }

  // The manager chain of `person`, nearest first (cycles in bad org data end the walk).
  std::vector<std::string> ManagersOf(const std::string& person) const;
  // `team` and its sub-teams at any depth (when `with_sub_teams`), each once.
  Ids TeamsInScope(const std::string& team, bool with_sub_teams) const;

 private:
  static void Link(absl::flat_hash_map<std::string, Ids>& index, const std::string& key,
                   const std::string& id);
  static void Unlink(absl::flat_hash_map<std::string, Ids>& index, const std::string& key,
                     const std::string& id);
  static const Ids& Lookup(const absl::flat_hash_map<std::string, Ids>& index,
                           const std::string& key);
  void UnindexObjective(const ObjectiveFact& o);

  absl::flat_hash_map<std::string, CycleFact> cycles_;
  absl::flat_hash_map<std::string, ObjectiveFact> objectives_;
  absl::flat_hash_map<std::string, KeyResultFact> key_results_;
  absl::flat_hash_map<std::string, PersonFact> people_;
  absl::flat_hash_map<std::string, TeamFact> teams_;
  absl::flat_hash_map<std::string, FeedbackFact> feedback_;
  absl::flat_hash_map<std::string, RequestFact> requests_;
  absl::flat_hash_map<std::string, OneOnOneFact> one_on_ones_;

  absl::flat_hash_map<std::string, Ids> children_;
  absl::flat_hash_map<std::string, Ids> key_results_of_;
  absl::flat_hash_map<std::string, Ids> objectives_of_cycle_;
  absl::flat_hash_map<std::string, Ids> owned_by_person_;
  absl::flat_hash_map<std::string, Ids> owned_by_team_;
  absl::flat_hash_map<std::string, Ids> sub_teams_;
  absl::flat_hash_map<std::string, Ids> members_;
  absl::flat_hash_map<std::string, Ids> feedback_by_;
  absl::flat_hash_map<std::string, Ids> feedback_to_;
  absl::flat_hash_map<std::string, Ids> requests_asking_;
  absl::flat_hash_map<std::string, Ids> one_on_ones_of_;
};

}  // namespace okr::analytics
