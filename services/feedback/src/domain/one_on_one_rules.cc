#include "services/feedback/src/domain/one_on_one_rules.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace okr::feedback {
namespace {

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The previous item of each id, for the items a replaced list keeps. Records an unknown or
// repeated id as a violation and returns nullptr for it.
template <typename Item>
class IdResolver {
 public:
  IdResolver(const std::vector<Item>& previous, const std::string& field,
             common::Violations& violations)
      : field_(field), violations_(violations) {
    for (const Item& item : previous) previous_.emplace(item.id, &item);
  }

  // The previous item `item` continues (nullptr for a new item, which gets `new_id()`).
  const Item* Resolve(Item& item, size_t index, absl::FunctionRef<std::string()> new_id) {
    if (item.id.empty()) {
      item.id = new_id();
      return nullptr;
    }
    const std::string field = absl::StrCat(field_, "[", index, "].id");
    auto it = previous_.find(item.id);
    if (it == previous_.end()) {
      violations_.Add(field, "unknown item id: send an empty id for a new item");
      return nullptr;
    }
    if (!seen_.insert(item.id).second) {
      violations_.Add(field, "the same item id is sent twice");
      return nullptr;
    }
    return it->second;
  }

 private:
  const std::string& field_;
  common::Violations& violations_;
  absl::flat_hash_map<std::string, const Item*> previous_;
  absl::flat_hash_set<std::string> seen_;
};

}  // namespace

OneOnOneAccess AccessOf(const Viewer& viewer, const std::string& manager,
                        const std::string& report) {
  if (!viewer.person.empty() && (viewer.person == manager || viewer.person == report)) {
    return OneOnOneAccess::kParticipant;
  }
  if (viewer.admin || viewer.service) return OneOnOneAccess::kWithoutNotes;
  return OneOnOneAccess::kNone;
}

bool ObjectiveShown(const LinkedObjective& objective, OneOnOneAccess access,
                    const std::string& person) {
  switch (access) {
    case OneOnOneAccess::kNone:
      return false;
    case OneOnOneAccess::kWithoutNotes:
      return true;  // administrators and service identities read every objective in goals
    case OneOnOneAccess::kParticipant:
      return !objective.is_private || Contains(objective.linked_by, person);
  }
  return false;
}

void ResolveAgendaItems(const std::vector<AgendaItem>& previous, std::vector<AgendaItem>& items,
                        const std::string& caller, absl::FunctionRef<std::string()> new_id,
                        const std::string& field, common::Violations& violations) {
  IdResolver<AgendaItem> ids(previous, field, violations);
  for (size_t i = 0; i < items.size(); ++i) {
    const AgendaItem* before = ids.Resolve(items[i], i, new_id);
    items[i].author = before != nullptr ? before->author : caller;
  }
}

void ResolveActionItems(const std::vector<ActionItem>& previous, std::vector<ActionItem>& items,
                        const std::string& manager, const std::string& report, absl::Time now,
                        absl::FunctionRef<std::string()> new_id, const std::string& field,
                        common::Violations& violations) {
  IdResolver<ActionItem> ids(previous, field, violations);
  for (size_t i = 0; i < items.size(); ++i) {
    ActionItem& item = items[i];
    const ActionItem* before = ids.Resolve(item, i, new_id);
    if (item.owner != manager && item.owner != report) {
      violations.Add(absl::StrCat(field, "[", i, "].owner"),
                     "must be the manager or the report of this one-on-one");
    }
    if (!item.done) {
      item.complete_time.reset();
    } else if (before != nullptr && before->done && before->complete_time.has_value()) {
      item.complete_time = before->complete_time;
    } else {
      item.complete_time = now;
    }
  }
}

bool MeetingRecorded(const OneOnOne& before, const OneOnOne& after) {
  if (!after.last_meeting_time.has_value()) return false;
  return !before.last_meeting_time.has_value() ||
         *after.last_meeting_time > *before.last_meeting_time;
}

void CarryOver(const OneOnOne& before, OneOnOne& after) {
  if (!MeetingRecorded(before, after)) return;
  std::erase_if(after.agenda_items, [](const AgendaItem& item) { return item.discussed; });
  absl::flat_hash_set<std::string> done_before;
  for (const ActionItem& item : before.action_items) {
    if (item.done) done_before.insert(item.id);
  }
  std::erase_if(after.action_items,
                [&](const ActionItem& item) { return item.done && done_before.contains(item.id); });
}

std::vector<LinkedObjective> MergeObjectives(const std::vector<LinkedObjective>& stored,
                                             const std::vector<LinkedObjective>& requested,
                                             const std::string& caller) {
  std::vector<LinkedObjective> out;
  absl::flat_hash_set<std::string> kept;
  for (LinkedObjective objective : requested) {
    if (!kept.insert(objective.id).second) continue;  // a repeated id links it once
    objective.linked_by.clear();
    for (const LinkedObjective& before : stored) {
      if (before.id == objective.id) objective.linked_by = before.linked_by;
    }
    if (!Contains(objective.linked_by, caller)) objective.linked_by.push_back(caller);
    out.push_back(std::move(objective));
  }
  for (const LinkedObjective& before : stored) {
    if (kept.contains(before.id)) continue;
    if (!ObjectiveShown(before, OneOnOneAccess::kParticipant, caller)) out.push_back(before);
  }
  return out;
}

}  // namespace okr::feedback
