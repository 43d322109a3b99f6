#include "services/feedback/src/api/review_proto.h"

#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/proto_time.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/text.h"

namespace okr::feedback {
namespace {

namespace v1 = ::okr::feedback::v1;

constexpr char kRoot[] = "review_cycle";

std::string Path(const std::string& rest) { return absl::StrCat(kRoot, ".", rest); }

// Moves the violations of a helper's error (e.g. DateField) into `violations`.
void Absorb(const absl::Status& status, common::Violations& violations) {
  for (const auto& v : common::ErrorFieldViolations(status)) violations.Add(v.field, v.description);
}

void CheckDates(const v1::ReviewCycle& in, ReviewCycleDraft& draft,
                common::Violations& violations) {
  auto start = common::DateField(in.start_date(), Path("start_date"));
  auto end = common::DateField(in.end_date(), Path("end_date"));
  if (!start.ok()) Absorb(start.status(), violations);
  if (!end.ok()) Absorb(end.status(), violations);
  if (!start.ok() || !end.ok()) return;
  draft.start_date = *start;
  draft.end_date = *end;
  if (*end < *start) {
    violations.Add(Path("end_date"), "must be on or after start_date");
  } else if (*end - *start > kMaxReviewCycleDays) {
    violations.Add(Path("end_date"),
                   absl::StrCat("must be at most ", kMaxReviewCycleDays, " days after start_date"));
  }
}

void CheckScale(const v1::ReviewCycle& in, v1::ReviewCycle& out, common::Violations& violations) {
  if (!in.has_rating_scale()) {
    violations.Add(Path("rating_scale"), "is required");
    return;
  }
  const v1::RatingScale& scale = in.rating_scale();
  const RatingScaleRule rule{scale.min_rating(), scale.max_rating()};
  CheckRatingScale(rule, Path("rating_scale"), violations);
  absl::flat_hash_set<int> labelled;
  for (int i = 0; i < scale.labels_size(); ++i) {
    const v1::RatingLabel& label = scale.labels(i);
    const std::string path = Path(absl::StrCat("rating_scale.labels[", i, "]"));
    if (!rule.Contains(label.rating())) {
      violations.Add(path + ".rating", "must be within min_rating and max_rating");
    } else if (!labelled.insert(label.rating()).second) {
      violations.Add(path + ".rating", "already has a label");
    }
    violations.Check(LengthWithin(Trimmed(label.label()), 1, 100), path + ".label",
                     "must be 1 to 100 Unicode code points");
  }
  v1::RatingScale* cleaned = out.mutable_rating_scale();
  for (v1::RatingLabel& label : *cleaned->mutable_labels()) label.set_label(Trimmed(label.label()));
  std::sort(
      cleaned->mutable_labels()->begin(), cleaned->mutable_labels()->end(),
      [](const v1::RatingLabel& a, const v1::RatingLabel& b) { return a.rating() < b.rating(); });
}

void CheckCompetencies(const v1::ReviewCycle& in, v1::ReviewCycle& out,
                       common::Violations& violations) {
  violations.Check(in.competencies_size() >= 1 && in.competencies_size() <= kMaxCompetencies,
                   Path("competencies"), absl::StrCat("must hold 1 to ", kMaxCompetencies));
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < in.competencies_size(); ++i) {
    const v1::Competency& c = in.competencies(i);
    const std::string path = Path(absl::StrCat("competencies[", i, "]"));
    if (!IsCompetencyId(c.id())) {
      violations.Add(path + ".id", "must be 1 to 63 characters from [a-z0-9_-]");
    } else if (!ids.insert(c.id()).second) {
      violations.Add(path + ".id", "is used by another competency");
    }
    violations.Check(LengthWithin(Trimmed(c.display_name()), 1, 100), path + ".display_name",
                     "must be 1 to 100 Unicode code points");
    violations.Check(LengthWithin(c.description(), 0, 2000), path + ".description",
                     "must be at most 2000 Unicode code points");
    out.mutable_competencies(i)->set_display_name(Trimmed(c.display_name()));
  }
}

void CheckParticipants(const v1::ReviewCycle& in, ReviewCycleDraft& draft,
                       common::Violations& violations) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < in.participants_size(); ++i) {
    const std::string& name = in.participants(i);
    const std::string path = Path(absl::StrCat("participants[", i, "]"));
    // A name listed twice stands for the same people: it is counted and resolved once.
    if (!seen.insert(name).second) continue;
    if (absl::StartsWith(name, "teams/")) {
      auto id = IdFromName(kTeams, name, path);
      if (id.ok()) draft.teams.emplace_back(*id, i);
      if (!id.ok()) Absorb(id.status(), violations);
      continue;
    }
    auto id = PersonIdFromName(name, path);
    if (id.ok()) draft.people.emplace_back(*id, i);
    if (!id.ok()) violations.Add(path, "must be people/{person} or teams/{team}");
  }
  violations.Check(!seen.empty() && seen.size() <= static_cast<size_t>(kMaxParticipants),
                   Path("participants"),
                   absl::StrCat("must name 1 to ", kMaxParticipants, " people or teams"));
}

}  // namespace

absl::StatusOr<ReviewCycleDraft> CheckReviewCycle(const v1::ReviewCycle& in) {
  ReviewCycleDraft draft;
  common::Violations violations;
  v1::ReviewCycle& out = draft.definition;
  out = in;
  out.clear_name();
  out.clear_state();
  out.clear_review_count();
  out.clear_create_time();
  out.set_display_name(Trimmed(in.display_name()));
  violations.Check(LengthWithin(out.display_name(), 1, 200), Path("display_name"),
                   "must be 1 to 200 Unicode code points");
  if (in.goals_cycle().empty()) {
    violations.Add(Path("goals_cycle"), "is required");
  } else {
    auto id = IdFromName(kCycles, in.goals_cycle(), Path("goals_cycle"));
    if (id.ok()) draft.goals_cycle = *id;
    if (!id.ok()) Absorb(id.status(), violations);
  }
  CheckDates(in, draft, violations);
  CheckScale(in, out, violations);
  CheckCompetencies(in, out, violations);
  CheckParticipants(in, draft, violations);
  if (absl::Status s = violations.ToStatus("INVALID_REVIEW_CYCLE", "the review cycle is not valid");
      !s.ok()) {
    return s;
  }
  return draft;
}

ReviewCycleState StateOf(const ReviewCycleRecord& record, absl::Time now) {
  return CycleStateAt(record.start_date, record.end_date, now);
}

absl::StatusOr<v1::ReviewCycle> ReviewCycleProto(const ReviewCycleRecord& record, absl::Time now) {
  v1::ReviewCycle cycle;
  if (!cycle.ParseFromString(record.definition)) {
    return absl::DataLossError(absl::StrCat("review cycle ", record.id, " does not parse"));
  }
  cycle.set_state(static_cast<v1::ReviewCycleState>(StateOf(record, now)));
  return cycle;
}

absl::StatusOr<CycleRubric> RubricOf(const ReviewCycleRecord& record) {
  v1::ReviewCycle cycle;
  if (!cycle.ParseFromString(record.definition)) {
    return absl::DataLossError(absl::StrCat("review cycle ", record.id, " does not parse"));
  }
  CycleRubric rubric;
  for (const v1::Competency& c : cycle.competencies()) rubric.competencies.push_back(c.id());
  rubric.scale = {cycle.rating_scale().min_rating(), cycle.rating_scale().max_rating()};
  return rubric;
}

std::string ReviewEtag(int64_t version, const std::string& goals_digest) {
  if (goals_digest.empty()) return common::FormatEtag(version);
  return absl::StrCat("\"", version, "-", goals_digest, "\"");
}

std::string GoalsDigest(const std::vector<FrozenGoalScore>& all) {
  if (all.empty()) return "";
  // FNV-1a over the fields a reader sees: stable across processes, unlike absl::Hash.
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](const std::string& bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xff;
    hash *= 1099511628211ULL;
  };
  for (const FrozenGoalScore& g : all) {
    mix(g.objective);
    mix(g.title);
    mix(absl::StrFormat("%.17g", g.progress));
    mix(g.score.has_value() ? absl::StrFormat("%.17g", *g.score) : "-");
    mix(absl::StrFormat("%.17g|%d", g.success_threshold, g.is_private ? 1 : 0));
  }
  return absl::StrFormat("%016x", hash);
}

v1::Review ReviewProto(const ReviewParts& parts) {
  const ReviewRecord& r = parts.record;
  v1::Review review;
  review.set_name(ReviewName(r.cycle, r.reviewee));
  review.set_reviewee(PersonName(r.reviewee));
  if (!r.reviewer.empty()) review.set_reviewer(PersonName(r.reviewer));
  review.set_state(static_cast<v1::ReviewState>(DeriveReviewState(
      r.self_assessment.has_value(), r.manager_assessment.has_value(), parts.cycle_state)));
  for (const FrozenGoalScore& g : parts.goals.shown) {
    v1::GoalScore* score = review.add_goal_scores();
    score->set_objective(g.objective);
    score->set_title(g.title);
    score->set_progress(g.progress);
    if (g.score.has_value()) score->set_score(*g.score);
    score->set_success_threshold(g.success_threshold);
  }
  review.set_hidden_goal_count(parts.goals.hidden);
  if (parts.goals.time.has_value()) {
    *review.mutable_goal_scores_time() = common::ToTimestamp(*parts.goals.time);
  }
  if (parts.summary.has_value()) *review.mutable_feedback_summary() = *parts.summary;
  if (r.self_assessment.has_value()) {
    review.mutable_self_assessment()->ParseFromString(*r.self_assessment);
  }
  if (r.manager_assessment.has_value() && parts.show_manager_assessment) {
    review.mutable_manager_assessment()->ParseFromString(*r.manager_assessment);
  }
  *review.mutable_update_time() = common::ToTimestamp(r.update_time);
  review.set_etag(ReviewEtag(r.version, parts.goals.digest));
  return review;
}

v1::FeedbackSummary SummaryProto(const FeedbackTally& tally, int answered_requests) {
  v1::FeedbackSummary summary;
  summary.set_praise_count(tally.praise);
  summary.set_constructive_count(tally.constructive);
  summary.set_recognition_count(tally.recognition);
  summary.set_author_count(tally.authors);
  summary.set_answered_request_count(answered_requests);
  for (const std::string& id : tally.ids) summary.add_feedback(Name(kFeedback, id));
  return summary;
}

}  // namespace okr::feedback
