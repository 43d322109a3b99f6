// `okrctl feedback give|list|request`.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace fv1 = okr::feedback::v1;

std::unique_ptr<fv1::FeedbackService::Stub> Feedback(Session& session) {
  return fv1::FeedbackService::NewStub(session.Channel(Service::kFeedback));
}

std::string Truncate(const std::string& text, size_t n) {
  std::string flat = text;
  for (char& c : flat) c = c == '\n' ? ' ' : c;
  if (flat.size() <= n) return flat;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  return flat.substr(0, cut) + "...";
}

std::vector<std::string> FeedbackRow(const fv1::Feedback& f, const Style& st) {
  const Colour colour =
      f.kind() == fv1::FEEDBACK_KIND_CONSTRUCTIVE ? Colour::kYellow : Colour::kGreen;
  return {f.name(),
          FormatTime(f.create_time()),
          f.anonymous() && f.author().empty() ? "(anonymous)" : f.author(),
          f.recipient(),
          Paint(EnumLabel(f.kind(), "FEEDBACK_KIND_"), colour, st),
          EnumLabel(f.visibility(), "FEEDBACK_VISIBILITY_"),
          Truncate(f.body(), 60)};
}

const std::vector<std::string> kFeedbackHeader = {"NAME", "CREATED",    "FROM", "TO",
                                                  "KIND", "VISIBILITY", "BODY"};

struct GiveOptions {
  std::string to;
  std::string kind = "praise";
  std::string visibility = "public";
  std::string body;
  std::string objective;
  std::string key_result;
  std::vector<std::string> tags;
  bool anonymous = false;
  std::string request;
  std::string request_id;
};

int Give(Session& session, const GiveOptions& o) {
  fv1::CreateFeedbackRequest request;
  fv1::Feedback* f = request.mutable_feedback();
  f->set_recipient(Qualify("people", o.to));
  auto kind = ParseEnum<fv1::FeedbackKind>("FEEDBACK_KIND_", o.kind);
  auto visibility = ParseEnum<fv1::FeedbackVisibility>("FEEDBACK_VISIBILITY_", o.visibility);
  if (!kind) return session.Usage("--kind must be praise, constructive or recognition");
  if (!visibility) return session.Usage("--visibility must be private, manager or public");
  f->set_kind(*kind);
  f->set_visibility(*visibility);
  f->set_body(o.body);
  if (!o.objective.empty()) f->set_objective(Qualify("objectives", o.objective));
  if (!o.key_result.empty()) f->set_key_result(o.key_result);
  for (const std::string& t : o.tags) f->add_tags(t);
  f->set_anonymous(o.anonymous);
  f->set_feedback_request(Qualify("feedbackRequests", o.request));
  request.set_request_id(o.request_id);
  fv1::Feedback out;
  grpc::Status s = Feedback(session)->CreateFeedback(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CreateFeedback", s);
  if (session.json()) {
    session.out() << ToJson(out) << "\n";
    return kExitOk;
  }
  Table table(kFeedbackHeader);
  table.Add(FeedbackRow(out, session.style()));
  table.Print(session.out());
  return kExitOk;
}

struct ListOptions {
  std::string author;
  std::string recipient;
  std::string kind;
  std::string visibility;
  std::string objective;
  std::string tag;
  int limit = 50;
};

int List(Session& session, const ListOptions& o) {
  fv1::ListFeedbackRequest request;
  request.set_author(Qualify("people", o.author));
  request.set_recipient(Qualify("people", o.recipient));
  if (!o.kind.empty()) {
    auto kind = ParseEnum<fv1::FeedbackKind>("FEEDBACK_KIND_", o.kind);
    if (!kind) return session.Usage("--kind must be praise, constructive or recognition");
    request.set_kind(*kind);
  }
  if (!o.visibility.empty()) {
    auto visibility = ParseEnum<fv1::FeedbackVisibility>("FEEDBACK_VISIBILITY_", o.visibility);
    if (!visibility) return session.Usage("--visibility must be private, manager or public");
    request.set_visibility(*visibility);
  }
  request.set_objective(Qualify("objectives", o.objective));
  request.set_tag(o.tag);
  request.set_page_size(o.limit > 0 && o.limit < 1000 ? o.limit : 1000);
  auto stub = Feedback(session);
  fv1::ListFeedbackResponse all;
  do {
    fv1::ListFeedbackResponse page;
    grpc::Status s = stub->ListFeedback(session.Context().get(), request, &page);
    if (!s.ok()) return session.Fail("ListFeedback", s);
    for (auto& f : *page.mutable_feedback()) {
      if (o.limit > 0 && all.feedback_size() >= o.limit) break;
      *all.add_feedback() = std::move(f);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (o.limit == 0 || all.feedback_size() < o.limit));
  if (session.json()) {
    session.out() << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table(kFeedbackHeader);
  for (const auto& f : all.feedback()) table.Add(FeedbackRow(f, session.style()));
  table.Print(session.out());
  return kExitOk;
}

struct RequestOptions {
  std::vector<std::string> from;
  std::string message;
  std::string objective;
  std::string key_result;
  std::string due;
  std::string request_id;
};

int Request(Session& session, const RequestOptions& o) {
  fv1::CreateFeedbackRequestRequest request;
  fv1::FeedbackRequest* r = request.mutable_feedback_request();
  for (const std::string& p : o.from) r->add_recipients(Qualify("people", p));
  r->set_message(o.message);
  if (!o.objective.empty()) r->set_objective(Qualify("objectives", o.objective));
  if (!o.key_result.empty()) r->set_key_result(o.key_result);
  if (!o.due.empty()) {
    auto due = ParseDate(o.due);
    if (!due) return session.Usage("--due must be a date such as 2026-12-20");
    *r->mutable_due_date() = *due;
  }
  request.set_request_id(o.request_id);
  fv1::FeedbackRequest out;
  grpc::Status s = Feedback(session)->CreateFeedbackRequest(session.Context().get(), request, &out);
  if (!s.ok()) return session.Fail("CreateFeedbackRequest", s);
  if (session.json()) {
    session.out() << ToJson(out) << "\n";
    return kExitOk;
  }
  Table table({"NAME", "STATE", "ASKED", "DUE", "MESSAGE"});
  table.Add({out.name(), EnumLabel(out.state(), "FEEDBACK_REQUEST_STATE_"),
             absl::StrJoin(out.recipients(), ", "),
             out.has_due_date() ? FormatDate(out.due_date()) : "-", Truncate(out.message(), 60)});
  table.Print(session.out());
  return kExitOk;
}

}  // namespace

void AddFeedbackCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* feedback = app.add_subcommand("feedback", "Feedback and recognition");
  feedback->require_subcommand(1);

  auto g = std::make_shared<GiveOptions>();
  CLI::App* give = feedback->add_subcommand("give", "Give feedback (as the token's person)");
  give->add_option("--to", g->to, "Recipient, people/ID or ID")->required();
  give->add_option("--kind", g->kind, "praise, constructive or recognition")->capture_default_str();
  give->add_option("--visibility", g->visibility, "private, manager or public")
      ->capture_default_str();
  give->add_option("--body,-m", g->body, "What to say")->required();
  give->add_option("--objective", g->objective, "About this objective");
  give->add_option("--key-result", g->key_result, "About this key result");
  give->add_option("--tag", g->tags, "A tag (repeatable)");
  give->add_flag("--anonymous", g->anonymous, "Hide the author from everyone but themselves");
  give->add_option("--answers", g->request, "The feedback request this answers");
  give->add_option("--request-id", g->request_id, "Idempotency key (a UUID)");
  give->callback(Runner(session, exit_code, [&session, g] { return Give(session, *g); }));

  auto l = std::make_shared<ListOptions>();
  CLI::App* list = feedback->add_subcommand("list", "Feedback the caller may read, newest first");
  list->add_option("--author,--from", l->author, "Given by");
  list->add_option("--recipient,--to", l->recipient, "Received by");
  list->add_option("--kind", l->kind, "praise, constructive or recognition");
  list->add_option("--visibility", l->visibility, "private, manager or public");
  list->add_option("--objective", l->objective, "About this objective or its key results");
  list->add_option("--tag", l->tag, "Carrying this tag");
  list->add_option("--limit", l->limit, "At most this many (0: all)")->capture_default_str();
  list->callback(Runner(session, exit_code, [&session, l] { return List(session, *l); }));

  auto r = std::make_shared<RequestOptions>();
  CLI::App* request = feedback->add_subcommand("request", "Ask people for feedback");
  request->add_option("--from", r->from, "Who to ask (repeatable or comma-separated)")
      ->required()
      ->delimiter(',');
  request->add_option("--message,-m", r->message, "What you would like to hear about");
  request->add_option("--objective", r->objective, "About this objective of yours");
  request->add_option("--key-result", r->key_result, "About this key result of yours");
  request->add_option("--due", r->due, "Answer by, YYYY-MM-DD");
  request->add_option("--request-id", r->request_id, "Idempotency key (a UUID)");
  request->callback(Runner(session, exit_code, [&session, r] { return Request(session, *r); }));
}

}  // namespace okr::ctl
