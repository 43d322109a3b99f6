// FeedbackService: CreateFeedback, GetFeedback, ListFeedback, DeleteFeedback.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/aip/proto_time.h"
#include "okr/common/aip/request_ids.h"
#include "okr/common/aip/resource_id.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/api/feedback_proto.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/domain/author_key.h"
#include "services/feedback/src/domain/feedback_rules.h"
#include "services/feedback/src/domain/text.h"
#include "services/feedback/src/store/feedback_store.h"
#include "services/feedback/src/store/request_store.h"

namespace okr::feedback {
namespace {

constexpr char kRequestIds[] = "feedback_request_ids";

absl::Status FeedbackNotFound() {
  return common::NotFound("FEEDBACK_NOT_FOUND",
                          "the feedback does not exist or you may not read it");
}

// A create request checked against everything that needs no one else's data.
struct NewFeedback {
  Feedback feedback;
  std::string request;  // id of the answered feedback request
  bool recipient_given = false;
  bool goal_given = false;
};

absl::StatusOr<NewFeedback> ValidateCreate(const v1::CreateFeedbackRequest& request,
                                           const std::string& author) {
  if (absl::Status s = common::ValidateRequestId(request.request_id()); !s.ok()) return s;
  const v1::Feedback& in = request.feedback();
  common::Violations v;
  NewFeedback out;
  Feedback& f = out.feedback;
  f.author = author;
  if (!in.feedback_request().empty()) {
    auto id = IdFromName(kFeedbackRequests, in.feedback_request(), "feedback.feedback_request");
    if (id.ok()) {
      out.request = *id;
    } else {
      v.Add("feedback.feedback_request", "must be feedbackRequests/{request}");
    }
    v.Check(!in.anonymous(), "feedback.anonymous",
            "an answer to a feedback request cannot be anonymous: the requester sees who answered");
  }
  if (!in.recipient().empty()) {
    auto id = PersonIdFromName(in.recipient(), "feedback.recipient");
    if (id.ok()) {
      f.recipient = *id;
      out.recipient_given = true;
      v.Check(f.recipient != author, "feedback.recipient", "must differ from the author");
    } else {
      v.Add("feedback.recipient", "must be people/{person}");
    }
  } else {
    v.Check(!out.request.empty() || !in.feedback_request().empty(), "feedback.recipient",
            "is required");
  }
  const int kind = in.kind();
  if (kind == v1::FEEDBACK_KIND_UNSPECIFIED || !v1::FeedbackKind_IsValid(kind)) {
    v.Add("feedback.kind", "must be PRAISE, CONSTRUCTIVE or RECOGNITION");
  } else {
    f.kind = static_cast<FeedbackKind>(kind);
  }
  f.body = Trimmed(in.body());
  v.Check(LengthWithin(f.body, 1, kMaxBodyCodePoints), "feedback.body",
          "must be 1 to 10000 Unicode code points of UTF-8 after trimming");
  if (in.goal_case() == v1::Feedback::kObjective) {
    auto goal = GoalFromName(in.objective(), false, "feedback.objective");
    if (goal.ok()) {
      f.goal = *goal;
      out.goal_given = true;
    } else {
      v.Add("feedback.objective", "must be objectives/{objective}");
    }
  } else if (in.goal_case() == v1::Feedback::kKeyResult) {
    auto goal = GoalFromName(in.key_result(), true, "feedback.key_result");
    if (goal.ok()) {
      f.goal = *goal;
      out.goal_given = true;
    } else {
      v.Add("feedback.key_result", "must be objectives/{objective}/keyResults/{key_result}");
    }
  }
  auto tags =
      NormalizeTags(std::vector<std::string>(in.tags().begin(), in.tags().end()), "feedback.tags");
  if (tags.ok()) {
    f.tags = *std::move(tags);
  } else {
    for (const auto& violation : common::ErrorFieldViolations(tags.status())) {
      v.Add(violation.field, violation.description);
    }
  }
  const int visibility = in.visibility();
  if (!v1::FeedbackVisibility_IsValid(visibility)) {
    v.Add("feedback.visibility", "must be PRIVATE, MANAGER or PUBLIC");
  } else if (kind != v1::FEEDBACK_KIND_UNSPECIFIED && v1::FeedbackKind_IsValid(kind)) {
    f.visibility = visibility == v1::FEEDBACK_VISIBILITY_UNSPECIFIED
                       ? DefaultVisibility(f.kind)
                       : static_cast<Visibility>(visibility);
    v.Check(KindAllows(f.kind, f.visibility), "feedback.visibility",
            "RECOGNITION must be PUBLIC and CONSTRUCTIVE must not be PUBLIC");
  }
  f.anonymous = in.anonymous();
  if (absl::Status s = v.ToStatus("INVALID_FEEDBACK", "the feedback is not valid"); !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace

// Whether `viewer` may read `f`, asking the org directory for the recipient's chain only when
// the rule needs it (remembered per call in `chains`).
static absl::StatusOr<bool> MayReadFeedback(
    OrgDirectory& org, const std::string& tenant, const Feedback& f, const Viewer& viewer,
    absl::flat_hash_map<std::string, std::vector<std::string>>& chains) {
  const ReadDecision decision = DecideRead(f.facts(), viewer);
  if (decision != ReadDecision::kNeedsChain) return decision == ReadDecision::kAllowed;
  auto it = chains.find(f.recipient);
  if (it == chains.end()) {
    auto chain = org.ManagerChain(tenant, f.recipient);
    if (absl::IsNotFound(chain.status())) {
      chain = std::vector<std::string>();  // the recipient left the directory: no chain
    }
    if (!chain.ok()) return chain.status();
    it = chains.emplace(f.recipient, *std::move(chain)).first;
  }
  return MayRead(f.facts(), viewer, it->second);
}

// Whether the reader sees the linked goal: always unless it is PRIVATE; then the author (who
// could read it when linking), administrators and services, and whoever goals says may read it.
// When goals cannot be asked the link is left out (fail closed) and the read still answers.
static bool ShowsGoal(GoalsDirectory& goals, const GoalsCaller& caller, const Feedback& f,
                      const Viewer& viewer) {
  if (f.goal.objective.empty() || !f.goal_private) return true;
  if (viewer.admin || viewer.service || viewer.person == f.author) return true;
  return goals.ReadGoal(caller, f.goal).ok();
}

grpc::ServerUnaryReactor* FeedbackService::CreateFeedback(grpc::CallbackServerContext* context,
                                                          const v1::CreateFeedbackRequest* request,
                                                          v1::Feedback* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    const std::string& tenant = call.principal.tenant;
    const std::string author = call.principal.subject;
    auto created = ValidateCreate(*request, author);
    if (!created.ok()) return std::move(finish)(created.status());
    NewFeedback nf = *std::move(created);
    Feedback& f = nf.feedback;
    // An answer: the request decides the recipient (and the goal, when none is given). Read
    // here so goals can be asked about the recipient before the write; the write checks again.
    if (!nf.request.empty()) {
      std::optional<FeedbackRequest> answered;
      absl::Status s = database_->Read([&](common::SqlSession& session) {
        auto found = RequestStore(session, tenant).Find(nf.request);
        if (!found.ok()) return found.status();
        answered = *std::move(found);
        return absl::OkStatus();
      });
      if (!s.ok()) return std::move(finish)(s);
      const Viewer viewer = ViewerOf(call.principal);
      if (!answered.has_value() || !MayReadRequest(*answered, viewer)) {
        return std::move(finish)(
            common::NotFound("FEEDBACK_REQUEST_NOT_FOUND",
                             "the feedback request does not exist or you may not "
                             "read it"));
      }
      if (nf.recipient_given && f.recipient != answered->requester) {
        return std::move(finish)(common::InvalidArgument(
            "RECIPIENT_IS_NOT_REQUESTER", "an answer goes to the person who asked",
            {{"feedback.recipient", "must be empty or the request's requester"}}));
      }
      f.recipient = answered->requester;
      if (!nf.goal_given && !answered->subject.objective.empty()) {
        f.goal = answered->subject;
        f.goal_private = answered->subject_private;
      }
    }
    // The recipient must exist; whether the author reports to them makes the feedback upward.
    auto recipient = org_->GetPerson(tenant, f.recipient);
    if (absl::IsNotFound(recipient.status())) {
      return std::move(finish)(
          common::MakeError(absl::StatusCode::kNotFound, "RECIPIENT_NOT_FOUND",
                            "the recipient is not a person of the tenant",
                            {{"feedback.recipient", "must name a person of the tenant"}}));
    }
    if (!recipient.ok()) return std::move(finish)(recipient.status());
    auto author_chain = org_->ManagerChain(tenant, author);
    if (!author_chain.ok() && !absl::IsNotFound(author_chain.status())) {
      return std::move(finish)(author_chain.status());
    }
    if (author_chain.ok()) {
      f.upward =
          std::find(author_chain->begin(), author_chain->end(), f.recipient) != author_chain->end();
    }
    // A caller may link only what they may read: goals decides, with the caller's own token.
    if (nf.goal_given) {
      auto goal = goals_->ReadGoal(CallerOf(call), f.goal);
      if (!goal.ok()) return std::move(finish)(goal.status());
      f.goal_private = goal->is_private;
    }
    Write(call, std::move(finish),
          [this, request, response, call, nf = std::move(nf)](WriteContext& w) mutable {
            Feedback& item = nf.feedback;
            common::RequestIdStore ids(w.session, kRequestIds, w.tenant);
            const std::string key = RequestKey("CreateFeedback", call);
            if (!request->request_id().empty()) {
              auto done = ids.Find(key, request->request_id());
              if (!done.ok()) return done.status();
              if (done->has_value()) {
                auto id = IdFromName(kFeedback, **done, "name");
                if (!id.ok()) return id.status();
                auto stored = FeedbackStore(w.session, w.tenant).Find(*id);
                if (!stored.ok()) return stored.status();
                if (!stored->has_value()) return FeedbackNotFound();  // deleted since
                *response = ToProto(**stored, w.viewer, true);
                return absl::OkStatus();
              }
            }
            item.id = common::NewTimeOrderedId(w.now);
            item.create_time = w.now;
            item.request = nf.request;
            std::optional<FeedbackRequest> answered;
            if (!nf.request.empty()) {
              RequestStore requests(w.session, w.tenant);
              auto found = requests.Find(nf.request);
              if (!found.ok()) return found.status();
              if (!found->has_value()) {
                return common::NotFound("FEEDBACK_REQUEST_NOT_FOUND",
                                        "the feedback request does not exist");
              }
              answered = **found;
              RecipientResponse* mine = answered->ResponseOf(item.author);
              if (mine == nullptr) {
                return common::FailedPrecondition("NOT_A_RECIPIENT",
                                                  "you were not asked by this feedback request");
              }
              if (answered->StateAt(w.now) != RequestState::kOpen ||
                  ResponseAsOf(mine->state, answered->expiry(), w.now) != ResponseState::kPending) {
                return common::FailedPrecondition(
                    "FEEDBACK_REQUEST_NOT_OPEN",
                    "the feedback request is no longer open for your answer (answered, declined "
                    "or past its due date)");
              }
              mine->state = ResponseState::kAnswered;
              mine->feedback = item.id;
              mine->respond_time = w.now;
              answered->update_time = w.now;
              ++answered->version;
              if (absl::Status s = requests.Update(*answered, answered->StateAt(w.now)); !s.ok()) {
                return s;
              }
            }
            if (absl::Status s = FeedbackStore(w.session, w.tenant).Insert(item); !s.ok()) return s;
            v1::Change change;
            change.set_kind(v1::CHANGE_KIND_FEEDBACK_CREATED);
            change.set_resource_name(Name(kFeedback, item.id));
            change.set_actor(PersonName(item.author));
            v1::FeedbackRecord* record = change.mutable_feedback();
            *record->mutable_feedback() = ToProto(item, Viewer{item.author}, true);
            record->set_upward(item.upward);
            if (absl::Status s = w.changes.Append(change, item.goal_private); !s.ok()) return s;
            if (answered.has_value()) {
              v1::Change updated;
              updated.set_kind(v1::CHANGE_KIND_FEEDBACK_REQUEST_UPDATED);
              updated.set_resource_name(Name(kFeedbackRequests, answered->id));
              updated.set_actor(PersonName(item.author));
              updated.mutable_changed_fields()->add_paths("responses");
              updated.mutable_changed_fields()->add_paths("state");
              *updated.mutable_feedback_request() =
                  ToProto(*answered, Viewer{answered->requester}, w.now);
              if (absl::Status s = w.changes.Append(updated, answered->subject_private); !s.ok()) {
                return s;
              }
            }
            if (!request->request_id().empty()) {
              absl::Status s =
                  ids.Remember(key, request->request_id(), Name(kFeedback, item.id), w.now);
              if (!s.ok()) return s;
            }
            *response = ToProto(item, w.viewer, true);
            return absl::OkStatus();
          });
  });
}

grpc::ServerUnaryReactor* FeedbackService::GetFeedback(grpc::CallbackServerContext* context,
                                                       const v1::GetFeedbackRequest* request,
                                                       v1::Feedback* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto id = IdFromName(kFeedback, request->name(), "name");
    if (!id.ok()) return id.status();
    const Viewer viewer = ViewerOf(call.principal);
    std::optional<Feedback> found;
    absl::Status s = Read(call, [&](ReadContext& r) {
      auto row = FeedbackStore(r.session, r.tenant).Find(*id);
      if (!row.ok()) return row.status();
      found = *std::move(row);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (!found.has_value()) return FeedbackNotFound();
    absl::flat_hash_map<std::string, std::vector<std::string>> chains;
    auto readable = MayReadFeedback(*org_, call.principal.tenant, *found, viewer, chains);
    if (!readable.ok()) return readable.status();
    if (!*readable) return FeedbackNotFound();
    *response = ToProto(*found, viewer, ShowsGoal(*goals_, CallerOf(call), *found, viewer));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* FeedbackService::ListFeedback(grpc::CallbackServerContext* context,
                                                        const v1::ListFeedbackRequest* request,
                                                        v1::ListFeedbackResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    const Viewer viewer = ViewerOf(call.principal);
    FeedbackQuery q;
    q.viewer = viewer;
    common::Violations v;
    if (!request->author().empty()) {
      auto id = PersonIdFromName(request->author(), "author");
      v.Check(id.ok(), "author", "must be people/{person}");
      if (id.ok()) q.author = *id;
    }
    if (!request->recipient().empty()) {
      auto id = PersonIdFromName(request->recipient(), "recipient");
      v.Check(id.ok(), "recipient", "must be people/{person}");
      if (id.ok()) q.recipient = *id;
    }
    if (request->kind() != v1::FEEDBACK_KIND_UNSPECIFIED) {
      if (v.Check(v1::FeedbackKind_IsValid(request->kind()), "kind", "must be a known kind")) {
        q.kind = static_cast<FeedbackKind>(request->kind());
      }
    }
    if (request->visibility() != v1::FEEDBACK_VISIBILITY_UNSPECIFIED) {
      if (v.Check(v1::FeedbackVisibility_IsValid(request->visibility()), "visibility",
                  "must be a known visibility")) {
        q.visibility = static_cast<Visibility>(request->visibility());
      }
    }
    if (!request->objective().empty()) {
      auto goal = GoalFromName(request->objective(), false, "objective");
      v.Check(goal.ok(), "objective", "must be objectives/{objective}");
      if (goal.ok()) q.objective = goal->objective;
    }
    if (!request->key_result().empty()) {
      auto goal = GoalFromName(request->key_result(), true, "key_result");
      v.Check(goal.ok(), "key_result", "must be objectives/{objective}/keyResults/{key_result}");
      if (goal.ok()) q.key_result = *goal;
    }
    if (!request->tag().empty()) {
      auto tags = NormalizeTags({request->tag()}, "tag");
      v.Check(tags.ok(), "tag", "must be 1 to 64 characters from [a-z0-9_-]");
      if (tags.ok()) q.tag = tags->front();
    }
    if (request->has_create_time_start()) {
      auto t = common::TimestampField(request->create_time_start(), "create_time_start");
      v.Check(t.ok(), "create_time_start", "must be a valid timestamp");
      if (t.ok()) q.start = *t;
    }
    if (request->has_create_time_end()) {
      auto t = common::TimestampField(request->create_time_end(), "create_time_end");
      v.Check(t.ok(), "create_time_end", "must be a valid timestamp");
      if (t.ok()) q.end = *t;
    }
    if (request->as_records() && !viewer.service) {
      return common::PermissionDenied("RECORDS_FOR_SERVICES_ONLY",
                                      "as_records is for service identities (role service-reader)");
    }
    if (absl::Status s = v.ToStatus("INVALID_FILTER", "the filters are not valid"); !s.ok()) {
      return s;
    }
    const common::PageScope scope{
        call.principal.tenant,
        {request->as_records() ? "ListFeedbackRecords" : "ListFeedback", request->author(),
         request->recipient(), absl::StrCat(request->kind()), absl::StrCat(request->visibility()),
         request->objective(), request->key_result(), q.tag,
         request->has_create_time_start() ? request->create_time_start().DebugString() : "",
         request->has_create_time_end() ? request->create_time_end().DebugString() : ""}};
    auto after = ResumeAt(request->page_token(), scope);
    if (!after.ok()) return after.status();
    q.after = *std::move(after);
    // Rows are read newest first in chunks and the reader's rules applied to each; the page ends
    // when full, when the rows run out, or after list_scan_limit rows (then short, with a token).
    std::vector<Feedback> page;
    page.reserve(static_cast<size_t>(*page_size));
    absl::flat_hash_map<std::string, std::vector<std::string>> chains;
    bool more = false;
    std::optional<FeedbackPosition> last;
    absl::Status s = Read(call, [&](ReadContext& r) {
      FeedbackStore store(r.session, r.tenant);
      int scanned = 0;
      q.limit = std::min(*page_size + 1, 1001);
      while (true) {
        auto rows = store.List(q);
        if (!rows.ok()) return rows.status();
        for (size_t i = 0; i < rows->size(); ++i) {
          Feedback& f = (*rows)[i];
          if (static_cast<int>(page.size()) == *page_size) {
            more = true;  // a row after a full page
            return absl::OkStatus();
          }
          ++scanned;
          last = FeedbackPosition{absl::ToUnixMicros(f.create_time), f.id};
          auto readable = MayReadFeedback(*org_, r.tenant, f, viewer, chains);
          if (!readable.ok()) return readable.status();
          if (*readable) page.push_back(std::move(f));
          if (scanned >= options_.list_scan_limit && static_cast<int>(page.size()) < *page_size) {
            more = i + 1 < rows->size() || static_cast<int>(rows->size()) == q.limit;
            return absl::OkStatus();
          }
        }
        if (static_cast<int>(rows->size()) < q.limit) return absl::OkStatus();
        q.after = last;
      }
    });
    if (!s.ok()) return s;
    const GoalsCaller caller = CallerOf(call);
    for (Feedback& f : page) {
      const bool show_goal = ShowsGoal(*goals_, caller, f, viewer);
      if (request->as_records()) {
        // As the change feed gives it to a service: the pseudonymous author and the upward flag.
        v1::FeedbackRecord* record = response->add_records();
        record->set_author_key(
            AuthorKey(options_.author_key_secret, call.principal.tenant, f.author));
        record->set_upward(f.upward);
        *record->mutable_feedback() = ToProto(std::move(f), viewer, show_goal);
      } else {
        *response->add_feedback() = ToProto(std::move(f), viewer, show_goal);
      }
    }
    // `last` is the last row examined: the page's last item when it is full, else the row the
    // scan stopped at.
    if (more && last.has_value()) {
      response->set_next_page_token(page_tokens_->Seal(scope, FormatPagePosition(*last)));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* FeedbackService::DeleteFeedback(grpc::CallbackServerContext* context,
                                                          const v1::DeleteFeedbackRequest* request,
                                                          ::google::protobuf::Empty*) {
  return runtime_->UnaryAsync(context, [this, request](const common::Call& call,
                                                       common::RpcRuntime::Finish finish) {
    auto id = IdFromName(kFeedback, request->name(), "name");
    if (!id.ok()) return std::move(finish)(id.status());
    const Viewer viewer = ViewerOf(call.principal);
    if (!viewer.admin) {
      // Only the author may delete; whoever else may read it is told so, others learn nothing.
      std::optional<Feedback> found;
      absl::Status s = Read(call, [&](ReadContext& r) {
        auto row = FeedbackStore(r.session, r.tenant).Find(*id);
        if (!row.ok()) return row.status();
        found = *std::move(row);
        return absl::OkStatus();
      });
      if (!s.ok()) return std::move(finish)(s);
      if (!found.has_value()) return std::move(finish)(FeedbackNotFound());
      if (found->author != viewer.person) {
        absl::flat_hash_map<std::string, std::vector<std::string>> chains;
        auto readable = MayReadFeedback(*org_, call.principal.tenant, *found, viewer, chains);
        if (!readable.ok()) return std::move(finish)(readable.status());
        if (!*readable) return std::move(finish)(FeedbackNotFound());
        return std::move(finish)(common::PermissionDenied(
            "FEEDBACK_DELETE_DENIED", "only its author or an administrator may delete feedback"));
      }
    }
    Write(call, std::move(finish), [id = *id](WriteContext& w) {
      FeedbackStore store(w.session, w.tenant);
      auto found = store.Find(id);
      if (!found.ok()) return found.status();
      if (!found->has_value() || (!w.viewer.admin && (*found)->author != w.viewer.person)) {
        return FeedbackNotFound();
      }
      const Feedback& f = **found;
      auto deleted = store.Delete(id);
      if (!deleted.ok()) return deleted.status();
      if (absl::Status s = RequestStore(w.session, w.tenant).ForgetAnswer(id); !s.ok()) return s;
      v1::Change change;
      change.set_kind(v1::CHANGE_KIND_FEEDBACK_DELETED);
      change.set_resource_name(Name(kFeedback, id));
      change.set_actor(PersonName(w.viewer.person));
      v1::FeedbackRecord* record = change.mutable_feedback();
      *record->mutable_feedback() = ToProto(f, Viewer{f.author}, true);
      record->set_upward(f.upward);
      return w.changes.Append(change, f.goal_private);
    });
  });
}

}  // namespace okr::feedback
