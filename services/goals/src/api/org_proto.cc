#include "services/goals/src/api/org_proto.h"

#include "services/goals/src/api/org_names.h"

namespace okr::goals {
namespace {

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {  // Timestamp nanos are never negative
    rest += 1'000'000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

}  // namespace

org::v1::Person ToProto(const Person& person) {
  org::v1::Person out;
  out.set_name(PersonName(person.id));
  out.set_display_name(person.display_name);
  out.set_email(person.email);
  out.set_manager(PersonName(person.manager));
  for (const std::string& team : person.teams) out.add_teams(TeamName(team));
  out.set_state(person.state == OrgState::kInactive ? org::v1::PERSON_STATE_INACTIVE
                                                    : org::v1::PERSON_STATE_ACTIVE);
  out.set_etag(person.etag);
  SetTimestamp(person.create_time, out.mutable_create_time());
  SetTimestamp(person.update_time, out.mutable_update_time());
  return out;
}

org::v1::Team ToProto(const Team& team) {
  org::v1::Team out;
  out.set_name(TeamName(team.id));
  out.set_display_name(team.display_name);
  out.set_parent(TeamName(team.parent));
  out.set_lead(PersonName(team.lead));
  out.set_state(team.state == OrgState::kInactive ? org::v1::TEAM_STATE_INACTIVE
                                                  : org::v1::TEAM_STATE_ACTIVE);
  out.set_etag(team.etag);
  SetTimestamp(team.create_time, out.mutable_create_time());
  SetTimestamp(team.update_time, out.mutable_update_time());
  return out;
}

}  // namespace okr::goals
