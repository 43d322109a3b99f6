#include "services/goals/src/store/schema.h"

#include <string>

#include "okr/common/changelog/change_log_store.h"

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

// Version 2: cycles, objectives, key results, check-ins and idempotency keys. Roll-up fields
// (progress, attainment, confidence, health, has_measure) are stored beside the inputs and updated
// in the transaction of every write. Each check-in keeps the key result's value state after it
// (value, confidence, milestone states): that history is what GetObjectiveTree reads `as_of` a
// past time. Times are microseconds since the epoch (UTC); `seq` (the rowid) orders check-ins that
// share a time.
constexpr char kGoalsSql[] = R"sql(
CREATE TABLE goal_cycles (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  begin_us INTEGER NOT NULL,
  end_us INTEGER NOT NULL,
  state INTEGER NOT NULL,
  cadence_s INTEGER NOT NULL,
  version INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  activate_time_us INTEGER NOT NULL,
  close_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX goal_cycles_by_display_name ON goal_cycles (tenant, display_name);
CREATE INDEX goal_cycles_by_start ON goal_cycles (tenant, start_date, id);

CREATE TABLE goal_objectives (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  cycle TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  owner_kind INTEGER NOT NULL,
  owner TEXT NOT NULL,
  level INTEGER NOT NULL,
  parent TEXT NOT NULL,
  kind INTEGER NOT NULL,
  visibility INTEGER NOT NULL,
  state INTEGER NOT NULL,
  weight REAL NOT NULL,
  rollup_children INTEGER NOT NULL,
  score REAL,
  grading_note TEXT NOT NULL,
  progress REAL NOT NULL,
  attainment REAL NOT NULL,
  confidence INTEGER,
  health INTEGER NOT NULL,
  has_measure INTEGER NOT NULL,
  version INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX goal_objectives_by_time ON goal_objectives (tenant, create_time_us, id);
CREATE INDEX goal_objectives_by_cycle ON goal_objectives (tenant, cycle, create_time_us, id);
CREATE INDEX goal_objectives_by_parent ON goal_objectives (tenant, parent, create_time_us, id);
CREATE INDEX goal_objectives_by_owner ON goal_objectives (tenant, owner, create_time_us, id);


CREATE TABLE goal_key_results (
  tenant TEXT NOT NULL,
  objective TEXT NOT NULL,
  id TEXT NOT NULL,
  cycle TEXT NOT NULL,
  objective_create_time_us INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  type INTEGER NOT NULL,
  direction INTEGER NOT NULL,
  unit TEXT NOT NULL,
  currency_code TEXT NOT NULL,
  start_value REAL NOT NULL,
  target_value REAL NOT NULL,
  threshold REAL,
  current_value REAL NOT NULL,
  has_value INTEGER NOT NULL,
  weight REAL NOT NULL,
  milestones TEXT NOT NULL,
  metric_key TEXT NOT NULL,
  progress REAL NOT NULL,
  attainment REAL NOT NULL,
  has_measure INTEGER NOT NULL,
  latest_confidence INTEGER,
  last_check_in_us INTEGER,
  last_observed_us INTEGER,
  version INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, objective, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX goal_key_results_by_id ON goal_key_results (tenant, id);
CREATE INDEX goal_key_results_by_cycle
  ON goal_key_results (tenant, cycle, objective_create_time_us, objective, create_time_us, id);
CREATE INDEX goal_key_results_by_metric ON goal_key_results (tenant, metric_key);


CREATE TABLE goal_check_ins (
  seq INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  cycle TEXT NOT NULL,
  objective TEXT NOT NULL,
  key_result TEXT NOT NULL,
  id TEXT NOT NULL,
  value REAL,
  milestone_states TEXT NOT NULL,
  confidence INTEGER,
  note_progress TEXT NOT NULL,
  note_challenges TEXT NOT NULL,
  note_next_steps TEXT NOT NULL,
  author TEXT NOT NULL,
  source INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_source TEXT NOT NULL,
  increment REAL,
  superseded INTEGER NOT NULL,
  observed_us INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  value_after REAL NOT NULL,
  has_value_after INTEGER NOT NULL,
  confidence_after INTEGER,
  milestones_after TEXT NOT NULL,
  last_observed_after_us INTEGER
);
CREATE UNIQUE INDEX goal_check_ins_by_id ON goal_check_ins (tenant, key_result, id);
CREATE INDEX goal_check_ins_by_time
  ON goal_check_ins (tenant, key_result, create_time_us, id);
CREATE INDEX goal_check_ins_by_cycle ON goal_check_ins (tenant, cycle, key_result, create_time_us);

CREATE TABLE goal_request_ids (
  tenant TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, method, request_id)
) WITHOUT ROWID;
CREATE INDEX goal_request_ids_by_time ON goal_request_ids (create_time_us);
)sql";

// Version 3: the change log (common), applied ids of streamed events, reported stale periods.
constexpr char kFeedSql[] = R"sql(
CREATE TABLE goal_ingest_events (
  tenant TEXT NOT NULL,
  event_id TEXT NOT NULL,
  applied_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, event_id)
) WITHOUT ROWID;
CREATE INDEX goal_ingest_events_by_time ON goal_ingest_events (applied_us);
CREATE TABLE goal_stale_reports (
  tenant TEXT NOT NULL,
  key_result TEXT NOT NULL,
  cycle TEXT NOT NULL,
  since_us INTEGER NOT NULL,
  PRIMARY KEY (tenant, key_result)
) WITHOUT ROWID;
CREATE INDEX goal_stale_reports_by_cycle ON goal_stale_reports (tenant, cycle);
)sql";

}  // namespace

std::vector<common::Migration> GoalsMigrations() {
  return {
      {1, "org directory: people, team memberships, teams", kOrgDirectorySql},
      {2, "goals: cycles, objectives, key results, check-ins, request ids", kGoalsSql},
      {3, "change log, applied event ids, reported stale periods",
       std::string(common::ChangeLogSchemaSql()) + kFeedSql},
  };
}

}  // namespace okr::goals
