// GoalsService: GetObjectiveTree (now or as of a past time) and the change feed.
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/goals_service.h"
#include "services/goals/src/api/names.h"
#include "services/goals/src/api/rules.h"
#include "services/goals/src/api/validation.h"

namespace okr::goals {
namespace {

namespace v1 = ::okr::goals::v1;

// Alignment chains deeper than this are cut (marked truncated) however deep the request asks, so
// a damaged or adversarial tree cannot exhaust the stack.
constexpr int kMaxTreeDepth = 256;

// A cycle's objectives and key results, indexed for walking the alignment forest.
class Forest {
 public:
  Forest(std::vector<ObjectiveRecord> objectives, std::vector<KeyResultRecord> key_results,
         bool include_archived)
      : objectives_(std::move(objectives)), key_results_(std::move(key_results)) {
    for (size_t i = 0; i < objectives_.size(); ++i) {
      // Left-out (archived) objectives are no parents either: what is aligned to them shows as a
      // root rather than vanishing with them.
      if (!include_archived && objectives_[i].state == domain::ObjectiveState::kArchived) continue;
      by_id_[objectives_[i].id] = i;
    }
    for (size_t i = 0; i < key_results_.size(); ++i) {
      key_results_of_[key_results_[i].objective].push_back(i);
      key_result_ids_.insert(key_results_[i].id);
    }
    for (size_t i = 0; i < objectives_.size(); ++i) {
      const ObjectiveRecord& o = objectives_[i];
      if (!by_id_.contains(o.id)) continue;
      if (o.parent.empty() || !Resolves(o.parent)) {
        roots_.push_back(i);
      } else {
        children_[o.parent].push_back(i);
      }
    }
  }

  const std::vector<size_t>& roots() const { return roots_; }
  // Any objective of the forest, also a left-out one (a root asked for by name).
  std::optional<size_t> Find(const std::string& id) const {
    for (size_t i = 0; i < objectives_.size(); ++i) {
      if (objectives_[i].id == id) return i;
    }
    return std::nullopt;
  }
  const ObjectiveRecord& objective(size_t i) const { return objectives_[i]; }
  ObjectiveRecord& objective(size_t i) { return objectives_[i]; }
  const KeyResultRecord& key_result(size_t i) const { return key_results_[i]; }
  KeyResultRecord& key_result(size_t i) { return key_results_[i]; }
  const std::vector<size_t>& ChildrenOf(const std::string& parent) const {
    auto it = children_.find(parent);
    return it == children_.end() ? empty_ : it->second;
  }
  const std::vector<size_t>& KeyResultsOf(const std::string& objective) const {
    auto it = key_results_of_.find(objective);
    return it == key_results_of_.end() ? empty_ : it->second;
  }
  bool HasAlignedChildren(const ObjectiveRecord& o) const {
    if (!ChildrenOf(ObjectiveName(o.id)).empty()) return true;
    for (size_t k : KeyResultsOf(o.id)) {
      if (!ChildrenOf(KeyResultName(o.id, key_results_[k].id)).empty()) return true;
    }
    return false;
  }

 private:
  // Whether the parent is in this forest (for a key result: it and its objective existed then).
  bool Resolves(const std::string& parent) const {
    if (auto id = ObjectiveIdFromName(parent)) return by_id_.contains(*id);
    if (auto key = KeyResultKeyFromName(parent)) {
      return by_id_.contains(key->objective) && key_result_ids_.contains(key->id);
    }
    return false;
  }

  std::vector<ObjectiveRecord> objectives_;
  std::vector<KeyResultRecord> key_results_;
  absl::flat_hash_map<std::string, size_t> by_id_;
  absl::flat_hash_set<std::string> key_result_ids_;
  absl::flat_hash_map<std::string, std::vector<size_t>> children_;
  absl::flat_hash_map<std::string, std::vector<size_t>> key_results_of_;
  std::vector<size_t> roots_;
  const std::vector<size_t> empty_;
};

class TreeWriter {
 public:
  TreeWriter(const Forest& forest, const CycleRecord& cycle, const ReadContext& clock,
             GoalsAccess& access, int max_depth)
      : forest_(forest), cycle_(cycle), clock_(clock), access_(access), max_depth_(max_depth) {}

  // `parent_named`: whether the caller may see the name of the node's parent (false below a
  // redacted node, and for a root whose parent is hidden).
  absl::Status Write(size_t index, int depth, bool parent_named, v1::ObjectiveNode* out) {
    const ObjectiveRecord& o = forest_.objective(index);
    auto readable = access_.CanRead(o);
    if (!readable.ok()) return readable.status();
    v1::Objective full = ToProto(o, cycle_, clock_);
    if (*readable) {
      if (!parent_named) full.clear_parent();
      *out->mutable_objective() = std::move(full);
    } else {
      // Counted, never named: only what the roll-up needs to be understood.
      out->set_redacted(true);
      v1::Objective* r = out->mutable_objective();
      r->set_weight(full.weight());
      r->set_level(full.level());
      r->set_state(full.state());
      r->set_progress(full.progress());
      r->set_attainment(full.attainment());
      if (full.has_confidence()) r->set_confidence(full.confidence());
      r->set_health(full.health());
      r->set_has_measure(full.has_measure());
      r->set_expected_progress(full.expected_progress());
    }
    const bool deeper = (max_depth_ == 0 || depth < max_depth_) && depth < kMaxTreeDepth;
    for (size_t k : forest_.KeyResultsOf(o.id)) {
      const KeyResultRecord& kr = forest_.key_result(k);
      v1::KeyResultNode* kr_node = nullptr;
      if (*readable) {
        kr_node = out->add_key_results();
        *kr_node->mutable_key_result() = ToProto(kr, cycle_, o.state, clock_.now);
      }
      if (!deeper) continue;
      for (size_t child : forest_.ChildrenOf(KeyResultName(o.id, kr.id))) {
        // Children of a redacted objective's key results still appear, under the redacted node.
        v1::ObjectiveNode* child_node =
            kr_node != nullptr ? kr_node->add_children() : out->add_children();
        if (absl::Status s = Write(child, depth + 1, *readable, child_node); !s.ok()) return s;
      }
    }
    if (deeper) {
      for (size_t child : forest_.ChildrenOf(ObjectiveName(o.id))) {
        absl::Status s = Write(child, depth + 1, *readable, out->add_children());
        if (!s.ok()) return s;
      }
    } else if (forest_.HasAlignedChildren(o)) {
      out->set_truncated(true);
    }
    return absl::OkStatus();
  }

 private:
  const Forest& forest_;
  const CycleRecord& cycle_;
  const ReadContext& clock_;
  GoalsAccess& access_;
  const int max_depth_;
};

}  // namespace

grpc::ServerUnaryReactor* GoalsService::GetObjectiveTree(grpc::CallbackServerContext* context,
                                                         const v1::GetObjectiveTreeRequest* request,
                                                         v1::ObjectiveTree* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    std::optional<std::string> cycle_root = CycleIdFromName(request->name());
    std::optional<std::string> objective_root = ObjectiveIdFromName(request->name());
    if (!cycle_root && !objective_root) {
      return common::InvalidArgument(
          "INVALID_NAME", "the root is not a cycle or objective name",
          {{"name", "must be cycles/{cycle} or objectives/{objective}"}});
    }
    common::Violations violations;
    violations.Check(request->max_depth() >= 0, "max_depth", "must not be negative");
    ReadContext clock = ReadClock();
    std::optional<absl::Time> as_of;
    if (request->has_as_of()) {
      using google::protobuf::util::TimeUtil;
      if (violations.Check(ValidTimestamp(request->as_of()), "as_of", "must be a valid time")) {
        as_of = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request->as_of()));
        violations.Check(*as_of <= clock.now, "as_of", "must not be in the future");
      }
    }
    if (absl::Status s = violations.ToStatus("INVALID_REQUEST", "the request is not valid");
        !s.ok()) {
      return s;
    }
    if (as_of) clock.now = *as_of;
    return Read(call, [&](GoalsRead& r) -> absl::Status {
      std::string cycle_id;
      if (objective_root) {
        auto root = LoadReadableObjective(r.store, r.access, *objective_root);
        if (!root.ok()) return root.status();
        cycle_id = root->cycle;
      } else {
        cycle_id = *cycle_root;
      }
      auto cycle = LoadCycle(r.store, cycle_id);
      if (!cycle.ok()) return cycle.status();
      auto objectives = as_of ? r.store.ObjectivesOfCycleAsOf(cycle_id, *as_of)
                              : r.store.ObjectivesOfCycle(cycle_id);
      if (!objectives.ok()) return objectives.status();
      auto key_results = as_of ? r.store.KeyResultsOfCycleAsOf(cycle_id, *as_of)
                               : r.store.KeyResultsOfCycle(cycle_id);
      if (!key_results.ok()) return key_results.status();
      if (as_of) {
        // The roll-up as it was: recomputed from the values recorded by then. Objectives closed
        // since were live then, so their health is judged at as_of too.
        std::vector<ObjectiveRecord> inputs = *objectives;
        const bool closed_since = cycle->state != CycleState::kClosed || *as_of < cycle->close_time;
        for (ObjectiveRecord& o : inputs) {
          if (o.state == domain::ObjectiveState::kClosed && closed_since) {
            o.state = domain::ObjectiveState::kActive;
          }
        }
        auto built = BuildCycleTree(*cycle, inputs, *key_results, options_.health, *as_of);
        if (!built.ok()) return built.status();
        const CycleTree& t = **built;
        for (ObjectiveRecord& o : *objectives) {
          const domain::ObjectiveRollup rollup = t.tree.GetObjective(t.objectives.at(o.id));
          o.progress = rollup.progress;
          o.attainment = rollup.attainment;
          o.confidence = rollup.confidence;
          o.has_measure = rollup.has_measure;
          o.health = rollup.health;
        }
        for (KeyResultRecord& k : *key_results) {
          auto node = t.key_results.find(k.id);
          if (node == t.key_results.end()) continue;
          const domain::KeyResultRollup rollup = t.tree.GetKeyResult(node->second);
          k.progress = rollup.progress;
          k.attainment = rollup.attainment;
          k.has_measure = rollup.has_measure;
        }
      }
      Forest forest(*std::move(objectives), *std::move(key_results), request->include_archived());
      TreeWriter writer(forest, *cycle, clock, r.access, request->max_depth());
      if (objective_root) {
        auto index = forest.Find(*objective_root);
        if (!index) {
          return common::NotFound("OBJECTIVE_NOT_FOUND",
                                  absl::StrCat("no objective ", request->name(), " at that time"));
        }
        auto named = ParentVisible(r.store, r.access, forest.objective(*index).parent);
        if (!named.ok()) return named.status();
        absl::Status s = writer.Write(*index, 1, *named, response->add_roots());
        if (!s.ok()) return s;
      } else {
        for (size_t root : forest.roots()) {
          auto named = ParentVisible(r.store, r.access, forest.objective(root).parent);
          if (!named.ok()) return named.status();
          if (absl::Status s = writer.Write(root, 1, *named, response->add_roots()); !s.ok())
            return s;
        }
      }
      response->set_cycle(CycleName(cycle_id));
      *response->mutable_as_of() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock.now));
      return absl::OkStatus();
    });
  });
}

}  // namespace okr::goals
