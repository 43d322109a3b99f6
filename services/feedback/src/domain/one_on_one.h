// A one-on-one as the service keeps it: the pair, its cadence, the running agenda, notes, action
// items and linked objectives. Plain data shared by the rules, the store and the API adapter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/feedback/src/domain/cadence.h"

namespace okr::feedback {

struct AgendaItem {
  std::string id;
  std::string text;
  std::string author;  // person id
  bool discussed = false;

  bool operator==(const AgendaItem&) const = default;
};

struct ActionItem {
  std::string id;
  std::string owner;  // person id: the manager or the report
  std::string text;
  bool done = false;
  std::optional<absl::CivilDay> due_date;
  std::optional<absl::Time> complete_time;  // set exactly while done

  bool operator==(const ActionItem&) const = default;
};

// An objective the pair follows. Whether it is PRIVATE is remembered from when it was linked, so
// reads never ask goals; a PRIVATE one is shown only to the participants who linked it (goals
// let them read it then), and to administrators.
struct LinkedObjective {
  std::string id;  // objective id
  bool is_private = false;
  std::vector<std::string> linked_by;  // person ids, each once

  bool operator==(const LinkedObjective&) const = default;
};

struct OneOnOne {
  std::string id;
  std::string manager;  // person id
  std::string report;   // person id
  Cadence cadence = Cadence::kWeekly;
  std::optional<absl::Time> next_meeting_time;
  std::optional<absl::Time> last_meeting_time;
  std::vector<AgendaItem> agenda_items;
  std::string shared_notes;
  // The private notes of the one person the record was loaded for (never anyone else's).
  std::string private_notes;
  std::vector<ActionItem> action_items;
  std::vector<LinkedObjective> objectives;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;

  bool operator==(const OneOnOne&) const = default;
};

}  // namespace okr::feedback
