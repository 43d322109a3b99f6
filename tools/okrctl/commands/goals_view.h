// How goals resources are shown in tables: owners, values with their units, confidence. Shared by
// the objective, key result and tree commands.
#pragma once

#include <string>

#include "okr/goals/v1/key_result.pb.h"
#include "okr/goals/v1/objective.pb.h"
#include "tools/okrctl/session.h"

namespace okr::ctl {

std::string OwnerOf(const okr::goals::v1::Objective& objective);
// "32 / 40 deals", "$1.2M / $2M" (currency code shown), "3/5 milestones", "yes"/"no".
std::string ValueOf(const okr::goals::v1::KeyResult& kr);
// "7/10", or "-" when none was given.
std::string ConfidenceOf(bool has, int confidence);
// The active cycle to use when a command is given none: the first ACTIVE cycle of the tenant.
// Empty (and the error printed, exit code in `exit_code`) when there is none or the call fails.
std::string DefaultCycle(Session& session, int* exit_code);

}  // namespace okr::ctl
