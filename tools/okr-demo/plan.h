// The demo organisation as plain data: who works where, the quarter's OKR tree with its check-in
// history, feedback, requests, one-on-ones and a review cycle. MakePlan is a pure function of its
// options (the same seed gives the same plan on every machine), so tests can check the plan
// without a server and the loader only turns it into RPCs.
#ifndef OKR_TOOLS_OKR_DEMO_PLAN_H_
#define OKR_TOOLS_OKR_DEMO_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"

namespace okr::demo {

struct PlanOptions {
  uint64_t seed = 42;
  int people = 200;  // At least teams * 2 + 1.
  int teams = 20;    // At least 3: the company, one department, one squad.
  absl::CivilDay today;
};

struct Team {
  std::string id;
  std::string display_name;
  std::string parent;  // Team id; empty for the company.
  std::string lead;    // Person id.
  int level = 0;       // 0 company, 1 department, 2 squad.
};

struct Person {
  std::string id;
  std::string display_name;
  std::string email;
  std::string manager;             // Person id; empty for the CEO.
  std::vector<std::string> teams;  // Team ids; the first is the home team.
};

// How a key result's history moves through the quarter.
enum class Trajectory { kOnTrack, kLate, kStalled, kStale, kOverAchieving };
const char* TrajectoryName(Trajectory t);

// Mirrors okr.goals.v1.KeyResultType / KeyResultDirection without depending on the protos.
enum class KrType { kNumeric, kPercent, kCurrency, kBoolean, kMilestone, kRollup };
enum class Direction { kNone, kIncrease, kDecrease, kKeepAbove, kKeepBelow };

struct CheckIn {
  int minute = 0;  // Minutes after the cycle's start (UTC midnight) when it was observed.
  std::string author;
  std::optional<double> value;
  std::vector<int> milestones_done;  // Indices of milestones marked done by this check-in.
  std::optional<int> confidence;
  std::string progress_note, challenges, next_steps;
};

struct Milestone {
  std::string title;
  double weight = 1;
};

struct KeyResult {
  std::string title;
  KrType type = KrType::kNumeric;
  Direction direction = Direction::kNone;
  std::string unit, currency_code;
  double start_value = 0, target_value = 0;
  std::optional<double> threshold;
  double weight = 1;
  std::string owner;       // Person id; empty when the objective's owner answers for it.
  std::string metric_key;  // Bound metric: its history arrives through the ingest stream.
  std::vector<Milestone> milestones;
  Trajectory trajectory = Trajectory::kOnTrack;
  std::vector<CheckIn> check_ins;  // In observation order.
};

enum class Level { kCompany, kTeam, kIndividual };

struct Objective {
  std::string title;
  Level level = Level::kTeam;
  std::string owner_team, owner_person;  // Exactly one is set.
  int parent = -1;                       // Index of the parent objective in DemoPlan::objectives.
  int parent_key_result = -1;            // Index of a ROLLUP key result of `parent`, or -1.
  bool aspirational = false;
  bool private_visibility = false;
  bool rollup_children = false;
  std::vector<KeyResult> key_results;
};

enum class FeedbackKind { kPraise, kConstructive, kRecognition };
enum class Visibility { kPrivate, kManager, kPublic };

struct Feedback {
  std::string author, recipient;
  FeedbackKind kind = FeedbackKind::kPraise;
  Visibility visibility = Visibility::kPublic;
  bool anonymous = false;
  std::string body;
  std::vector<std::string> tags;
  int objective = -1;  // Linked objective (a PUBLIC one), or -1.
};

enum class Answer { kAnswered, kDeclined, kPending };

struct FeedbackRequest {
  std::string requester;
  std::vector<std::string> recipients;
  std::string message;
  int objective = -1;  // The requester's own objective the request is about.
  int due_in_days = 14;
  struct Response {
    std::string recipient;
    Answer answer = Answer::kPending;
    std::string text;  // The answer's body or the reason for declining.
    FeedbackKind kind = FeedbackKind::kPraise;
  };
  std::vector<Response> responses;  // One per recipient.
};

struct OneOnOne {
  std::string manager, report;
  int cadence_days = 7;  // 7, 14 or 30.
  int last_met_days_ago = -1;
  struct Agenda {
    std::string text;
    bool by_report = false;
    bool discussed = false;
  };
  std::vector<Agenda> agenda;
  std::string shared_notes, manager_private_notes, report_private_notes;
  struct Action {
    bool owned_by_report = true;
    std::string text;
    int due_in_days = 7;  // Negative: in the past.
    bool done = false;
  };
  std::vector<Action> actions;
  std::vector<int> objectives;  // Objectives the pair follows.
};

struct Assessment {
  std::string reviewee;
  bool self = true;          // Else the manager's assessment.
  std::vector<int> ratings;  // One per competency, in ReviewCycle::competencies order.
  int overall = 3;
  std::string comments;
};

struct ReviewCycle {
  std::string display_name;
  absl::CivilDay start_date, end_date;
  std::vector<std::pair<std::string, std::string>> competencies;  // id, display name.
  std::vector<std::string> participants;                          // Team ids.
  std::vector<Assessment> assessments;
};

struct DemoPlan {
  absl::CivilDay today;  // The day the plan was made for (PlanOptions::today).
  std::string cycle_name;
  absl::CivilDay cycle_start, cycle_end;  // Inclusive; the cycle is ACTIVE on `today`.
  std::vector<Team> teams;                // Parents before children.
  std::vector<Person> people;             // Managers before their reports.
  std::vector<Objective> objectives;      // Parents before children.
  std::vector<Feedback> feedback;
  std::vector<FeedbackRequest> requests;
  std::vector<OneOnOne> one_on_ones;
  ReviewCycle review_cycle;
};

// INVALID_ARGUMENT-style problems (too few people for the teams, ...) are reported in `error`.
DemoPlan MakePlan(const PlanOptions& options, std::string* error);

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_PLAN_H_
