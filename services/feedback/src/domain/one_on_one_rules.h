// The rules of a one-on-one beyond field formats: who reads and writes it, how replaced item lists
// keep their ids, when action items are completed, what carries over to the next meeting and
// which linked objectives a reader is shown.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/domain/one_on_one.h"
#include "services/feedback/src/domain/viewer.h"

namespace okr::feedback {

inline constexpr size_t kMaxAgendaItems = 100;
inline constexpr size_t kMaxActionItems = 200;
inline constexpr size_t kMaxLinkedObjectives = 20;
inline constexpr size_t kMaxItemText = 1000;
inline constexpr size_t kMaxOneOnOneNotes = 20000;

// What a reader may do with a one-on-one: its participants read (with their own private notes)
// and write it; administrators and service identities read it without any notes; nobody else
// learns it exists.
enum class OneOnOneAccess { kNone, kWithoutNotes, kParticipant };
OneOnOneAccess AccessOf(const Viewer& viewer, const std::string& manager,
                        const std::string& report);

// Whether a reader with `access` (as `person`) is shown the linked objective: a PUBLIC one to all
// who read the one-on-one, a PRIVATE one to administrators and to the participants who linked it.
bool ObjectiveShown(const LinkedObjective& objective, OneOnOneAccess access,
                    const std::string& person);

// Gives the replaced agenda its ids and authors: an item with an empty id is new (a fresh id,
// authored by `caller`), an item with the id of one in `previous` keeps that id and its author.
// An unknown or repeated id is a violation on `<field>[i].id`.
void ResolveAgendaItems(const std::vector<AgendaItem>& previous, std::vector<AgendaItem>& items,
                        const std::string& caller, absl::FunctionRef<std::string()> new_id,
                        const std::string& field, common::Violations& violations);

// The same for action items; `complete_time` becomes `now` when an item becomes done, stays while
// it stays done and is cleared when it is not done. Owners must be `manager` or `report`.
void ResolveActionItems(const std::vector<ActionItem>& previous, std::vector<ActionItem>& items,
                        const std::string& manager, const std::string& report, absl::Time now,
                        absl::FunctionRef<std::string()> new_id, const std::string& field,
                        common::Violations& violations);

// True when `after` records a meeting later than `before` knew of.
bool MeetingRecorded(const OneOnOne& before, const OneOnOne& after);

// Carrying over (open action items carry over to the next meeting until done): once a meeting is
// recorded (MeetingRecorded), the agenda items marked discussed are dropped, and so are the action
// items that were already done before this update; open ones stay, and items marked done in the
// same update stay until the meeting after, so the pair sees what they just closed.
void CarryOver(const OneOnOne& before, OneOnOne& after);

// The objectives after `caller` replaced the list with `requested` (ids with their privacy as goals
// told the caller): each keeps who linked it before plus the caller; a PRIVATE objective the caller
// is not shown stays, since a participant cannot remove what they cannot see.
std::vector<LinkedObjective> MergeObjectives(const std::vector<LinkedObjective>& stored,
                                             const std::vector<LinkedObjective>& requested,
                                             const std::string& caller);

}  // namespace okr::feedback
