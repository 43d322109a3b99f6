#include "services/analytics/src/api/figures_proto.h"

namespace okr::analytics {
namespace {

void ToProto(const KindCounts& c, v1::FeedbackKindCounts& out) {
  out.set_praise_count(c.praise);
  out.set_constructive_count(c.constructive);
  out.set_recognition_count(c.recognition);
}

void ToProto(const FeedbackFigures& f, v1::FeedbackCounts& out) {
  ToProto(f.attributed, *out.mutable_attributed());
  v1::ProtectedFeedbackCounts& p = *out.mutable_anonymous_or_upward();
  p.set_not_enough_responses(f.anonymous_or_upward.not_enough_responses);
  p.set_min_author_count(f.anonymous_or_upward.min_author_count);
  p.set_author_count(f.anonymous_or_upward.author_count);
  if (!f.anonymous_or_upward.not_enough_responses) {
    ToProto(f.anonymous_or_upward.counts, *p.mutable_counts());
  }
}

double Share(int part, int whole) { return whole == 0 ? 0 : static_cast<double>(part) / whole; }

}  // namespace

void SetTime(absl::Time t, google::protobuf::Timestamp& out) {
  const int64_t micros = absl::ToUnixMicros(t);
  out.set_seconds(micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000);
  out.set_nanos(static_cast<int32_t>((micros - out.seconds() * 1'000'000) * 1000));
}

void ToProto(const GoalFigures& g, const FiguresConfig& config, v1::GoalSummary& out) {
  out.set_objective_count(g.objective_count);
  out.set_average_progress(g.average_progress);
  out.set_expected_progress(g.expected_progress);
  v1::HealthCounts& h = *out.mutable_health_counts();
  h.set_on_track_count(g.on_track_count);
  h.set_at_risk_count(g.at_risk_count);
  h.set_off_track_count(g.off_track_count);
  h.set_no_measure_count(g.no_measure_count);
  for (int i = 0; i < 10; ++i) {
    v1::ProgressBucket* b = out.add_progress_histogram();
    b->set_lower_bound(i / 10.0);
    b->set_upper_bound((i + 1) / 10.0);
    b->set_count(g.histogram[i]);
  }
  out.set_key_result_count(g.key_result_count);
  out.set_stale_key_result_count(g.stale_key_result_count);
  if (g.average_score.has_value()) out.set_average_score(*g.average_score);
  v1::AttainmentZoneCounts& z = *out.mutable_attainment_zones();
  z.set_below_commit_count(g.zone_counts[0]);
  z.set_commit_count(g.zone_counts[1]);
  z.set_target_count(g.zone_counts[2]);
  z.set_stretch_count(g.zone_counts[3]);
  z.set_commit_threshold(config.commit_edge);
  z.set_target_threshold(config.target_edge);
  z.set_stretch_threshold(config.stretch_edge);
  out.set_achieved_objective_count(g.achieved_objective_count);
  out.set_teams_with_objectives_count(g.teams_with_objectives_count);
}

void ToProto(const EngagementFigures& e, absl::Time now, v1::EngagementMetrics& out) {
  out.set_active_key_result_count(e.active_key_result_count);
  out.set_checked_in_key_result_count(e.checked_in_key_result_count);
  out.set_check_in_rate(Share(e.checked_in_key_result_count, e.active_key_result_count));
  if (e.last_check_in_time.has_value()) {
    SetTime(*e.last_check_in_time, *out.mutable_last_check_in_time());
    const absl::Duration since = std::max(now - *e.last_check_in_time, absl::ZeroDuration());
    out.mutable_time_since_last_check_in()->set_seconds(absl::ToInt64Seconds(since));
    out.mutable_time_since_last_check_in()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(since % absl::Seconds(1))));
  }
  out.set_alignable_objective_count(e.alignable_objective_count);
  out.set_aligned_objective_count(e.aligned_objective_count);
  out.set_alignment_coverage(Share(e.aligned_objective_count, e.alignable_objective_count));
  ToProto(e.feedback_given, *out.mutable_feedback_given());
  ToProto(e.feedback_received, *out.mutable_feedback_received());
  out.set_one_on_one_count(e.one_on_one_count);
  out.set_overdue_one_on_one_count(e.overdue_one_on_one_count);
  out.set_settled_request_count(e.settled_request_count);
  out.set_answered_request_count(e.answered_request_count);
  out.set_feedback_request_response_rate(Share(e.answered_request_count, e.settled_request_count));
}

void ToProto(const RollupFigures& r, const FiguresConfig& config, v1::ObjectiveRollup& out) {
  out.set_objective("objectives/" + r.objective);
  out.set_title(r.title);
  out.set_cycle("cycles/" + r.cycle);
  out.set_progress(r.progress);
  out.set_health(static_cast<v1::Health>(r.health));
  if (r.confidence.has_value()) out.set_confidence(*r.confidence);
  ToProto(r.subtree, config, *out.mutable_subtree());
  out.set_child_count(static_cast<int>(r.children.size()));
  for (const ChildFigure& c : r.children) {
    v1::AlignedObjective* a = out.add_children();
    a->set_objective("objectives/" + c.id);
    a->set_title(c.title);
    a->set_owner(c.owner);
    a->set_progress(c.progress);
    a->set_health(static_cast<v1::Health>(c.health));
    a->set_weight(c.weight);
  }
}

}  // namespace okr::analytics
