// GoalsStore: the cycles, objectives, key results, check-ins, history and idempotency keys of one
// tenant in the goals database. Plain reads and writes of records; the rules live in the service
// and the domain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"
#include "services/goals/src/domain/org_records.h"
#include "services/goals/src/domain/records.h"

namespace okr::goals {

// The roll-up of one node as written back after a change.
struct ObjectiveRollupRow {
  double progress = 0.0;
  double attainment = 0.0;
  std::optional<int> confidence;
  domain::Health health = domain::Health::kNoMeasure;
  bool has_measure = false;
};

struct KeyResultRollupRow {
  double progress = 0.0;
  double attainment = 0.0;
  bool has_measure = true;
};

// How long a create's request_id is remembered (the API promises at least 24 hours).
inline constexpr absl::Duration kRequestIdRetention = absl::Hours(25);

// Decides whether a listed record is shown to the caller (PRIVATE objectives).
using KeepObjectiveFn = absl::FunctionRef<absl::StatusOr<bool>(const ObjectiveRecord&)>;

class ModelChanges;

// Works on one session for one tenant: every statement binds the tenant. Holds no state. A write's
// store is given the write's ModelChanges: every cycle, objective and key result it writes is
// noted there too, for the read model once the write is committed.
class GoalsStore {
 public:
  GoalsStore(common::SqlSession& session, std::string tenant, ModelChanges* model = nullptr)
      : session_(session), tenant_(std::move(tenant)), model_(model) {}

  // Cycles.
  absl::StatusOr<std::optional<CycleRecord>> FindCycle(std::string_view id);
  absl::StatusOr<bool> CycleNameTaken(std::string_view display_name, std::string_view except_id);
  absl::Status InsertCycle(const CycleRecord& cycle);
  absl::Status UpdateCycle(const CycleRecord& cycle);
  // Newest first (start_date descending, then id); `after` is a position from a previous page.
  absl::StatusOr<Page<CycleRecord>> ListCycles(const CycleFilter& filter, std::string_view after,
                                               int page_size);

  // Objectives.
  absl::StatusOr<std::optional<ObjectiveRecord>> FindObjective(std::string_view id);
  absl::Status InsertObjective(const ObjectiveRecord& objective);
  // Writes every column of the stored row with the same id.
  absl::Status UpdateObjective(const ObjectiveRecord& objective);
  absl::Status DeleteObjective(std::string_view id);
  absl::Status UpdateObjectiveRollup(std::string_view id, const ObjectiveRollupRow& rollup);
  // Every objective of a cycle, by creation time.
  absl::StatusOr<std::vector<ObjectiveRecord>> ObjectivesOfCycle(std::string_view cycle);
  // The same with only the fields the roll-up tree needs (id, parent, weight, rollup_children,
  // kind, state, health): what loading a large cycle reads.
  absl::StatusOr<std::vector<ObjectiveRecord>> ObjectivesOfCycleForTree(std::string_view cycle);
  // By creation time (then id); only those `keep` accepts fill the page.
  absl::StatusOr<Page<ObjectiveRecord>> ListObjectives(const ObjectiveFilter& filter,
                                                       std::string_view after, int page_size,
                                                       KeepObjectiveFn keep);
  // Objectives aligned directly to `parent` (a full resource name), by creation time.
  absl::StatusOr<std::vector<ObjectiveRecord>> ChildrenOf(std::string_view parent);
  absl::StatusOr<bool> HasChildren(std::string_view parent);

  // Key results.
  absl::StatusOr<std::optional<KeyResultRecord>> FindKeyResult(std::string_view objective,
                                                               std::string_view id);
  absl::Status InsertKeyResult(const KeyResultRecord& key_result);
  absl::Status UpdateKeyResult(const KeyResultRecord& key_result);
  // Writes only what a check-in changes: value, milestones, confidence, times and roll-up.
  absl::Status UpdateKeyResultState(const KeyResultRecord& key_result);
  absl::Status DeleteKeyResult(std::string_view objective, std::string_view id);
  absl::Status UpdateKeyResultRollup(std::string_view objective, std::string_view id,
                                     const KeyResultRollupRow& rollup);
  absl::StatusOr<std::vector<KeyResultRecord>> KeyResultsOf(std::string_view objective);
  absl::StatusOr<std::vector<KeyResultRecord>> KeyResultsOfCycle(std::string_view cycle);
  // Only the fields the roll-up tree needs (ids, type, direction, values, weight, milestones,
  // confidence).
  absl::StatusOr<std::vector<KeyResultRecord>> KeyResultsOfCycleForTree(std::string_view cycle);
  // By objective creation time, then key result creation time. `stale_at` is the read time used
  // by `filter.stale_only`; `keep` decides on the key result's objective.
  absl::StatusOr<Page<KeyResultRecord>> ListKeyResults(const KeyResultFilter& filter,
                                                       std::string_view after, int page_size,
                                                       absl::Time stale_at, KeepObjectiveFn keep);

  // Check-ins. `after` is the key result's state once the check-in is applied.
  absl::Status InsertCheckIn(const CheckInRecord& check_in, std::string_view cycle,
                             const KeyResultRecord& after);
  absl::StatusOr<std::optional<CheckInRecord>> FindCheckIn(std::string_view key_result,
                                                           std::string_view id);
  // Newest first (create_time descending, then id).
  absl::StatusOr<Page<CheckInRecord>> ListCheckIns(std::string_view key_result,
                                                   const CheckInFilter& filter,
                                                   std::string_view after, int page_size);
  absl::Status DeleteCheckInsOf(std::string_view key_result);

  // History: the cycle's objectives and key results created by `as_of` (with their current
  // definitions), each key result with its value state (value, confidence, milestone states, last
  // check-in) from the last check-in recorded by then, or its initial state without one.
  absl::StatusOr<std::vector<ObjectiveRecord>> ObjectivesOfCycleAsOf(std::string_view cycle,
                                                                     absl::Time as_of);
  absl::StatusOr<std::vector<KeyResultRecord>> KeyResultsOfCycleAsOf(std::string_view cycle,
                                                                     absl::Time as_of);

  // The state of a stored person or team of the org directory; nullopt when there is none.
  absl::StatusOr<std::optional<OrgState>> OwnerState(const Owner& owner);

  // Idempotency keys: the resource name a create with this request id produced.
  absl::StatusOr<std::optional<std::string>> FindRequest(std::string_view method,
                                                         std::string_view request_id);
  absl::Status RememberRequest(std::string_view method, std::string_view request_id,
                               std::string_view resource, absl::Time now);
  // Forgets keys older than `before` (every tenant: housekeeping), at most `limit` of them.
  absl::Status ForgetRequestsBefore(absl::Time before, int limit);

  // Streamed progress events (goals_store_events.cc): the ids applied, remembered for the dedupe
  // retention.
  // Remembers an event id unless it is known; false when it was (a duplicate). One statement
  // for the common case; ForgetEvent undoes it for an event that is then rejected.
  absl::StatusOr<bool> RememberEventOnce(std::string_view event_id, absl::Time now);
  absl::Status ForgetEvent(std::string_view event_id);
  // Key results bound to a metric key, in every cycle (the caller checks cycle and objective).
  absl::StatusOr<std::vector<KeyResultRecord>> KeyResultsByMetric(std::string_view metric_key);

  // Stale periods already reported (KEY_RESULT_STALE), by key result id, for one cycle.
  absl::StatusOr<std::vector<std::string>> StaleReports(std::string_view cycle);
  absl::Status RememberStaleReport(std::string_view key_result, std::string_view cycle,
                                   absl::Time now);
  // The person accountable for a key result: its owner, else the objective's owner when a person,
  // else the owning team's lead; "" when none is known.
  std::string AccountableFor(const KeyResultRecord& key_result, const ObjectiveRecord& objective);
  absl::Status ClearStaleReportsOfCycle(std::string_view cycle);
  // Ends a key result's stale period (a check-in came).
  absl::Status ClearStaleReport(std::string_view key_result);

 private:
  common::SqlSession& session_;
  const std::string tenant_;
  ModelChanges* const model_;
};

// Forgets applied event ids older than `before` in every tenant, at most `limit`; returns how many.
absl::StatusOr<int64_t> ForgetEventsBefore(common::SqlSession& session, absl::Time before,
                                           int limit);

// Every stored cycle, objective and key result of every tenant, with its tenant (loading the read
// model).
absl::Status ForEachStoredRecord(
    common::SqlSession& session,
    absl::FunctionRef<void(const std::string& tenant, CycleRecord)> cycle,
    absl::FunctionRef<void(const std::string& tenant, ObjectiveRecord)> objective,
    absl::FunctionRef<void(const std::string& tenant, KeyResultRecord)> key_result);

// The (tenant, cycle id) of every cycle that is not CLOSED, in every tenant (for warming up).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> OpenCycles(
    common::SqlSession& session);

}  // namespace okr::goals
