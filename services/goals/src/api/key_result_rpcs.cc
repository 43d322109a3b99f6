// GoalsService: the key result and check-in methods.
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/org_names.h"
#include "services/goals/src/api/rules.h"
#include "services/goals/src/api/validation.h"
#include "services/goals/src/ingest/check_in_apply.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;

// FAILED_PRECONDITION unless the objective takes changes to its key results.
absl::StatusOr<domain::KeyResultId> KeyResultNode(const CycleTree& tree, const std::string& id) {
  auto it = tree.key_results.find(id);
  if (it == tree.key_results.end()) {
    return absl::InternalError(absl::StrCat("key result ", id, " is not in its cycle's tree"));
  }
  return it->second;
}

void TakeRollup(const CycleTree& tree, domain::KeyResultId node, KeyResultRecord& k) {
  const domain::KeyResultRollup r = tree.tree.GetKeyResult(node);
  k.progress = r.progress;
  k.attainment = r.attainment;
  k.has_measure = r.has_measure;
}

domain::KeyResultMeasure MeasureOf(const KeyResultRecord& k) { return SpecOf(k).measure; }

// The objective a key result belongs to, with the caller's right to change the key result.
absl::StatusOr<ObjectiveRecord> LoadObjectiveForKeyResults(GoalsStore& store, GoalsAccess& access,
                                                           const std::string& id) {
  return LoadWritableObjective(store, access, id, "KEY_RESULT_WRITE_DENIED");
}

absl::Status CheckKeyResultOwner(GoalsStore& store, const KeyResultRecord& k) {
  if (k.owner.empty()) return absl::OkStatus();
  return CheckOwnerActive(store, Owner{OwnerKind::kPerson, k.owner}, "key_result.owner");
}

}  // namespace

grpc::ServerUnaryReactor* GoalsService::CreateKeyResult(grpc::CallbackServerContext* context,
                                                        const v1::CreateKeyResultRequest* request,
                                                        v1::KeyResult* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    auto objective_id = ObjectiveIdFromField(request->parent(), "parent");
    if (!objective_id.ok()) return std::move(finish)(objective_id.status());
    if (absl::Status s = ValidateRequestId(request->request_id()); !s.ok()) {
      return std::move(finish)(s);
    }
    auto key_result = KeyResultFromCreate(request->key_result());
    if (!key_result.ok()) return std::move(finish)(key_result.status());
    Write(call, std::move(finish),
          [request, response, objective_id = *objective_id,
           k = *std::move(key_result)](GoalsWrite& w) mutable {
            auto objective = LoadObjectiveForKeyResults(w.store, w.access, objective_id);
            if (!objective.ok()) return objective.status();
            auto cycle = LoadCycle(w.store, objective->cycle);
            if (!cycle.ok()) return cycle.status();
            if (!request->request_id().empty()) {
              auto done = w.store.FindRequest(RequestKey("CreateKeyResult", w.access),
                                              request->request_id());
              if (!done.ok()) return done.status();
              if (done->has_value()) {
                auto key = KeyResultKeyFromName(**done).value_or(KeyResultKey{});
                if (key.objective != objective_id) return RequestIdReused();
                auto stored = LoadKeyResult(w.store, key.objective, key.id);
                if (!stored.ok()) return stored.status();
                *response = ToProto(*stored, *cycle, objective->state, w.now);
                return absl::OkStatus();
              }
            }
            if (absl::Status s = CheckObjectiveOpen(*objective, *cycle); !s.ok()) return s;
            if (absl::Status s = CheckKeyResultOwner(w.store, k); !s.ok()) return s;
            auto tree = w.tree(*cycle);
            if (!tree.ok()) return tree.status();
            CycleTree& t = **tree;
            auto objective_node = t.objectives.find(objective_id);
            if (objective_node == t.objectives.end()) {
              return absl::InternalError("objective missing from its cycle's tree");
            }
            domain::RollupChanges changes;
            auto node = t.tree.AddKeyResult(objective_node->second, SpecOf(k), &changes);
            if (!node.ok()) return PrefixViolations(node.status(), "key_result.");
            k.objective = objective_id;
            k.id = NewResourceId();
            k.cycle = objective->cycle;
            k.objective_create_time = objective->create_time;
            k.version = 1;
            k.create_time = k.update_time = w.now;
            t.NoteKeyResult({k.objective, k.id}, *node);
            TakeRollup(t, *node, k);
            if (absl::Status s = w.store.InsertKeyResult(k); !s.ok()) return s;
            if (absl::Status s = w.changes.KeyResult(v1::CHANGE_KIND_KEY_RESULT_CREATED, k,
                                                     *objective, *cycle, PathOf(t, k.objective));
                !s.ok()) {
              return s;
            }
            if (absl::Status s = w.changes.Rollup(w.store, t, *cycle, changes); !s.ok()) return s;
            if (!request->request_id().empty()) {
              absl::Status s = w.store.RememberRequest(RequestKey("CreateKeyResult", w.access),
                                                       request->request_id(),
                                                       KeyResultName(k.objective, k.id), w.now);
              if (!s.ok()) return s;
            }
            *response = ToProto(k, *cycle, objective->state, w.now);
            return absl::OkStatus();
          });
  });
}

grpc::ServerUnaryReactor* GoalsService::GetKeyResult(grpc::CallbackServerContext* context,
                                                     const v1::GetKeyResultRequest* request,
                                                     v1::KeyResult* response) {
  return runtime_->UnaryFast(
      context,
      [this, request, response](const common::Call& call) -> std::optional<absl::Status> {
        if (!options_.read_model || !read_model_.ready()) return std::nullopt;
        auto key = KeyResultKeyFromField(request->name(), "name");
        if (!key.ok()) return key.status();
        const ReadModel::KeyResultView view =
            read_model_.FindKeyResult(call.principal.tenant, key->objective, key->id);
        if (view.objective == nullptr) {
          return common::NotFound("KEY_RESULT_NOT_FOUND",
                                  absl::StrCat("no key result ", request->name()));
        }
        // Who may read a PRIVATE objective is decided against the org directory: the database.
        if (!ReadableWithoutDirectory(*view.objective, call.principal)) return std::nullopt;
        if (view.key_result == nullptr) {
          return common::NotFound(
              "KEY_RESULT_NOT_FOUND",
              absl::StrCat("no key result ", KeyResultName(key->objective, key->id)));
        }
        if (view.cycle == nullptr) return std::nullopt;
        *response = ToProto(*view.key_result, *view.cycle, view.objective->state, ReadClock().now);
        return absl::OkStatus();
      },
      [this, request, response](const common::Call& call) {
        auto key = KeyResultKeyFromField(request->name(), "name");
        if (!key.ok()) return key.status();
        return Read(call, [&](GoalsRead& r) {
          auto objective = LoadReadableObjective(r.store, r.access, key->objective);
          if (!objective.ok()) {
            if (!absl::IsNotFound(objective.status())) return objective.status();
            return common::NotFound("KEY_RESULT_NOT_FOUND",
                                    absl::StrCat("no key result ", request->name()));
          }
          auto key_result = LoadKeyResult(r.store, key->objective, key->id);
          if (!key_result.ok()) return key_result.status();
          auto cycle = LoadCycle(r.store, objective->cycle);
          if (!cycle.ok()) return cycle.status();
          *response = ToProto(*key_result, *cycle, objective->state, r.clock.now);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* GoalsService::ListKeyResults(grpc::CallbackServerContext* context,
                                                       const v1::ListKeyResultsRequest* request,
                                                       v1::ListKeyResultsResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    common::Violations violations;
    KeyResultFilter filter;
    const bool all = request->parent() == "objectives/-";
    if (!all) {
      if (auto id = ObjectiveIdFromName(request->parent())) {
        filter.objective = *id;
      } else {
        violations.Add("parent", "must be objectives/{objective} or objectives/-");
      }
    }
    if (!request->cycle().empty()) {
      if (auto id = CycleIdFromName(request->cycle())) {
        filter.cycle = *id;
      } else {
        violations.Add("cycle", "must be cycles/{cycle}");
      }
    } else if (all) {
      violations.Add("cycle", "is required with parent objectives/-");
    }
    if (!request->owner().empty()) {
      if (auto id = PersonIdFromName(request->owner())) {
        filter.owner = *id;
      } else {
        violations.Add("owner", "must be people/{person}");
      }
    }
    filter.metric_key = request->metric_key();
    if (request->type() != v1::KEY_RESULT_TYPE_UNSPECIFIED) {
      if (violations.Check(request->type() > 0 && request->type() <= v1::KEY_RESULT_TYPE_ROLLUP,
                           "type", "unknown type")) {
        filter.type = static_cast<domain::KeyResultType>(request->type());
      }
    }
    filter.stale_only = request->stale_only();
    if (absl::Status s = violations.ToStatus("INVALID_FILTER", "the filters are not valid");
        !s.ok()) {
      return s;
    }
    const common::PageScope scope{
        call.principal.tenant,
        {"ListKeyResults", request->parent(), request->cycle(), request->owner(),
         request->metric_key(), absl::StrCat(static_cast<int>(request->type())),
         request->stale_only() ? "1" : "0"}};
    auto after = ResumeAfter(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    return Read(call, [&](GoalsRead& r) {
      if (!all) {
        auto objective = LoadReadableObjective(r.store, r.access, filter.objective);
        if (!objective.ok()) return objective.status();
      }
      absl::flat_hash_map<std::string, domain::ObjectiveState> states;
      auto page = r.store.ListKeyResults(filter, *after, *page_size, r.clock.now,
                                         [&](const ObjectiveRecord& o) -> absl::StatusOr<bool> {
                                           states[o.id] = o.state;
                                           return r.access.CanRead(o);
                                         });
      if (!page.ok()) return page.status();
      absl::flat_hash_map<std::string, CycleRecord> cycles;
      for (const KeyResultRecord& k : page->items) {
        auto it = cycles.find(k.cycle);
        if (it == cycles.end()) {
          auto cycle = LoadCycle(r.store, k.cycle);
          if (!cycle.ok()) return cycle.status();
          it = cycles.emplace(k.cycle, *std::move(cycle)).first;
        }
        *response->add_key_results() = ToProto(k, it->second, states[k.objective], r.clock.now);
      }
      if (!page->next_after.empty()) {
        response->set_next_page_token(page_tokens_->Seal(scope, page->next_after));
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* GoalsService::UpdateKeyResult(grpc::CallbackServerContext* context,
                                                        const v1::UpdateKeyResultRequest* request,
                                                        v1::KeyResult* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    auto key = KeyResultKeyFromField(request->key_result().name(), "key_result.name");
    if (!key.ok()) return std::move(finish)(key.status());
    auto paths = MaskPaths(request->update_mask(), KeyResultMaskPaths(), KeyResultMaskPaths());
    if (!paths.ok()) return std::move(finish)(paths.status());
    Write(
        call, std::move(finish),
        [request, response, key = *key, paths = *paths](GoalsWrite& w) -> absl::Status {
          auto objective = LoadObjectiveForKeyResults(w.store, w.access, key.objective);
          if (!objective.ok()) return objective.status();
          auto stored = LoadKeyResult(w.store, key.objective, key.id);
          if (!stored.ok()) return stored.status();
          absl::Status etag = common::CheckEtag(
              request->key_result().etag(), common::FormatEtag(stored->version), "key_result.etag");
          if (!etag.ok()) return etag;
          auto cycle = LoadCycle(w.store, objective->cycle);
          if (!cycle.ok()) return cycle.status();
          if (absl::Status s = CheckCycleOpen(*cycle); !s.ok()) return s;
          auto updated = ApplyKeyResultUpdate(*stored, request->key_result(), paths);
          if (!updated.ok()) return updated.status();
          KeyResultRecord& k = *updated;
          if (k.owner != stored->owner) {
            if (absl::Status s = CheckKeyResultOwner(w.store, k); !s.ok()) return s;
          }
          auto tree = w.tree(*cycle);
          if (!tree.ok()) return tree.status();
          CycleTree& t = **tree;
          auto node = KeyResultNode(t, k.id);
          if (!node.ok()) return node.status();
          domain::RollupChanges changes;
          if (k.type != domain::KeyResultType::kRollup &&
              (k.direction != stored->direction || !(MeasureOf(k) == MeasureOf(*stored)))) {
            absl::Status s = t.tree.SetKeyResultMeasure(*node, k.direction, MeasureOf(k), &changes);
            if (!s.ok()) return PrefixViolations(s, "key_result.");
          }
          if (k.weight != stored->weight) {
            absl::Status s = t.tree.SetKeyResultWeight(*node, k.weight, &changes);
            if (!s.ok()) return PrefixViolations(s, "key_result.");
          }
          TakeRollup(t, *node, k);
          ++k.version;
          k.update_time = w.now;
          if (absl::Status s = w.store.UpdateKeyResult(k); !s.ok()) return s;
          const ReadContext clock = w.changes.clock();
          if (absl::Status s = w.changes.KeyResult(
                  v1::CHANGE_KIND_KEY_RESULT_UPDATED, k, *objective, *cycle, PathOf(t, k.objective),
                  ChangedFields(ToProto(*stored, *cycle, objective->state, clock.now),
                                ToProto(k, *cycle, objective->state, clock.now)));
              !s.ok()) {
            return s;
          }
          if (absl::Status s = w.changes.Rollup(w.store, t, *cycle, changes); !s.ok()) return s;
          *response = ToProto(k, *cycle, objective->state, w.now);
          return absl::OkStatus();
        });
  });
}

grpc::ServerUnaryReactor* GoalsService::DeleteKeyResult(grpc::CallbackServerContext* context,
                                                        const v1::DeleteKeyResultRequest* request,
                                                        google::protobuf::Empty* /*response*/) {
  return runtime_->UnaryAsync(
      context, [this, request](const common::Call& call, common::RpcRuntime::Finish finish) {
        auto key = KeyResultKeyFromField(request->name(), "name");
        if (!key.ok()) return std::move(finish)(key.status());
        Write(call, std::move(finish), [request, key = *key](GoalsWrite& w) -> absl::Status {
          auto objective = LoadObjectiveForKeyResults(w.store, w.access, key.objective);
          if (!objective.ok()) return objective.status();
          auto stored = LoadKeyResult(w.store, key.objective, key.id);
          if (!stored.ok()) return stored.status();
          absl::Status etag =
              common::CheckEtag(request->etag(), common::FormatEtag(stored->version), "etag");
          if (!etag.ok()) return etag;
          auto cycle = LoadCycle(w.store, objective->cycle);
          if (!cycle.ok()) return cycle.status();
          if (absl::Status s = CheckCycleOpen(*cycle); !s.ok()) return s;
          auto tree = w.tree(*cycle);
          if (!tree.ok()) return tree.status();
          CycleTree& t = **tree;
          auto node = KeyResultNode(t, key.id);
          if (!node.ok()) return node.status();
          domain::RollupChanges changes;
          if (absl::Status s = t.tree.RemoveKeyResult(*node, &changes); !s.ok()) return s;
          t.ForgetKeyResult(key.id);
          if (absl::Status s = w.store.DeleteCheckInsOf(key.id); !s.ok()) return s;
          if (absl::Status s = w.store.DeleteKeyResult(key.objective, key.id); !s.ok()) return s;
          if (absl::Status s = w.changes.KeyResult(v1::CHANGE_KIND_KEY_RESULT_DELETED, *stored,
                                                   *objective, *cycle, PathOf(t, key.objective));
              !s.ok()) {
            return s;
          }
          return w.changes.Rollup(w.store, t, *cycle, changes);
        });
      });
}

grpc::ServerUnaryReactor* GoalsService::CreateCheckIn(grpc::CallbackServerContext* context,
                                                      const v1::CreateCheckInRequest* request,
                                                      v1::CheckIn* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    auto key = KeyResultKeyFromField(request->parent(), "parent");
    if (!key.ok()) return std::move(finish)(key.status());
    if (absl::Status s = ValidateRequestId(request->request_id()); !s.ok()) {
      return std::move(finish)(s);
    }
    Write(call, std::move(finish), [request, response, key = *key](GoalsWrite& w) -> absl::Status {
      auto objective = LoadReadableObjective(w.store, w.access, key.objective);
      if (!objective.ok()) return objective.status();
      auto stored = LoadKeyResult(w.store, key.objective, key.id);
      if (!stored.ok()) return stored.status();
      auto allowed = w.access.CanCheckIn(*objective, *stored);
      if (!allowed.ok()) return allowed.status();
      if (!*allowed) {
        return common::PermissionDenied("CHECK_IN_DENIED",
                                        "check-ins come from the key result's owner, the objective "
                                        "owner's stewards, an owning team's members and admins");
      }
      if (!request->request_id().empty()) {
        auto done =
            w.store.FindRequest(RequestKey("CreateCheckIn", w.access), request->request_id());
        if (!done.ok()) return done.status();
        if (done->has_value()) {
          const std::string& name = **done;
          auto check_in = w.store.FindCheckIn(key.id, name.substr(name.rfind('/') + 1));
          if (!check_in.ok()) return check_in.status();
          // Another key result's check-in (a reused id), or one deleted with its key result.
          if (!check_in->has_value()) return RequestIdReused();
          *response = ToProto(**check_in);
          return absl::OkStatus();
        }
      }
      auto cycle = LoadCycle(w.store, objective->cycle);
      if (!cycle.ok()) return cycle.status();
      if (absl::Status s = CheckObjectiveOpen(*objective, *cycle); !s.ok()) return s;
      auto check_in = CheckInFromCreate(request->check_in(), *stored, w.now);
      if (!check_in.ok()) return check_in.status();
      CheckInRecord& c = *check_in;
      c.objective = key.objective;
      c.key_result = key.id;
      c.id = NewTimeOrderedId(w.now);
      c.author = w.access.caller();
      auto tree = w.tree(*cycle);
      if (!tree.ok()) return tree.status();
      auto node = KeyResultNode(**tree, key.id);
      if (!node.ok()) return node.status();
      KeyResultRecord k = *stored;
      if (absl::Status s = ApplyCheckIn(w, *cycle, *objective, **tree, *node, k, c); !s.ok()) {
        return s;
      }
      if (!request->request_id().empty()) {
        absl::Status s =
            w.store.RememberRequest(RequestKey("CreateCheckIn", w.access), request->request_id(),
                                    CheckInName(c.objective, c.key_result, c.id), w.now);
        if (!s.ok()) return s;
      }
      *response = ToProto(c);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* GoalsService::ListCheckIns(grpc::CallbackServerContext* context,
                                                     const v1::ListCheckInsRequest* request,
                                                     v1::ListCheckInsResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto key = KeyResultKeyFromField(request->parent(), "parent");
    if (!key.ok()) return key.status();
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    common::Violations violations;
    CheckInFilter filter;
    if (request->source() != v1::CHECK_IN_SOURCE_UNSPECIFIED) {
      if (violations.Check(
              request->source() > 0 && request->source() <= v1::CHECK_IN_SOURCE_STREAMED, "source",
              "unknown source")) {
        filter.source = static_cast<CheckInSource>(request->source());
      }
    }
    using google::protobuf::util::TimeUtil;
    if (request->has_observed_after()) {
      if (violations.Check(ValidTimestamp(request->observed_after()), "observed_after",
                           "must be a valid time")) {
        filter.observed_after =
            absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request->observed_after()));
      }
    }
    if (request->has_observed_before()) {
      if (violations.Check(ValidTimestamp(request->observed_before()), "observed_before",
                           "must be a valid time")) {
        filter.observed_before =
            absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request->observed_before()));
      }
    }
    if (absl::Status s = violations.ToStatus("INVALID_FILTER", "the filters are not valid");
        !s.ok()) {
      return s;
    }
    const common::PageScope scope{
        call.principal.tenant,
        {"ListCheckIns", request->parent(), absl::StrCat(static_cast<int>(request->source())),
         request->has_observed_after() ? TimeUtil::ToString(request->observed_after()) : "",
         request->has_observed_before() ? TimeUtil::ToString(request->observed_before()) : ""}};
    auto after = ResumeAfter(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    return Read(call, [&](GoalsRead& r) {
      auto objective = LoadReadableObjective(r.store, r.access, key->objective);
      if (!objective.ok()) {
        if (!absl::IsNotFound(objective.status())) return objective.status();
        return common::NotFound("KEY_RESULT_NOT_FOUND",
                                absl::StrCat("no key result ", request->parent()));
      }
      auto key_result = LoadKeyResult(r.store, key->objective, key->id);
      if (!key_result.ok()) return key_result.status();
      auto page = r.store.ListCheckIns(key->id, filter, *after, *page_size);
      if (!page.ok()) return page.status();
      for (const CheckInRecord& c : page->items) *response->add_check_ins() = ToProto(c);
      if (!page->next_after.empty()) {
        response->set_next_page_token(page_tokens_->Seal(scope, page->next_after));
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace okr::goals
