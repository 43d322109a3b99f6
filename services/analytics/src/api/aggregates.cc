#include "services/analytics/src/api/aggregates.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "okr/analytics/v1/aggregates.pb.h"
#include "okr/common/status/errors.h"
#include "services/analytics/src/api/figures_proto.h"

namespace okr::analytics {
namespace {

constexpr int kMaxChildren = 1000;

absl::Status NotFound(const char* reason, const std::string& what) {
  return common::NotFound(reason, absl::StrCat(what, " does not exist or you may not read it"));
}

absl::Status NeedCycle(const TenantState& state, const std::string& cycle) {
  if (state.FindCycle(cycle) == nullptr) return NotFound("CYCLE_NOT_FOUND", "cycles/" + cycle);
  return absl::OkStatus();
}

absl::Status NeedTeam(const TenantState& state, const std::string& team) {
  if (state.FindTeam(team) == nullptr) return NotFound("TEAM_NOT_FOUND", "teams/" + team);
  return absl::OkStatus();
}

absl::Status NeedPerson(const TenantState& state, const std::string& person) {
  if (state.FindPerson(person) == nullptr) {
    return NotFound("PERSON_NOT_FOUND", "people/" + person);
  }
  return absl::OkStatus();
}

// A team, person or cycle summary's goals and engagement, as `a`'s value.
template <typename Summary>
void FillSummary(const TenantState& state, const Scope& scope, absl::Time now,
                 const FiguresConfig& config, std::shared_ptr<Summary> out, Aggregate& a) {
  GoalFigures goals = SummarizeGoals(state, scope, now, config);
  ToProto(goals, config, *out->mutable_goals());
  ToProto(SummarizeEngagement(state, scope, now, config), now, *out->mutable_engagement());
  SetTime(now, *out->mutable_computed_time());
  a.private_objectives = std::move(goals.private_objectives);
  a.value = std::move(out);
}

std::shared_ptr<v1::Engagement> EngagementOf(const TenantState& state, const Scope& scope,
                                             absl::Time now, const FiguresConfig& config,
                                             const std::string& cycle_name) {
  auto out = std::make_shared<v1::Engagement>();
  out->set_cycle(cycle_name);
  ToProto(SummarizeEngagement(state, scope, now, config), now, *out->mutable_metrics());
  SetTime(now, *out->mutable_computed_time());
  return out;
}

}  // namespace

constexpr const char* kKindNames[] = {
    "team", "person", "cycle", "objective", "engagement", "team-engagement", "person-engagement"};

std::string AggregateKey::CacheKey() const {
  return absl::StrCat(kKindNames[static_cast<int>(kind)], ":", subject, ":", cycle, ":",
                      include_sub_teams ? 1 : 0);
}

absl::StatusOr<AggregateKey> AggregateKey::FromCacheKey(absl::string_view cache_key) {
  std::vector<std::string> parts = absl::StrSplit(cache_key, ':');
  if (parts.size() != 4 || (parts[3] != "0" && parts[3] != "1")) {
    return absl::InvalidArgumentError(absl::StrCat("not an aggregate key: ", cache_key));
  }
  for (int k = 0; k < static_cast<int>(std::size(kKindNames)); ++k) {
    if (parts[0] != kKindNames[k]) continue;
    AggregateKey key{static_cast<Kind>(k), parts[1], parts[2], parts[3] == "1"};
    if (key.CacheKey() != cache_key) break;
    return key;
  }
  return absl::InvalidArgumentError(absl::StrCat("not an aggregate key: ", cache_key));
}

std::shared_ptr<google::protobuf::Message> NewAggregateMessage(AggregateKey::Kind kind) {
  using Kind = AggregateKey::Kind;
  switch (kind) {
    case Kind::kTeamSummary:
      return std::make_shared<v1::TeamSummary>();
    case Kind::kPersonSummary:
      return std::make_shared<v1::PersonSummary>();
    case Kind::kCycleSummary:
      return std::make_shared<v1::CycleSummary>();
    case Kind::kObjectiveRollup:
      return std::make_shared<v1::ObjectiveRollup>();
    case Kind::kTenantEngagement:
    case Kind::kTeamEngagement:
    case Kind::kPersonEngagement:
      break;
  }
  return std::make_shared<v1::Engagement>();
}

absl::StatusOr<Aggregate> ComputeAggregate(const TenantState& state, const AggregateKey& key,
                                           absl::Time now, const FiguresConfig& config) {
  using Kind = AggregateKey::Kind;
  Aggregate a;
  a.computed_time = now;
  if (key.kind != Kind::kObjectiveRollup) {
    if (absl::Status s = NeedCycle(state, key.cycle); !s.ok()) return s;
  }
  const std::string cycle_name = "cycles/" + key.cycle;
  switch (key.kind) {
    case Kind::kTeamSummary:
    case Kind::kTeamEngagement: {
      if (absl::Status s = NeedTeam(state, key.subject); !s.ok()) return s;
      const Scope scope = TeamScope(state, key.subject, key.cycle, key.include_sub_teams);
      if (key.kind == Kind::kTeamSummary) {
        auto out = std::make_shared<v1::TeamSummary>();
        out->set_team("teams/" + key.subject);
        out->set_cycle(cycle_name);
        out->set_include_sub_teams(key.include_sub_teams);
        out->set_team_count(static_cast<int>(scope.teams.size()));
        out->set_member_count(static_cast<int>(scope.people.size()));
        FillSummary(state, scope, now, config, std::move(out), a);
      } else {
        auto out = EngagementOf(state, scope, now, config, cycle_name);
        out->set_team("teams/" + key.subject);
        out->set_include_sub_teams(key.include_sub_teams);
        a.value = std::move(out);
      }
      return a;
    }
    case Kind::kPersonSummary:
    case Kind::kPersonEngagement: {
      if (absl::Status s = NeedPerson(state, key.subject); !s.ok()) return s;
      const Scope scope = PersonScope(state, key.subject, key.cycle);
      if (key.kind == Kind::kPersonSummary) {
        auto out = std::make_shared<v1::PersonSummary>();
        out->set_person("people/" + key.subject);
        out->set_cycle(cycle_name);
        FillSummary(state, scope, now, config, std::move(out), a);
      } else {
        auto out = EngagementOf(state, scope, now, config, cycle_name);
        out->set_person("people/" + key.subject);
        a.value = std::move(out);
      }
      return a;
    }
    case Kind::kCycleSummary:
    case Kind::kTenantEngagement: {
      const Scope scope = CycleScope(state, key.cycle);
      if (key.kind == Kind::kCycleSummary) {
        auto out = std::make_shared<v1::CycleSummary>();
        out->set_cycle(cycle_name);
        FillSummary(state, scope, now, config, std::move(out), a);
      } else {
        a.value = EngagementOf(state, scope, now, config, cycle_name);
      }
      return a;
    }
    case Kind::kObjectiveRollup: {
      const ObjectiveFact* root = state.FindObjective(key.subject);
      if (root == nullptr) {
        return NotFound("OBJECTIVE_NOT_FOUND", "objectives/" + key.subject);
      }
      RollupFigures r = SummarizeRollup(state, *root, now, config);
      auto out = std::make_shared<v1::ObjectiveRollup>();
      ToProto(r, config, *out);
      SetTime(now, *out->mutable_computed_time());
      a.private_objectives = std::move(r.subtree.private_objectives);
      for (const ChildFigure& c : r.children) {
        if (c.is_private) a.private_children.push_back(c.id);
      }
      a.value = std::move(out);
      return a;
    }
  }
  return absl::InternalError("unknown aggregate kind");
}

void ServeAggregate(const Aggregate& aggregate, const TenantState& state, const Reader& reader,
                    google::protobuf::Message& out) {
  out.CopyFrom(*aggregate.value);
  auto hidden = [&](const std::vector<std::string>& ids) {
    absl::flat_hash_set<std::string> out_of_sight;
    if (reader.admin || reader.service) return out_of_sight;
    for (const std::string& id : ids) {
      const ObjectiveFact* o = state.FindObjective(id);
      if (o == nullptr || !MaySeeObjective(state, reader, *o)) out_of_sight.insert(id);
    }
    return out_of_sight;
  };
  const int hidden_count = static_cast<int>(hidden(aggregate.private_objectives).size());
  if (auto* team = dynamic_cast<v1::TeamSummary*>(&out)) {
    team->mutable_goals()->set_hidden_objective_count(hidden_count);
  } else if (auto* person = dynamic_cast<v1::PersonSummary*>(&out)) {
    person->mutable_goals()->set_hidden_objective_count(hidden_count);
  } else if (auto* cycle = dynamic_cast<v1::CycleSummary*>(&out)) {
    cycle->mutable_goals()->set_hidden_objective_count(hidden_count);
  } else if (auto* rollup = dynamic_cast<v1::ObjectiveRollup*>(&out)) {
    rollup->mutable_subtree()->set_hidden_objective_count(hidden_count);
    absl::flat_hash_set<std::string> unseen = hidden(aggregate.private_children);
    auto* children = rollup->mutable_children();
    // A child made PRIVATE after the aggregate was computed is judged on today's facts too.
    if (!reader.admin && !reader.service) {
      for (const auto& child : *children) {
        const std::string id = child.objective().substr(child.objective().rfind('/') + 1);
        const ObjectiveFact* o = state.FindObjective(id);
        if (o != nullptr && !MaySeeObjective(state, reader, *o)) unseen.insert(id);
      }
    }
    if (!unseen.empty()) {
      int kept = 0;
      for (int i = 0; i < children->size(); ++i) {
        const std::string& name = children->Get(i).objective();
        if (unseen.contains(name.substr(name.rfind('/') + 1))) continue;
        if (kept != i) children->SwapElements(kept, i);
        ++kept;
      }
      children->DeleteSubrange(kept, children->size() - kept);
    }
    rollup->set_hidden_child_count(static_cast<int>(unseen.size()));
    if (children->size() > kMaxChildren) {
      children->DeleteSubrange(kMaxChildren, children->size() - kMaxChildren);
    }
  }
}

}  // namespace okr::analytics
