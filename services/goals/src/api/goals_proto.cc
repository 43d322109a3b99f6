#include "services/goals/src/api/goals_proto.h"

#include <algorithm>

#include "google/protobuf/util/time_util.h"
#include "okr/common/aip/etag.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/org_names.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;
using google::protobuf::util::TimeUtil;

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

void SetDate(absl::CivilDay day, google::type::Date* out) {
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
}

}  // namespace

v1::Cycle ToProto(const CycleRecord& c) {
  v1::Cycle out;
  out.set_name(CycleName(c.id));
  out.set_display_name(c.display_name);
  SetDate(c.start_date, out.mutable_start_date());
  SetDate(c.end_date, out.mutable_end_date());
  out.set_time_zone(c.time_zone);
  out.set_state(static_cast<v1::CycleState>(c.state));
  out.mutable_check_in_cadence()->set_seconds(absl::ToInt64Seconds(c.cadence));
  out.set_etag(common::FormatEtag(c.version));
  SetTime(c.create_time, out.mutable_create_time());
  SetTime(c.update_time, out.mutable_update_time());
  if (c.state == CycleState::kClosed) SetTime(c.close_time, out.mutable_close_time());
  return out;
}

domain::Health HealthAt(const ObjectiveRecord& o, const CycleRecord& cycle,
                        const ReadContext& read) {
  if (!domain::HealthIsLive(o.state)) return o.health;
  const double expected = domain::ExpectedProgress({cycle.begin, cycle.end}, read.now);
  return domain::ComputeHealth(o.has_measure, o.progress, o.confidence, expected, read.health);
}

v1::Objective ToProto(const ObjectiveRecord& o, const CycleRecord& cycle, const ReadContext& read) {
  v1::Objective out;
  out.set_name(ObjectiveName(o.id));
  out.set_title(o.title);
  out.set_description(o.description);
  if (o.owner.kind == OwnerKind::kPerson) {
    out.set_owner_person(PersonName(o.owner.id));
  } else {
    out.set_owner_team(TeamName(o.owner.id));
  }
  out.set_level(static_cast<v1::ObjectiveLevel>(o.level));
  out.set_cycle(CycleName(o.cycle));
  out.set_parent(o.parent);
  out.set_kind(static_cast<v1::ObjectiveKind>(o.kind));
  out.set_visibility(static_cast<v1::ObjectiveVisibility>(o.visibility));
  out.set_state(static_cast<v1::ObjectiveState>(o.state));
  out.set_weight(o.weight);
  out.set_rollup_children(o.rollup_children);
  out.set_progress(o.progress);
  out.set_attainment(o.attainment);
  if (o.confidence) out.set_confidence(*o.confidence);
  out.set_health(static_cast<v1::Health>(HealthAt(o, cycle, read)));
  out.set_has_measure(o.has_measure);
  out.set_expected_progress(domain::ExpectedProgress({cycle.begin, cycle.end}, read.now));
  if (o.score) out.set_score(*o.score);
  out.set_success_threshold(domain::SuccessThreshold(o.kind, read.grading));
  out.set_grading_note(o.grading_note);
  out.set_etag(common::FormatEtag(o.version));
  SetTime(o.create_time, out.mutable_create_time());
  SetTime(o.update_time, out.mutable_update_time());
  return out;
}

bool IsStale(const KeyResultRecord& k, const CycleRecord& cycle,
             domain::ObjectiveState objective_state, absl::Time now) {
  if (!domain::HealthIsLive(objective_state) || cycle.state != CycleState::kActive) return false;
  absl::Time since = std::max(k.create_time, cycle.activate_time);
  if (k.last_check_in_time) since = std::max(since, *k.last_check_in_time);
  return now - since > cycle.cadence;
}

v1::KeyResult ToProto(const KeyResultRecord& k, const CycleRecord& cycle,
                      domain::ObjectiveState objective_state, absl::Time now) {
  v1::KeyResult out;
  out.set_name(KeyResultName(k.objective, k.id));
  out.set_title(k.title);
  out.set_description(k.description);
  out.set_owner(PersonName(k.owner));
  out.set_type(static_cast<v1::KeyResultType>(k.type));
  out.set_direction(static_cast<v1::KeyResultDirection>(k.direction));
  out.set_unit(k.unit);
  out.set_currency_code(k.currency_code);
  out.set_start_value(k.start_value);
  out.set_target_value(k.target_value);
  if (k.threshold) out.set_threshold(*k.threshold);
  out.set_current_value(k.current_value);
  out.set_weight(k.weight);
  for (const MilestoneRecord& m : k.milestones) {
    v1::Milestone* milestone = out.add_milestones();
    milestone->set_id(m.id);
    milestone->set_title(m.title);
    milestone->set_weight(m.weight);
    milestone->set_done(m.done);
    if (m.done && m.done_time) SetTime(*m.done_time, milestone->mutable_done_time());
  }
  out.set_metric_key(k.metric_key);
  out.set_progress(k.progress);
  out.set_attainment(k.attainment);
  out.set_has_measure(k.has_measure);
  if (k.latest_confidence) out.set_latest_confidence(*k.latest_confidence);
  if (k.last_check_in_time) SetTime(*k.last_check_in_time, out.mutable_last_check_in_time());
  out.set_stale(IsStale(k, cycle, objective_state, now));
  if (k.last_observed_time) SetTime(*k.last_observed_time, out.mutable_last_observed_time());
  out.set_etag(common::FormatEtag(k.version));
  SetTime(k.create_time, out.mutable_create_time());
  SetTime(k.update_time, out.mutable_update_time());
  return out;
}

v1::CheckIn ToProto(const CheckInRecord& c) {
  v1::CheckIn out;
  out.set_name(CheckInName(c.objective, c.key_result, c.id));
  if (c.value) out.set_value(*c.value);
  for (const MilestoneState& s : c.milestone_states) {
    v1::MilestoneState* state = out.add_milestone_states();
    state->set_milestone_id(s.milestone_id);
    state->set_done(s.done);
  }
  if (c.confidence) out.set_confidence(*c.confidence);
  if (!c.note_progress.empty() || !c.note_challenges.empty() || !c.note_next_steps.empty()) {
    out.mutable_note()->set_progress(c.note_progress);
    out.mutable_note()->set_challenges(c.note_challenges);
    out.mutable_note()->set_next_steps(c.note_next_steps);
  }
  out.set_author(PersonName(c.author));
  out.set_source(static_cast<v1::CheckInSource>(c.source));
  out.set_event_id(c.event_id);
  out.set_event_source(c.event_source);
  if (c.increment) out.set_increment(*c.increment);
  out.set_superseded(c.superseded);
  SetTime(c.observed_at, out.mutable_observed_at());
  SetTime(c.create_time, out.mutable_create_time());
  return out;
}

}  // namespace okr::goals
