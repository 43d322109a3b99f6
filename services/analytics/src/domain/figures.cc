#include "services/analytics/src/domain/figures.h"

#include <algorithm>
#include <cmath>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"

namespace okr::analytics {
namespace {

bool Counted(const ObjectiveFact& o) { return o.state != ObjectiveState::kArchived; }

void AddCounted(const TenantState& state, const TenantState::Ids& ids, const std::string& cycle,
                absl::btree_set<std::string>& out) {
  for (const std::string& id : ids) {
    const ObjectiveFact* o = state.FindObjective(id);
    if (o != nullptr && o->cycle == cycle && Counted(*o)) out.insert(id);
  }
}

void Count(KindCounts& counts, FeedbackKind kind) {
  switch (kind) {
    case FeedbackKind::kPraise:
      ++counts.praise;
      break;
    case FeedbackKind::kConstructive:
      ++counts.constructive;
      break;
    case FeedbackKind::kRecognition:
      ++counts.recognition;
      break;
    case FeedbackKind::kUnspecified:
      break;
  }
}

// Counts of a set of feedback, the protected part published only for enough distinct authors.
class FeedbackTally {
 public:
  explicit FeedbackTally(int min_authors) {
    figures_.anonymous_or_upward.min_author_count = min_authors;
  }

  void Add(const FeedbackFact& f) {
    if (f.anonymous || f.upward) {
      Count(protected_, f.kind);
      authors_.insert(f.author_key.empty() ? f.author : f.author_key);
    } else {
      Count(figures_.attributed, f.kind);
    }
  }

  // `force_hidden`: one person's given feedback, which is one author whatever the threshold.
  FeedbackFigures Finish(bool force_hidden) {
    ProtectedCounts& p = figures_.anonymous_or_upward;
    const int authors = static_cast<int>(authors_.size());
    if (!force_hidden && authors >= p.min_author_count) {
      p.not_enough_responses = false;
      p.author_count = authors;
      p.counts = protected_;
    }
    return figures_;
  }

 private:
  FeedbackFigures figures_;
  KindCounts protected_;
  absl::flat_hash_set<std::string> authors_;
};

int HealthRank(Health h) {
  switch (h) {
    case Health::kOffTrack:
      return 0;
    case Health::kAtRisk:
      return 1;
    case Health::kOnTrack:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

double ElapsedFraction(const CycleFact& cycle, absl::Time now) {
  if (cycle.end <= cycle.begin) return 0;
  const double f = absl::FDivDuration(now - cycle.begin, cycle.end - cycle.begin);
  return std::clamp(f, 0.0, 1.0);
}

Scope SubtreeScope(const TenantState& state, const ObjectiveFact& root) {
  Scope scope;
  scope.cycle = root.cycle;
  absl::btree_set<std::string> ids = {root.id};
  std::vector<std::string> pending = {root.id};
  while (!pending.empty()) {
    const std::string next = std::move(pending.back());
    pending.pop_back();
    for (const std::string& child : state.ChildrenOf(next)) {
      const ObjectiveFact* o = state.FindObjective(child);
      if (o != nullptr && Counted(*o) && ids.insert(child).second) pending.push_back(child);
    }
  }
  scope.objectives.assign(ids.begin(), ids.end());
  return scope;
}

Scope TeamScope(const TenantState& state, const std::string& team, const std::string& cycle,
                bool include_sub_teams) {
  Scope scope;
  scope.cycle = cycle;
  scope.teams = state.TeamsInScope(team, include_sub_teams);
  absl::btree_set<std::string> ids;
  for (const std::string& t : scope.teams) {
    AddCounted(state, state.ObjectivesOwnedByTeam(t), cycle, ids);
    for (const std::string& member : state.MembersOf(t)) scope.people.insert(member);
  }
  for (const std::string& person : scope.people) {
    AddCounted(state, state.ObjectivesOwnedByPerson(person), cycle, ids);
  }
  scope.objectives.assign(ids.begin(), ids.end());
  return scope;
}

Scope PersonScope(const TenantState& state, const std::string& person, const std::string& cycle) {
  Scope scope;
  scope.cycle = cycle;
  scope.people = {person};
  scope.single_person = true;
  absl::btree_set<std::string> ids;
  AddCounted(state, state.ObjectivesOwnedByPerson(person), cycle, ids);
  scope.objectives.assign(ids.begin(), ids.end());
  return scope;
}

Scope CycleScope(const TenantState& state, const std::string& cycle) {
  Scope scope;
  scope.cycle = cycle;
  for (const auto& [id, person] : state.people()) {
    if (person.active) scope.people.insert(id);
  }
  absl::btree_set<std::string> ids;
  AddCounted(state, state.ObjectivesOfCycle(cycle), cycle, ids);
  scope.objectives.assign(ids.begin(), ids.end());
  return scope;
}

GoalFigures SummarizeGoals(const TenantState& state, const Scope& scope, absl::Time now,
                           const FiguresConfig& config) {
  GoalFigures g;
  if (const CycleFact* cycle = state.FindCycle(scope.cycle)) {
    g.expected_progress = ElapsedFraction(*cycle, now);
  }
  double progress_sum = 0;
  int measured = 0;
  double score_sum = 0;
  int scored = 0;
  absl::flat_hash_set<std::string> owning_teams;
  for (const std::string& id : scope.objectives) {
    const ObjectiveFact* o = state.FindObjective(id);
    if (o == nullptr) continue;
    ++g.objective_count;
    if (o->is_private) g.private_objectives.push_back(o->id);
    if (!o->owner_team.empty()) owning_teams.insert(o->owner_team);
    switch (o->has_measure ? o->health : Health::kNoMeasure) {
      case Health::kOnTrack:
        ++g.on_track_count;
        break;
      case Health::kAtRisk:
        ++g.at_risk_count;
        break;
      case Health::kOffTrack:
        ++g.off_track_count;
        break;
      default:
        ++g.no_measure_count;
        break;
    }
    if (o->has_measure) {
      const double p = std::clamp(o->progress, 0.0, 1.0);
      progress_sum += p;
      ++measured;
      ++g.histogram[std::min(static_cast<int>(std::floor(p * 10)), 9)];
    }
    if (o->score.has_value()) {
      score_sum += *o->score;
      ++scored;
    }
    const double achieved = o->score.value_or(o->has_measure ? o->progress : 0);
    if ((o->score.has_value() || o->has_measure) && achieved >= o->success_threshold) {
      ++g.achieved_objective_count;
    }
    for (const std::string& name : state.KeyResultsOf(id)) {
      const KeyResultFact* kr = state.FindKeyResult(name);
      if (kr == nullptr) continue;
      ++g.key_result_count;
      if (kr->stale) ++g.stale_key_result_count;
      if (kr->has_measure) {
        const double a = kr->attainment;
        const int zone = a < config.commit_edge    ? 0
                         : a < config.target_edge  ? 1
                         : a < config.stretch_edge ? 2
                                                   : 3;
        ++g.zone_counts[zone];
      }
    }
  }
  if (measured > 0) g.average_progress = progress_sum / measured;
  if (scored > 0) g.average_score = score_sum / scored;
  g.teams_with_objectives_count = static_cast<int>(owning_teams.size());
  return g;
}

EngagementFigures SummarizeEngagement(const TenantState& state, const Scope& scope, absl::Time now,
                                      const FiguresConfig& config) {
  EngagementFigures e;
  const CycleFact* cycle = state.FindCycle(scope.cycle);
  const bool cycle_active = cycle != nullptr && cycle->state == CycleState::kActive;
  for (const std::string& id : scope.objectives) {
    const ObjectiveFact* o = state.FindObjective(id);
    if (o == nullptr) continue;
    if (o->level != ObjectiveLevel::kCompany) {
      ++e.alignable_objective_count;
      if (!o->parent.empty()) ++e.aligned_objective_count;
    }
    const bool active =
        cycle_active && (o->state == ObjectiveState::kDraft || o->state == ObjectiveState::kActive);
    for (const std::string& name : state.KeyResultsOf(id)) {
      const KeyResultFact* kr = state.FindKeyResult(name);
      if (kr == nullptr) continue;
      if (kr->last_check_in_time.has_value() &&
          (!e.last_check_in_time.has_value() || *kr->last_check_in_time > *e.last_check_in_time)) {
        e.last_check_in_time = kr->last_check_in_time;
      }
      if (active) {
        ++e.active_key_result_count;
        if (!kr->stale) ++e.checked_in_key_result_count;
      }
    }
  }
  // Feedback and requests during the cycle's dates (UTC days).
  auto in_cycle = [&](absl::Time t) {
    return cycle != nullptr && t >= cycle->utc_begin && t < cycle->utc_end;
  };
  FeedbackTally given(config.min_author_count);
  FeedbackTally received(config.min_author_count);
  absl::flat_hash_set<std::string> one_on_ones;
  for (const std::string& person : scope.people) {
    for (const std::string& id : state.FeedbackBy(person)) {
      const FeedbackFact* f = state.FindFeedback(id);
      if (f != nullptr && in_cycle(f->create_time)) given.Add(*f);
    }
    for (const std::string& id : state.FeedbackTo(person)) {
      const FeedbackFact* f = state.FindFeedback(id);
      if (f != nullptr && in_cycle(f->create_time)) received.Add(*f);
    }
    for (const std::string& id : state.RequestsAsking(person)) {
      auto it = state.requests().find(id);
      if (it == state.requests().end() || !in_cycle(it->second.create_time)) continue;
      for (const RequestFact::Response& r : it->second.responses) {
        if (r.recipient != person || r.state == ResponseState::kPending ||
            r.state == ResponseState::kUnspecified) {
          continue;
        }
        ++e.settled_request_count;
        if (r.state == ResponseState::kAnswered) ++e.answered_request_count;
      }
    }
    for (const std::string& id : state.OneOnOnesOf(person)) one_on_ones.insert(id);
  }
  e.feedback_given = given.Finish(scope.single_person);
  e.feedback_received = received.Finish(false);
  for (const std::string& id : one_on_ones) {
    auto it = state.one_on_ones().find(id);
    if (it == state.one_on_ones().end()) continue;
    ++e.one_on_one_count;
    if (it->second.next_due_time.has_value() && *it->second.next_due_time < now) {
      ++e.overdue_one_on_one_count;
    }
  }
  return e;
}

RollupFigures SummarizeRollup(const TenantState& state, const ObjectiveFact& root, absl::Time now,
                              const FiguresConfig& config) {
  RollupFigures r;
  r.objective = root.id;
  r.title = root.title;
  r.cycle = root.cycle;
  r.progress = root.has_measure ? root.progress : 0;
  r.health = root.has_measure ? root.health : Health::kNoMeasure;
  r.confidence = root.confidence;
  r.subtree = SummarizeGoals(state, SubtreeScope(state, root), now, config);
  for (const std::string& id : state.ChildrenOf(root.id)) {
    const ObjectiveFact* o = state.FindObjective(id);
    if (o == nullptr || !Counted(*o)) continue;
    ChildFigure c;
    c.id = o->id;
    c.title = o->title;
    c.owner = o->owner_person.empty() ? "teams/" + o->owner_team : "people/" + o->owner_person;
    c.progress = o->has_measure ? o->progress : 0;
    c.health = o->has_measure ? o->health : Health::kNoMeasure;
    c.weight = o->weight;
    c.is_private = o->is_private;
    r.children.push_back(std::move(c));
  }
  std::sort(r.children.begin(), r.children.end(), [](const ChildFigure& a, const ChildFigure& b) {
    if (HealthRank(a.health) != HealthRank(b.health)) {
      return HealthRank(a.health) < HealthRank(b.health);
    }
    if (a.progress != b.progress) return a.progress < b.progress;
    return a.id < b.id;
  });
  return r;
}

}  // namespace okr::analytics
