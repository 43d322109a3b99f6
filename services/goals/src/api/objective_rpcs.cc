// GoalsService: the objective methods.
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/org_names.h"
#include "services/goals/src/api/rules.h"
#include "services/goals/src/api/validation.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;

// Copies the tree's roll-up of `node` into the record.
void TakeRollup(const CycleTree& tree, domain::ObjectiveId node, ObjectiveRecord& o) {
  const domain::ObjectiveRollup r = tree.tree.GetObjective(node);
  o.progress = r.progress;
  o.attainment = r.attainment;
  o.confidence = r.confidence;
  o.health = r.health;
  o.has_measure = r.has_measure;
}

absl::StatusOr<domain::ObjectiveId> NodeOf(const CycleTree& tree, const std::string& id) {
  auto it = tree.objectives.find(id);
  if (it == tree.objectives.end()) {
    return absl::InternalError(absl::StrCat("objective ", id, " is not in its cycle's tree"));
  }
  return it->second;
}

absl::StatusOr<domain::Alignment> AlignmentIn(const CycleTree& tree, const std::string& parent) {
  auto alignment = tree.AlignmentOf(parent);
  if (!alignment) {
    return common::MakeError(absl::StatusCode::kNotFound, "PARENT_NOT_FOUND",
                             absl::StrCat("no parent ", parent),
                             {{"objective.parent", "must name an objective or key result"}});
  }
  return *alignment;
}

// Clears `parent` when it names an objective the caller may not read (a PRIVATE parent is never
// named to those who may not see it).
absl::Status HideParentIfUnreadable(GoalsStore& store, GoalsAccess& access, v1::Objective& out) {
  auto visible = ParentVisible(store, access, out.parent());
  if (!visible.ok()) return visible.status();
  if (!*visible) out.clear_parent();
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* GoalsService::CreateObjective(grpc::CallbackServerContext* context,
                                                        const v1::CreateObjectiveRequest* request,
                                                        v1::Objective* response) {
  return runtime_->UnaryAsync(
      context,
      [this, request, response](const common::Call& call, common::RpcRuntime::Finish finish) {
        if (absl::Status s = ValidateRequestId(request->request_id()); !s.ok()) {
          return std::move(finish)(s);
        }
        auto objective = ObjectiveFromCreate(request->objective());
        if (!objective.ok()) return std::move(finish)(objective.status());
        Write(call, std::move(finish),
              [this, request, response, o = *std::move(objective)](GoalsWrite& w) mutable {
                // Permission first: a caller who may not set objectives for this owner learns
                // nothing about the owner, the cycle or the parent.
                if (absl::Status s = CheckMayOwn(w.access, o.owner, o.level); !s.ok()) return s;
                const ReadContext clock{w.now, options_.health, options_.grading};
                if (!request->request_id().empty()) {
                  auto done = w.store.FindRequest(RequestKey("CreateObjective", w.access),
                                                  request->request_id());
                  if (!done.ok()) return done.status();
                  if (done->has_value()) {
                    auto stored = LoadReadableObjective(w.store, w.access,
                                                        ObjectiveIdFromName(**done).value_or(""));
                    if (!stored.ok()) return stored.status();
                    auto cycle = LoadCycle(w.store, stored->cycle);
                    if (!cycle.ok()) return cycle.status();
                    *response = ToProto(*stored, *cycle, clock);
                    return HideParentIfUnreadable(w.store, w.access, *response);
                  }
                }
                auto cycle = LoadCycle(w.store, o.cycle);
                if (!cycle.ok()) return cycle.status();
                if (absl::Status s = CheckCycleOpen(*cycle); !s.ok()) return s;
                const std::string owner_field = o.owner.kind == OwnerKind::kPerson
                                                    ? "objective.owner_person"
                                                    : "objective.owner_team";
                if (absl::Status s = CheckOwnerActive(w.store, o.owner, owner_field); !s.ok())
                  return s;
                if (!o.parent.empty()) {
                  if (absl::Status s = CheckParent(w.store, w.access, o.parent, o.cycle); !s.ok())
                    return s;
                }
                auto tree = w.tree(*cycle);
                if (!tree.ok()) return tree.status();
                auto alignment = AlignmentIn(**tree, o.parent);
                if (!alignment.ok()) return alignment.status();
                domain::ObjectiveSpec spec = SpecOf(o);
                spec.parent = *alignment;
                domain::RollupChanges changes;
                auto node = (*tree)->tree.AddObjective(spec, &changes);
                if (!node.ok()) return node.status();
                o.id = NewResourceId();
                (*tree)->NoteObjective(o.id, *node);
                o.version = 1;
                o.create_time = o.update_time = w.now;
                TakeRollup(**tree, *node, o);
                if (absl::Status s = w.store.InsertObjective(o); !s.ok()) return s;
                if (absl::Status s = w.changes.Objective(v1::CHANGE_KIND_OBJECTIVE_CREATED, o,
                                                         *cycle, PathOf(**tree, o.id));
                    !s.ok()) {
                  return s;
                }
                if (absl::Status s = w.changes.Rollup(w.store, **tree, *cycle, changes); !s.ok())
                  return s;
                if (!request->request_id().empty()) {
                  absl::Status s =
                      w.store.RememberRequest(RequestKey("CreateObjective", w.access),
                                              request->request_id(), ObjectiveName(o.id), w.now);
                  if (!s.ok()) return s;
                }
                *response = ToProto(o, *cycle, clock);
                return absl::OkStatus();
              });
      });
}

grpc::ServerUnaryReactor* GoalsService::GetObjective(grpc::CallbackServerContext* context,
                                                     const v1::GetObjectiveRequest* request,
                                                     v1::Objective* response) {
  return runtime_->UnaryFast(
      context,
      [this, request, response](const common::Call& call) -> std::optional<absl::Status> {
        if (!options_.read_model || !read_model_.ready()) return std::nullopt;
        auto id = ObjectiveIdFromField(request->name(), "name");
        if (!id.ok()) return id.status();
        const ReadModel::ObjectiveView view = read_model_.FindObjective(call.principal.tenant, *id);
        if (view.objective == nullptr) {
          return common::NotFound("OBJECTIVE_NOT_FOUND",
                                  absl::StrCat("no objective ", ObjectiveName(*id)));
        }
        // Who may read a PRIVATE objective is decided against the org directory: the database.
        if (!ReadableWithoutDirectory(*view.objective, call.principal) || view.cycle == nullptr) {
          return std::nullopt;
        }
        if (view.parent_objective != nullptr &&
            !ReadableWithoutDirectory(*view.parent_objective, call.principal)) {
          return std::nullopt;
        }
        *response = ToProto(*view.objective, *view.cycle, ReadClock());
        // A parent that names nothing stored is not named (as ParentVisible decides).
        if (view.parent_objective == nullptr) response->clear_parent();
        return absl::OkStatus();
      },
      [this, request, response](const common::Call& call) {
        auto id = ObjectiveIdFromField(request->name(), "name");
        if (!id.ok()) return id.status();
        return Read(call, [&](GoalsRead& r) {
          auto objective = LoadReadableObjective(r.store, r.access, *id);
          if (!objective.ok()) return objective.status();
          auto cycle = LoadCycle(r.store, objective->cycle);
          if (!cycle.ok()) return cycle.status();
          *response = ToProto(*objective, *cycle, r.clock);
          return HideParentIfUnreadable(r.store, r.access, *response);
        });
      });
}

grpc::ServerUnaryReactor* GoalsService::ListObjectives(grpc::CallbackServerContext* context,
                                                       const v1::ListObjectivesRequest* request,
                                                       v1::ListObjectivesResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    common::Violations violations;
    ObjectiveFilter filter;
    if (!request->cycle().empty()) {
      if (auto id = CycleIdFromName(request->cycle())) {
        filter.cycle = *id;
      } else {
        violations.Add("cycle", "must be cycles/{cycle}");
      }
    }
    if (!request->owner().empty()) {
      if (auto person = PersonIdFromName(request->owner())) {
        filter.owner = Owner{OwnerKind::kPerson, *person};
      } else if (auto team = TeamIdFromName(request->owner())) {
        filter.owner = Owner{OwnerKind::kTeam, *team};
      } else {
        violations.Add("owner", "must be people/{person} or teams/{team}");
      }
    }
    if (request->level() != v1::OBJECTIVE_LEVEL_UNSPECIFIED) {
      if (violations.Check(
              request->level() > 0 && request->level() <= v1::OBJECTIVE_LEVEL_INDIVIDUAL, "level",
              "unknown level")) {
        filter.level = static_cast<ObjectiveLevel>(request->level());
      }
    }
    if (request->state() != v1::OBJECTIVE_STATE_UNSPECIFIED) {
      if (violations.Check(request->state() > 0 && request->state() <= v1::OBJECTIVE_STATE_ARCHIVED,
                           "state", "unknown state")) {
        filter.state = static_cast<domain::ObjectiveState>(request->state());
      }
    }
    if (request->kind() != v1::OBJECTIVE_KIND_UNSPECIFIED) {
      if (violations.Check(
              request->kind() > 0 && request->kind() <= v1::OBJECTIVE_KIND_ASPIRATIONAL, "kind",
              "unknown kind")) {
        filter.kind = static_cast<domain::Kind>(request->kind());
      }
    }
    if (!request->parent().empty()) {
      violations.Check(ObjectiveIdFromName(request->parent()).has_value() ||
                           KeyResultKeyFromName(request->parent()).has_value(),
                       "parent", "must be objectives/{objective} or a key result name");
      violations.Check(!request->top_level_only(), "top_level_only",
                       "cannot be combined with parent");
      filter.parent = request->parent();
    } else if (request->top_level_only()) {
      filter.parent = "";
    }
    filter.include_archived = request->include_archived();
    if (absl::Status s = violations.ToStatus("INVALID_FILTER", "the filters are not valid");
        !s.ok()) {
      return s;
    }
    const common::PageScope scope{
        call.principal.tenant,
        {"ListObjectives", request->cycle(), request->owner(),
         absl::StrCat(static_cast<int>(request->level())),
         absl::StrCat(static_cast<int>(request->state())), request->parent(),
         absl::StrCat(static_cast<int>(request->kind())), request->top_level_only() ? "1" : "0",
         request->include_archived() ? "1" : "0"}};
    auto after = ResumeAfter(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    return Read(call, [&](GoalsRead& r) {
      auto page =
          r.store.ListObjectives(filter, *after, *page_size,
                                 [&r](const ObjectiveRecord& o) { return r.access.CanRead(o); });
      if (!page.ok()) return page.status();
      absl::flat_hash_map<std::string, CycleRecord> cycles;
      for (const ObjectiveRecord& o : page->items) {
        auto it = cycles.find(o.cycle);
        if (it == cycles.end()) {
          auto cycle = LoadCycle(r.store, o.cycle);
          if (!cycle.ok()) return cycle.status();
          it = cycles.emplace(o.cycle, *std::move(cycle)).first;
        }
        v1::Objective* out = response->add_objectives();
        *out = ToProto(o, it->second, r.clock);
        if (absl::Status s = HideParentIfUnreadable(r.store, r.access, *out); !s.ok()) return s;
      }
      if (!page->next_after.empty()) {
        response->set_next_page_token(page_tokens_->Seal(scope, page->next_after));
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* GoalsService::UpdateObjective(grpc::CallbackServerContext* context,
                                                        const v1::UpdateObjectiveRequest* request,
                                                        v1::Objective* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    auto id = ObjectiveIdFromField(request->objective().name(), "objective.name");
    if (!id.ok()) return std::move(finish)(id.status());
    auto paths = MaskPaths(request->update_mask(), ObjectiveMaskPaths(), ObjectiveStarPaths());
    if (!paths.ok()) return std::move(finish)(paths.status());
    Write(
        call, std::move(finish),
        [this, request, response, id = *id, paths = *paths](GoalsWrite& w) -> absl::Status {
          auto stored = LoadWritableObjective(w.store, w.access, id, "OBJECTIVE_WRITE_DENIED");
          if (!stored.ok()) return stored.status();
          absl::Status etag = common::CheckEtag(
              request->objective().etag(), common::FormatEtag(stored->version), "objective.etag");
          if (!etag.ok()) return etag;
          auto cycle = LoadCycle(w.store, stored->cycle);
          if (!cycle.ok()) return cycle.status();
          const bool closed = cycle->state == CycleState::kClosed;
          if (closed) {
            for (const std::string& path : paths) {
              if (path != "score" && path != "grading_note") return CheckCycleOpen(*cycle);
            }
          } else if (HasPath(paths, "score")) {
            return common::MakeError(
                absl::StatusCode::kFailedPrecondition, "SCORE_NOT_EDITABLE",
                "the score is set when the cycle closes; grade it afterwards",
                {{"update_mask", "score may be updated only in a CLOSED cycle"}});
          }
          auto updated = ApplyObjectiveUpdate(*stored, request->objective(), paths);
          if (!updated.ok()) return updated.status();
          ObjectiveRecord& o = *updated;
          if (!(o.owner == stored->owner) || o.level != stored->level) {
            if (absl::Status s = CheckMayOwn(w.access, o.owner, o.level); !s.ok()) return s;
          }
          if (!(o.owner == stored->owner)) {
            const std::string field = o.owner.kind == OwnerKind::kPerson ? "objective.owner_person"
                                                                         : "objective.owner_team";
            if (absl::Status s = CheckOwnerActive(w.store, o.owner, field); !s.ok()) return s;
          }
          const ReadContext clock{w.now, options_.health, options_.grading};
          domain::RollupChanges changes;
          std::string path = "/" + o.id + "/";
          if (!closed) {
            if (o.parent != stored->parent && !o.parent.empty()) {
              if (absl::Status s = CheckParent(w.store, w.access, o.parent, o.cycle); !s.ok())
                return s;
            }
            auto tree = w.tree(*cycle);
            if (!tree.ok()) return tree.status();
            CycleTree& t = **tree;
            auto node = NodeOf(t, o.id);
            if (!node.ok()) return node.status();
            if (o.state != stored->state) {
              if (absl::Status s = t.tree.SetObjectiveState(*node, o.state, &changes); !s.ok()) {
                return s;
              }
            }
            if (o.parent != stored->parent) {
              auto alignment = AlignmentIn(t, o.parent);
              if (!alignment.ok()) return alignment.status();
              if (absl::Status s = t.tree.MoveObjective(*node, *alignment, &changes); !s.ok()) {
                return s;
              }
            }
            if (o.weight != stored->weight) {
              if (absl::Status s = t.tree.SetObjectiveWeight(*node, o.weight, &changes); !s.ok()) {
                return s;
              }
            }
            if (o.rollup_children != stored->rollup_children) {
              absl::Status s = t.tree.SetRollupChildren(*node, o.rollup_children, &changes);
              if (!s.ok()) return s;
            }
            TakeRollup(t, *node, o);
            if (absl::Status s = w.changes.Rollup(w.store, t, *cycle, changes); !s.ok()) return s;
            path = PathOf(t, o.id);
          }
          ++o.version;
          o.update_time = w.now;
          if (absl::Status s = w.store.UpdateObjective(o); !s.ok()) return s;
          if (absl::Status s = w.changes.Objective(
                  v1::CHANGE_KIND_OBJECTIVE_UPDATED, o, *cycle, path,
                  ChangedFields(ToProto(*stored, *cycle, clock), ToProto(o, *cycle, clock)));
              !s.ok()) {
            return s;
          }
          *response = ToProto(o, *cycle, clock);
          return HideParentIfUnreadable(w.store, w.access, *response);
        });
  });
}

grpc::ServerUnaryReactor* GoalsService::DeleteObjective(grpc::CallbackServerContext* context,
                                                        const v1::DeleteObjectiveRequest* request,
                                                        google::protobuf::Empty* /*response*/) {
  return runtime_->UnaryAsync(
      context, [this, request](const common::Call& call, common::RpcRuntime::Finish finish) {
        auto id = ObjectiveIdFromField(request->name(), "name");
        if (!id.ok()) return std::move(finish)(id.status());
        Write(call, std::move(finish), [request, id = *id](GoalsWrite& w) -> absl::Status {
          auto stored = LoadWritableObjective(w.store, w.access, id, "OBJECTIVE_WRITE_DENIED");
          if (!stored.ok()) return stored.status();
          absl::Status etag =
              common::CheckEtag(request->etag(), common::FormatEtag(stored->version), "etag");
          if (!etag.ok()) return etag;
          auto cycle = LoadCycle(w.store, stored->cycle);
          if (!cycle.ok()) return cycle.status();
          if (absl::Status s = CheckCycleOpen(*cycle); !s.ok()) return s;
          auto tree = w.tree(*cycle);
          if (!tree.ok()) return tree.status();
          CycleTree& t = **tree;
          auto node = NodeOf(t, id);
          if (!node.ok()) return node.status();
          domain::RollupChanges changes;
          const std::string path = PathOf(t, id);
          // The tree refuses while anything is aligned to the objective or to its key results.
          if (absl::Status s = t.tree.RemoveObjective(*node, &changes); !s.ok()) return s;
          auto key_results = w.store.KeyResultsOf(id);
          if (!key_results.ok()) return key_results.status();
          for (const KeyResultRecord& k : *key_results) {
            if (absl::Status s = w.store.DeleteCheckInsOf(k.id); !s.ok()) return s;
            if (absl::Status s = w.store.DeleteKeyResult(id, k.id); !s.ok()) return s;
            t.ForgetKeyResult(k.id);
            absl::Status s =
                w.changes.KeyResult(v1::CHANGE_KIND_KEY_RESULT_DELETED, k, *stored, *cycle, path);
            if (!s.ok()) return s;
          }
          if (absl::Status s = w.store.DeleteObjective(id); !s.ok()) return s;
          t.ForgetObjective(id);
          if (absl::Status s =
                  w.changes.Objective(v1::CHANGE_KIND_OBJECTIVE_DELETED, *stored, *cycle, path);
              !s.ok()) {
            return s;
          }
          return w.changes.Rollup(w.store, t, *cycle, changes);
        });
      });
}

}  // namespace okr::goals
