// FeedbackService review methods: CreateReviewCycle, SubmitAssessment, GetReview, and the review
// cycles' state changes. Every call to goals or the org directory is made on the executor before a
// write is queued; write bodies touch only their SQL session.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/proto_time.h"
#include "okr/common/aip/request_ids.h"
#include "okr/common/aip/resource_id.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/api/review_goals.h"
#include "services/feedback/src/api/review_proto.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/review_rules.h"
#include "services/feedback/src/domain/text.h"
#include "services/feedback/src/store/feedback_store.h"
#include "services/feedback/src/store/review_store.h"

namespace okr::feedback {
namespace {

constexpr char kRequestIds[] = "feedback_request_ids";

absl::Status ReviewNotFound() {
  return common::NotFound("REVIEW_NOT_FOUND", "no such review, or you may not read it");
}

absl::Status CheckCycleWriter(const Viewer& viewer) {
  if (viewer.admin) return absl::OkStatus();
  return common::PermissionDenied("REVIEW_CYCLE_WRITE_DENIED",
                                  "creating review cycles needs the 'admin' role");
}

// One review to create: the person and their manager at creation ("" for none).
struct NewReview {
  std::string person;
  std::string reviewer;
};

// The distinct people the participants stand for, each with their manager, in id order.
absl::StatusOr<std::vector<NewReview>> ResolveReviewees(OrgDirectory& org,
                                                        const std::string& tenant,
                                                        const ReviewCycleDraft& draft) {
  common::Violations missing;
  common::Violations inactive;
  absl::btree_map<std::string, std::optional<PersonFacts>> people;
  auto path = [](int index) { return absl::StrCat("review_cycle.participants[", index, "]"); };
  for (const auto& [id, index] : draft.people) {
    auto person = org.GetPerson(tenant, id);
    if (absl::IsNotFound(person.status())) {
      missing.Add(path(index), "no such person");
      continue;
    }
    if (!person.ok()) return person.status();
    if (!person->active) {
      inactive.Add(path(index), "the person is not active");
      continue;
    }
    people[id] = *std::move(person);
  }
  for (const auto& [id, index] : draft.teams) {
    auto members = org.TeamMembers(tenant, id);
    if (absl::IsNotFound(members.status())) {
      missing.Add(path(index), "no such team");
      continue;
    }
    if (!members.ok()) return members.status();
    for (const std::string& member : *members) people.try_emplace(member);
  }
  if (!missing.empty()) {
    return common::MakeError(absl::StatusCode::kNotFound, "PARTICIPANT_NOT_FOUND",
                             "some participants do not exist", missing.items());
  }
  if (!inactive.empty()) {
    return common::MakeError(absl::StatusCode::kFailedPrecondition, "PARTICIPANT_INACTIVE",
                             "inactive people cannot be reviewed", inactive.items());
  }
  if (people.empty()) {
    return common::MakeError(absl::StatusCode::kFailedPrecondition, "REVIEW_CYCLE_HAS_NO_PEOPLE",
                             "the participants' teams have no active members",
                             {{"review_cycle.participants", "must stand for at least one person"}});
  }
  if (people.size() > static_cast<size_t>(kMaxReviews)) {
    return common::MakeError(
        absl::StatusCode::kResourceExhausted, "TOO_MANY_REVIEWS",
        absl::StrCat("a review cycle reviews at most ", kMaxReviews, " people"),
        {{"review_cycle.participants", "stand for too many people"}});
  }
  std::vector<NewReview> out;
  for (auto& [id, facts] : people) {
    if (!facts.has_value()) {
      auto person = org.GetPerson(tenant, id);
      if (!person.ok()) return person.status();
      facts = *std::move(person);
    }
    out.push_back({id, facts->manager == id ? std::string() : facts->manager});
  }
  return out;
}

// The cycle a request id already created, if it did.
absl::StatusOr<std::optional<v1::ReviewCycle>> ReplayCreate(common::SqlSession& session,
                                                            const std::string& tenant,
                                                            const std::string& key,
                                                            const std::string& request_id,
                                                            absl::Time now) {
  common::RequestIdStore ids(session, kRequestIds, tenant);
  auto done = ids.Find(key, request_id);
  if (!done.ok()) return done.status();
  if (!done->has_value()) return std::optional<v1::ReviewCycle>();
  auto id = IdFromName(kReviewCycles, **done, "request_id");
  if (!id.ok()) return id.status();
  auto cycle = ReviewStore(session, tenant).FindCycle(*id);
  if (!cycle.ok()) return cycle.status();
  if (!cycle->has_value()) return absl::InternalError("a remembered review cycle is missing");
  auto proto = ReviewCycleProto(**cycle, now);
  if (!proto.ok()) return proto.status();
  return std::optional<v1::ReviewCycle>(*std::move(proto));
}

struct LoadedReview {
  ReviewRecord review;
  ReviewCycleRecord cycle;
};

absl::StatusOr<LoadedReview> LoadReview(common::SqlSession& session, const std::string& tenant,
                                        const ReviewRef& ref) {
  ReviewStore store(session, tenant);
  auto review = store.FindReview(ref.cycle, ref.person);
  if (!review.ok()) return review.status();
  auto cycle = store.FindCycle(ref.cycle);
  if (!cycle.ok()) return cycle.status();
  if (!review->has_value() || !cycle->has_value()) return ReviewNotFound();
  return LoadedReview{**std::move(review), **std::move(cycle)};
}

// The reviewee's manager chain when the viewer may read the review; REVIEW_NOT_FOUND otherwise.
// A chain that cannot be had is empty unless the decision needs it.
absl::StatusOr<std::vector<std::string>> ReaderChain(OrgDirectory& org, const std::string& tenant,
                                                     const ReviewParties& parties,
                                                     const Viewer& viewer) {
  auto chain = org.ManagerChain(tenant, parties.reviewee);
  std::vector<std::string> managers;
  if (chain.ok()) managers = *std::move(chain);
  if (DecideReviewRead(parties, viewer) == ReviewReadDecision::kAllowed) return managers;
  if (!chain.ok() && !absl::IsNotFound(chain.status())) return chain.status();
  if (!MayReadReview(parties, viewer, managers)) return ReviewNotFound();
  return managers;
}

// The feedback summary `viewer` is shown, read in `session`.
absl::StatusOr<v1::FeedbackSummary> Summarise(common::SqlSession& session,
                                              const std::string& tenant, const Viewer& viewer,
                                              const LoadedReview& loaded,
                                              const std::vector<std::string>& chain) {
  const TimeWindow window = FeedbackWindow(loaded.cycle.goals_start_date, loaded.cycle.end_date);
  auto received =
      FeedbackStore(session, tenant).Received(loaded.review.reviewee, window.start, window.end);
  if (!received.ok()) return received.status();
  auto answered = ReviewStore(session, tenant)
                      .AnsweredRequests(loaded.review.reviewee, window.start, window.end);
  if (!answered.ok()) return answered.status();
  return SummaryProto(TallyFeedback(*received, viewer, chain), *answered);
}

absl::Status CheckAssessmentFields(const v1::SubmitAssessmentRequest& request) {
  common::Violations violations;
  violations.Check(
      request.kind() == v1::ASSESSMENT_KIND_SELF || request.kind() == v1::ASSESSMENT_KIND_MANAGER,
      "kind", "must be ASSESSMENT_KIND_SELF or ASSESSMENT_KIND_MANAGER");
  violations.Check(LengthWithin(request.comments(), 0, 20000), "comments",
                   "must be at most 20000 Unicode code points");
  for (int i = 0; i < request.ratings_size(); ++i) {
    violations.Check(LengthWithin(request.ratings(i).comment(), 0, 5000),
                     absl::StrCat("ratings[", i, "].comment"),
                     "must be at most 5000 Unicode code points");
  }
  if (absl::Status s = common::ValidateRequestId(request.request_id()); !s.ok()) {
    for (const auto& v : common::ErrorFieldViolations(s)) violations.Add(v.field, v.description);
  }
  return violations.ToStatus("INVALID_ASSESSMENT", "the assessment is not valid");
}

absl::Status CheckRubric(const v1::SubmitAssessmentRequest& request, const CycleRubric& rubric) {
  common::Violations violations;
  std::vector<RatingInput> ratings;
  for (const v1::CompetencyRating& r : request.ratings()) {
    ratings.push_back({r.competency(), r.rating()});
  }
  CheckRatings(ratings, rubric.competencies, rubric.scale, violations);
  if (request.has_overall_rating()) {
    violations.Check(
        rubric.scale.Contains(request.overall_rating()), "overall_rating",
        absl::StrCat("must be ", rubric.scale.min_rating, " to ", rubric.scale.max_rating));
  }
  return violations.ToStatus("INVALID_ASSESSMENT", "the assessment does not fit the review cycle");
}

// The assessment as stored: ratings in the cycle's competency order; submit_time set by the write.
v1::Assessment BuildAssessment(const v1::SubmitAssessmentRequest& request,
                               const std::string& author, const CycleRubric& rubric) {
  v1::Assessment a;
  a.set_kind(request.kind());
  a.set_author(PersonName(author));
  for (const std::string& id : rubric.competencies) {
    for (const v1::CompetencyRating& r : request.ratings()) {
      if (r.competency() == id) *a.add_ratings() = r;
    }
  }
  if (request.has_overall_rating()) a.set_overall_rating(request.overall_rating());
  a.set_comments(request.comments());
  return a;
}

v1::Change ReviewChange(v1::ChangeKind kind, const v1::Review& review, const Viewer& actor) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(review.name());
  if (!actor.person.empty()) change.set_actor(PersonName(actor.person));
  *change.mutable_review() = review;
  return change;
}

}  // namespace

grpc::ServerUnaryReactor* FeedbackService::CreateReviewCycle(
    grpc::CallbackServerContext* context, const v1::CreateReviewCycleRequest* request,
    v1::ReviewCycle* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    absl::Status allowed = CheckCycleWriter(ViewerOf(call.principal));
    if (allowed.ok()) allowed = common::ValidateRequestId(request->request_id());
    if (!allowed.ok()) return std::move(finish)(allowed);
    const std::string key = RequestKey("CreateReviewCycle", call);
    const std::string& request_id = request->request_id();
    if (!request_id.empty()) {
      // A repeated id is answered from the store, without asking goals or the org again.
      std::optional<v1::ReviewCycle> done;
      absl::Status s = Read(call, [&](ReadContext& r) -> absl::Status {
        auto replay = ReplayCreate(r.session, r.tenant, key, request_id, r.now);
        if (!replay.ok()) return replay.status();
        done = *std::move(replay);
        return absl::OkStatus();
      });
      if (s.ok() && done.has_value()) *response = *std::move(done);
      if (!s.ok() || !response->name().empty()) return std::move(finish)(s);
    }
    auto draft = CheckReviewCycle(request->review_cycle());
    if (!draft.ok()) return std::move(finish)(draft.status());
    const std::string& tenant = call.principal.tenant;
    auto service = ServiceCaller(tenant);
    if (!service.ok()) return std::move(finish)(service.status());
    auto goals_cycle = goals_->GetCycle(*service, draft->goals_cycle);
    if (absl::IsNotFound(goals_cycle.status())) {
      return std::move(finish)(common::MakeError(
          absl::StatusCode::kNotFound, "GOALS_CYCLE_NOT_FOUND", "no such goals cycle",
          {{"review_cycle.goals_cycle", "must name an existing goals cycle"}}));
    }
    if (!goals_cycle.ok()) return std::move(finish)(goals_cycle.status());
    auto reviewees = ResolveReviewees(*org_, tenant, *draft);
    if (!reviewees.ok()) return std::move(finish)(reviewees.status());
    Write(call, std::move(finish),
          [request, response, key, draft = *std::move(draft), goals_start = goals_cycle->start_date,
           reviewees = *std::move(reviewees)](WriteContext& w) -> absl::Status {
            const std::string& rid = request->request_id();
            if (!rid.empty()) {
              auto replay = ReplayCreate(w.session, w.tenant, key, rid, w.now);
              if (!replay.ok()) return replay.status();
              if (replay->has_value()) {
                *response = **std::move(replay);
                return absl::OkStatus();
              }
            }
            ReviewCycleRecord record;
            record.id = common::NewResourceId();
            v1::ReviewCycle cycle = draft.definition;
            cycle.set_name(Name(kReviewCycles, record.id));
            cycle.set_review_count(static_cast<int32_t>(reviewees.size()));
            *cycle.mutable_create_time() = common::ToTimestamp(w.now);
            record.definition = cycle.SerializeAsString();
            record.start_date = draft.start_date;
            record.end_date = draft.end_date;
            record.goals_cycle = draft.goals_cycle;
            record.goals_start_date = goals_start;
            const ReviewCycleState state = StateOf(record, w.now);
            // Only later transitions are announced: creation already tells the state.
            record.announced_state = static_cast<int>(state);
            record.create_time = w.now;
            ReviewStore store(w.session, w.tenant);
            if (absl::Status s = store.InsertCycle(record); !s.ok()) return s;
            cycle.set_state(static_cast<v1::ReviewCycleState>(state));
            v1::Change created;
            created.set_kind(v1::CHANGE_KIND_REVIEW_CYCLE_CREATED);
            created.set_resource_name(cycle.name());
            created.set_actor(PersonName(w.viewer.person));
            *created.mutable_review_cycle() = cycle;
            if (absl::Status s = w.changes.Append(created); !s.ok()) return s;
            const GoalScoresView no_goals;
            for (const NewReview& r : reviewees) {
              ReviewRecord review;
              review.cycle = record.id;
              review.reviewee = r.person;
              review.reviewer = r.reviewer;
              review.create_time = review.update_time = w.now;
              if (absl::Status s = store.InsertReview(review); !s.ok()) return s;
              absl::Status s = w.changes.Append(
                  ReviewChange(v1::CHANGE_KIND_REVIEW_CREATED,
                               ReviewProto({review, state, no_goals, std::nullopt}), w.viewer));
              if (!s.ok()) return s;
            }
            if (!rid.empty()) {
              common::RequestIdStore ids(w.session, kRequestIds, w.tenant);
              if (absl::Status s = ids.Remember(key, rid, cycle.name(), w.now); !s.ok()) {
                return s;
              }
            }
            *response = std::move(cycle);
            return absl::OkStatus();
          });
  });
}

grpc::ServerUnaryReactor* FeedbackService::GetReview(grpc::CallbackServerContext* context,
                                                     const v1::GetReviewRequest* request,
                                                     v1::Review* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto ref = ReviewFromName(request->name(), "name");
    if (!ref.ok()) return ref.status();
    std::optional<LoadedReview> loaded;
    absl::Status s = Read(call, [&](ReadContext& r) -> absl::Status {
      auto found = LoadReview(r.session, r.tenant, *ref);
      if (!found.ok()) return found.status();
      loaded = *std::move(found);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    const Viewer viewer = ViewerOf(call.principal);
    const std::string& tenant = call.principal.tenant;
    const ReviewRecord& review = loaded->review;
    const ReviewParties parties{review.reviewee, review.reviewer};
    auto chain = ReaderChain(*org_, tenant, parties, viewer);
    if (!chain.ok()) return chain.status();
    const absl::Time now = options_.clock();
    const GoalsLookup goals =
        LookUpGoals(*goals_, ServiceCaller(tenant), CallerOf(call), review.reviewee,
                    loaded->cycle.goals_cycle, !review.goals_frozen_time.has_value(), now);
    std::optional<v1::FeedbackSummary> summary;
    s = Read(call, [&](ReadContext& r) -> absl::Status {
      auto made = Summarise(r.session, r.tenant, viewer, *loaded, *chain);
      if (!made.ok()) return made.status();
      summary = *std::move(made);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    const ReviewCycleState state = StateOf(loaded->cycle, now);
    *response = ReviewProto(
        {review, state, GoalsForReader(review, goals, MaySeePrivateGoal(parties, viewer, *chain)),
         summary, ShowsManagerAssessment(parties, viewer, state)});
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* FeedbackService::SubmitAssessment(
    grpc::CallbackServerContext* context, const v1::SubmitAssessmentRequest* request,
    v1::Review* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    auto ref = ReviewFromName(request->name(), "name");
    if (!ref.ok()) return std::move(finish)(ref.status());
    if (absl::Status s = CheckAssessmentFields(*request); !s.ok()) return std::move(finish)(s);
    std::optional<LoadedReview> loaded;
    absl::Status s = Read(call, [&](ReadContext& r) -> absl::Status {
      auto found = LoadReview(r.session, r.tenant, *ref);
      if (!found.ok()) return found.status();
      loaded = *std::move(found);
      return absl::OkStatus();
    });
    if (!s.ok()) return std::move(finish)(s);
    const Viewer viewer = ViewerOf(call.principal);
    const std::string& tenant = call.principal.tenant;
    const ReviewParties parties{loaded->review.reviewee, loaded->review.reviewer};
    auto chain = ReaderChain(*org_, tenant, parties, viewer);
    if (!chain.ok()) return std::move(finish)(chain.status());
    const auto kind = static_cast<AssessmentKind>(request->kind());
    if (s = MaySubmit(parties, viewer, kind); !s.ok()) return std::move(finish)(s);
    auto rubric = RubricOf(loaded->cycle);
    if (!rubric.ok()) return std::move(finish)(rubric.status());
    if (s = CheckRubric(*request, *rubric); !s.ok()) return std::move(finish)(s);
    const bool frozen = loaded->review.goals_frozen_time.has_value();
    GoalsLookup goals =
        LookUpGoals(*goals_, ServiceCaller(tenant), CallerOf(call), loaded->review.reviewee,
                    loaded->cycle.goals_cycle, !frozen, options_.clock());
    if (kind == AssessmentKind::kManager && !frozen && !goals.all.has_value()) {
      return std::move(finish)(common::MakeError(
          absl::StatusCode::kUnavailable, "GOALS_UNAVAILABLE",
          "the goal scores to freeze cannot be taken from the goals service now; retry"));
    }
    Write(call, std::move(finish),
          [request, response, ref = *ref, kind, viewer, parties, chain = *std::move(chain),
           goals = std::move(goals), assessment = BuildAssessment(*request, viewer.person, *rubric),
           key = RequestKey("SubmitAssessment", call)](WriteContext& w) mutable -> absl::Status {
            common::RequestIdStore ids(w.session, kRequestIds, w.tenant);
            bool replay = false;
            if (!request->request_id().empty()) {
              auto done = ids.Find(key, request->request_id());
              if (!done.ok()) return done.status();
              replay = done->has_value();
            }
            auto found = LoadReview(w.session, w.tenant, ref);
            if (!found.ok()) return found.status();
            ReviewRecord& r = found->review;
            const ReviewCycleState state = StateOf(found->cycle, w.now);
            if (!replay) {
              if (state != ReviewCycleState::kActive) {
                return common::FailedPrecondition(
                    "REVIEW_CYCLE_NOT_ACTIVE",
                    state == ReviewCycleState::kScheduled
                        ? "the review cycle has not started: assessments open on its start_date"
                        : "the review cycle is closed: assessments can no longer be submitted");
              }
              std::optional<std::string>& slot =
                  kind == AssessmentKind::kSelf ? r.self_assessment : r.manager_assessment;
              if (slot.has_value()) {
                return common::FailedPrecondition("ASSESSMENT_ALREADY_SUBMITTED",
                                                  "this assessment was submitted and is final");
              }
              const std::string etag = ReviewEtag(r.version, GoalsForFeed(r, goals).digest);
              if (absl::Status e = common::CheckEtag(request->etag(), etag, "etag"); !e.ok()) {
                return e;
              }
              const ReviewState before = DeriveReviewState(r.self_assessment.has_value(),
                                                           r.manager_assessment.has_value(), state);
              *assessment.mutable_submit_time() = common::ToTimestamp(w.now);
              slot = assessment.SerializeAsString();
              const bool freeze = kind == AssessmentKind::kManager && !r.goals_frozen_time;
              if (freeze) {
                r.frozen_goals = *goals.all;
                r.goals_frozen_time = goals.time;
              }
              ++r.version;
              r.update_time = w.now;
              if (absl::Status u = ReviewStore(w.session, w.tenant).UpdateReview(r, freeze);
                  !u.ok()) {
                return u;
              }
              v1::Change change = ReviewChange(
                  v1::CHANGE_KIND_REVIEW_UPDATED,
                  ReviewProto({r, state, GoalsForFeed(r, goals), std::nullopt}), w.viewer);
              auto* paths = change.mutable_changed_fields();
              paths->add_paths(kind == AssessmentKind::kSelf ? "self_assessment"
                                                             : "manager_assessment");
              if (DeriveReviewState(r.self_assessment.has_value(), r.manager_assessment.has_value(),
                                    state) != before) {
                paths->add_paths("state");
              }
              if (freeze) paths->add_paths("goal_scores_time");
              paths->add_paths("update_time");
              paths->add_paths("etag");
              if (absl::Status a = w.changes.Append(change); !a.ok()) return a;
              if (!request->request_id().empty()) {
                absl::Status m = ids.Remember(key, request->request_id(),
                                              ReviewName(ref.cycle, ref.person), w.now);
                if (!m.ok()) return m;
              }
            }
            auto summary = Summarise(w.session, w.tenant, viewer, *found, chain);
            if (!summary.ok()) return summary.status();
            *response = ReviewProto(
                {r, state, GoalsForReader(r, goals, MaySeePrivateGoal(parties, viewer, chain)),
                 *std::move(summary), ShowsManagerAssessment(parties, viewer, state)});
            return absl::OkStatus();
          });
  });
}

absl::StatusOr<int> FeedbackService::AdvanceReviewCycles(absl::Time now) {
  int changed = 0;
  absl::Status s = WriteAndWait("", [&changed, now](WriteContext& w) -> absl::Status {
    changed = 0;
    auto cycles = ReviewStore::CyclesToAnnounce(w.session);
    if (!cycles.ok()) return cycles.status();
    for (const CycleToAnnounce& due : *cycles) {
      const ReviewCycleState state = StateOf(due.cycle, now);
      // A cycle that skipped ACTIVE while no sweep ran is announced once, as CLOSED.
      if (static_cast<int>(state) <= due.cycle.announced_state) continue;
      auto cycle = ReviewCycleProto(due.cycle, now);
      if (!cycle.ok()) return cycle.status();
      v1::Change change;
      change.set_kind(v1::CHANGE_KIND_REVIEW_CYCLE_STATE_CHANGED);
      change.set_resource_name(cycle->name());
      change.mutable_changed_fields()->add_paths("state");
      *change.mutable_review_cycle() = *std::move(cycle);
      if (absl::Status a = w.changes.AppendFor(due.tenant, change); !a.ok()) return a;
      absl::Status u = ReviewStore::SetAnnouncedState(w.session, due.tenant, due.cycle.id,
                                                      static_cast<int>(state));
      if (!u.ok()) return u;
      ++changed;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return changed;
}

}  // namespace okr::feedback
