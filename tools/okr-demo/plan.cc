#include "tools/okr-demo/plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/okr-demo/catalog.h"
#include "tools/okr-demo/history.h"
#include "tools/okr-demo/random.h"

namespace okr::demo {
namespace {

std::string Slug(const std::string& name) {
  std::string out;
  for (char c : absl::AsciiStrToLower(name)) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

class Planner {
 public:
  Planner(const PlanOptions& options) : options_(options), random_(options.seed) {}

  DemoPlan Make() {
    plan_.today = options_.today;
    plan_.cycle_start = options_.today - kDaysIntoCycle;
    plan_.cycle_end = plan_.cycle_start + (kCycleDays - 1);
    const absl::CivilDay middle = plan_.cycle_start + kCycleDays / 2;
    plan_.cycle_name = absl::StrCat(middle.year(), "-Q", (middle.month() - 1) / 3 + 1);
    MakeTeams();
    MakePeople();
    MakeObjectives();
    MakeFeedback();
    MakeRequests();
    MakeOneOnOnes();
    MakeReviewCycle();
    return std::move(plan_);
  }

 private:
  struct Dept {
    const Department* catalog;
    std::string team;
    std::vector<std::string> squads;
  };

  void MakeTeams() {
    const int departments =
        std::clamp((options_.teams - 1) / 3, 1, static_cast<int>(Departments().size()));
    plan_.teams.push_back({"company", "Northwind Labs", "", "", 0});
    for (int d = 0; d < departments; ++d) {
      const Department& c = Departments()[static_cast<size_t>(d)];
      depts_.push_back({&c, c.id, {}});
      plan_.teams.push_back({c.id, c.name, "company", "", 1});
    }
    std::vector<size_t> used(depts_.size(), 0);
    for (int s = 0; s < options_.teams - 1 - departments; ++s) {
      Dept& d = depts_[static_cast<size_t>(s) % depts_.size()];
      const size_t n = used[static_cast<size_t>(s) % depts_.size()]++;
      std::string name = n < d.catalog->squads.size()
                             ? d.catalog->squads[n]
                             : absl::StrCat(d.catalog->name, " Squad ", n + 1);
      std::string id = Slug(name);
      d.squads.push_back(id);
      plan_.teams.push_back({id, name, d.team, "", 2});
    }
  }

  Person NewPerson() {
    for (int attempt = 0;; ++attempt) {
      const std::string& first = random_.Pick(FirstNames());
      const std::string& last = random_.Pick(LastNames());
      std::string id = absl::AsciiStrToLower(absl::StrCat(first, ".", last));
      if (attempt > 50) id = absl::StrCat(id, plan_.people.size());
      if (!person_index_.contains(id)) {
        Person p;
        p.id = id;
        p.display_name = absl::StrCat(first, " ", last);
        p.email = absl::StrCat(id, "@northwind.example");
        return p;
      }
    }
  }

  void AddPerson(Person p) {
    person_index_[p.id] = plan_.people.size();
    for (const std::string& t : p.teams) members_[t].push_back(p.id);
    plan_.people.push_back(std::move(p));
  }

  Team& TeamById(const std::string& id) {
    for (Team& t : plan_.teams) {
      if (t.id == id) return t;
    }
    return plan_.teams.front();
  }

  void MakePeople() {
    Person ceo = NewPerson();
    ceo.teams = {"company"};
    TeamById("company").lead = ceo.id;
    const std::string ceo_id = ceo.id;
    AddPerson(std::move(ceo));
    for (Dept& d : depts_) {
      Person lead = NewPerson();
      lead.manager = ceo_id;
      lead.teams = {d.team, "company"};
      TeamById(d.team).lead = lead.id;
      const std::string lead_id = lead.id;
      AddPerson(std::move(lead));
      for (const std::string& s : d.squads) {
        Person squad_lead = NewPerson();
        squad_lead.manager = lead_id;
        squad_lead.teams = {s};
        TeamById(s).lead = squad_lead.id;
        AddPerson(std::move(squad_lead));
      }
    }
    // Everyone else joins a squad (or a department without squads), with its lead as manager.
    std::vector<std::string> homes;
    for (const Dept& d : depts_) {
      if (d.squads.empty()) homes.push_back(d.team);
      for (const std::string& s : d.squads) homes.push_back(s);
    }
    for (size_t i = 0; static_cast<int>(plan_.people.size()) < options_.people; ++i) {
      Person p = NewPerson();
      // Squads differ in size: every fifth person goes to a random one.
      const std::string& home = i % 5 == 4 ? random_.Pick(homes) : homes[i % homes.size()];
      p.teams = {home};
      p.manager = TeamById(home).lead;
      AddPerson(std::move(p));
    }
  }

  const Department& DepartmentOf(const std::string& team) {
    for (const Dept& d : depts_) {
      if (d.team == team || std::count(d.squads.begin(), d.squads.end(), team) > 0) {
        return *d.catalog;
      }
    }
    return *depts_.front().catalog;
  }

  KeyResult FromTemplate(const KeyResultTemplate& t, const std::string& owner) {
    KeyResult k;
    k.title = t.title;
    k.type = t.type;
    k.direction = t.direction;
    k.unit = t.type == KrType::kNumeric ? t.unit : "";  // Only NUMERIC has a unit.
    k.currency_code = t.type == KrType::kCurrency ? t.unit : "";
    k.start_value = t.start;
    k.target_value = t.target;
    k.threshold = t.threshold;
    k.metric_key = t.metric_key;
    k.owner = owner;
    k.weight = random_.Chance(0.2) ? 2 : 1;
    for (const std::string& m : t.milestones) {
      k.milestones.push_back({m, static_cast<double>(random_.Int(1, 3))});
    }
    k.trajectory = static_cast<Trajectory>(random_.Weighted({48, 20, 8, 10, 14}));
    return k;
  }

  int AddObjective(Objective o) {
    plan_.objectives.push_back(std::move(o));
    return static_cast<int>(plan_.objectives.size()) - 1;
  }

  std::string RandomMember(const std::string& team) {
    const auto& m = members_[team];
    return m.empty() ? TeamById(team).lead : random_.Pick(m);
  }

  void MakeObjectives() {
    // The company sets the objectives its departments work towards (a smaller company with fewer
    // departments has fewer of them), so every ROLLUP key result has aligned objectives.
    std::set<size_t> wanted;
    for (const Dept& d : depts_) {
      wanted.insert(static_cast<size_t>(d.catalog->company_objective) % CompanyObjectives().size());
    }
    std::map<size_t, int> company;
    for (size_t i = 0; i < CompanyObjectives().size(); ++i) {
      if (!wanted.contains(i)) continue;
      const ObjectiveTemplate& t = CompanyObjectives()[i];
      Objective o;
      o.title = t.title;
      o.level = Level::kCompany;
      o.owner_team = "company";
      o.rollup_children = true;
      for (const KeyResultTemplate& k : t.key_results) {
        o.key_results.push_back(FromTemplate(k, RandomMember("company")));
      }
      company[i] = AddObjective(std::move(o));
    }
    for (const Dept& d : depts_) {
      const Department& c = *d.catalog;
      const int parent =
          company.at(static_cast<size_t>(c.company_objective) % CompanyObjectives().size());
      int rollup = -1;
      const auto& parent_krs = plan_.objectives[static_cast<size_t>(parent)].key_results;
      for (size_t i = 0; i < parent_krs.size(); ++i) {
        if (parent_krs[i].type == KrType::kRollup) rollup = static_cast<int>(i);
      }
      std::vector<int> own;
      for (size_t i = 0; i < std::min<size_t>(2, c.objectives.size()); ++i) {
        Objective o = TeamObjective(c.objectives[i], d.team);
        o.parent = parent;
        o.parent_key_result = i == 0 ? rollup : -1;
        o.rollup_children = true;
        own.push_back(AddObjective(std::move(o)));
      }
      for (size_t s = 0; s < d.squads.size(); ++s) {
        const int count = random_.Int(1, 2);
        for (int j = 0; j < count; ++j) {
          const auto& t = c.objectives[(2 + s + static_cast<size_t>(j)) % c.objectives.size()];
          Objective o = TeamObjective(t, d.squads[s]);
          o.parent = random_.Pick(own);
          o.rollup_children = random_.Chance(0.5);
          o.aspirational = random_.Chance(0.2);
          squad_objectives_[d.squads[s]].push_back(AddObjective(std::move(o)));
        }
      }
    }
    // About half of the people who lead no team set themselves an objective.
    for (const Person& p : plan_.people) {
      const std::string& home = p.teams.front();
      if (TeamById(home).lead == p.id || !random_.Chance(0.45)) continue;
      const Department& c = DepartmentOf(home);
      const ObjectiveTemplate& t = random_.Pick(c.personal);
      Objective o;
      o.title = t.title;
      o.level = Level::kIndividual;
      o.owner_person = p.id;
      const auto& parents = squad_objectives_[home];
      o.parent = parents.empty() ? -1 : random_.Pick(parents);
      o.private_visibility = random_.Chance(0.1);
      o.aspirational = random_.Chance(0.15);
      for (const KeyResultTemplate& k : t.key_results) {
        o.key_results.push_back(FromTemplate(k, ""));
      }
      personal_[p.id] = AddObjective(std::move(o));
    }
    UniqueMetricKeys();
    History history(random_);
    for (Objective& o : plan_.objectives) {
      for (KeyResult& k : o.key_results) {
        if (k.type != KrType::kRollup) history.Make(AuthorOf(o, k), k);
      }
    }
  }

  // An event for a metric key moves every key result bound to it, so two teams that chose the
  // same template each get a key of their own ("sales.new_business_eur.enterprise-sales").
  void UniqueMetricKeys() {
    std::map<std::string, int> uses;
    for (const Objective& o : plan_.objectives) {
      for (const KeyResult& k : o.key_results) {
        if (!k.metric_key.empty()) ++uses[k.metric_key];
      }
    }
    for (Objective& o : plan_.objectives) {
      for (KeyResult& k : o.key_results) {
        if (k.metric_key.empty() || uses[k.metric_key] < 2) continue;
        k.metric_key =
            absl::StrCat(k.metric_key, ".", o.owner_team.empty() ? o.owner_person : o.owner_team);
      }
    }
  }

  Objective TeamObjective(const ObjectiveTemplate& t, const std::string& team) {
    Objective o;
    o.title = t.title;
    o.level = Level::kTeam;
    o.owner_team = team;
    for (const KeyResultTemplate& k : t.key_results) {
      o.key_results.push_back(FromTemplate(k, RandomMember(team)));
    }
    return o;
  }

  std::string AuthorOf(const Objective& o, const KeyResult& k) {
    if (!k.owner.empty()) return k.owner;
    if (!o.owner_person.empty()) return o.owner_person;
    return TeamById(o.owner_team).lead;
  }

  const Person& PersonById(const std::string& id) { return plan_.people[person_index_.at(id)]; }

  std::vector<std::string> ReportsOf(const std::string& id) {
    std::vector<std::string> out;
    for (const Person& p : plan_.people) {
      if (p.manager == id) out.push_back(p.id);
    }
    return out;
  }

  // A PUBLIC objective about the person: their own, else one of their home team's.
  int ObjectiveAbout(const Person& p) {
    auto own = personal_.find(p.id);
    if (own != personal_.end() &&
        !plan_.objectives[static_cast<size_t>(own->second)].private_visibility) {
      return own->second;
    }
    for (size_t i = 0; i < plan_.objectives.size(); ++i) {
      if (plan_.objectives[i].owner_team == p.teams.front()) return static_cast<int>(i);
    }
    return -1;
  }

  std::string FirstName(const std::string& id) {
    const std::string& name = PersonById(id).display_name;
    return name.substr(0, name.find(' '));
  }

  void MakeFeedback() {
    const int count = options_.people * 3 / 2;
    for (int i = 0; i < count; ++i) {
      const Person& author = random_.Pick(plan_.people);
      std::string recipient;
      bool upward = false;
      const int relation = random_.Weighted({45, 20, 20, 15});
      if (relation == 0) {
        const auto& peers = members_[author.teams.front()];
        recipient = random_.Pick(peers);
      } else if (relation == 1) {
        auto reports = ReportsOf(author.id);
        if (!reports.empty()) recipient = random_.Pick(reports);
      } else if (relation == 2 && !author.manager.empty()) {
        recipient = author.manager;
        upward = true;
      }
      while (recipient.empty() || recipient == author.id) recipient = random_.Pick(plan_.people).id;
      // Praise is the most common kind, as in the tools we learn from; the rest split evenly.
      const FeedbackKind kind = static_cast<FeedbackKind>(random_.Weighted({50, 25, 25}));
      std::vector<FeedbackTemplate> of_kind;
      for (const FeedbackTemplate& t : FeedbackTemplates()) {
        if (t.kind == kind) of_kind.push_back(t);
      }
      const FeedbackTemplate& t = random_.Pick(of_kind);
      Feedback f;
      f.author = author.id;
      f.recipient = recipient;
      f.kind = t.kind;
      f.body = absl::StrReplaceAll(t.body, {{"{name}", FirstName(recipient)}});
      f.tags = t.tags;
      switch (t.kind) {
        case FeedbackKind::kRecognition:
          f.visibility = Visibility::kPublic;  // Recognition is always on the public wall.
          break;
        case FeedbackKind::kPraise:
          f.visibility = static_cast<Visibility>(random_.Weighted({25, 35, 40}));
          break;
        case FeedbackKind::kConstructive:
          f.visibility = random_.Chance(0.5) ? Visibility::kPrivate : Visibility::kManager;
          break;
      }
      f.anonymous = t.kind != FeedbackKind::kRecognition && random_.Chance(upward ? 0.35 : 0.08);
      if (random_.Chance(0.3)) f.objective = ObjectiveAbout(PersonById(recipient));
      plan_.feedback.push_back(std::move(f));
    }
  }

  void MakeRequests() {
    std::vector<std::string> candidates;
    for (const Person& p : plan_.people) {
      if (personal_.contains(p.id)) candidates.push_back(p.id);
    }
    const int count = std::min<int>(options_.people / 5, static_cast<int>(candidates.size()));
    std::set<std::string> asked;
    for (int i = 0; i < count; ++i) {
      const std::string& requester = random_.Pick(candidates);
      if (!asked.insert(requester).second) continue;
      const Person& p = PersonById(requester);
      FeedbackRequest r;
      r.requester = requester;
      r.objective = personal_.at(requester);
      r.message = absl::StrCat("How am I doing on \"",
                               plan_.objectives[static_cast<size_t>(r.objective)].title,
                               "\"? One thing to keep and one to change would help.");
      r.due_in_days = random_.Int(3, 21);
      std::vector<std::string> pool = members_[p.teams.front()];
      pool.push_back(p.manager);
      const int wanted = random_.Int(2, 3);
      for (int tries = 0; tries < 10 && static_cast<int>(r.recipients.size()) < wanted; ++tries) {
        const std::string& who = random_.Pick(pool);
        if (who.empty() || who == requester ||
            std::count(r.recipients.begin(), r.recipients.end(), who) > 0) {
          continue;
        }
        r.recipients.push_back(who);
        FeedbackRequest::Response answer;
        answer.recipient = who;
        answer.answer = static_cast<Answer>(random_.Weighted({55, 15, 30}));
        if (answer.answer == Answer::kAnswered) {
          answer.kind = random_.Chance(0.6) ? FeedbackKind::kPraise : FeedbackKind::kConstructive;
          answer.text =
              answer.kind == FeedbackKind::kPraise
                  ? absl::StrCat("Keep doing what you do, ", FirstName(requester),
                                 ": the weekly check-ins make your progress easy to follow.")
                  : absl::StrCat(FirstName(requester),
                                 ", break the work into smaller steps; the big ones stall.");
        } else if (answer.answer == Answer::kDeclined) {
          answer.text = "I have not worked closely enough with you on this to judge.";
        }
        r.responses.push_back(std::move(answer));
      }
      if (!r.recipients.empty()) plan_.requests.push_back(std::move(r));
    }
  }

  void MakeOneOnOnes() {
    for (const Person& p : plan_.people) {
      if (p.manager.empty()) continue;
      OneOnOne o;
      o.manager = p.manager;
      o.report = p.id;
      o.cadence_days =
          std::vector<int>{7, 14, 30}[static_cast<size_t>(random_.Weighted({60, 30, 10}))];
      const int when = random_.Weighted({80, 15, 5});
      o.last_met_days_ago = when == 0   ? random_.Int(1, o.cadence_days - 1)
                            : when == 1 ? o.cadence_days + random_.Int(3, 20)
                                        : -1;
      for (int i = random_.Int(1, 3); i > 0; --i) {
        o.agenda.push_back({random_.Pick(AgendaTopics()), false, random_.Chance(0.4)});
      }
      for (int i = random_.Int(0, 2); i > 0; --i) {
        o.agenda.push_back({random_.Pick(AgendaTopics()), true, random_.Chance(0.3)});
      }
      if (o.last_met_days_ago >= 0) {
        o.shared_notes = absl::StrCat("Talked about ", absl::AsciiStrToLower(o.agenda[0].text),
                                      " Agreed on next steps below.");
      }
      if (random_.Chance(0.6)) o.manager_private_notes = "Ask about workload again next time.";
      if (random_.Chance(0.4)) o.report_private_notes = "Bring up the promotion timeline.";
      for (int i = random_.Int(1, 3); i > 0; --i) {
        OneOnOne::Action a;
        a.owned_by_report = random_.Chance(0.7);
        a.text = random_.Pick(ActionTexts());
        a.due_in_days = random_.Int(-10, 14);
        a.done = random_.Chance(a.due_in_days < 0 ? 0.6 : 0.15);
        o.actions.push_back(std::move(a));
      }
      auto own = personal_.find(p.id);
      if (own != personal_.end()) o.objectives.push_back(own->second);
      plan_.one_on_ones.push_back(std::move(o));
    }
  }

  void MakeReviewCycle() {
    ReviewCycle& r = plan_.review_cycle;
    r.display_name = absl::StrCat(options_.today.year(), " H", options_.today.month() <= 6 ? 1 : 2,
                                  " performance review");
    r.start_date = options_.today - 5;
    r.end_date = options_.today + 20;
    r.competencies = {{"delivery", "Delivery"},
                      {"collaboration", "Collaboration"},
                      {"craft", "Craft"},
                      {"growth", "Growth"}};
    // Two departments are reviewed this half (the first and, if there is one, the fourth).
    std::set<std::string> teams;
    for (size_t d : {size_t{0}, size_t{3}}) {
      if (d >= depts_.size()) continue;
      r.participants.push_back(depts_[d].team);
      teams.insert(depts_[d].team);
      teams.insert(depts_[d].squads.begin(), depts_[d].squads.end());
    }
    for (const Person& p : plan_.people) {
      const bool reviewed = std::any_of(p.teams.begin(), p.teams.end(),
                                        [&](const auto& t) { return teams.contains(t); });
      if (!reviewed) continue;
      for (bool self : {true, false}) {
        if (!random_.Chance(self ? 0.6 : 0.35) || (!self && p.manager.empty())) continue;
        Assessment a;
        a.reviewee = p.id;
        a.self = self;
        for (size_t i = 0; i < r.competencies.size(); ++i) a.ratings.push_back(random_.Int(2, 5));
        a.overall = random_.Int(2, 5);
        a.comments = self ? "I grew most in delivery this half; next I want to mentor more."
                          : "Reliable and kind; ready for a larger scope.";
        r.assessments.push_back(std::move(a));
      }
    }
  }

  const PlanOptions options_;
  Random random_;
  DemoPlan plan_;
  std::vector<Dept> depts_;
  std::map<std::string, size_t> person_index_;
  std::map<std::string, std::vector<std::string>> members_;
  std::map<std::string, std::vector<int>> squad_objectives_;
  std::map<std::string, int> personal_;
};

}  // namespace

const char* TrajectoryName(Trajectory t) {
  switch (t) {
    case Trajectory::kOnTrack:
      return "on track";
    case Trajectory::kLate:
      return "late";
    case Trajectory::kStalled:
      return "stalled";
    case Trajectory::kStale:
      return "stale";
    case Trajectory::kOverAchieving:
      return "over-achieving";
  }
  return "?";
}

DemoPlan MakePlan(const PlanOptions& options, std::string* error) {
  if (options.teams < 3) {
    *error = "--teams must be at least 3 (the company, a department and a squad)";
    return {};
  }
  if (options.people < 2 * options.teams) {
    *error = "--people must be at least twice --teams (every team needs a lead and members)";
    return {};
  }
  if (options.people > 1000) {
    *error = "--people must be at most 1000 (one org import batch)";
    return {};
  }
  return Planner(options).Make();
}

}  // namespace okr::demo
