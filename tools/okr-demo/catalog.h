// The words of the demo company: names, departments and squads, and the objectives and key
// results each kind of team sets itself. Plain tables; plan.cc draws from them.
#ifndef OKR_TOOLS_OKR_DEMO_CATALOG_H_
#define OKR_TOOLS_OKR_DEMO_CATALOG_H_

#include <optional>
#include <string>
#include <vector>

#include "tools/okr-demo/plan.h"

namespace okr::demo {

struct KeyResultTemplate {
  std::string title;
  KrType type = KrType::kNumeric;
  Direction direction = Direction::kIncrease;
  std::string unit;
  double start = 0, target = 0;
  std::optional<double> threshold;
  std::string metric_key;               // Empty: updated by check-ins only.
  std::vector<std::string> milestones;  // MILESTONE only.
};

struct ObjectiveTemplate {
  std::string title;
  std::vector<KeyResultTemplate> key_results;
};

struct Department {
  std::string id, name;
  std::vector<std::string> squads;
  std::vector<ObjectiveTemplate> objectives;  // The department's and its squads' objectives.
  std::vector<ObjectiveTemplate> personal;    // Individual objectives of its people.
  int company_objective = 0;                  // Which company objective it aligns to.
};

const std::vector<std::string>& FirstNames();
const std::vector<std::string>& LastNames();
const std::vector<Department>& Departments();
const std::vector<ObjectiveTemplate>& CompanyObjectives();  // Each has one ROLLUP key result.

struct FeedbackTemplate {
  FeedbackKind kind;
  std::string body;  // "{name}" is replaced by the recipient's first name.
  std::vector<std::string> tags;
};
const std::vector<FeedbackTemplate>& FeedbackTemplates();

// Notes for check-ins, by trajectory.
const std::vector<std::string>& ProgressNotes(Trajectory t);
const std::vector<std::string>& Challenges();
const std::vector<std::string>& NextSteps();

const std::vector<std::string>& AgendaTopics();
const std::vector<std::string>& ActionTexts();

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_CATALOG_H_
