#include "tools/okrctl/commands/goals_view.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"

namespace okr::ctl {

namespace gv1 = okr::goals::v1;

std::string OwnerOf(const gv1::Objective& objective) {
  return objective.has_owner_team() ? objective.owner_team() : objective.owner_person();
}

namespace {

std::string Number(double v) {
  if (std::fabs(v) >= 1e6) return absl::StrFormat("%.1fM", v / 1e6);
  if (std::fabs(v) >= 1e4) return absl::StrFormat("%.1fk", v / 1e3);
  if (v == std::floor(v)) return absl::StrFormat("%.0f", v);
  return absl::StrFormat("%.2f", v);
}

}  // namespace

std::string ValueOf(const gv1::KeyResult& kr) {
  switch (kr.type()) {
    case gv1::KEY_RESULT_TYPE_BOOLEAN:
      return kr.current_value() >= 1 ? "done" : "not done";
    case gv1::KEY_RESULT_TYPE_MILESTONE: {
      int done = 0;
      for (const auto& m : kr.milestones()) done += m.done() ? 1 : 0;
      return absl::StrCat(done, "/", kr.milestones_size(), " milestones");
    }
    case gv1::KEY_RESULT_TYPE_ROLLUP:
      return "aligned objectives";
    default:
      break;
  }
  // The value with what it is measured against: the target, or the threshold to keep above or
  // below (whose target_value is 0 and means nothing).
  const bool percent = kr.type() == gv1::KEY_RESULT_TYPE_PERCENT;
  const std::string suffix = percent ? "%" : "";
  std::string unit;
  if (kr.type() == gv1::KEY_RESULT_TYPE_CURRENCY) unit = " " + kr.currency_code();
  if (!kr.unit().empty()) unit = " " + kr.unit();
  const std::string value = Number(kr.current_value()) + suffix;
  if (kr.direction() == gv1::KEY_RESULT_DIRECTION_KEEP_ABOVE ||
      kr.direction() == gv1::KEY_RESULT_DIRECTION_KEEP_BELOW) {
    const char* op = kr.direction() == gv1::KEY_RESULT_DIRECTION_KEEP_ABOVE ? ">=" : "<=";
    return absl::StrCat(value, " (keep ", op, " ", Number(kr.threshold()), suffix, ")", unit);
  }
  return absl::StrCat(value, " / ", Number(kr.target_value()), suffix, unit);
}

std::string ConfidenceOf(bool has, int confidence) {
  return has ? absl::StrCat(confidence, "/10") : "-";
}

std::string DefaultCycle(Session& session, int* exit_code) {
  auto stub = gv1::GoalsService::NewStub(session.Channel(Service::kGoals));
  gv1::ListCyclesRequest request;
  request.set_page_size(1000);
  gv1::ListCyclesResponse response;
  grpc::Status s = stub->ListCycles(session.Context().get(), request, &response);
  if (!s.ok()) {
    *exit_code = session.Fail("ListCycles", s);
    return "";
  }
  for (const auto& c : response.cycles()) {
    if (c.state() == gv1::CYCLE_STATE_ACTIVE) return c.name();
  }
  *exit_code = session.Usage("no ACTIVE cycle: name one with --cycle");
  return "";
}

}  // namespace okr::ctl
