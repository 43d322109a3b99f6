#include "services/goals/src/ingest/events.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/rules.h"
#include "services/goals/src/api/validation.h"
#include "services/goals/src/ingest/check_in_apply.h"

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

// A key result the write's events update: its state as the events so far left it (in memory
// until the end of the write), and what the write needs to store it then.
struct Target {
  KeyResultRecord key_result;
  KeyResultRecord before;  // as stored when the write first touched it
  ObjectiveRecord objective;
  CycleRecord cycle;
  CycleTree* tree = nullptr;
  domain::KeyResultId node;
  bool changed = false;
};

// The key results, metric bindings and cycles one write has read, and the roll-up changes its
// events made; Flush stores each touched key result once and the ancestors' roll-up once.
class IngestWrite {
 public:
  explicit IngestWrite(GoalsWrite& w) : w_(w) {}

  // The targets of an event, or why it has none it can update.
  absl::StatusOr<std::vector<Target*>> Targets(const v1::ProgressEvent& event,
                                               std::optional<EventError>& error);
  absl::Status Apply(const v1::ProgressEvent& event, const std::vector<Target*>& targets);
  absl::Status Flush();

 private:
  absl::StatusOr<Target*> Load(KeyResultRecord key_result);
  absl::StatusOr<const CycleRecord*> Cycle(const std::string& id);

  GoalsWrite& w_;
  absl::flat_hash_map<std::string, std::unique_ptr<Target>> targets_;       // by key result id
  std::vector<Target*> order_;                                              // first touched first
  absl::flat_hash_map<std::string, std::vector<std::string>> metric_keys_;  // -> key result ids
  absl::flat_hash_map<std::string, CycleRecord> cycles_;
  absl::flat_hash_map<std::string, domain::RollupChanges> changes_;  // by cycle id
};

// Covers every check ApplyMeasurement makes for a streamed value, against the key result as the
// earlier events left it, so an event that passes applies to all its targets.
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

absl::StatusOr<const CycleRecord*> IngestWrite::Cycle(const std::string& id) {
  auto it = cycles_.find(id);
  if (it == cycles_.end()) {
    auto cycle = LoadCycle(w_.store, id);
    if (!cycle.ok()) return cycle.status();
    it = cycles_.emplace(id, *std::move(cycle)).first;
  }
  return &it->second;
}

absl::StatusOr<Target*> IngestWrite::Load(KeyResultRecord key_result) {
  auto known = targets_.find(key_result.id);
  if (known != targets_.end()) return known->second.get();
  auto objective = w_.store.FindObjective(key_result.objective);
  if (!objective.ok()) return objective.status();
  if (!objective->has_value()) return nullptr;
  auto cycle = Cycle((*objective)->cycle);
  if (!cycle.ok()) return cycle.status();
  auto t = std::make_unique<Target>();
  t->before = key_result;
  t->key_result = std::move(key_result);
  t->objective = **std::move(objective);
  t->cycle = **cycle;
  Target* raw = t.get();
  targets_.emplace(raw->key_result.id, std::move(t));
  return raw;
}

absl::StatusOr<std::vector<Target*>> IngestWrite::Targets(const v1::ProgressEvent& event,
                                                          std::optional<EventError>& error) {
  std::vector<Target*> targets;
  if (event.target_case() == v1::ProgressEvent::kKeyResult) {
    const auto key = KeyResultKeyFromName(event.key_result());
    Target* target = nullptr;
    if (key) {
      auto known = targets_.find(key->id);
      if (known != targets_.end() && known->second->key_result.objective == key->objective) {
        target = known->second.get();
      } else {
        auto k = w_.store.FindKeyResult(key->objective, key->id);
        if (!k.ok()) return k.status();
        if (k->has_value()) {
          auto loaded = Load(**std::move(k));
          if (!loaded.ok()) return loaded.status();
          target = *loaded;
        }
      }
    }
    if (target == nullptr) {
      error = Error(absl::StatusCode::kNotFound, "KEY_RESULT_NOT_FOUND",
                    absl::StrCat("no key result ", event.key_result()), "key_result");
      return targets;
    }
    if ((error = CheckTarget(event, *target))) return targets;
    targets.push_back(target);
    return targets;
  }
  auto bound = metric_keys_.find(event.metric_key());
  if (bound == metric_keys_.end()) {
    auto records = w_.store.KeyResultsByMetric(event.metric_key());
    if (!records.ok()) return records.status();
    std::vector<std::string> ids;
    for (KeyResultRecord& k : *records) {
      const std::string id = k.id;
      auto loaded = Load(std::move(k));
      if (!loaded.ok()) return loaded.status();
      if (*loaded != nullptr) ids.push_back(id);
    }
    bound = metric_keys_.emplace(event.metric_key(), std::move(ids)).first;
  }
  for (const std::string& id : bound->second) {
    Target* t = targets_.at(id).get();
    // Bound key results of closed cycles and of objectives that are not open are left alone.
    if (t->cycle.state == CycleState::kClosed || !domain::HealthIsLive(t->objective.state))
      continue;
    if ((error = CheckTarget(event, *t))) return std::vector<Target*>();
    targets.push_back(t);
  }
  if (targets.empty()) {
    error = Error(absl::StatusCode::kNotFound, "UNKNOWN_METRIC_KEY",
                  absl::StrCat("no key result in an open cycle is bound to metric key '",
                               event.metric_key(), "'"),
                  "metric_key");
  }
  return targets;
}

absl::Status IngestWrite::Apply(const v1::ProgressEvent& event,
                                const std::vector<Target*>& targets) {
  const absl::Time observed =
      absl::FromUnixMicros(absl::ToUnixMicros(absl::FromUnixSeconds(event.observed_at().seconds()) +
                                              absl::Nanoseconds(event.observed_at().nanos())));
  for (Target* t : targets) {
    if (t->tree == nullptr) {
      auto tree = w_.tree(t->cycle);
      if (!tree.ok()) return tree.status();
      auto node = (*tree)->key_results.find(t->key_result.id);
      if (node == (*tree)->key_results.end()) {
        return absl::InternalError("key result missing from its cycle's tree");
      }
      t->tree = *tree;
      t->node = node->second;
    }
    CheckInRecord c;
    c.objective = t->key_result.objective;
    c.key_result = t->key_result.id;
    c.id = NewTimeOrderedId(w_.now);
    c.source = CheckInSource::kStreamed;
    c.event_id = event.event_id();
    c.event_source = event.source();
    c.observed_at = observed;
    c.create_time = w_.now;
    if (event.mode() == v1::PROGRESS_MODE_INCREMENT) {
      c.increment = event.value();
    } else {
      c.value = event.value();
    }
    absl::Status s =
        ApplyMeasurement(*t->tree, t->node, w_.now, t->key_result, c, changes_[t->cycle.id]);
    if (!s.ok()) return s;
    t->changed = true;
    if (absl::Status i = w_.store.InsertCheckIn(c, t->key_result.cycle, t->key_result); !i.ok()) {
      return i;
    }
    if (absl::Status r =
            w_.changes.CheckIn(c, t->objective, t->cycle, PathOf(*t->tree, t->objective.id));
        !r.ok()) {
      return r;
    }
    if (std::find(order_.begin(), order_.end(), t) == order_.end()) order_.push_back(t);
  }
  return absl::OkStatus();
}

absl::Status IngestWrite::Flush() {
  absl::flat_hash_map<std::string, absl::flat_hash_set<uint32_t>> written;
  for (Target* t : order_) {
    if (!t->changed) continue;
    absl::Status s = StoreKeyResultState(
        w_, t->cycle, t->objective, PathOf(*t->tree, t->objective.id), t->before, t->key_result);
    if (!s.ok()) return s;
    written[t->cycle.id].insert(t->node.value);
  }
  for (Target* t : order_) {
    auto it = changes_.find(t->cycle.id);
    if (it == changes_.end()) continue;
    absl::Status s =
        w_.changes.Rollup(w_.store, *t->tree, t->cycle, it->second, written[t->cycle.id]);
    if (!s.ok()) return s;
    changes_.erase(it);
  }
  return absl::OkStatus();
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
  IngestWrite write(w);
  for (const v1::ProgressEvent* event : events) {
    EventOutcome outcome{event->event_id(), std::nullopt};
    // The id is remembered first (one statement); a rejected event forgets it again.
    auto fresh = w.store.RememberEventOnce(event->event_id(), w.now);
    if (!fresh.ok()) return fresh.status();
    if (!*fresh) {
      outcomes.push_back(std::move(outcome));  // applied before: acknowledged again
      continue;
    }
    std::optional<EventError> error;
    auto targets = write.Targets(*event, error);
    if (!targets.ok()) return targets.status();
    if (error) {
      if (absl::Status s = w.store.ForgetEvent(event->event_id()); !s.ok()) return s;
      outcome.error = std::move(error);
      outcomes.push_back(std::move(outcome));
      continue;
    }
    if (absl::Status s = write.Apply(*event, *targets); !s.ok()) return s;
    outcomes.push_back(std::move(outcome));
  }
  return write.Flush();
}

}  // namespace okr::goals
