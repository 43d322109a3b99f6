#include "services/goals/src/api/rules.h"

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/names.h"

namespace okr::goals {

absl::StatusOr<CycleRecord> LoadCycle(GoalsStore& store, std::string_view id) {
  auto cycle = store.FindCycle(id);
  if (!cycle.ok()) return cycle.status();
  if (!cycle->has_value()) {
    return common::NotFound("CYCLE_NOT_FOUND", absl::StrCat("no cycle ", CycleName(id)));
  }
  return **std::move(cycle);
}

absl::Status CheckCycleOpen(const CycleRecord& cycle) {
  if (cycle.state != CycleState::kClosed) return absl::OkStatus();
  return common::FailedPrecondition(
      "CYCLE_CLOSED", absl::StrCat(CycleName(cycle.id), " is closed: only grading may change"));
}

absl::StatusOr<ObjectiveRecord> LoadReadableObjective(GoalsStore& store, GoalsAccess& access,
                                                      std::string_view id) {
  auto objective = store.FindObjective(id);
  if (!objective.ok()) return objective.status();
  if (objective->has_value()) {
    auto readable = access.CanRead(**objective);
    if (!readable.ok()) return readable.status();
    if (*readable) return **std::move(objective);
  }
  return common::NotFound("OBJECTIVE_NOT_FOUND", absl::StrCat("no objective ", ObjectiveName(id)));
}

absl::StatusOr<ObjectiveRecord> LoadWritableObjective(GoalsStore& store, GoalsAccess& access,
                                                      std::string_view id,
                                                      std::string_view denied_reason) {
  auto objective = LoadReadableObjective(store, access, id);
  if (!objective.ok()) return objective.status();
  auto writable = access.CanWrite(*objective);
  if (!writable.ok()) return writable.status();
  if (!*writable) {
    return common::PermissionDenied(
        denied_reason, absl::StrCat("only the owner's stewards (the owner, their manager chain, a "
                                    "team's lead) and admins may change ",
                                    ObjectiveName(id)));
  }
  return objective;
}

absl::StatusOr<KeyResultRecord> LoadKeyResult(GoalsStore& store, std::string_view objective,
                                              std::string_view id) {
  auto key_result = store.FindKeyResult(objective, id);
  if (!key_result.ok()) return key_result.status();
  if (!key_result->has_value()) {
    return common::NotFound("KEY_RESULT_NOT_FOUND",
                            absl::StrCat("no key result ", KeyResultName(objective, id)));
  }
  return **std::move(key_result);
}

absl::Status CheckMayOwn(GoalsAccess& access, const Owner& owner, ObjectiveLevel level) {
  if (access.IsAdmin()) return absl::OkStatus();
  if (level == ObjectiveLevel::kCompany) {
    return common::PermissionDenied("OBJECTIVE_WRITE_DENIED", "only admins set COMPANY objectives");
  }
  auto steward = access.IsSteward(owner);
  if (!steward.ok()) return steward.status();
  if (*steward) return absl::OkStatus();
  return common::PermissionDenied(
      "OBJECTIVE_WRITE_DENIED",
      "objectives are set by their owner, the owner's manager chain or a team's lead");
}

absl::Status CheckOwnerActive(GoalsStore& store, const Owner& owner, std::string_view field) {
  auto state = store.OwnerState(owner);
  if (!state.ok()) return state.status();
  const std::string what =
      absl::StrCat(owner.kind == OwnerKind::kPerson ? "people/" : "teams/", owner.id);
  if (!state->has_value()) {
    return common::MakeError(absl::StatusCode::kNotFound, "OWNER_NOT_FOUND",
                             absl::StrCat("no ", what, " in the org directory"),
                             {{std::string(field), "must name a stored person or team"}});
  }
  if (**state != OrgState::kActive) {
    return common::MakeError(absl::StatusCode::kFailedPrecondition, "OWNER_INACTIVE",
                             absl::StrCat(what, " is inactive"),
                             {{std::string(field), "must name an active person or team"}});
  }
  return absl::OkStatus();
}

absl::Status CheckParent(GoalsStore& store, GoalsAccess& access, const std::string& parent,
                         std::string_view cycle) {
  auto not_found = [&parent] {
    return common::MakeError(absl::StatusCode::kNotFound, "PARENT_NOT_FOUND",
                             absl::StrCat("no parent ", parent),
                             {{"objective.parent", "must name an objective or key result"}});
  };
  auto other_cycle = [&parent] {
    return common::FailedPrecondition("PARENT_IN_OTHER_CYCLE",
                                      absl::StrCat(parent,
                                                   " belongs to another cycle: alignment stays "
                                                   "within one cycle"));
  };
  std::string objective_id;
  std::optional<KeyResultKey> key;
  if (auto id = ObjectiveIdFromName(parent)) {
    objective_id = *id;
  } else if ((key = KeyResultKeyFromName(parent))) {
    objective_id = key->objective;
  } else {
    return not_found();
  }
  auto objective = store.FindObjective(objective_id);
  if (!objective.ok()) return objective.status();
  if (!objective->has_value()) return not_found();
  auto readable = access.CanRead(**objective);
  if (!readable.ok()) return readable.status();
  if (!*readable) return not_found();
  if ((*objective)->cycle != cycle) return other_cycle();
  if (key) {
    auto key_result = store.FindKeyResult(key->objective, key->id);
    if (!key_result.ok()) return key_result.status();
    if (!key_result->has_value()) return not_found();
    if ((*key_result)->type != domain::KeyResultType::kRollup) {
      return common::FailedPrecondition(
          "PARENT_KEY_RESULT_NOT_ROLLUP",
          absl::StrCat(parent, " is not a ROLLUP key result: objectives align only to those"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ParentVisible(GoalsStore& store, GoalsAccess& access,
                                   const std::string& parent) {
  if (parent.empty()) return true;
  std::string objective_id;
  if (auto id = ObjectiveIdFromName(parent)) {
    objective_id = *id;
  } else if (auto key = KeyResultKeyFromName(parent)) {
    objective_id = key->objective;
  } else {
    return false;
  }
  auto objective = store.FindObjective(objective_id);
  if (!objective.ok()) return objective.status();
  if (!objective->has_value()) return false;
  return access.CanRead(**objective);
}

std::string RequestKey(std::string_view method, const GoalsAccess& access) {
  return absl::StrCat(std::string(method), "/", access.caller());
}

absl::Status RequestIdReused() {
  return common::InvalidArgument("REQUEST_ID_REUSED",
                                 "this request_id was already used for a different request",
                                 {{"request_id", "use a new UUID for each distinct request"}});
}

absl::StatusOr<std::string> ResumeAfter(const common::PageTokenCodec& codec,
                                        const std::string& token, const common::PageScope& scope) {
  if (token.empty()) return std::string();
  return codec.Open(token, scope);
}

absl::Status CheckObjectiveOpen(const ObjectiveRecord& objective, const CycleRecord& cycle) {
  if (absl::Status s = CheckCycleOpen(cycle); !s.ok()) return s;
  if (objective.state == domain::ObjectiveState::kArchived) {
    return common::FailedPrecondition(
        "OBJECTIVE_ARCHIVED", absl::StrCat(ObjectiveName(objective.id),
                                           " is archived: set it ACTIVE again to change it"));
  }
  if (objective.state == domain::ObjectiveState::kClosed) {
    return common::FailedPrecondition("CYCLE_CLOSED",
                                      absl::StrCat(ObjectiveName(objective.id), " is closed"));
  }
  return absl::OkStatus();
}

}  // namespace okr::goals
