#include "services/goals/src/ingest/check_in_apply.h"

#include "services/goals/src/api/goals_proto.h"
#include "services/goals/src/api/validation.h"
#include "services/goals/src/feed/changes.h"

namespace okr::goals {

int ConfidenceBand(int confidence) {
  if (confidence <= 3) return 0;
  if (confidence <= 6) return 1;
  return 2;
}

absl::Status ApplyMeasurement(CycleTree& t, domain::KeyResultId node, absl::Time now,
                              KeyResultRecord& k, CheckInRecord& c,
                              domain::RollupChanges& changes) {
  if (c.increment) {
    // Addition does not depend on order: an increment applies whenever it was observed.
    const double value = (k.has_value ? k.current_value : k.start_value) + *c.increment;
    if (absl::Status s = t.tree.SetKeyResultValue(node, value, &changes); !s.ok()) return s;
    c.value = value;
    k.current_value = value;
    k.has_value = true;
    if (!k.last_observed_time || c.observed_at > *k.last_observed_time) {
      k.last_observed_time = c.observed_at;
    }
  } else if (c.value) {
    // A SET observation older than the latest applied one is history, not the current value.
    if (k.last_observed_time && c.observed_at < *k.last_observed_time) {
      c.superseded = true;
    } else {
      if (absl::Status s = t.tree.SetKeyResultValue(node, *c.value, &changes); !s.ok()) {
        return PrefixViolations(s, "check_in.");
      }
      k.current_value = *c.value;
      k.has_value = true;
      k.last_observed_time = c.observed_at;
    }
  }
  for (const MilestoneState& state : c.milestone_states) {
    for (size_t i = 0; i < k.milestones.size(); ++i) {
      if (k.milestones[i].id != state.milestone_id) continue;
      if (absl::Status s = t.tree.SetMilestoneDone(node, i, state.done, &changes); !s.ok()) {
        return s;
      }
      k.milestones[i].done = state.done;
      k.milestones[i].done_time =
          state.done ? std::optional<absl::Time>(c.observed_at) : std::nullopt;
    }
  }
  if (c.confidence) {
    if (absl::Status s = t.tree.SetConfidence(node, c.confidence, &changes); !s.ok()) {
      return PrefixViolations(s, "check_in.");
    }
    k.latest_confidence = c.confidence;
  }
  k.last_check_in_time = now;
  const domain::KeyResultRollup r = t.tree.GetKeyResult(node);
  k.progress = r.progress;
  k.attainment = r.attainment;
  k.has_measure = r.has_measure;
  return absl::OkStatus();
}

absl::Status StoreKeyResultState(GoalsWrite& w, const CycleRecord& cycle,
                                 const ObjectiveRecord& objective, const std::string& path,
                                 const KeyResultRecord& before, const KeyResultRecord& k) {
  if (absl::Status s = w.store.UpdateKeyResultState(k); !s.ok()) return s;
  if (IsStale(before, cycle, objective.state, w.now)) {
    // A stale period ends with this check-in; the next one is reported again.
    if (absl::Status s = w.store.ClearStaleReport(k.id); !s.ok()) return s;
  }
  const std::vector<std::string> fields = ChangedFields(
      ToProto(before, cycle, objective.state, w.now), ToProto(k, cycle, objective.state, w.now));
  if (fields.empty()) return absl::OkStatus();
  return w.changes.KeyResult(v1::CHANGE_KIND_KEY_RESULT_PROGRESS_CHANGED, k, objective, cycle, path,
                             fields, false);
}

absl::Status ApplyCheckIn(GoalsWrite& w, const CycleRecord& cycle, const ObjectiveRecord& objective,
                          CycleTree& t, domain::KeyResultId node, KeyResultRecord& k,
                          CheckInRecord& c) {
  const KeyResultRecord before = k;
  domain::RollupChanges changes;
  if (absl::Status s = ApplyMeasurement(t, node, w.now, k, c, changes); !s.ok()) return s;
  if (absl::Status s = w.store.InsertCheckIn(c, k.cycle, k); !s.ok()) return s;
  const std::string path = PathOf(t, objective.id);
  if (absl::Status s = w.changes.CheckIn(c, objective, cycle, path); !s.ok()) return s;
  if (absl::Status s = StoreKeyResultState(w, cycle, objective, path, before, k); !s.ok()) {
    return s;
  }
  if (c.confidence && before.latest_confidence &&
      ConfidenceBand(*c.confidence) < ConfidenceBand(*before.latest_confidence)) {
    absl::Status s =
        w.changes.ConfidenceDropped(c, objective, cycle, path, *before.latest_confidence);
    if (!s.ok()) return s;
  }
  return w.changes.Rollup(w.store, t, cycle, changes, {node.value});
}

}  // namespace okr::goals
