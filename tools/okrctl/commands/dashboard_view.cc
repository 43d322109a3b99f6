#include "tools/okrctl/commands/dashboard_view.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace av1 = okr::analytics::v1;
namespace gv1 = okr::goals::v1;

gv1::Health ToGoalsHealth(av1::Health h) { return static_cast<gv1::Health>(static_cast<int>(h)); }

// One stacked bar of the health counts, each segment in its colour.
std::string HealthBar(const av1::HealthCounts& h, int width, const Style& style) {
  const int total =
      h.on_track_count() + h.at_risk_count() + h.off_track_count() + h.no_measure_count();
  if (!style.unicode || total == 0) return "";
  const std::pair<int, Colour> parts[] = {{h.on_track_count(), Colour::kGreen},
                                          {h.at_risk_count(), Colour::kYellow},
                                          {h.off_track_count(), Colour::kRed},
                                          {h.no_measure_count(), Colour::kGrey}};
  std::string out;
  int used = 0;
  double acc = 0;
  for (const auto& [count, colour] : parts) {
    acc += static_cast<double>(count) * width / total;
    const int cells = static_cast<int>(std::lround(acc)) - used;
    std::string seg;
    for (int i = 0; i < cells; ++i) seg += "█";
    used += cells;
    out += Paint(seg, colour, style);
  }
  return out;
}

std::string Kinds(const av1::FeedbackCounts& c) {
  const auto& a = c.attributed();
  std::string out = absl::StrCat(a.praise_count(), " praise, ", a.constructive_count(),
                                 " constructive, ", a.recognition_count(), " recognition");
  const auto& p = c.anonymous_or_upward();
  if (p.not_enough_responses()) {
    absl::StrAppend(&out, " (+ anonymous/upward: not enough responses to show)");
  } else {
    const auto& k = p.counts();
    const int n = k.praise_count() + k.constructive_count() + k.recognition_count();
    if (n > 0) absl::StrAppend(&out, " (+ ", n, " anonymous or upward)");
  }
  return out;
}

}  // namespace

void PrintDashboard(std::ostream& out, const DashboardData& d, const Style& st) {
  const av1::GoalSummary& g = *d.goals;
  out << Paint(d.title, Colour::kBold, st);
  if (d.freshness != nullptr) {
    out << "   (" << EnumLabel(d.freshness->state(), "FRESHNESS_STATE_") << ", from "
        << EnumLabel(d.freshness->source(), "VALUE_SOURCE_") << ")";
  }
  out << "\n\n";
  const gv1::Health overall =
      g.average_progress() + 0.1 >= g.expected_progress()    ? gv1::HEALTH_ON_TRACK
      : g.average_progress() + 0.25 >= g.expected_progress() ? gv1::HEALTH_AT_RISK
                                                             : gv1::HEALTH_OFF_TRACK;
  out << "  objectives   " << g.objective_count();
  if (g.hidden_objective_count() > 0) out << " (" << g.hidden_objective_count() << " private)";
  out << "   key results " << g.key_result_count() << "   stale "
      << (g.stale_key_result_count() > 0
              ? Paint(absl::StrCat(g.stale_key_result_count()), Colour::kRed, st)
              : "0")
      << "   achieved " << g.achieved_objective_count() << "\n";
  out << "  progress     " << ProgressCell(g.average_progress(), 30, st, HealthColour(overall))
      << "   expected " << Percent(g.expected_progress()) << "\n";
  const auto& h = g.health_counts();
  const std::string bar = HealthBar(h, 30, st);
  out << "  health       " << (bar.empty() ? "" : bar + "  ")
      << Paint(absl::StrCat("on-track ", h.on_track_count()), Colour::kGreen, st) << "  "
      << Paint(absl::StrCat("at-risk ", h.at_risk_count()), Colour::kYellow, st) << "  "
      << Paint(absl::StrCat("off-track ", h.off_track_count()), Colour::kRed, st) << "  "
      << Paint(absl::StrCat("no-measure ", h.no_measure_count()), Colour::kGrey, st) << "\n";
  if (!g.progress_histogram().empty()) {
    std::vector<double> counts;
    double most = 0;
    for (const auto& b : g.progress_histogram()) {
      counts.push_back(b.count());
      most = std::max(most, static_cast<double>(b.count()));
    }
    const std::string spark = Sparkline(counts, 0, most, st);
    out << "  histogram    ";
    if (!spark.empty()) {
      out << spark << "  (0% to 100%)\n";
    } else {
      for (const auto& b : g.progress_histogram()) {
        out << Percent(b.lower_bound()) << ":" << b.count() << " ";
      }
      out << "\n";
    }
  }
  const auto& z = g.attainment_zones();
  out << "  attainment   below commit " << z.below_commit_count() << "  commit " << z.commit_count()
      << "  target " << z.target_count() << "  stretch " << z.stretch_count() << "\n";
  if (d.trend != nullptr && !d.trend->points().empty()) {
    std::vector<double> values;
    for (const auto& p : d.trend->points()) values.push_back(p.value());
    const std::string spark = Sparkline(values, 0, 1, st);
    out << "  trend        " << (spark.empty() ? "" : spark + "  ") << Percent(values.front())
        << " -> " << Percent(values.back()) << " over " << values.size() << " days ("
        << FormatDate(d.trend->start_date()) << " to " << FormatDate(d.trend->end_date()) << ")\n";
  }
  if (d.engagement != nullptr) {
    const auto& e = *d.engagement;
    out << "\n  check-ins    " << Percent(e.check_in_rate()) << " of "
        << e.active_key_result_count() << " active key results checked in this cadence; last "
        << FormatTime(e.last_check_in_time()) << "\n";
    out << "  alignment    " << Percent(e.alignment_coverage()) << " ("
        << e.aligned_objective_count() << " of " << e.alignable_objective_count() << ")\n";
    out << "  feedback     given: " << Kinds(e.feedback_given()) << "\n";
    out << "               received: " << Kinds(e.feedback_received()) << "\n";
    out << "  one-on-ones  " << e.one_on_one_count() << " (" << e.overdue_one_on_one_count()
        << " overdue)   requests answered " << Percent(e.feedback_request_response_rate()) << "\n";
  }
  if (!d.stale.empty()) {
    out << "\n  stale key results:\n";
    Table table({"    KEY RESULT", "TITLE", "OWNER", "LAST CHECK-IN"});
    for (const auto& kr : d.stale) {
      table.Add({"    " + kr.name(), kr.title(), kr.owner(), FormatTime(kr.last_check_in_time())});
    }
    table.Print(out);
  }
}

void PrintRollup(std::ostream& out, const av1::ObjectiveRollup& r, const Style& st) {
  out << Paint(r.title(), Colour::kBold, st) << "  " << r.objective() << "\n";
  out << "  progress  "
      << ProgressCell(r.progress(), 30, st, HealthColour(ToGoalsHealth(r.health()))) << "  "
      << HealthLabel(ToGoalsHealth(r.health()), st) << "   confidence "
      << (r.has_confidence() ? absl::StrCat(r.confidence(), "/10") : "-") << "\n";
  Table table({"  ALIGNED", "TITLE", "OWNER", "PROGRESS", "HEALTH"});
  for (const auto& c : r.children()) {
    table.Add({"  " + c.objective(), c.title(), c.owner(),
               ProgressCell(c.progress(), 10, st, HealthColour(ToGoalsHealth(c.health()))),
               HealthLabel(ToGoalsHealth(c.health()), st)});
  }
  if (!table.empty()) table.Print(out);
}

}  // namespace okr::ctl
