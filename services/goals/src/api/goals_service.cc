// GoalsService: the shared write/read machinery and the cycle methods. Objectives, key results,
// check-ins and trees are in goals_service_*.cc.
#include "services/goals/src/api/goals_service.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "okr/common/aip/etag.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/logging/log.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/rules.h"
#include "services/goals/src/api/validation.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;

absl::Status CheckCycleWriter(const common::Principal& principal) {
  if (principal.HasRole(kGoalsAdminRole)) return absl::OkStatus();
  return common::PermissionDenied("CYCLE_WRITE_DENIED",
                                  "creating, changing and closing cycles needs the 'admin' role");
}

}  // namespace

void GoalsService::WarmUp() {
  auto loaded = std::make_shared<int>(0);
  auto model_loaded = std::make_shared<bool>(false);
  const absl::Time start = absl::Now();
  database_->Write(
      [this, loaded, model_loaded](common::SqlSession& session) -> absl::Status {
        auto cycles = OpenCycles(session);
        if (!cycles.ok()) return cycles.status();
        for (const auto& [tenant, id] : *cycles) {
          GoalsStore store(session, tenant);
          auto cycle = store.FindCycle(id);
          if (!cycle.ok()) return cycle.status();
          if (!cycle->has_value()) continue;
          auto tree = trees_.Get(store, tenant, **cycle, options_.clock());
          if (!tree.ok()) return tree.status();
          ++*loaded;
        }
        // After the trees, so the model reuses the memory their loading freed.
        if (options_.read_model) {
          absl::Status model = read_model_.Load(session);
          if (!model.ok()) {
            common::LogError("loading the read model failed: reads use the database",
                             {{"error", std::string(model.message())}});
          }
          *model_loaded = model.ok();
        }
        return absl::OkStatus();
      },
      [this, loaded, model_loaded, start](absl::Status status) {
        // The model is what this transaction read: it serves only if the transaction ended well.
        read_model_.SetReady(status.ok() && *model_loaded);
        if (!status.ok()) {
          // Not fatal: each cycle's tree loads again on its first write.
          common::LogError("warming up the roll-up trees failed",
                           {{"error", std::string(status.message())}});
          return;
        }
        common::LogInfo("roll-up trees and read model loaded",
                        {{"cycles", *loaded},
                         {"read_model", read_model_.ready()},
                         {"ms", absl::ToInt64Milliseconds(absl::Now() - start)}});
      });
}

ReadContext GoalsService::ReadClock() const {
  return ReadContext{options_.clock(), options_.health, options_.grading};
}

void GoalsService::Write(const common::Call& call, common::RpcRuntime::Finish finish,
                         WriteBody body) {
  WriteAs(call.principal, std::move(body), std::move(finish));
}

void GoalsService::WriteAs(const common::Principal& principal, WriteBody body,
                           absl::AnyInvocable<void(absl::Status) &&> done) {
  // The trees this write changed: dropped when it fails, so the next write reloads them from what
  // was committed.
  auto touched = std::make_shared<std::vector<std::pair<std::string, std::string>>>();
  auto batch = std::make_shared<common::ChangeBatch>();
  // The records it wrote, for the read model once it is committed.
  auto model = std::make_shared<ModelChanges>();
  const std::string tenant = principal.tenant;
  auto forget = [this, touched, model] {
    for (const auto& [t, c] : *touched) trees_.Forget(t, c);
    model->Clear();
  };
  database_->Write(
      [this, principal, tenant, touched, batch, model, forget,
       body = std::move(body)](common::SqlSession& session) mutable {
        GoalsStore store(session, tenant, model.get());
        GoalsAccess access(session, principal);
        const absl::Time now = options_.clock();
        GoalsChanges changes(session, *batch, tenant, principal.subject,
                             ReadContext{now, options_.health, options_.grading});
        GoalsWrite write{tenant,
                         store,
                         access,
                         now,
                         changes,
                         [this, &store, &tenant, now,
                          touched](const CycleRecord& cycle) -> absl::StatusOr<CycleTree*> {
                           touched->emplace_back(tenant, cycle.id);
                           return trees_.Get(store, tenant, cycle, now);
                         }};
        absl::Status status = body(write);
        if (!status.ok()) forget();
        return status;
      },
      [this, tenant, batch, model, forget, done = std::move(done)](absl::Status status) mutable {
        if (!status.ok()) {
          forget();
        } else {
          // Before the RPC finishes and before watchers hear of it: a reader who saw the ack or
          // the change reads the write.
          read_model_.Apply(tenant, *model);
          feed_->Publish(*batch);
        }
        std::move(done)(std::move(status));
      });
}

absl::Status GoalsService::Read(const common::Call& call,
                                absl::FunctionRef<absl::Status(GoalsRead&)> body) {
  return database_->Read([&](common::SqlSession& session) {
    GoalsStore store(session, call.principal.tenant);
    GoalsAccess access(session, call.principal);
    GoalsRead read{store, access, ReadClock()};
    return body(read);
  });
}

// ---- cycles -------------------------------------------------------------------------------------

grpc::ServerUnaryReactor* GoalsService::CreateCycle(grpc::CallbackServerContext* context,
                                                    const v1::CreateCycleRequest* request,
                                                    v1::Cycle* response) {
  return runtime_->UnaryAsync(context, [this, request, response](
                                           const common::Call& call,
                                           common::RpcRuntime::Finish finish) {
    absl::Status valid = CheckCycleWriter(call.principal);
    if (valid.ok()) valid = ValidateRequestId(request->request_id());
    auto cycle = valid.ok() ? CycleFromCreate(request->cycle(), options_.default_cadence)
                            : absl::StatusOr<CycleRecord>(valid);
    if (!cycle.ok()) return std::move(finish)(cycle.status());
    Write(
        call, std::move(finish), [request, response, c = *std::move(cycle)](GoalsWrite& w) mutable {
          if (!request->request_id().empty()) {
            auto done =
                w.store.FindRequest(RequestKey("CreateCycle", w.access), request->request_id());
            if (!done.ok()) return done.status();
            if (done->has_value()) {
              auto stored = LoadCycle(w.store, CycleIdFromName(**done).value_or(""));
              if (!stored.ok()) return stored.status();
              *response = ToProto(*stored);
              return absl::OkStatus();
            }
          }
          auto taken = w.store.CycleNameTaken(c.display_name, "");
          if (!taken.ok()) return taken.status();
          if (*taken) {
            return common::MakeError(absl::StatusCode::kAlreadyExists, "CYCLE_NAME_TAKEN",
                                     absl::StrCat("a cycle named '", c.display_name, "' exists"),
                                     {{"cycle.display_name", "must be unique among the cycles"}});
          }
          c.id = NewResourceId();
          c.version = 1;
          c.create_time = c.update_time = w.now;
          if (c.state == CycleState::kActive) c.activate_time = w.now;
          if (absl::Status s = w.store.InsertCycle(c); !s.ok()) return s;
          if (absl::Status s = w.changes.Cycle(v1::CHANGE_KIND_CYCLE_CREATED, c); !s.ok()) return s;
          if (!request->request_id().empty()) {
            absl::Status s = w.store.RememberRequest(RequestKey("CreateCycle", w.access),
                                                     request->request_id(), CycleName(c.id), w.now);
            if (!s.ok()) return s;
          }
          *response = ToProto(c);
          return absl::OkStatus();
        });
  });
}

grpc::ServerUnaryReactor* GoalsService::GetCycle(grpc::CallbackServerContext* context,
                                                 const v1::GetCycleRequest* request,
                                                 v1::Cycle* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto id = CycleIdFromField(request->name(), "name");
    if (!id.ok()) return id.status();
    return Read(call, [&](GoalsRead& r) {
      auto cycle = LoadCycle(r.store, *id);
      if (!cycle.ok()) return cycle.status();
      *response = ToProto(*cycle);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* GoalsService::ListCycles(grpc::CallbackServerContext* context,
                                                   const v1::ListCyclesRequest* request,
                                                   v1::ListCyclesResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    CycleFilter filter;
    if (request->state() != v1::CYCLE_STATE_UNSPECIFIED) {
      if (request->state() < 0 || request->state() > v1::CYCLE_STATE_CLOSED) {
        return common::InvalidArgument("INVALID_FILTER", "unknown cycle state",
                                       {{"state", "must be PLANNING, ACTIVE or CLOSED"}});
      }
      filter.state = static_cast<CycleState>(request->state());
    }
    const common::PageScope scope{call.principal.tenant,
                                  {"ListCycles", absl::StrCat(static_cast<int>(request->state()))}};
    auto after = ResumeAfter(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    return Read(call, [&](GoalsRead& r) {
      auto page = r.store.ListCycles(filter, *after, *page_size);
      if (!page.ok()) return page.status();
      for (const CycleRecord& c : page->items) *response->add_cycles() = ToProto(c);
      if (!page->next_after.empty()) {
        response->set_next_page_token(page_tokens_->Seal(scope, page->next_after));
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* GoalsService::UpdateCycle(grpc::CallbackServerContext* context,
                                                    const v1::UpdateCycleRequest* request,
                                                    v1::Cycle* response) {
  return runtime_->UnaryAsync(
      context,
      [this, request, response](const common::Call& call, common::RpcRuntime::Finish finish) {
        if (absl::Status s = CheckCycleWriter(call.principal); !s.ok()) return std::move(finish)(s);
        auto id = CycleIdFromField(request->cycle().name(), "cycle.name");
        if (!id.ok()) return std::move(finish)(id.status());
        auto paths = MaskPaths(request->update_mask(), CycleMaskPaths(), CycleMaskPaths());
        if (!paths.ok()) return std::move(finish)(paths.status());
        Write(call, std::move(finish),
              [this, request, response, id = *id, paths = *paths](GoalsWrite& w) -> absl::Status {
                auto stored = LoadCycle(w.store, id);
                if (!stored.ok()) return stored.status();
                absl::Status etag = common::CheckEtag(
                    request->cycle().etag(), common::FormatEtag(stored->version), "cycle.etag");
                if (!etag.ok()) return etag;
                if (absl::Status s = CheckCycleOpen(*stored); !s.ok()) return s;
                auto updated = ApplyCycleUpdate(*stored, request->cycle(), paths);
                if (!updated.ok()) return updated.status();
                if (updated->display_name != stored->display_name) {
                  auto taken = w.store.CycleNameTaken(updated->display_name, id);
                  if (!taken.ok()) return taken.status();
                  if (*taken) {
                    return common::MakeError(
                        absl::StatusCode::kAlreadyExists, "CYCLE_NAME_TAKEN",
                        absl::StrCat("a cycle named '", updated->display_name, "' exists"),
                        {{"cycle.display_name", "must be unique among the cycles"}});
                  }
                }
                if (updated->state == CycleState::kActive && stored->state != CycleState::kActive) {
                  updated->activate_time = w.now;
                }
                ++updated->version;
                updated->update_time = w.now;
                if (absl::Status s = w.store.UpdateCycle(*updated); !s.ok()) return s;
                absl::Status s =
                    w.changes.Cycle(v1::CHANGE_KIND_CYCLE_UPDATED, *updated,
                                    ChangedFields(ToProto(*stored), ToProto(*updated)));
                if (!s.ok()) return s;
                // The tree judges health against the cycle's dates: reload it with the new ones.
                if (updated->begin != stored->begin || updated->end != stored->end) {
                  trees_.Forget(w.tenant, id);
                }
                // A new cadence starts new stale periods: each is reported again when it exceeds
                // the new cadence.
                if (updated->cadence != stored->cadence) {
                  if (absl::Status c = w.store.ClearStaleReportsOfCycle(id); !c.ok()) return c;
                }
                *response = ToProto(*updated);
                return absl::OkStatus();
              });
      });
}

grpc::ServerUnaryReactor* GoalsService::CloseCycle(grpc::CallbackServerContext* context,
                                                   const v1::CloseCycleRequest* request,
                                                   v1::Cycle* response) {
  return runtime_->UnaryAsync(
      context,
      [this, request, response](const common::Call& call, common::RpcRuntime::Finish finish) {
        if (absl::Status s = CheckCycleWriter(call.principal); !s.ok()) return std::move(finish)(s);
        auto id = CycleIdFromField(request->name(), "name");
        if (!id.ok()) return std::move(finish)(id.status());
        Write(call, std::move(finish), [this, request, response, id = *id](GoalsWrite& w) {
          auto cycle = LoadCycle(w.store, id);
          if (!cycle.ok()) return cycle.status();
          absl::Status etag =
              common::CheckEtag(request->etag(), common::FormatEtag(cycle->version), "etag");
          if (!etag.ok()) return etag;
          if (absl::Status s = CheckCycleOpen(*cycle); !s.ok()) return s;
          auto tree = w.tree(*cycle);
          if (!tree.ok()) return tree.status();
          const auto grades = (*tree)->tree.CloseCycle(options_.grading);
          const ReadContext clock{w.now, options_.health, options_.grading};
          std::vector<ObjectiveRecord> graded;
          for (const auto& [node, grade] : grades) {
            auto objective = w.store.FindObjective((*tree)->objective_ids[node.value]);
            if (!objective.ok()) return objective.status();
            if (!objective->has_value()) continue;
            ObjectiveRecord& o = **objective;
            // Health and progress freeze as they are at this moment.
            o.health = HealthAt(o, *cycle, clock);
            o.state = domain::ObjectiveState::kClosed;
            o.score = grade.score;
            ++o.version;
            o.update_time = w.now;
            if (absl::Status s = w.store.UpdateObjective(o); !s.ok()) return s;
            graded.push_back(std::move(o));
          }
          cycle->state = CycleState::kClosed;
          cycle->close_time = w.now;
          ++cycle->version;
          cycle->update_time = w.now;
          if (absl::Status s = w.store.UpdateCycle(*cycle); !s.ok()) return s;
          if (absl::Status s = w.changes.Cycle(v1::CHANGE_KIND_CYCLE_CLOSED, *cycle); !s.ok()) {
            return s;
          }
          for (const ObjectiveRecord& o : graded) {
            absl::Status s =
                w.changes.Objective(v1::CHANGE_KIND_OBJECTIVE_UPDATED, o, *cycle,
                                    PathOf(**tree, o.id), {"state", "score", "health"});
            if (!s.ok()) return s;
          }
          // Nothing but grading changes a closed cycle: its tree need not stay in memory.
          trees_.Forget(w.tenant, id);
          *response = ToProto(*cycle);
          return absl::OkStatus();
        });
      });
}

}  // namespace okr::goals
