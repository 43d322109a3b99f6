#include "services/goals/src/ingest_events.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/check_in_apply.h"
#include "services/goals/src/goals_names.h"
#include "services/goals/src/goals_rules.h"
#include "services/goals/src/goals_validation.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;

EventError Error(absl::StatusCode code, std::string reason, std::string message,
                 std::string field = "") {
  return EventError{code, std::move(reason), std::move(message), std::move(field)};
}

EventError FromStatus(const absl::Status& status) {
  return Error(status.code(), common::ErrorReason(status), std::string(status.message()));
}

// A key result an event updates, with what the write needs to apply it.
struct Target {
  KeyResultRecord key_result;
  ObjectiveRecord objective;
  CycleRecord cycle;
};

// Cycles and objectives read once per write.
class Lookups {
 public:
  explicit Lookups(GoalsStore& store) : store_(store) {}

  absl::StatusOr<const CycleRecord*> Cycle(const std::string& id) {
    auto it = cycles_.find(id);
    if (it == cycles_.end()) {
      auto cycle = LoadCycle(store_, id);
      if (!cycle.ok()) return cycle.status();
      it = cycles_.emplace(id, *std::move(cycle)).first;
    }
    return &it->second;
  }

 private:
  GoalsStore& store_;
  absl::flat_hash_map<std::string, CycleRecord> cycles_;
};

// Whether the key result can take the event's value; nullopt when it can.
// Covers every check ApplyCheckIn makes for a streamed value, so an event that passes it applies
// to all its targets or (storage failing) the whole write fails.
std::optional<EventError> CheckTarget(const v1::ProgressEvent& event, const Target& t) {
  if (absl::Status s = CheckObjectiveOpen(t.objective, t.cycle); !s.ok()) return FromStatus(s);
  const domain::KeyResultType type = t.key_result.type;
  if (type == domain::KeyResultType::kMilestone || type == domain::KeyResultType::kRollup) {
    return Error(absl::StatusCode::kFailedPrecondition, "KEY_RESULT_TAKES_NO_VALUE",
                 absl::StrCat(KeyResultName(t.key_result.objective, t.key_result.id),
                              " is a MILESTONE or ROLLUP key result: it takes no values"));
  }
  if (event.mode() == v1::PROGRESS_MODE_INCREMENT) {
    if (type == domain::KeyResultType::kBoolean) {
      return Error(absl::StatusCode::kInvalidArgument, "INCREMENT_NOT_ALLOWED",
                   "a BOOLEAN key result takes SET values 0 or 1, not increments", "mode");
    }
    // Checked here, before anything of the event is applied, so that no target fails half-way.
    const KeyResultRecord& k = t.key_result;
    const double sum = (k.has_value ? k.current_value : k.start_value) + event.value();
    if (absl::Status s = domain::ValidateValue(type, sum); !s.ok()) {
      return Error(absl::StatusCode::kInvalidArgument, "VALUE_NOT_FINITE",
                   "the increment would make the current value overflow", "value");
    }
    return std::nullopt;
  }
  if (absl::Status s = domain::ValidateValue(type, event.value()); !s.ok()) {
    return Error(s.code(), common::ErrorReason(s), std::string(s.message()), "value");
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Target>> LoadTarget(GoalsStore& store, Lookups& lookups,
                                                 KeyResultRecord key_result) {
  auto objective = store.FindObjective(key_result.objective);
  if (!objective.ok()) return objective.status();
  if (!objective->has_value()) return std::optional<Target>();
  auto cycle = lookups.Cycle((*objective)->cycle);
  if (!cycle.ok()) return cycle.status();
  return std::optional<Target>(Target{std::move(key_result), **std::move(objective), **cycle});
}

// The key results an event targets, or why it has none it can update.
absl::StatusOr<std::vector<Target>> Targets(GoalsStore& store, Lookups& lookups,
                                            const v1::ProgressEvent& event,
                                            std::optional<EventError>& error) {
  std::vector<Target> targets;
  if (event.target_case() == v1::ProgressEvent::kKeyResult) {
    const auto key = KeyResultKeyFromName(event.key_result());
    std::optional<KeyResultRecord> found;
    if (key) {
      auto k = store.FindKeyResult(key->objective, key->id);
      if (!k.ok()) return k.status();
      found = *std::move(k);
    }
    if (!found) {
      error = Error(absl::StatusCode::kNotFound, "KEY_RESULT_NOT_FOUND",
                    absl::StrCat("no key result ", event.key_result()), "key_result");
      return targets;
    }
    auto target = LoadTarget(store, lookups, *std::move(found));
    if (!target.ok()) return target.status();
    if (!target->has_value()) {
      error = Error(absl::StatusCode::kNotFound, "KEY_RESULT_NOT_FOUND",
                    absl::StrCat("no key result ", event.key_result()), "key_result");
      return targets;
    }
    if ((error = CheckTarget(event, **target))) return targets;
    targets.push_back(**std::move(target));
    return targets;
  }
  auto bound = store.KeyResultsByMetric(event.metric_key());
  if (!bound.ok()) return bound.status();
  for (KeyResultRecord& k : *bound) {
    auto target = LoadTarget(store, lookups, std::move(k));
    if (!target.ok()) return target.status();
    if (!target->has_value()) continue;
    const Target& t = **target;
    // Bound key results of closed cycles and of objectives that are not open are left alone.
    if (t.cycle.state == CycleState::kClosed || !domain::HealthIsLive(t.objective.state)) continue;
    if ((error = CheckTarget(event, t))) return std::vector<Target>();
    targets.push_back(**std::move(target));
  }
  if (targets.empty()) {
    error = Error(absl::StatusCode::kNotFound, "UNKNOWN_METRIC_KEY",
                  absl::StrCat("no key result in an open cycle is bound to metric key '",
                               event.metric_key(), "'"),
                  "metric_key");
  }
  return targets;
}

}  // namespace

bool ValidEventId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<EventError> CheckEvent(const v1::ProgressEvent& event, absl::Time now) {
  using absl::StatusCode;
  if (!ValidEventId(event.event_id())) {
    return Error(StatusCode::kInvalidArgument, "INVALID_EVENT_ID",
                 "event_id must be 1 to 128 characters from [A-Za-z0-9._:-]", "event_id");
  }
  switch (event.target_case()) {
    case v1::ProgressEvent::kKeyResult:
      if (!KeyResultKeyFromName(event.key_result())) {
        return Error(StatusCode::kInvalidArgument, "INVALID_KEY_RESULT_NAME",
                     "key_result must be objectives/{objective}/keyResults/{key_result}",
                     "key_result");
      }
      break;
    case v1::ProgressEvent::kMetricKey:
      if (event.metric_key().empty() || event.metric_key().size() > 128) {
        return Error(StatusCode::kInvalidArgument, "INVALID_METRIC_KEY",
                     "metric_key must be 1 to 128 characters", "metric_key");
      }
      break;
    default:
      return Error(StatusCode::kInvalidArgument, "TARGET_MISSING",
                   "an event names a key_result or a metric_key", "key_result");
  }
  if (event.mode() == v1::PROGRESS_MODE_UNSPECIFIED) {
    return Error(StatusCode::kInvalidArgument, "PROGRESS_MODE_MISSING",
                 "mode must be SET or INCREMENT", "mode");
  }
  if (event.mode() != v1::PROGRESS_MODE_SET && event.mode() != v1::PROGRESS_MODE_INCREMENT) {
    return Error(StatusCode::kInvalidArgument, "PROGRESS_MODE_UNKNOWN",
                 "mode must be SET or INCREMENT", "mode");
  }
  if (!std::isfinite(event.value())) {
    return Error(StatusCode::kInvalidArgument, "VALUE_NOT_FINITE", "value must be a finite number",
                 "value");
  }
  if (!event.has_observed_at() || !ValidTimestamp(event.observed_at())) {
    return Error(StatusCode::kInvalidArgument, "OBSERVED_AT_INVALID",
                 "observed_at is required and must be a valid time after 1970", "observed_at");
  }
  const absl::Time observed = absl::FromUnixSeconds(event.observed_at().seconds()) +
                              absl::Nanoseconds(event.observed_at().nanos());
  if (observed > now + absl::Minutes(5)) {
    return Error(StatusCode::kInvalidArgument, "OBSERVED_AT_IN_FUTURE",
                 "observed_at must not be more than 5 minutes in the future", "observed_at");
  }
  if (event.source().size() > 128) {
    return Error(StatusCode::kInvalidArgument, "SOURCE_TOO_LONG",
                 "source must be at most 128 characters", "source");
  }
  return std::nullopt;
}

absl::Status ApplyEvents(GoalsWrite& w, const std::vector<const v1::ProgressEvent*>& events,
                         std::vector<EventOutcome>& outcomes) {
  Lookups lookups(w.store);
  for (const v1::ProgressEvent* event : events) {
    EventOutcome outcome{event->event_id(), std::nullopt};
    auto applied = w.store.EventApplied(event->event_id());
    if (!applied.ok()) return applied.status();
    if (*applied) {
      outcomes.push_back(std::move(outcome));
      continue;
    }
    std::optional<EventError> error;
    auto targets = Targets(w.store, lookups, *event, error);
    if (!targets.ok()) return targets.status();
    if (error) {
      outcome.error = std::move(error);
      outcomes.push_back(std::move(outcome));
      continue;
    }
    const absl::Time observed = absl::FromUnixMicros(
        absl::ToUnixMicros(absl::FromUnixSeconds(event->observed_at().seconds()) +
                           absl::Nanoseconds(event->observed_at().nanos())));
    for (Target& target : *targets) {
      auto tree = w.tree(target.cycle);
      if (!tree.ok()) return tree.status();
      auto node = (*tree)->key_results.find(target.key_result.id);
      if (node == (*tree)->key_results.end()) {
        return absl::InternalError("key result missing from its cycle's tree");
      }
      CheckInRecord c;
      c.objective = target.key_result.objective;
      c.key_result = target.key_result.id;
      c.id = NewResourceId();
      c.source = CheckInSource::kStreamed;
      c.event_id = event->event_id();
      c.event_source = event->source();
      c.observed_at = observed;
      c.create_time = w.now;
      if (event->mode() == v1::PROGRESS_MODE_INCREMENT) {
        c.increment = event->value();
      } else {
        c.value = event->value();
      }
      absl::Status s = ApplyCheckIn(w, target.cycle, target.objective, **tree, node->second,
                                    target.key_result, c);
      if (!s.ok()) return s;
    }
    if (absl::Status s = w.store.RememberEvent(event->event_id(), w.now); !s.ok()) return s;
    outcomes.push_back(std::move(outcome));
  }
  return absl::OkStatus();
}

}  // namespace okr::goals
