#include "services/goals/src/goals_schema.h"

namespace okr::goals {
namespace {

// Version 1: the org directory. Every table is keyed by tenant first, so every lookup and every
// index range stays inside one tenant. Ids are the `{id}` part of resource names; TEXT compares
// byte-wise, which is the listing order the API promises. Times are microseconds since the Unix
// epoch (UTC). References (manager, team, parent, lead) are plain ids without foreign keys: the
// API lets them name records that are not synced yet.
constexpr char kOrgDirectorySql[] = R"sql(
CREATE TABLE org_people (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  manager TEXT NOT NULL,
  state INTEGER NOT NULL,
  version INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX org_people_by_manager ON org_people (tenant, manager, id);
CREATE TABLE org_person_teams (
  tenant TEXT NOT NULL,
  person TEXT NOT NULL,
  team TEXT NOT NULL,
  PRIMARY KEY (tenant, person, team)
) WITHOUT ROWID;
CREATE INDEX org_person_teams_by_team ON org_person_teams (tenant, team, person);
CREATE TABLE org_teams (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  parent TEXT NOT NULL,
  lead TEXT NOT NULL,
  state INTEGER NOT NULL,
  version INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX org_teams_by_parent ON org_teams (tenant, parent, id);
)sql";

}  // namespace

std::vector<common::Migration> GoalsMigrations() {
  return {
      {1, "org directory: people, team memberships, teams", kOrgDirectorySql},
  };
}

}  // namespace okr::goals
