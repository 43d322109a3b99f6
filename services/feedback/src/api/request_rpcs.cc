// FeedbackService: CreateFeedbackRequest, ListFeedbackRequests, DeclineFeedbackRequest, and the
// expiry of requests past their due date.
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/aip/proto_time.h"
#include "okr/common/aip/request_ids.h"
#include "okr/common/aip/resource_id.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/api/feedback_proto.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/domain/text.h"
#include "services/feedback/src/store/request_store.h"

namespace okr::feedback {
namespace {

constexpr char kRequestIds[] = "feedback_request_ids";
constexpr size_t kMaxMessage = 2000;
constexpr size_t kMaxDeclineReason = 500;
// Requests expired per tenant-spanning write of the scheduler; the rest wait for the next pass.
constexpr int kExpiryBatch = 500;

absl::Status RequestNotFound() {
  return common::NotFound("FEEDBACK_REQUEST_NOT_FOUND",
                          "the feedback request does not exist or you may not read it");
}

struct NewRequest {
  FeedbackRequest request;
  bool subject_given = false;
};

absl::StatusOr<NewRequest> ValidateCreate(const v1::CreateFeedbackRequestRequest& in,
                                          const std::string& requester, absl::Time now) {
  if (absl::Status s = common::ValidateRequestId(in.request_id()); !s.ok()) return s;
  const v1::FeedbackRequest& r = in.feedback_request();
  common::Violations v;
  NewRequest out;
  FeedbackRequest& fr = out.request;
  fr.requester = requester;
  if (r.subject_case() == v1::FeedbackRequest::kObjective) {
    auto goal = GoalFromName(r.objective(), false, "feedback_request.objective");
    if (v.Check(goal.ok(), "feedback_request.objective", "must be objectives/{objective}")) {
      fr.subject = *goal;
      out.subject_given = true;
    }
  } else if (r.subject_case() == v1::FeedbackRequest::kKeyResult) {
    auto goal = GoalFromName(r.key_result(), true, "feedback_request.key_result");
    if (v.Check(goal.ok(), "feedback_request.key_result",
                "must be objectives/{objective}/keyResults/{key_result}")) {
      fr.subject = *goal;
      out.subject_given = true;
    }
  }
  v.Check(r.recipients_size() >= 1 && r.recipients_size() <= kMaxRequestRecipients,
          "feedback_request.recipients", "must name 1 to 50 people");
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < r.recipients_size() && i < kMaxRequestRecipients; ++i) {
    const std::string field = absl::StrCat("feedback_request.recipients[", i, "]");
    auto id = PersonIdFromName(r.recipients(i), field);
    if (!v.Check(id.ok(), field, "must be people/{person}")) continue;
    if (!v.Check(*id != requester, field, "must not be the requester")) continue;
    if (!v.Check(seen.insert(*id).second, field, "is named twice")) continue;
    RecipientResponse response;
    response.recipient = *id;
    fr.responses.push_back(std::move(response));
  }
  fr.message = r.message();
  v.Check(LengthWithin(fr.message, 0, kMaxMessage), "feedback_request.message",
          "must be 0 to 2000 Unicode code points of UTF-8");
  if (r.has_due_date()) {
    auto due = common::DateField(r.due_date(), "feedback_request.due_date");
    if (v.Check(due.ok(), "feedback_request.due_date", "must be a full date")) {
      fr.due_date = *due;
      v.Check(DueDateAllowed(fr.due_date, now), "feedback_request.due_date",
              "must be between today and 365 days ahead (UTC)");
    }
  } else {
    fr.due_date = absl::ToCivilDay(now, absl::UTCTimeZone()) + kDefaultDueDays;
  }
  if (absl::Status s = v.ToStatus("INVALID_FEEDBACK_REQUEST", "the feedback request is not valid");
      !s.ok()) {
    return s;
  }
  return out;
}

// The change entry of a request after a write, as its requester reads it (recipients are sent
// their own view by the feed).
v1::Change RequestChange(v1::ChangeKind kind, const FeedbackRequest& r, const std::string& actor,
                         absl::Time now, const std::vector<std::string>& fields = {}) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(Name(kFeedbackRequests, r.id));
  if (!actor.empty()) change.set_actor(PersonName(actor));
  for (const std::string& f : fields) change.mutable_changed_fields()->add_paths(f);
  *change.mutable_feedback_request() = ToProto(r, Viewer{r.requester}, now);
  return change;
}

}  // namespace

grpc::ServerUnaryReactor* FeedbackService::CreateFeedbackRequest(
    grpc::CallbackServerContext* context, const v1::CreateFeedbackRequestRequest* request,
    v1::FeedbackRequest* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    const std::string& tenant = call.principal.tenant;
    auto created = ValidateCreate(*request, call.principal.subject, options_.clock());
    if (!created.ok()) return std::move(finish)(created.status());
    NewRequest nr = *std::move(created);
    // Every recipient must be a person of the tenant.
    std::vector<common::FieldViolation> unknown;
    for (size_t i = 0; i < nr.request.responses.size(); ++i) {
      auto person = org_->GetPerson(tenant, nr.request.responses[i].recipient);
      if (absl::IsNotFound(person.status())) {
        unknown.push_back({absl::StrCat("feedback_request.recipients[", i, "]"),
                           "must name a person of the tenant"});
      } else if (!person.ok()) {
        return std::move(finish)(person.status());
      }
    }
    if (!unknown.empty()) {
      return std::move(finish)(common::MakeError(absl::StatusCode::kNotFound, "RECIPIENT_NOT_FOUND",
                                                 "a recipient is not a person of the tenant",
                                                 unknown));
    }
    // The subject is one of the requester's goals: one they own, or one of a team of theirs.
    if (nr.subject_given) {
      auto goal = goals_->ReadGoal(CallerOf(call), nr.request.subject);
      if (!goal.ok()) return std::move(finish)(goal.status());
      bool theirs = goal->owner_person == call.principal.subject;
      if (!theirs && !goal->owner_team.empty()) {
        auto me = org_->GetPerson(tenant, call.principal.subject);
        if (!me.ok() && !absl::IsNotFound(me.status())) return std::move(finish)(me.status());
        theirs = me.ok() &&
                 std::find(me->teams.begin(), me->teams.end(), goal->owner_team) != me->teams.end();
      }
      if (!theirs) {
        return std::move(finish)(common::MakeError(
            absl::StatusCode::kPermissionDenied, "SUBJECT_NOT_YOURS",
            "feedback can be asked for on your own goals or your teams' goals only",
            {{nr.request.subject.key_result.empty() ? "feedback_request.objective"
                                                    : "feedback_request.key_result",
              "must be a goal you or one of your teams owns"}}));
      }
      nr.request.subject_private = goal->is_private;
    }
    Write(call, std::move(finish),
          [request, response, call, nr = std::move(nr)](WriteContext& w) mutable {
            common::RequestIdStore ids(w.session, kRequestIds, w.tenant);
            const std::string key = RequestKey("CreateFeedbackRequest", call);
            RequestStore store(w.session, w.tenant);
            if (!request->request_id().empty()) {
              auto done = ids.Find(key, request->request_id());
              if (!done.ok()) return done.status();
              if (done->has_value()) {
                auto id = IdFromName(kFeedbackRequests, **done, "name");
                if (!id.ok()) return id.status();
                auto stored = store.Find(*id);
                if (!stored.ok()) return stored.status();
                if (!stored->has_value()) return RequestNotFound();
                *response = ToProto(**stored, w.viewer, w.now);
                return absl::OkStatus();
              }
            }
            FeedbackRequest& r = nr.request;
            r.id = common::NewTimeOrderedId(w.now);
            r.create_time = r.update_time = w.now;
            r.version = 1;
            if (absl::Status s = store.Insert(r, RequestState::kOpen); !s.ok()) return s;
            absl::Status s = w.changes.Append(
                RequestChange(v1::CHANGE_KIND_FEEDBACK_REQUEST_CREATED, r, r.requester, w.now),
                r.subject_private);
            if (!s.ok()) return s;
            if (!request->request_id().empty()) {
              s = ids.Remember(key, request->request_id(), Name(kFeedbackRequests, r.id), w.now);
              if (!s.ok()) return s;
            }
            *response = ToProto(r, w.viewer, w.now);
            return absl::OkStatus();
          });
  });
}

grpc::ServerUnaryReactor* FeedbackService::ListFeedbackRequests(
    grpc::CallbackServerContext* context, const v1::ListFeedbackRequestsRequest* request,
    v1::ListFeedbackRequestsResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    RequestQuery q;
    q.viewer = ViewerOf(call.principal);
    common::Violations v;
    if (!request->requester().empty()) {
      auto id = PersonIdFromName(request->requester(), "requester");
      if (v.Check(id.ok(), "requester", "must be people/{person}")) q.requester = *id;
    }
    if (!request->recipient().empty()) {
      auto id = PersonIdFromName(request->recipient(), "recipient");
      if (v.Check(id.ok(), "recipient", "must be people/{person}")) q.recipient = *id;
    }
    std::optional<RequestState> state;
    if (request->state() != v1::FEEDBACK_REQUEST_STATE_UNSPECIFIED) {
      if (v.Check(v1::FeedbackRequestState_IsValid(request->state()), "state",
                  "must be a known state")) {
        state = static_cast<RequestState>(request->state());
      }
    }
    std::optional<ResponseState> recipient_state;
    if (request->recipient_state() != v1::FEEDBACK_RESPONSE_STATE_UNSPECIFIED) {
      v.Check(!request->recipient().empty(), "recipient_state", "needs `recipient`");
      if (v.Check(v1::FeedbackResponseState_IsValid(request->recipient_state()), "recipient_state",
                  "must be a known state")) {
        recipient_state = static_cast<ResponseState>(request->recipient_state());
      }
    }
    if (absl::Status s = v.ToStatus("INVALID_FILTER", "the filters are not valid"); !s.ok()) {
      return s;
    }
    const common::PageScope scope{
        call.principal.tenant,
        {"ListFeedbackRequests", request->requester(), request->recipient(),
         absl::StrCat(request->state()), absl::StrCat(request->recipient_state())}};
    auto after = ResumeAt(request->page_token(), scope);
    if (!after.ok()) return after.status();
    q.after = *std::move(after);
    // States are judged at the read's time (an expiry shows before the scheduler records it),
    // so they are filtered here rather than in SQL.
    std::vector<FeedbackRequest> page;
    bool more = false;
    std::optional<RequestPosition> last;
    absl::Status s = Read(call, [&](ReadContext& r) {
      RequestStore store(r.session, r.tenant);
      q.limit = std::min(*page_size + 1, 1001);
      int scanned = 0;
      while (true) {
        auto rows = store.List(q);
        if (!rows.ok()) return rows.status();
        for (size_t i = 0; i < rows->size(); ++i) {
          const FeedbackRequest& fr = (*rows)[i];
          if (static_cast<int>(page.size()) == *page_size) {
            more = true;
            return absl::OkStatus();
          }
          ++scanned;
          last = RequestPosition{absl::ToUnixMicros(fr.create_time), fr.id};
          bool keep = !state.has_value() || fr.StateAt(r.now) == *state;
          if (keep && recipient_state.has_value()) {
            const RecipientResponse* resp = fr.ResponseOf(q.recipient);
            keep = resp != nullptr &&
                   ResponseAsOf(resp->state, fr.expiry(), r.now) == *recipient_state;
          }
          if (keep) page.push_back(fr);
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
    const absl::Time now = options_.clock();
    for (const FeedbackRequest& fr : page) {
      *response->add_feedback_requests() = ToProto(fr, q.viewer, now);
    }
    if (more && last.has_value()) {
      response->set_next_page_token(page_tokens_->Seal(scope, FormatPagePosition(*last)));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* FeedbackService::DeclineFeedbackRequest(
    grpc::CallbackServerContext* context, const v1::DeclineFeedbackRequestRequest* request,
    v1::FeedbackRequest* response) {
  return runtime_->UnaryAsync(
      context,
      [this, request, response](const common::Call& call, common::RpcRuntime::Finish finish) {
        auto id = IdFromName(kFeedbackRequests, request->name(), "name");
        if (!id.ok()) return std::move(finish)(id.status());
        if (!LengthWithin(request->reason(), 0, kMaxDeclineReason)) {
          return std::move(finish)(common::InvalidArgument(
              "INVALID_DECLINE_REASON", "the reason is too long",
              {{"reason", "must be 0 to 500 Unicode code points of UTF-8"}}));
        }
        Write(call, std::move(finish), [request, response, id = *id](WriteContext& w) {
          RequestStore store(w.session, w.tenant);
          auto found = store.Find(id);
          if (!found.ok()) return found.status();
          if (!found->has_value() || !MayReadRequest(**found, w.viewer)) return RequestNotFound();
          FeedbackRequest& r = **found;
          RecipientResponse* mine = r.ResponseOf(w.viewer.person);
          if (mine == nullptr) {
            return common::PermissionDenied("NOT_A_RECIPIENT",
                                            "only the people asked may decline a feedback request");
          }
          if (absl::Status s = common::CheckEtag(request->etag(), common::FormatEtag(r.version));
              !s.ok()) {
            return s;
          }
          if (mine->state == ResponseState::kDeclined) {
            *response = ToProto(r, w.viewer, w.now);
            return absl::OkStatus();
          }
          if (ResponseAsOf(mine->state, r.expiry(), w.now) != ResponseState::kPending) {
            return common::FailedPrecondition(
                "RESPONSE_NOT_PENDING",
                "you have already answered this request, or it is past its due date");
          }
          mine->state = ResponseState::kDeclined;
          mine->decline_reason = request->reason();
          mine->respond_time = w.now;
          r.update_time = w.now;
          ++r.version;
          if (absl::Status s = store.Update(r, r.StateAt(w.now)); !s.ok()) return s;
          absl::Status s =
              w.changes.Append(RequestChange(v1::CHANGE_KIND_FEEDBACK_REQUEST_UPDATED, r,
                                             w.viewer.person, w.now, {"responses", "state"}),
                               r.subject_private);
          if (!s.ok()) return s;
          *response = ToProto(r, w.viewer, w.now);
          return absl::OkStatus();
        });
      });
}

absl::StatusOr<int> FeedbackService::ExpireRequests(absl::Time now) {
  int expired = 0;
  absl::Status s = WriteAndWait("", [&expired, now](WriteContext& w) {
    auto due = RequestStore::DueForExpiry(w.session, now, kExpiryBatch);
    if (!due.ok()) return due.status();
    for (const auto& [tenant, id] : *due) {
      RequestStore store(w.session, tenant);
      auto found = store.Find(id);
      if (!found.ok()) return found.status();
      if (!found->has_value()) continue;
      FeedbackRequest& r = **found;
      for (RecipientResponse& resp : r.responses) {
        if (resp.state != ResponseState::kPending) continue;
        resp.state = ResponseState::kExpired;
        resp.respond_time = r.expiry();
      }
      r.update_time = now;
      ++r.version;
      if (absl::Status st = store.Update(r, r.StateAt(now)); !st.ok()) return st;
      absl::Status st = w.changes.AppendFor(tenant,
                                            RequestChange(v1::CHANGE_KIND_FEEDBACK_REQUEST_EXPIRED,
                                                          r, "", now, {"responses", "state"}),
                                            r.subject_private);
      if (!st.ok()) return st;
      ++expired;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return expired;
}

}  // namespace okr::feedback
