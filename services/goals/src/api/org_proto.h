// Org directory records as the okr.org.v1 messages the API returns.
#pragma once

#include "okr/org/v1/person.pb.h"
#include "okr/org/v1/team.pb.h"
#include "services/goals/src/domain/org_records.h"

namespace okr::goals {

org::v1::Person ToProto(const Person& person);
org::v1::Team ToProto(const Team& team);

}  // namespace okr::goals
