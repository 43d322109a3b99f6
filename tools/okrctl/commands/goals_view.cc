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
    case gv1::KEY_RESULT_TYPE_PERCENT:
      return absl::StrCat(Number(kr.current_value()), "% / ", Number(kr.target_value()), "%");
    case gv1::KEY_RESULT_TYPE_CURRENCY:
      return absl::StrCat(Number(kr.current_value()), " / ", Number(kr.target_value()), " ",
                          kr.currency_code());
    default: {
      std::string out = absl::StrCat(Number(kr.current_value()), " / ", Number(kr.target_value()));
      if (!kr.unit().empty()) absl::StrAppend(&out, " ", kr.unit());
      return out;
    }
  }
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
