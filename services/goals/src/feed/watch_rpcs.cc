// GoalsService.WatchChanges: the change feed with its filters and the caller's visibility.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/changelog/watch_request.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/rules.h"
#include "services/goals/src/feed/changes.h"

namespace okr::goals {
namespace {

// Whether the caller may read what a scope (a PRIVATE objective) hides; remembered for a few
// seconds per stream so a re-org takes effect soon without a read per change.
class ScopeReaders {
 public:
  ScopeReaders(common::Database* database, common::Principal principal)
      : database_(database), principal_(std::move(principal)) {}

  absl::StatusOr<bool> MayRead(const std::string& scope) {
    // Administrators and service identities read every objective, also one deleted since the
    // change (a service rebuilding its state from the feed must see that deletion).
    if (scope.empty() || principal_.HasRole(kGoalsAdminRole) ||
        principal_.HasRole(kGoalsServiceReaderRole)) {
      return true;
    }
    const absl::Time now = absl::Now();
    auto it = known_.find(scope);
    if (it != known_.end() && it->second.second > now) return it->second.first;
    bool readable = false;
    absl::Status s = database_->Read([&](common::SqlSession& session) {
      GoalsStore store(session, principal_.tenant);
      GoalsAccess access(session, principal_);
      auto objective = LoadReadableObjective(store, access, scope);
      readable = objective.ok();
      if (!objective.ok() && !absl::IsNotFound(objective.status())) return objective.status();
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    known_[scope] = {readable, now + absl::Seconds(5)};
    return readable;
  }

 private:
  common::Database* database_;
  const common::Principal principal_;
  absl::flat_hash_map<std::string, std::pair<bool, absl::Time>> known_;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* GoalsService::WatchChanges(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw) {
  auto fail = [this](const absl::Status& status) {
    return new common::internal::FinishedWriteReactor<grpc::ByteBuffer>(runtime_->ToGrpc(status));
  };
  auto principal = runtime_->Authenticate(*context);
  if (!principal.ok()) return fail(principal.status());
  v1::WatchChangesRequest request;
  if (absl::Status s = common::ParseRawRequest(*raw, &request); !s.ok()) return fail(s);
  common::WatchSpec spec;
  spec.tenant = principal->tenant;
  if (absl::Status s = common::SetWatchStart(request.resume_token(), spec); !s.ok()) {
    return fail(s);
  }
  common::Violations violations;
  absl::flat_hash_set<int> kinds =
      common::WatchKinds(request.kinds(), &v1::ChangeKind_IsValid, violations);
  std::string partition;
  if (!request.cycle().empty()) {
    auto id = CycleIdFromField(request.cycle(), "cycle");
    if (!id.ok()) return fail(id.status());
    partition = CycleName(*id);
  }
  std::string subtree;
  if (!request.objective().empty()) {
    auto id = ObjectiveIdFromField(request.objective(), "objective");
    if (!id.ok()) return fail(id.status());
    subtree = absl::StrCat("/", *id, "/");
  }
  violations.Check(request.max_batch_size() >= 0, "max_batch_size", "must not be negative");
  if (absl::Status s = violations.ToStatus("INVALID_FILTER", "the filters are not valid");
      !s.ok()) {
    return fail(s);
  }
  auto readers = std::make_shared<ScopeReaders>(database_, *principal);
  spec.matches = [kinds = std::move(kinds), partition, subtree,
                  readers](const common::ChangeEntry& entry) -> absl::StatusOr<bool> {
    if (!kinds.empty() && !kinds.contains(entry.kind)) return false;
    if (!partition.empty() && entry.partition != partition) return false;
    if (!subtree.empty() && entry.path.find(subtree) == std::string::npos) return false;
    return readers->MayRead(entry.scope);
  };
  spec.checkpoint = &FrameCheckpoint;
  spec.max_batch = std::min(request.max_batch_size(), 1000);
  spec.batch_header = &FrameBatchHeader;
  return feed_->Watch(std::move(spec));
}

}  // namespace okr::goals
