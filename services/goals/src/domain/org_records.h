// The org directory's records as the goals service stores them: people and teams of one tenant,
// free of protobuf so the directory logic and its tests need no transport types.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace okr::goals {

// Whether a person or team is current. There is no delete: leavers and dissolved teams become
// inactive so that history naming them keeps its meaning.
enum class OrgState { kActive = 1, kInactive = 2 };

// A person. Ids are the `{person}` / `{team}` part of resource names, never the full name.
struct Person {
  std::string id;
  std::string display_name;
  std::string email;
  std::string manager;             // a person id; empty at the top of the hierarchy
  std::vector<std::string> teams;  // team ids, sorted, distinct
  OrgState state = OrgState::kActive;
  // On upsert: the etag the caller expects (empty: no check). When read: the current etag.
  std::string etag;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
};

struct Team {
  std::string id;
  std::string display_name;
  std::string parent;  // a team id; empty for a top-level team
  std::string lead;    // a person id; empty when there is none
  OrgState state = OrgState::kActive;
  std::string etag;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
};

// Filters of a people listing; empty fields do not filter. Combined with AND.
struct PeopleFilter {
  std::string team;     // direct members of this team id
  std::string manager;  // direct reports of this person id
  bool include_inactive = false;
};

struct TeamFilter {
  std::string parent;  // direct sub-teams of this team id
  bool include_inactive = false;
};

// One page of a listing, in id order. `next_after` is the id to continue after, or empty when
// this page is the last one.
template <typename Record>
struct Page {
  std::vector<Record> items;
  std::string next_after;
};

// A person's managers, nearest first. `unresolved_manager` is the id of a manager reference that
// names no stored person yet (the chain stops there); empty otherwise.
struct ReportingChain {
  std::vector<Person> managers;
  std::string unresolved_manager;
};

}  // namespace okr::goals
