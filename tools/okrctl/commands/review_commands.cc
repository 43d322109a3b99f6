// `okrctl review show REVIEW`: a review with its goal scores, feedback summary and assessments.
#include "absl/strings/str_cat.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace fv1 = okr::feedback::v1;

void PrintAssessment(std::ostream& out, const char* title, const fv1::Assessment& a) {
  out << title << ": ";
  if (a.ratings().empty() && !a.has_overall_rating()) {
    out << "not submitted\n";
    return;
  }
  out << "by " << a.author() << " at " << FormatTime(a.submit_time());
  if (a.has_overall_rating()) out << ", overall " << a.overall_rating();
  out << "\n";
  for (const auto& r : a.ratings()) {
    out << "    " << r.competency() << ": " << r.rating()
        << (r.comment().empty() ? "" : "  " + r.comment()) << "\n";
  }
  if (!a.comments().empty()) out << "    " << a.comments() << "\n";
}

int Show(Session& session, const std::string& name) {
  auto stub = fv1::FeedbackService::NewStub(session.Channel(Service::kFeedback));
  fv1::GetReviewRequest request;
  request.set_name(name);
  fv1::Review review;
  grpc::Status s = stub->GetReview(session.Context().get(), request, &review);
  if (!s.ok()) return session.Fail("GetReview", s);
  if (session.json()) {
    session.out() << ToJson(review) << "\n";
    return kExitOk;
  }
  const Style& st = session.style();
  std::ostream& out = session.out();
  out << Paint(review.name(), Colour::kBold, st) << "\n";
  out << "  reviewee: " << review.reviewee()
      << "   reviewer: " << (review.reviewer().empty() ? "-" : review.reviewer())
      << "   state: " << EnumLabel(review.state(), "REVIEW_STATE_") << "\n\n";
  Table goals({"OBJECTIVE", "TITLE", "PROGRESS", "SCORE"});
  for (const auto& g : review.goal_scores()) {
    goals.Add({g.objective(), g.title(), ProgressCell(g.progress(), 10, st, Colour::kCyan),
               g.has_score() ? absl::StrCat(g.score()) : "-"});
  }
  out << "goal scores (as of " << FormatTime(review.goal_scores_time()) << "):\n";
  goals.Print(out);
  const fv1::FeedbackSummary& f = review.feedback_summary();
  out << "\nfeedback received: " << f.praise_count() << " praise, " << f.constructive_count()
      << " constructive, " << f.recognition_count() << " recognition from " << f.author_count()
      << " people; " << f.answered_request_count() << " answered requests\n\n";
  PrintAssessment(out, "self assessment", review.self_assessment());
  PrintAssessment(out, "manager assessment", review.manager_assessment());
  return kExitOk;
}

}  // namespace

void AddReviewCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* review = app.add_subcommand("review", "Performance reviews");
  review->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  CLI::App* show = review->add_subcommand("show", "One review");
  show->add_option("review", *name, "reviewCycles/ID/reviews/ID")->required();
  show->callback(Runner(session, exit_code, [&session, name] { return Show(session, *name); }));
}

}  // namespace okr::ctl
