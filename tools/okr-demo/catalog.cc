#include "tools/okr-demo/catalog.h"

namespace okr::demo {
namespace {

KeyResultTemplate Up(std::string title, KrType type, std::string unit, double start, double target,
                     std::string metric = "") {
  return {
      std::move(title),  type, Direction::kIncrease, std::move(unit), start, target, std::nullopt,
      std::move(metric), {}};
}
KeyResultTemplate Down(std::string title, KrType type, std::string unit, double start,
                       double target, std::string metric = "") {
  return {
      std::move(title),  type, Direction::kDecrease, std::move(unit), start, target, std::nullopt,
      std::move(metric), {}};
}
KeyResultTemplate Above(std::string title, KrType type, std::string unit, double threshold,
                        std::string metric = "") {
  return {std::move(title),  type, Direction::kKeepAbove, std::move(unit), 0, 0, threshold,
          std::move(metric), {}};
}
KeyResultTemplate Below(std::string title, KrType type, std::string unit, double threshold,
                        std::string metric = "") {
  return {std::move(title),  type, Direction::kKeepBelow, std::move(unit), 0, 0, threshold,
          std::move(metric), {}};
}
KeyResultTemplate Yes(std::string title) {
  return {std::move(title), KrType::kBoolean, Direction::kNone, "", 0, 1, std::nullopt, "", {}};
}
KeyResultTemplate Steps(std::string title, std::vector<std::string> milestones) {
  return {std::move(title),     KrType::kMilestone, Direction::kNone, "", 0, 0, std::nullopt, "",
          std::move(milestones)};
}
KeyResultTemplate Rollup(std::string title) {
  return {std::move(title), KrType::kRollup, Direction::kNone, "", 0, 0, std::nullopt, "", {}};
}

constexpr KrType kNum = KrType::kNumeric;
constexpr KrType kPct = KrType::kPercent;
constexpr KrType kEur = KrType::kCurrency;

}  // namespace

const std::vector<std::string>& FirstNames() {
  static const std::vector<std::string> names = {
      "Aiko",   "Amara",  "Anders", "Ana",   "Arjun", "Beatriz", "Ben",   "Camille", "Carlos",
      "Chen",   "Chiara", "Dara",   "David", "Elena", "Emeka",   "Emma",  "Farah",   "Felix",
      "Grace",  "Hana",   "Hugo",   "Ines",  "Ivan",  "Jamal",   "Jana",  "Jonas",   "Julia",
      "Kai",    "Kavya",  "Lars",   "Leila", "Liam",  "Lucia",   "Malik", "Maria",   "Mateo",
      "Mei",    "Mia",    "Nadia",  "Noah",  "Nora",  "Olga",    "Omar",  "Paula",   "Pedro",
      "Priya",  "Rafael", "Rosa",   "Sami",  "Sara",  "Sofia",   "Tariq", "Tomas",   "Uma",
      "Victor", "Wei",    "Yara",   "Yusuf", "Zoe",   "Zainab"};
  return names;
}

const std::vector<std::string>& LastNames() {
  static const std::vector<std::string> names = {
      "Abe",       "Adeyemi", "Andersen", "Baptiste", "Berg",   "Costa",    "Dubois",  "Eriksen",
      "Fischer",   "Garcia",  "Haddad",   "Hansen",   "Ito",    "Jensen",   "Kim",     "Kowalski",
      "Lindqvist", "Lopez",   "Martin",   "Meyer",    "Moreau", "Nakamura", "Novak",   "Okafor",
      "Olsen",     "Patel",   "Petrov",   "Quinn",    "Rossi",  "Santos",   "Schmidt", "Silva",
      "Singh",     "Suzuki",  "Tanaka",   "Varga",    "Wagner", "Weber",    "Yilmaz",  "Zhang"};
  return names;
}

const std::vector<ObjectiveTemplate>& CompanyObjectives() {
  static const std::vector<ObjectiveTemplate> objectives = {
      {"Become the platform mid-sized companies choose",
       {Up("Grow annual recurring revenue to 4.0M EUR", kEur, "EUR", 2600000, 4000000,
           "finance.arr_eur"),
        Rollup("Sales and marketing fill and close the pipeline"),
        Up("Win 25 referenceable customers", kNum, "customers", 6, 25)}},
      {"Ship a product customers cannot live without",
       {Up("Reach 2,000 weekly active teams", kNum, "teams", 1150, 2000,
           "product.weekly_active_teams"),
        Rollup("Engineering ships the v3 platform"),
        Above("Keep uptime at or above 99.9 %", kPct, "%", 99.9, "ops.uptime_pct")}},
      {"Be the place where great people do their best work",
       {Up("Raise the engagement score from 71 to 80", kNum, "points", 71, 80),
        Below("Keep regretted attrition at or below 5 %", kPct, "%", 5),
        Rollup("Every team runs continuous performance")}},
  };
  return objectives;
}

const std::vector<Department>& Departments() {
  static const std::vector<Department> departments = {
      {"engineering",
       "Engineering",
       {"Platform", "Payments", "Mobile", "Data", "Security"},
       {{"Ship the v3 platform on time",
         {Steps("v3 release plan", {"Design review", "Beta with 5 customers", "Migration tooling",
                                    "General availability"}),
          Down("Cut p95 API latency from 420 ms to 150 ms", kNum, "ms", 420, 150),
          Below("Keep change failure rate at or below 10 %", kPct, "%", 10)}},
        {"Make every deploy boring",
         {Up("Raise deploys per week from 12 to 40", kNum, "deploys", 12, 40, ""),
          Down("Bring mean time to restore from 95 to 30 minutes", kNum, "min", 95, 30),
          Yes("Canary releases on for every service")}},
        {"Pay down the debt that slows us most",
         {Down("Shrink flaky tests from 140 to 20", kNum, "tests", 140, 20),
          Up("Raise code owners coverage to 95 %", kPct, "%", 60, 95),
          Yes("Retire the legacy billing service")}},
        {"Make data trustworthy for every team",
         {Up("Move 30 pipelines to the new warehouse", kNum, "pipelines", 0, 30),
          Above("Keep data freshness SLA met at or above 98 %", kPct, "%", 98),
          Steps("Data catalogue", {"Schema registry", "Lineage", "Self-serve docs"})}},
        {"Harden our security posture",
         {Down("Close critical findings from 18 to 0", kNum, "findings", 18, 0),
          Yes("Pass the SOC 2 type II audit"),
          Up("Enrol 100 % of staff in phishing training", kPct, "%", 40, 100)}}},
       {{"Grow as an engineer",
         {Up("Review 60 pull requests", kNum, "reviews", 0, 60),
          Yes("Give a tech talk to the department")}},
        {"Own my team's reliability",
         {Down("Reduce my service's pages from 14 to 4 a month", kNum, "pages", 14, 4),
          Yes("Write the runbook for my service")}}},
       1},
      {"sales",
       "Sales",
       {"Enterprise Sales", "Mid-Market Sales", "Sales Operations", "Partnerships"},
       {{"Win the mid-market",
         {Up("Close 1.2M EUR of new business", kEur, "EUR", 0, 1200000, "sales.new_business_eur"),
          Up("Grow qualified pipeline to 4M EUR", kEur, "EUR", 900000, 4000000),
          Above("Keep win rate at or above 25 %", kPct, "%", 25)}},
        {"Land our first ten enterprise logos",
         {Up("Sign 10 enterprise contracts", kNum, "contracts", 0, 10, "sales.enterprise_signed"),
          Down("Shorten the sales cycle from 95 to 60 days", kNum, "days", 95, 60)}},
        {"Make the sales machine predictable",
         {Above("Keep forecast accuracy at or above 90 %", kPct, "%", 90),
          Yes("Roll out the new CRM stages"),
          Up("Raise CRM hygiene score from 62 to 95", kNum, "points", 62, 95)}}},
       {{"Hit my quota",
         {Up("Book 150k EUR of new business", kEur, "EUR", 0, 150000),
          Up("Run 40 discovery calls", kNum, "calls", 0, 40)}},
        {"Sharpen my craft",
         {Yes("Complete the negotiation course"),
          Up("Shadow 6 enterprise calls", kNum, "calls", 0, 6)}}},
       0},
      {"marketing",
       "Marketing",
       {"Growth Marketing", "Brand and Content", "Product Marketing", "Events"},
       {{"Fill the pipeline with qualified leads",
         {Up("Generate 1,800 marketing-qualified leads", kNum, "leads", 0, 1800,
             "marketing.mql_count"),
          Down("Cut cost per lead from 140 to 90 EUR", kEur, "EUR", 140, 90),
          Up("Raise trial-to-paid conversion from 8 % to 12 %", kPct, "%", 8, 12)}},
        {"Make the brand known in our category",
         {Up("Grow newsletter subscribers from 9k to 20k", kNum, "subscribers", 9000, 20000),
          Steps("Launch the new website", {"Messaging", "Design", "Build", "Launch"}),
          Up("Publish 24 customer stories", kNum, "stories", 0, 24)}}},
       {{"Ship campaigns that convert",
         {Up("Launch 6 campaigns", kNum, "campaigns", 0, 6), Yes("Set up attribution reporting")}}},
       0},
      {"customer-success",
       "Customer Success",
       {"Support", "Onboarding", "Renewals", "Customer Education"},
       {{"Delight every customer who asks for help",
         {Down("Cut first response time from 6 h to 1 h", kNum, "h", 6, 1,
               "support.first_response_hours"),
          Above("Keep CSAT at or above 92 %", kPct, "%", 92, "support.csat_pct"),
          Below("Keep the ticket backlog at or below 50", kNum, "tickets", 50)}},
        {"Get new customers live in days, not weeks",
         {Down("Cut time to first value from 21 to 7 days", kNum, "days", 21, 7),
          Up("Raise net revenue retention to 115 %", kPct, "%", 102, 115),
          Yes("Self-serve onboarding checklist live")}}},
       {{"Be the expert customers ask for",
         {Up("Resolve 300 tickets", kNum, "tickets", 0, 300),
          Yes("Write 5 help-centre articles")}}},
       1},
      {"people-finance",
       "People and Finance",
       {"Talent", "Finance", "People Operations", "Workplace"},
       {{"Hire the team we need for next year",
         {Up("Hire 30 people", kNum, "hires", 0, 30),
          Down("Cut time to hire from 48 to 30 days", kNum, "days", 48, 30),
          Above("Keep offer acceptance at or above 85 %", kPct, "%", 85)}},
        {"Run continuous performance everywhere",
         {Up("Reach 90 % of people checking in weekly", kPct, "%", 35, 90),
          Steps("Review cycle",
                {"Calibration guide", "Self reviews", "Manager reviews", "Calibration"}),
          Yes("Career ladders published for every role")}},
        {"Close the books faster",
         {Down("Close the month in 5 days instead of 12", kNum, "days", 12, 5),
          Below("Keep spend at or below 102 % of budget", kPct, "%", 102)}}},
       {{"Make hiring a great experience",
         {Up("Run 45 interviews", kNum, "interviews", 0, 45), Yes("Candidate survey live")}}},
       2},
  };
  return departments;
}

const std::vector<FeedbackTemplate>& FeedbackTemplates() {
  static const std::vector<FeedbackTemplate> templates = {
      {FeedbackKind::kPraise,
       "{name}, the way you ran the incident review was calm and blameless.",
       {"ownership"}},
      {FeedbackKind::kPraise,
       "Thanks {name} for unblocking us on the migration this week.",
       {"collaboration"}},
      {FeedbackKind::kPraise,
       "{name}, your customer demo was the clearest one we have had.",
       {"communication"}},
      {FeedbackKind::kPraise, "Great pairing session, {name}: I learnt a lot.", {"mentoring"}},
      {FeedbackKind::kConstructive,
       "{name}, the status updates arrive late; a short note each Friday would help us plan.",
       {"communication"}},
      {FeedbackKind::kConstructive,
       "{name}, in planning you took on more than the team could finish; say no more often.",
       {"focus"}},
      {FeedbackKind::kConstructive,
       "{name}, please write down decisions from our syncs, we keep revisiting them.",
       {"collaboration"}},
      {FeedbackKind::kConstructive,
       "{name}, reviews from you are thorough but slow; can we agree on a 24 h target?",
       {"delivery"}},
      {FeedbackKind::kRecognition,
       "Shout-out to {name} for shipping the launch two days early!",
       {"delivery", "impact"}},
      {FeedbackKind::kRecognition,
       "{name} stayed late to get a customer live. Thank you!",
       {"customer"}},
      {FeedbackKind::kRecognition,
       "{name} onboarded three new hires and made them feel at home.",
       {"mentoring"}},
  };
  return templates;
}

const std::vector<std::string>& ProgressNotes(Trajectory t) {
  static const std::vector<std::string> on_track = {
      "Moving as planned.", "Steady week, numbers where we expected.",
      "Good progress after the team offsite.", "Landed the piece we planned for this week."};
  static const std::vector<std::string> late = {"Slower than planned, two people out this week.",
                                                "Behind: the vendor slipped again.",
                                                "Some progress, but the plan was too optimistic."};
  static const std::vector<std::string> stalled = {
      "No movement this week.", "Blocked on another team.", "Still waiting on the decision."};
  static const std::vector<std::string> over = {"Well ahead of plan.",
                                                "Beat the weekly goal again.",
                                                "The new approach works better than hoped."};
  switch (t) {
    case Trajectory::kOnTrack:
    case Trajectory::kStale:
      return on_track;
    case Trajectory::kLate:
      return late;
    case Trajectory::kStalled:
      return stalled;
    case Trajectory::kOverAchieving:
      return over;
  }
  return on_track;
}

const std::vector<std::string>& Challenges() {
  static const std::vector<std::string> texts = {
      "Waiting on a dependency from another team.", "Hiring for the open role takes longer.",
      "Scope grew after customer interviews.", "Competing priorities from the roadmap.",
      "Data for this metric is unreliable."};
  return texts;
}

const std::vector<std::string>& NextSteps() {
  static const std::vector<std::string> texts = {
      "Review the plan with the team on Monday.", "Escalate the blocker in the leads sync.",
      "Pair on the hardest part next week.", "Agree a smaller first milestone.",
      "Share the numbers in the all-hands."};
  return texts;
}

const std::vector<std::string>& AgendaTopics() {
  static const std::vector<std::string> texts = {"How is the workload?",
                                                 "Feedback on the last release",
                                                 "Career goals for next year",
                                                 "Progress on my key results",
                                                 "Team dynamics after the re-org",
                                                 "Training budget",
                                                 "Blockers on the current project",
                                                 "Plans for the next quarter"};
  return texts;
}

const std::vector<std::string>& ActionTexts() {
  static const std::vector<std::string> texts = {
      "Draft the proposal and share it",   "Book time with the team lead",
      "Sign up for the conference",        "Write the retro notes",
      "Update the onboarding guide",       "Ask two peers for feedback",
      "Prepare the demo for the all-hands"};
  return texts;
}

}  // namespace okr::demo
