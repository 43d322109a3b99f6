// What the feedback service asks the goals service's org directory: a person, their manager
// chain, a team's members. An interface, so the rules can be tested with the fake beside it and
// the caching decorator can wrap the gRPC implementation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace okr::feedback {

struct PersonFacts {
  std::string id;
  std::string manager;  // person id; empty for none
  std::vector<std::string> teams;
  bool active = true;
};

class OrgDirectory {
 public:
  virtual ~OrgDirectory() = default;

  // NOT_FOUND (reason PERSON_NOT_FOUND) when the tenant has no such person; UNAVAILABLE when the
  // directory cannot be asked now.
  virtual absl::StatusOr<PersonFacts> GetPerson(const std::string& tenant,
                                                const std::string& person) = 0;

  // The person's managers, nearest first, up to the top (person ids). Errors as GetPerson.
  virtual absl::StatusOr<std::vector<std::string>> ManagerChain(const std::string& tenant,
                                                                const std::string& person) = 0;

  // The active members of the team and of all its sub-teams (person ids, each once). NOT_FOUND
  // (reason TEAM_NOT_FOUND) for an unknown team.
  virtual absl::StatusOr<std::vector<std::string>> TeamMembers(const std::string& tenant,
                                                               const std::string& team) = 0;
};

using OrgDirectoryPtr = std::unique_ptr<OrgDirectory>;

}  // namespace okr::feedback
