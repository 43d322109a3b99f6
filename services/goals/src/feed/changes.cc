#include "services/goals/src/feed/changes.h"

#include <algorithm>
#include <utility>

#include "google/protobuf/util/time_util.h"
#include "okr/common/changelog/resume_token.h"
#include "okr/common/changelog/watch_request.h"
#include "services/goals/src/api/names.h"

namespace okr::goals {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A length-delimited field `number` holding `bytes`.
void AppendField(std::string& out, int number, const std::string& bytes) {
  AppendVarint(out, (static_cast<uint64_t>(number) << 3) | 2);
  AppendVarint(out, bytes.size());
  out.append(bytes);
}

std::string OwnerName(const Owner& owner) {
  return owner.kind == OwnerKind::kPerson ? std::string("people/") + owner.id
                                          : std::string("teams/") + owner.id;
}

void SetFields(v1::Change& change, const std::vector<std::string>& fields) {
  for (const std::string& f : fields) change.mutable_changed_fields()->add_paths(f);
}

}  // namespace

std::string PathOf(const CycleTree& tree, const std::string& objective) {
  std::vector<const std::string*> chain;
  auto it = tree.objectives.find(objective);
  if (it == tree.objectives.end()) return "/" + objective + "/";
  domain::ObjectiveId node = it->second;
  for (size_t guard = 0; guard < 1024 && tree.tree.Contains(node); ++guard) {
    chain.push_back(&tree.objective_ids[node.value]);
    const domain::Alignment parent = tree.tree.ParentOf(node);
    if (parent.is_none()) break;
    if (parent.kind() == domain::Alignment::Kind::kObjective) {
      node = parent.objective();
    } else {
      if (!tree.tree.Contains(parent.key_result())) break;
      node = tree.tree.ObjectiveOf(parent.key_result());
    }
  }
  std::string path = "/";
  for (auto c = chain.rbegin(); c != chain.rend(); ++c) {
    path.append(**c);
    path.push_back('/');
  }
  return path;
}

std::string ScopeOf(const ObjectiveRecord& objective) {
  return objective.visibility == Visibility::kPrivate ? objective.id : std::string();
}

namespace {

bool SameField(const google::protobuf::Message& a, const google::protobuf::Message& b,
               const google::protobuf::FieldDescriptor* f) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = a.GetReflection();
  if (f->is_repeated()) {
    const int n = r->FieldSize(a, f);
    if (n != r->FieldSize(b, f)) return false;
    for (int i = 0; i < n; ++i) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (r->GetRepeatedMessage(a, f, i).SerializeAsString() !=
              r->GetRepeatedMessage(b, f, i).SerializeAsString()) {
            return false;
          }
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          if (r->GetRepeatedString(a, f, i) != r->GetRepeatedString(b, f, i)) return false;
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          if (r->GetRepeatedEnumValue(a, f, i) != r->GetRepeatedEnumValue(b, f, i)) return false;
          break;
        default:
          // Other repeated scalars do not occur in the goals resources; compare conservatively.
          return false;
      }
    }
    return true;
  }
  if (f->has_presence() && r->HasField(a, f) != r->HasField(b, f)) return false;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(a, f) == r->GetInt32(b, f);
    case FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(a, f) == r->GetInt64(b, f);
    case FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(a, f) == r->GetUInt32(b, f);
    case FieldDescriptor::CPPTYPE_UINT64:
      return r->GetUInt64(a, f) == r->GetUInt64(b, f);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return r->GetDouble(a, f) == r->GetDouble(b, f);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return r->GetFloat(a, f) == r->GetFloat(b, f);
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(a, f) == r->GetBool(b, f);
    case FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnumValue(a, f) == r->GetEnumValue(b, f);
    case FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(a, f) == r->GetString(b, f);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return r->GetMessage(a, f).SerializeAsString() == r->GetMessage(b, f).SerializeAsString();
  }
  return false;
}

}  // namespace

std::vector<std::string> ChangedFields(const google::protobuf::Message& before,
                                       const google::protobuf::Message& after) {
  std::vector<std::string> fields;
  const google::protobuf::Descriptor* descriptor = before.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->name() == "etag" || field->name() == "update_time") continue;
    if (!SameField(before, after, field)) fields.push_back(field->name());
  }
  return fields;
}

std::string FrameChange(const common::ChangeEntry& entry) {
  v1::Change tail;
  tail.set_resume_token(common::EncodeResumeToken(entry.seq));
  *tail.mutable_commit_time() = ToTimestamp(entry.commit_time);
  // Serialized messages concatenate as a merge: the stored payload plus the position.
  std::string change = entry.payload;
  change.append(tail.SerializeAsString());
  std::string out;
  out.reserve(change.size() + 8);
  AppendField(out, v1::WatchChangesResponse::kChangeFieldNumber, change);
  return out;
}

std::string FrameBatchHeader(size_t bytes) {
  static_assert(static_cast<int>(v1::WatchChangesBatch::kChangesFieldNumber) ==
                static_cast<int>(v1::WatchChangesResponse::kChangeFieldNumber));
  std::string out;
  AppendVarint(out, (static_cast<uint64_t>(v1::WatchChangesResponse::kBatchFieldNumber) << 3) | 2);
  AppendVarint(out, bytes);
  return out;
}

std::string FrameCheckpoint(int64_t seq, absl::Time commit_time, bool caught_up) {
  return common::FrameCheckpointAs<v1::WatchChangesResponse>(seq, commit_time, caught_up);
}

absl::Status GoalsChanges::Add(v1::Change change, const std::string& partition,
                               const std::string& path, const std::string& scope, bool by_actor) {
  if (by_actor && !actor_.empty()) change.set_actor(std::string("people/") + actor_);
  common::ChangeEntry entry;
  entry.tenant = tenant_;
  entry.commit_time = clock_.now;
  entry.kind = change.kind();
  entry.resource = change.resource_name();
  entry.partition = partition;
  entry.path = path;
  entry.scope = scope;
  entry.payload = change.SerializeAsString();
  return batch_.Append(session_, std::move(entry));
}

absl::Status GoalsChanges::Cycle(v1::ChangeKind kind, const CycleRecord& cycle,
                                 const std::vector<std::string>& fields) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(CycleName(cycle.id));
  change.set_cycle_name(CycleName(cycle.id));
  SetFields(change, fields);
  *change.mutable_cycle() = ToProto(cycle);
  return Add(std::move(change), change.cycle_name(), "", "", true);
}

absl::Status GoalsChanges::Objective(v1::ChangeKind kind, const ObjectiveRecord& objective,
                                     const CycleRecord& cycle, const std::string& path,
                                     const std::vector<std::string>& fields, bool by_actor) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(ObjectiveName(objective.id));
  change.set_cycle_name(CycleName(cycle.id));
  SetFields(change, fields);
  *change.mutable_objective() = ToProto(objective, cycle, clock_);
  const std::string partition = change.cycle_name();
  return Add(std::move(change), partition, path, ScopeOf(objective), by_actor);
}

absl::Status GoalsChanges::KeyResult(v1::ChangeKind kind, const KeyResultRecord& key_result,
                                     const ObjectiveRecord& objective, const CycleRecord& cycle,
                                     const std::string& path,
                                     const std::vector<std::string>& fields, bool by_actor) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(KeyResultName(key_result.objective, key_result.id));
  change.set_cycle_name(CycleName(cycle.id));
  SetFields(change, fields);
  *change.mutable_key_result() = ToProto(key_result, cycle, objective.state, clock_.now);
  const std::string partition = change.cycle_name();
  return Add(std::move(change), partition, path, ScopeOf(objective), by_actor);
}

absl::Status GoalsChanges::CheckIn(const CheckInRecord& check_in, const ObjectiveRecord& objective,
                                   const CycleRecord& cycle, const std::string& path) {
  v1::Change change;
  change.set_kind(v1::CHANGE_KIND_CHECK_IN_CREATED);
  change.set_resource_name(CheckInName(check_in.objective, check_in.key_result, check_in.id));
  change.set_cycle_name(CycleName(cycle.id));
  *change.mutable_check_in() = ToProto(check_in);
  const std::string partition = change.cycle_name();
  return Add(std::move(change), partition, path, ScopeOf(objective),
             check_in.source == CheckInSource::kManual);
}

absl::Status GoalsChanges::ConfidenceDropped(const CheckInRecord& check_in,
                                             const ObjectiveRecord& objective,
                                             const CycleRecord& cycle, const std::string& path,
                                             int old_value) {
  v1::Change change;
  change.set_kind(v1::CHANGE_KIND_CONFIDENCE_DROPPED);
  change.set_resource_name(KeyResultName(check_in.objective, check_in.key_result));
  change.set_cycle_name(CycleName(cycle.id));
  v1::ConfidenceDrop* drop = change.mutable_confidence_drop();
  drop->set_key_result(change.resource_name());
  drop->set_check_in(CheckInName(check_in.objective, check_in.key_result, check_in.id));
  drop->set_old_confidence(old_value);
  drop->set_new_confidence(check_in.confidence.value_or(0));
  if (!check_in.author.empty()) drop->set_author(std::string("people/") + check_in.author);
  const std::string partition = change.cycle_name();
  return Add(std::move(change), partition, path, ScopeOf(objective), false);
}

absl::Status GoalsChanges::HealthChanged(const ObjectiveRecord& objective, const CycleRecord& cycle,
                                         const std::string& path, domain::Health old_health,
                                         domain::Health new_health, double expected_progress) {
  v1::Change change;
  change.set_kind(v1::CHANGE_KIND_HEALTH_CHANGED);
  change.set_resource_name(ObjectiveName(objective.id));
  change.set_cycle_name(CycleName(cycle.id));
  v1::HealthChange* health = change.mutable_health_change();
  health->set_objective(change.resource_name());
  health->set_old_health(static_cast<v1::Health>(old_health));
  health->set_new_health(static_cast<v1::Health>(new_health));
  health->set_progress(objective.progress);
  health->set_expected_progress(expected_progress);
  if (objective.confidence) health->set_confidence(*objective.confidence);
  health->set_owner(OwnerName(objective.owner));
  const std::string partition = change.cycle_name();
  return Add(std::move(change), partition, path, ScopeOf(objective), false);
}

absl::Status GoalsChanges::KeyResultStale(const KeyResultRecord& key_result,
                                          const ObjectiveRecord& objective,
                                          const CycleRecord& cycle, const std::string& path,
                                          const std::string& accountable) {
  v1::Change change;
  change.set_kind(v1::CHANGE_KIND_KEY_RESULT_STALE);
  change.set_resource_name(KeyResultName(key_result.objective, key_result.id));
  change.set_cycle_name(CycleName(cycle.id));
  v1::KeyResultStaleness* stale = change.mutable_key_result_stale();
  stale->set_key_result(change.resource_name());
  if (!accountable.empty()) stale->set_accountable(std::string("people/") + accountable);
  if (key_result.last_check_in_time) {
    *stale->mutable_last_check_in_time() = ToTimestamp(*key_result.last_check_in_time);
  }
  *stale->mutable_check_in_cadence() =
      TimeUtil::SecondsToDuration(absl::ToInt64Seconds(cycle.cadence));
  const std::string partition = change.cycle_name();
  return Add(std::move(change), partition, path, ScopeOf(objective), false);
}

absl::Status GoalsChanges::Person(v1::ChangeKind kind, const okr::org::v1::Person& person) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(person.name());
  *change.mutable_person() = person;
  return Add(std::move(change), "", "", "", true);
}

absl::Status GoalsChanges::Team(v1::ChangeKind kind, const okr::org::v1::Team& team) {
  v1::Change change;
  change.set_kind(kind);
  change.set_resource_name(team.name());
  *change.mutable_team() = team;
  return Add(std::move(change), "", "", "", true);
}

absl::Status GoalsChanges::Rollup(GoalsStore& store, const CycleTree& t, const CycleRecord& cycle,
                                  const domain::RollupChanges& changes,
                                  const absl::flat_hash_set<uint32_t>& written) {
  absl::flat_hash_set<uint32_t> seen_key_results;
  absl::flat_hash_set<uint32_t> seen_objectives;
  for (domain::KeyResultId k : changes.key_results) {
    if (!t.tree.Contains(k) || written.contains(k.value)) continue;
    if (!seen_key_results.insert(k.value).second) continue;
    const domain::KeyResultRollup r = t.tree.GetKeyResult(k);
    const KeyResultKey& key = t.key_result_keys[k.value];
    auto stored = store.FindKeyResult(key.objective, key.id);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) continue;
    KeyResultRecord& kr = **stored;
    std::vector<std::string> fields;
    if (kr.progress != r.progress) fields.push_back("progress");
    if (kr.attainment != r.attainment) fields.push_back("attainment");
    if (kr.has_measure != r.has_measure) fields.push_back("has_measure");
    absl::Status s = store.UpdateKeyResultRollup(
        key.objective, key.id, KeyResultRollupRow{r.progress, r.attainment, r.has_measure});
    if (!s.ok()) return s;
    if (fields.empty()) continue;
    kr.progress = r.progress;
    kr.attainment = r.attainment;
    kr.has_measure = r.has_measure;
    auto objective = store.FindObjective(key.objective);
    if (!objective.ok()) return objective.status();
    if (!objective->has_value()) continue;
    s = KeyResult(v1::CHANGE_KIND_KEY_RESULT_PROGRESS_CHANGED, kr, **objective, cycle,
                  PathOf(t, key.objective), fields, false);
    if (!s.ok()) return s;
  }
  for (domain::ObjectiveId o : changes.objectives) {
    if (!t.tree.Contains(o)) continue;
    if (!seen_objectives.insert(o.value).second) continue;
    const domain::ObjectiveRollup r = t.tree.GetObjective(o);
    const std::string& id = t.objective_ids[o.value];
    auto stored = store.FindObjective(id);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) continue;
    ObjectiveRecord& objective = **stored;
    const double old_progress = objective.progress;
    const domain::Health old_health = objective.health;
    std::vector<std::string> fields;
    if (objective.progress != r.progress) fields.push_back("progress");
    if (objective.attainment != r.attainment) fields.push_back("attainment");
    if (objective.confidence != r.confidence) fields.push_back("confidence");
    if (objective.health != r.health) fields.push_back("health");
    if (objective.has_measure != r.has_measure) fields.push_back("has_measure");
    absl::Status s = store.UpdateObjectiveRollup(
        id, ObjectiveRollupRow{r.progress, r.attainment, r.confidence, r.health, r.has_measure});
    if (!s.ok()) return s;
    if (fields.empty()) continue;
    objective.progress = r.progress;
    objective.attainment = r.attainment;
    objective.confidence = r.confidence;
    objective.health = r.health;
    objective.has_measure = r.has_measure;
    const std::string path = PathOf(t, id);
    s = Objective(v1::CHANGE_KIND_OBJECTIVE_PROGRESS_CHANGED, objective, cycle, path, fields,
                  false);
    if (!s.ok()) return s;
    if (old_health != r.health) {
      s = HealthChanged(objective, cycle, path, old_health, r.health, t.tree.expected_progress());
      if (!s.ok()) return s;
    }
    if (old_progress < 1.0 && r.progress >= 1.0) {
      s = Objective(v1::CHANGE_KIND_OBJECTIVE_COMPLETED, objective, cycle, path, {}, false);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace okr::goals
