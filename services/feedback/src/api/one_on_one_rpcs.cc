// FeedbackService: the one-on-one methods, the overdue sweep and the one-on-one's feed view.
// Calls to the org directory and goals (people, linked objectives) are made on the executor before
// a write is queued, so write bodies only touch the database; reads never ask goals.
#include <tuple>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/aip/request_ids.h"
#include "okr/common/aip/resource_id.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/api/one_on_one_proto.h"
#include "services/feedback/src/api/one_on_one_view.h"
#include "services/feedback/src/domain/names.h"
#include "services/feedback/src/domain/one_on_one_rules.h"
#include "services/feedback/src/store/one_on_one_store.h"

namespace okr::feedback {
namespace {

constexpr char kRequestIdTable[] = "feedback_request_ids";
constexpr char kInvalid[] = "INVALID_ONE_ON_ONE";
constexpr char kInvalidMessage[] = "the one-on-one is not valid";

absl::Status NotFoundError() {
  return common::NotFound("ONE_ON_ONE_NOT_FOUND", "no such one-on-one");
}

absl::Status WriteDenied() {
  return common::PermissionDenied("ONE_ON_ONE_WRITE_DENIED",
                                  "only the manager and the report of a one-on-one may change it");
}

std::string NewItemId() { return common::NewResourceId(); }

// The stored one-on-one `id` if `viewer` may change it: NOT_FOUND for those who may not read it,
// PERMISSION_DENIED for those who read it without taking part.
absl::StatusOr<OneOnOne> LoadWritable(OneOnOneStore& store, const std::string& id,
                                      const Viewer& viewer) {
  auto stored = store.Find(id, viewer.person);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return NotFoundError();
  switch (AccessOf(viewer, (*stored)->manager, (*stored)->report)) {
    case OneOnOneAccess::kNone:
      return NotFoundError();
    case OneOnOneAccess::kWithoutNotes:
      return WriteDenied();
    case OneOnOneAccess::kParticipant:
      break;
  }
  return **std::move(stored);
}

// Resolves ids, authors and completion times of the items `paths` replaced, and checks the owners.
void ResolveItems(const OneOnOne& before, OneOnOne& after, const std::vector<std::string>& paths,
                  const std::string& caller, absl::Time now, common::Violations& violations) {
  if (HasPath(paths, "agenda_items")) {
    ResolveAgendaItems(before.agenda_items, after.agenda_items, caller, NewItemId,
                       "one_on_one.agenda_items", violations);
  }
  if (HasPath(paths, "action_items")) {
    ResolveActionItems(before.action_items, after.action_items, after.manager, after.report, now,
                       NewItemId, "one_on_one.action_items", violations);
  }
}

// Where a page resumes, as sealed in its token: "<create_time_us>/<id>".
std::string PositionText(const OneOnOne& o) {
  return absl::StrCat(absl::ToUnixMicros(o.create_time), "/", o.id);
}

absl::StatusOr<std::optional<OneOnOnePosition>> ResumePosition(const common::PageTokenCodec& codec,
                                                               const std::string& token,
                                                               const common::PageScope& scope) {
  if (token.empty()) return std::optional<OneOnOnePosition>();
  auto text = codec.Open(token, scope);
  if (!text.ok()) return text.status();
  std::vector<std::string> parts = absl::StrSplit(*text, absl::MaxSplits('/', 1));
  OneOnOnePosition position;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &position.create_time_us)) {
    return common::InvalidArgument("INVALID_PAGE_TOKEN", "the page token is not valid",
                                   {{"page_token", "must be a next_page_token of this listing"}});
  }
  position.id = parts[1];
  return std::optional<OneOnOnePosition>(std::move(position));
}

// The requested objectives with their privacy, asked of goals as the caller (who must be able to
// read each); each repeated id is asked once. UNAVAILABLE when goals cannot be asked.
absl::StatusOr<std::vector<LinkedObjective>> CheckLinkedObjectives(
    GoalsDirectory& goals, const GoalsCaller& caller,
    const std::vector<LinkedObjective>& requested) {
  std::vector<LinkedObjective> out;
  for (size_t i = 0; i < requested.size(); ++i) {
    LinkedObjective objective = requested[i];
    bool seen = false;
    for (const LinkedObjective& before : out) seen = seen || before.id == objective.id;
    if (seen) continue;
    auto facts = goals.ReadGoal(caller, GoalRef{objective.id, ""});
    if (!facts.ok()) {
      if (absl::IsUnavailable(facts.status())) return facts.status();
      // Not found and not readable look alike, as goals answers them.
      return common::MakeError(facts.status().code(), common::ErrorReason(facts.status()),
                               absl::StrCat("objective ", objective.id, " cannot be linked"),
                               {{absl::StrCat("one_on_one.objectives[", i, "]"),
                                 "must name an objective of the tenant that the caller may read"}});
    }
    objective.is_private = facts->is_private;
    out.push_back(std::move(objective));
  }
  return out;
}

// Both participants must be people of the tenant.
absl::Status CheckPeople(OrgDirectory& org, const std::string& tenant, const OneOnOne& o) {
  for (const auto& [field, person] :
       {std::pair{"one_on_one.manager", &o.manager}, std::pair{"one_on_one.report", &o.report}}) {
    auto facts = org.GetPerson(tenant, *person);
    if (facts.ok()) continue;
    if (absl::IsNotFound(facts.status())) {
      return common::MakeError(absl::StatusCode::kNotFound, "PERSON_NOT_FOUND",
                               absl::StrCat("no person ", *person, " in the tenant"),
                               {{field, "must name a person of the tenant"}});
    }
    return facts.status();
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* FeedbackService::CreateOneOnOne(grpc::CallbackServerContext* context,
                                                          const v1::CreateOneOnOneRequest* request,
                                                          v1::OneOnOne* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    const v1::OneOnOne& in = request->one_on_one();
    const std::string& caller = call.principal.subject;
    OneOnOne o;
    common::Violations violations;
    for (const auto& [field, name, id] :
         {std::tuple{"one_on_one.manager", &in.manager(), &o.manager},
          std::tuple{"one_on_one.report", &in.report(), &o.report}}) {
      if (name->empty()) {
        violations.Add(field, "required: people/{person}");
      } else if (auto person = PersonIdFromName(*name, field); person.ok()) {
        *id = *person;
      } else {
        violations.Add(field, "must be people/{person}");
      }
    }
    if (absl::Status s = violations.ToStatus(kInvalid, kInvalidMessage); !s.ok()) {
      return std::move(finish)(s);
    }
    // Before anything else is looked at: a stranger learns nothing about the pair.
    if (caller.empty() || (caller != o.manager && caller != o.report)) {
      return std::move(finish)(common::PermissionDenied(
          "ONE_ON_ONE_WRITE_DENIED", "only the manager or the report may start their one-on-one"));
    }
    if (absl::Status s = common::ValidateRequestId(request->request_id()); !s.ok()) {
      return std::move(finish)(s);
    }
    violations.Check(o.manager != o.report, "one_on_one.report", "must differ from the manager");
    ReadOneOnOneFields(in, OneOnOneMaskPaths(), options_.clock(), violations, o);
    if (absl::Status s = violations.ToStatus(kInvalid, kInvalidMessage); !s.ok()) {
      return std::move(finish)(s);
    }
    const std::string key = RequestKey("CreateOneOnOne", call);
    if (!request->request_id().empty()) {
      // A retry is answered from the first result even while goals is unreachable.
      bool replayed = false;
      absl::Status s = Read(call, [&](ReadContext& r) -> absl::Status {
        common::RequestIdStore ids(r.session, kRequestIdTable, r.tenant);
        auto done = ids.Find(key, request->request_id());
        if (!done.ok()) return done.status();
        if (!done->has_value()) return absl::OkStatus();
        auto id = IdFromName(kOneOnOnes, **done, "request_id");
        if (!id.ok()) return id.status();
        OneOnOneStore store(r.session, r.tenant);
        auto stored = store.Find(*id, r.viewer.person);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return NotFoundError();
        *response = ToProto(**stored, OneOnOneAccess::kParticipant, r.viewer.person, r.now);
        replayed = true;
        return absl::OkStatus();
      });
      if (!s.ok() || replayed) return std::move(finish)(s);
    }
    if (absl::Status s = CheckPeople(*org_, call.principal.tenant, o); !s.ok())
      return std::move(finish)(s);
    auto linked = CheckLinkedObjectives(*goals_, CallerOf(call), o.objectives);
    if (!linked.ok()) return std::move(finish)(linked.status());
    o.objectives = MergeObjectives({}, *linked, caller);
    Write(call, std::move(finish),
          [request, response, key, o = std::move(o)](WriteContext& w) mutable -> absl::Status {
            common::RequestIdStore ids(w.session, kRequestIdTable, w.tenant);
            OneOnOneStore store(w.session, w.tenant);
            if (!request->request_id().empty()) {
              auto done = ids.Find(key, request->request_id());
              if (!done.ok()) return done.status();
              if (done->has_value()) {
                auto stored =
                    store.Find(IdFromName(kOneOnOnes, **done, "").value_or(""), w.viewer.person);
                if (!stored.ok()) return stored.status();
                if (!stored->has_value()) return NotFoundError();
                *response = ToProto(**stored, OneOnOneAccess::kParticipant, w.viewer.person, w.now);
                return absl::OkStatus();
              }
            }
            auto existing = store.FindPair(o.manager, o.report);
            if (!existing.ok()) return existing.status();
            if (existing->has_value()) {
              return common::MakeError(absl::StatusCode::kAlreadyExists, "ONE_ON_ONE_EXISTS",
                                       "the manager and the report already have a one-on-one", {},
                                       {{"one_on_one", Name(kOneOnOnes, **existing)}});
            }
            // Item ids are output-only, ignored on create: every item is new.
            for (AgendaItem& item : o.agenda_items) item.id.clear();
            for (ActionItem& item : o.action_items) item.id.clear();
            common::Violations item_violations;
            ResolveItems(OneOnOne{}, o, OneOnOneMaskPaths(), w.viewer.person, w.now,
                         item_violations);
            if (absl::Status s = item_violations.ToStatus(kInvalid, kInvalidMessage); !s.ok())
              return s;
            o.id = common::NewResourceId();
            o.create_time = o.update_time = w.now;
            o.version = 1;
            if (absl::Status s = store.Insert(o); !s.ok()) return s;
            if (absl::Status s = store.SetPrivateNotes(o.id, w.viewer.person, o.private_notes);
                !s.ok()) {
              return s;
            }
            if (!request->request_id().empty()) {
              absl::Status s =
                  ids.Remember(key, request->request_id(), Name(kOneOnOnes, o.id), w.now);
              if (!s.ok()) return s;
            }
            v1::Change change;
            change.set_kind(v1::CHANGE_KIND_ONE_ON_ONE_CREATED);
            change.set_resource_name(Name(kOneOnOnes, o.id));
            change.set_actor(PersonName(w.viewer.person));
            *change.mutable_one_on_one() = FeedPayload(o, w.now);
            if (absl::Status s = w.changes.Append(change); !s.ok()) return s;
            *response = ToProto(o, OneOnOneAccess::kParticipant, w.viewer.person, w.now);
            return absl::OkStatus();
          });
  });
}

grpc::ServerUnaryReactor* FeedbackService::GetOneOnOne(grpc::CallbackServerContext* context,
                                                       const v1::GetOneOnOneRequest* request,
                                                       v1::OneOnOne* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto id = IdFromName(kOneOnOnes, request->name(), "name");
    if (!id.ok()) return id.status();
    return Read(call, [&](ReadContext& r) -> absl::Status {
      OneOnOneStore store(r.session, r.tenant);
      auto stored = store.Find(*id, r.viewer.person);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) return NotFoundError();
      const OneOnOneAccess access = AccessOf(r.viewer, (*stored)->manager, (*stored)->report);
      if (access == OneOnOneAccess::kNone) return NotFoundError();
      *response = ToProto(**stored, access, r.viewer.person, r.now);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* FeedbackService::ListOneOnOnes(grpc::CallbackServerContext* context,
                                                         const v1::ListOneOnOnesRequest* request,
                                                         v1::ListOneOnOnesResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    OneOnOneQuery query;
    common::Violations violations;
    for (const auto& [field, name, id] :
         {std::tuple{"manager", &request->manager(), &query.manager},
          std::tuple{"report", &request->report(), &query.report}}) {
      if (name->empty()) continue;
      auto person = PersonIdFromName(*name, field);
      if (violations.Check(person.ok(), field, "must be people/{person}")) *id = *person;
    }
    if (absl::Status s = violations.ToStatus("INVALID_FILTER", "the filters are not valid");
        !s.ok()) {
      return s;
    }
    const common::PageScope scope{call.principal.tenant,
                                  {"ListOneOnOnes", request->manager(), request->report(),
                                   request->overdue_only() ? "1" : "0"}};
    auto after = ResumePosition(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    query.after = *after;
    query.limit = *page_size + 1;  // one more tells whether a next page exists
    return Read(call, [&](ReadContext& r) -> absl::Status {
      if (!r.viewer.admin && !r.viewer.service) {
        if (r.viewer.person.empty()) return absl::OkStatus();
        query.participant = r.viewer.person;
      }
      query.notes_of = r.viewer.person;
      if (request->overdue_only()) query.overdue_at = r.now;
      OneOnOneStore store(r.session, r.tenant);
      auto rows = store.List(query);
      if (!rows.ok()) return rows.status();
      const bool more = rows->size() > static_cast<size_t>(*page_size);
      if (more) rows->resize(*page_size);
      for (const OneOnOne& o : *rows) {
        *response->add_one_on_ones() =
            ToProto(o, AccessOf(r.viewer, o.manager, o.report), r.viewer.person, r.now);
      }
      if (more)
        response->set_next_page_token(page_tokens_->Seal(scope, PositionText(rows->back())));
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* FeedbackService::UpdateOneOnOne(grpc::CallbackServerContext* context,
                                                          const v1::UpdateOneOnOneRequest* request,
                                                          v1::OneOnOne* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    const v1::OneOnOne& in = request->one_on_one();
    auto id = IdFromName(kOneOnOnes, in.name(), "one_on_one.name");
    if (!id.ok()) return std::move(finish)(id.status());
    auto paths = OneOnOnePaths(request->update_mask());
    if (!paths.ok()) return std::move(finish)(paths.status());
    OneOnOne patch;
    common::Violations violations;
    ReadOneOnOneFields(in, *paths, options_.clock(), violations, patch);
    if (absl::Status s = violations.ToStatus(kInvalid, kInvalidMessage); !s.ok()) {
      return std::move(finish)(s);
    }
    std::vector<LinkedObjective> linked;
    if (HasPath(*paths, "objectives") && !patch.objectives.empty()) {
      // Whoever may not change the one-on-one learns it before goals is asked anything.
      absl::Status access = Read(call, [&](ReadContext& r) {
        OneOnOneStore store(r.session, r.tenant);
        return LoadWritable(store, *id, r.viewer).status();
      });
      if (!access.ok()) return std::move(finish)(access);
      auto checked = CheckLinkedObjectives(*goals_, CallerOf(call), patch.objectives);
      if (!checked.ok()) return std::move(finish)(checked.status());
      linked = *std::move(checked);
    }
    Write(call, std::move(finish),
          [request, response, id = *id, paths = *paths, patch = std::move(patch),
           linked = std::move(linked)](WriteContext& w) -> absl::Status {
            OneOnOneStore store(w.session, w.tenant);
            auto stored = LoadWritable(store, id, w.viewer);
            if (!stored.ok()) return stored.status();
            if (absl::Status s =
                    common::CheckEtag(request->one_on_one().etag(),
                                      common::FormatEtag(stored->version), "one_on_one.etag");
                !s.ok()) {
              return s;
            }
            OneOnOne after = *stored;
            if (HasPath(paths, "cadence")) after.cadence = patch.cadence;
            if (HasPath(paths, "next_meeting_time")) {
              after.next_meeting_time = patch.next_meeting_time;
            }
            if (HasPath(paths, "last_meeting_time")) {
              after.last_meeting_time = patch.last_meeting_time;
            }
            if (HasPath(paths, "agenda_items")) after.agenda_items = patch.agenda_items;
            if (HasPath(paths, "shared_notes")) after.shared_notes = patch.shared_notes;
            if (HasPath(paths, "private_notes")) after.private_notes = patch.private_notes;
            if (HasPath(paths, "action_items")) after.action_items = patch.action_items;
            if (HasPath(paths, "objectives")) {
              after.objectives = MergeObjectives(stored->objectives, linked, w.viewer.person);
            }
            common::Violations item_violations;
            ResolveItems(*stored, after, paths, w.viewer.person, w.now, item_violations);
            item_violations.Check(after.objectives.size() <= kMaxLinkedObjectives,
                                  "one_on_one.objectives",
                                  absl::StrCat("at most ", kMaxLinkedObjectives,
                                               " objectives, counting those the other participant "
                                               "linked privately"));
            if (absl::Status s = item_violations.ToStatus(kInvalid, kInvalidMessage); !s.ok())
              return s;
            CarryOver(*stored, after);
            const std::vector<std::string> changed = ChangedOneOnOneFields(*stored, after, w.now);
            if (changed.empty()) {
              // Nothing to write: the etag stays, no change entry.
              *response = ToProto(*stored, OneOnOneAccess::kParticipant, w.viewer.person, w.now);
              return absl::OkStatus();
            }
            ++after.version;
            after.update_time = w.now;
            if (absl::Status s = store.Update(after); !s.ok()) return s;
            if (after.private_notes != stored->private_notes) {
              absl::Status s = store.SetPrivateNotes(id, w.viewer.person, after.private_notes);
              if (!s.ok()) return s;
            }
            v1::Change change;
            change.set_kind(v1::CHANGE_KIND_ONE_ON_ONE_UPDATED);
            change.set_resource_name(Name(kOneOnOnes, id));
            change.set_actor(PersonName(w.viewer.person));
            for (const std::string& field : changed)
              change.mutable_changed_fields()->add_paths(field);
            *change.mutable_one_on_one() = FeedPayload(after, w.now);
            if (absl::Status s = w.changes.Append(change); !s.ok()) return s;
            *response = ToProto(after, OneOnOneAccess::kParticipant, w.viewer.person, w.now);
            return absl::OkStatus();
          });
  });
}

absl::StatusOr<int> FeedbackService::MarkOverdueOneOnOnes(absl::Time now) {
  int count = 0;
  absl::Status written = WriteAndWait("", [&count, now](WriteContext& w) -> absl::Status {
    count = 0;  // the body may run again when its batch is retried
    auto due = OneOnOneStore::FindNewlyOverdue(w.session, now);
    if (!due.ok()) return due.status();
    for (const NewlyOverdue& d : *due) {
      absl::Status marked =
          OneOnOneStore::MarkOverdueReported(w.session, d.tenant, d.one_on_one.id, d.next_due_time);
      if (!marked.ok()) return marked;
      v1::Change change;
      change.set_kind(v1::CHANGE_KIND_ONE_ON_ONE_OVERDUE);
      change.set_resource_name(Name(kOneOnOnes, d.one_on_one.id));
      *change.mutable_one_on_one() = FeedPayload(d.one_on_one, now);
      if (absl::Status s = w.changes.AppendFor(d.tenant, change); !s.ok()) return s;
      ++count;
    }
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  return count;
}

std::optional<v1::OneOnOne> OneOnOneForFeed(const v1::OneOnOne& stored, const Viewer& viewer) {
  const std::string manager = PersonIdFromName(stored.manager(), "").value_or("");
  const std::string report = PersonIdFromName(stored.report(), "").value_or("");
  switch (AccessOf(viewer, manager, report)) {
    case OneOnOneAccess::kNone:
      return std::nullopt;
    case OneOnOneAccess::kWithoutNotes: {
      v1::OneOnOne out = stored;
      out.clear_shared_notes();
      out.clear_private_notes();
      return out;
    }
    case OneOnOneAccess::kParticipant: {
      v1::OneOnOne out = stored;
      out.clear_private_notes();
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace okr::feedback
