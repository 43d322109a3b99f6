// The people side of the demo: feedback and recognition, feedback requests with their answers and
// refusals, one-on-ones with both participants' parts, and a review cycle with assessments.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/field_mask.pb.h"
#include "okr/common/aip/proto_time.h"
#include "tools/okr-demo/loader.h"
#include "tools/okr-demo/parallel.h"

namespace okr::demo {
namespace fb = okr::feedback::v1;

namespace {

std::string PersonName(const std::string& id) { return absl::StrCat("people/", id); }

fb::FeedbackKind KindOf(FeedbackKind kind) {
  switch (kind) {
    case FeedbackKind::kPraise:
      return fb::FEEDBACK_KIND_PRAISE;
    case FeedbackKind::kConstructive:
      return fb::FEEDBACK_KIND_CONSTRUCTIVE;
    case FeedbackKind::kRecognition:
      return fb::FEEDBACK_KIND_RECOGNITION;
  }
  return fb::FEEDBACK_KIND_UNSPECIFIED;
}

fb::FeedbackVisibility VisibilityOf(Visibility visibility) {
  switch (visibility) {
    case Visibility::kPrivate:
      return fb::FEEDBACK_VISIBILITY_PRIVATE;
    case Visibility::kManager:
      return fb::FEEDBACK_VISIBILITY_MANAGER;
    case Visibility::kPublic:
      return fb::FEEDBACK_VISIBILITY_PUBLIC;
  }
  return fb::FEEDBACK_VISIBILITY_UNSPECIFIED;
}

fb::OneOnOneCadence CadenceOf(int days) {
  if (days <= 7) return fb::ONE_ON_ONE_CADENCE_WEEKLY;
  if (days <= 14) return fb::ONE_ON_ONE_CADENCE_BIWEEKLY;
  return fb::ONE_ON_ONE_CADENCE_MONTHLY;
}

}  // namespace

absl::Status Loader::LoadFeedback(const DemoPlan& plan) {
  return ParallelFor(plan.feedback.size(), options_.concurrency, [&](size_t i) {
    const demo::Feedback& f = plan.feedback[i];
    fb::CreateFeedbackRequest request;
    fb::Feedback* feedback = request.mutable_feedback();
    feedback->set_recipient(PersonName(f.recipient));
    feedback->set_kind(KindOf(f.kind));
    feedback->set_body(f.body);
    for (const std::string& tag : f.tags) feedback->add_tags(tag);
    feedback->set_visibility(VisibilityOf(f.visibility));
    feedback->set_anonymous(f.anonymous);
    if (f.objective >= 0)
      feedback->set_objective(objective_names_[static_cast<size_t>(f.objective)]);
    request.set_request_id(RequestId("feedback", i));
    auto context = Context(f.author);
    if (!context.ok()) return context.status();
    fb::Feedback created;
    return Check(absl::StrCat("CreateFeedback as people/", f.author, " to people/", f.recipient),
                 feedback_->CreateFeedback(context->get(), request, &created));
  });
}

absl::Status Loader::LoadRequests(const DemoPlan& plan) {
  return ParallelFor(plan.requests.size(), options_.concurrency, [&](size_t i) -> absl::Status {
    const FeedbackRequest& r = plan.requests[i];
    fb::CreateFeedbackRequestRequest request;
    fb::FeedbackRequest* ask = request.mutable_feedback_request();
    for (const std::string& who : r.recipients) ask->add_recipients(PersonName(who));
    ask->set_message(r.message);
    if (r.objective >= 0) ask->set_objective(objective_names_[static_cast<size_t>(r.objective)]);
    *ask->mutable_due_date() = okr::common::ToDate(plan.today + r.due_in_days);
    request.set_request_id(RequestId("feedback-request", i));
    auto context = Context(r.requester);
    if (!context.ok()) return context.status();
    fb::FeedbackRequest created;
    absl::Status s = Check(absl::StrCat("CreateFeedbackRequest as people/", r.requester),
                           feedback_->CreateFeedbackRequest(context->get(), request, &created));
    if (!s.ok()) return s;
    for (size_t j = 0; j < r.responses.size(); ++j) {
      const FeedbackRequest::Response& response = r.responses[j];
      context = Context(response.recipient);
      if (!context.ok()) return context.status();
      if (response.answer == Answer::kAnswered) {
        fb::CreateFeedbackRequest answer;
        answer.mutable_feedback()->set_feedback_request(created.name());
        answer.mutable_feedback()->set_kind(KindOf(response.kind));
        answer.mutable_feedback()->set_body(response.text);
        answer.mutable_feedback()->set_visibility(fb::FEEDBACK_VISIBILITY_MANAGER);
        answer.set_request_id(RequestId("answer", i * 100 + j));
        fb::Feedback given;
        s = Check(absl::StrCat("CreateFeedback answering ", created.name(), " as people/",
                               response.recipient),
                  feedback_->CreateFeedback(context->get(), answer, &given));
      } else if (response.answer == Answer::kDeclined) {
        fb::DeclineFeedbackRequestRequest decline;
        decline.set_name(created.name());
        decline.set_reason(response.text);
        fb::FeedbackRequest declined;
        grpc::Status status = feedback_->DeclineFeedbackRequest(context->get(), decline, &declined);
        // A re-run finds the response already declined: that is what was wanted.
        if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
          s = Check(absl::StrCat("DeclineFeedbackRequest ", created.name(), " as people/",
                                 response.recipient),
                    status);
        }
      }
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

absl::Status Loader::LoadOneOnOnes(const DemoPlan& plan) {
  const absl::Time now = absl::Now();
  return ParallelFor(plan.one_on_ones.size(), options_.concurrency, [&](size_t i) -> absl::Status {
    const OneOnOne& o = plan.one_on_ones[i];
    // The manager sets it up with their agenda, the notes of the last meeting and the actions.
    fb::CreateOneOnOneRequest request;
    fb::OneOnOne* meeting = request.mutable_one_on_one();
    meeting->set_manager(PersonName(o.manager));
    meeting->set_report(PersonName(o.report));
    meeting->set_cadence(CadenceOf(o.cadence_days));
    if (o.last_met_days_ago >= 0) {
      *meeting->mutable_last_meeting_time() =
          okr::common::ToTimestamp(now - absl::Hours(24 * o.last_met_days_ago));
    }
    for (const OneOnOne::Agenda& a : o.agenda) {
      if (a.by_report) continue;
      fb::AgendaItem* item = meeting->add_agenda_items();
      item->set_text(a.text);
      item->set_discussed(a.discussed);
    }
    meeting->set_shared_notes(o.shared_notes);
    meeting->set_private_notes(o.manager_private_notes);
    for (const OneOnOne::Action& a : o.actions) {
      fb::ActionItem* item = meeting->add_action_items();
      item->set_owner(PersonName(a.owned_by_report ? o.report : o.manager));
      item->set_text(a.text);
      item->set_done(a.done);
      *item->mutable_due_date() = okr::common::ToDate(plan.today + a.due_in_days);
    }
    for (int objective : o.objectives) {
      meeting->add_objectives(objective_names_[static_cast<size_t>(objective)]);
    }
    request.set_request_id(RequestId("one-on-one", i));
    auto context = Context(o.manager);
    if (!context.ok()) return context.status();
    fb::OneOnOne created;
    absl::Status s =
        Check(absl::StrCat("CreateOneOnOne as people/", o.manager, " with people/", o.report),
              feedback_->CreateOneOnOne(context->get(), request, &created));
    if (!s.ok()) return s;
    // The report adds their own topics and private notes to what is there now.
    fb::UpdateOneOnOneRequest update;
    fb::OneOnOne* mine = update.mutable_one_on_one();
    bool report_has_items = false;
    for (const OneOnOne::Agenda& a : o.agenda) report_has_items |= a.by_report;
    if (!report_has_items && o.report_private_notes.empty()) return absl::OkStatus();
    context = Context(o.report);
    if (!context.ok()) return context.status();
    fb::GetOneOnOneRequest get;
    get.set_name(created.name());
    fb::OneOnOne current;
    s = Check("GetOneOnOne as the report", feedback_->GetOneOnOne(context->get(), get, &current));
    if (!s.ok()) return s;
    mine->set_name(current.name());
    mine->set_etag(current.etag());
    bool already_added = false;
    for (const fb::AgendaItem& item : current.agenda_items()) {
      already_added |= item.author() == PersonName(o.report);
    }
    if (report_has_items && !already_added) {
      *mine->mutable_agenda_items() = current.agenda_items();
      for (const OneOnOne::Agenda& a : o.agenda) {
        if (!a.by_report) continue;
        fb::AgendaItem* item = mine->add_agenda_items();
        item->set_text(a.text);
        item->set_discussed(a.discussed);
      }
      update.mutable_update_mask()->add_paths("agenda_items");
    }
    if (!o.report_private_notes.empty()) {
      mine->set_private_notes(o.report_private_notes);
      update.mutable_update_mask()->add_paths("private_notes");
    }
    if (update.update_mask().paths().empty()) return absl::OkStatus();
    context = Context(o.report);
    if (!context.ok()) return context.status();
    fb::OneOnOne updated;
    return Check(absl::StrCat("UpdateOneOnOne as people/", o.report),
                 feedback_->UpdateOneOnOne(context->get(), update, &updated));
  });
}

absl::Status Loader::LoadReviews(const DemoPlan& plan) {
  const ReviewCycle& r = plan.review_cycle;
  if (r.participants.empty()) return absl::OkStatus();
  fb::CreateReviewCycleRequest request;
  fb::ReviewCycle* cycle = request.mutable_review_cycle();
  cycle->set_display_name(r.display_name);
  cycle->set_goals_cycle(cycle_);
  *cycle->mutable_start_date() = okr::common::ToDate(r.start_date);
  *cycle->mutable_end_date() = okr::common::ToDate(r.end_date);
  fb::RatingScale* scale = cycle->mutable_rating_scale();
  scale->set_min_rating(1);
  scale->set_max_rating(5);
  const char* labels[] = {"Below expectations", "Partly meets", "Meets expectations",
                          "Exceeds expectations", "Outstanding"};
  for (int rating = 1; rating <= 5; ++rating) {
    fb::RatingLabel* label = scale->add_labels();
    label->set_rating(rating);
    label->set_label(labels[rating - 1]);
  }
  for (const auto& [id, name] : r.competencies) {
    fb::Competency* competency = cycle->add_competencies();
    competency->set_id(id);
    competency->set_display_name(name);
  }
  for (const std::string& team : r.participants) cycle->add_participants("teams/" + team);
  request.set_request_id(RequestId("review-cycle", 0));
  auto context = Context("");
  if (!context.ok()) return context.status();
  fb::ReviewCycle created;
  absl::Status s =
      Check("CreateReviewCycle", feedback_->CreateReviewCycle(context->get(), request, &created));
  if (!s.ok()) return s;
  std::map<std::string, std::string> manager_of;
  for (const demo::Person& p : plan.people) manager_of[p.id] = p.manager;
  return ParallelFor(r.assessments.size(), options_.concurrency, [&](size_t i) {
    const Assessment& a = r.assessments[i];
    fb::SubmitAssessmentRequest submit;
    submit.set_name(absl::StrCat(created.name(), "/reviews/", a.reviewee));
    submit.set_kind(a.self ? fb::ASSESSMENT_KIND_SELF : fb::ASSESSMENT_KIND_MANAGER);
    for (size_t c = 0; c < r.competencies.size(); ++c) {
      fb::CompetencyRating* rating = submit.add_ratings();
      rating->set_competency(r.competencies[c].first);
      rating->set_rating(a.ratings[c]);
    }
    submit.set_overall_rating(a.overall);
    submit.set_comments(a.comments);
    submit.set_request_id(RequestId("assessment", i));
    const std::string& author = a.self ? a.reviewee : manager_of.at(a.reviewee);
    auto as_author = Context(author);
    if (!as_author.ok()) return as_author.status();
    fb::Review review;
    return Check(absl::StrCat("SubmitAssessment ", submit.name(), " as people/", author),
                 feedback_->SubmitAssessment(as_author->get(), submit, &review));
  });
}

}  // namespace okr::demo
