#include "services/analytics/src/feeds/fact_codec.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace okr::analytics {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::CivilDay DayOf(const google::type::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

FactOp Put(FactKind kind, std::string id, const google::protobuf::MessageLite& message) {
  FactOp op;
  op.type = FactOp::Type::kPut;
  op.kind = kind;
  op.id = std::move(id);
  op.payload = message.SerializeAsString();
  return op;
}

template <typename Proto>
absl::Status Parse(const std::string& payload, Proto& out) {
  if (!out.ParseFromString(payload)) {
    return absl::DataLossError(absl::StrCat("a stored ", out.GetTypeName(), " does not parse"));
  }
  return absl::OkStatus();
}

CycleFact CycleFrom(const goals::v1::Cycle& c) {
  CycleFact f;
  f.id = IdOf(c.name());
  f.display_name = c.display_name();
  absl::TimeZone zone = absl::UTCTimeZone();
  if (!c.time_zone().empty()) absl::LoadTimeZone(c.time_zone(), &zone);
  const absl::CivilDay start = DayOf(c.start_date());
  const absl::CivilDay end = DayOf(c.end_date()) + 1;
  f.begin = absl::FromCivil(start, zone);
  f.end = absl::FromCivil(end, zone);
  f.utc_begin = absl::FromCivil(start, absl::UTCTimeZone());
  f.utc_end = absl::FromCivil(end, absl::UTCTimeZone());
  f.state = static_cast<CycleState>(c.state());
  if (c.has_check_in_cadence()) f.check_in_cadence = absl::Seconds(c.check_in_cadence().seconds());
  return f;
}

ObjectiveFact ObjectiveFrom(const goals::v1::Objective& o) {
  ObjectiveFact f;
  f.id = IdOf(o.name());
  f.title = o.title();
  f.cycle = IdOf(o.cycle());
  f.owner_person = IdOf(o.owner_person());
  f.owner_team = IdOf(o.owner_team());
  f.level = static_cast<ObjectiveLevel>(o.level());
  // "objectives/{o}" or "objectives/{o}/keyResults/{k}": the parent objective either way.
  if (!o.parent().empty()) {
    const std::string& p = o.parent();
    const size_t start = p.find('/') + 1;
    const size_t end = p.find('/', start);
    f.parent = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  f.is_private = o.visibility() == goals::v1::OBJECTIVE_VISIBILITY_PRIVATE;
  f.state = static_cast<ObjectiveState>(o.state());
  f.weight = o.weight();
  f.progress = o.progress();
  f.has_measure = o.has_measure();
  f.health = static_cast<Health>(o.health());
  if (o.has_confidence()) f.confidence = o.confidence();
  if (o.has_score()) f.score = o.score();
  f.success_threshold = o.success_threshold() > 0 ? o.success_threshold() : 1.0;
  f.create_time = TimeOf(o.create_time());
  return f;
}

KeyResultFact KeyResultFrom(const goals::v1::KeyResult& k) {
  KeyResultFact f;
  f.name = k.name();
  const size_t start = k.name().find('/') + 1;
  f.objective = k.name().substr(start, k.name().find('/', start) - start);
  f.owner = IdOf(k.owner());
  f.progress = k.progress();
  f.attainment = k.attainment();
  f.has_measure = k.has_measure();
  f.stale = k.stale();
  if (k.has_last_check_in_time()) f.last_check_in_time = TimeOf(k.last_check_in_time());
  f.create_time = TimeOf(k.create_time());
  return f;
}

PersonFact PersonFrom(const org::v1::Person& p) {
  PersonFact f;
  f.id = IdOf(p.name());
  f.display_name = p.display_name();
  f.manager = IdOf(p.manager());
  for (const std::string& team : p.teams()) f.teams.push_back(IdOf(team));
  f.active = p.state() != org::v1::PERSON_STATE_INACTIVE;
  return f;
}

TeamFact TeamFrom(const org::v1::Team& t) {
  TeamFact f;
  f.id = IdOf(t.name());
  f.display_name = t.display_name();
  f.parent = IdOf(t.parent());
  f.lead = IdOf(t.lead());
  f.active = t.state() != org::v1::TEAM_STATE_INACTIVE;
  return f;
}

FeedbackFact FeedbackFrom(const feedback::v1::FeedbackRecord& r) {
  FeedbackFact f;
  const feedback::v1::Feedback& fb = r.feedback();
  f.id = IdOf(fb.name());
  f.author = IdOf(fb.author());
  f.author_key = r.author_key();
  f.recipient = IdOf(fb.recipient());
  f.kind = static_cast<FeedbackKind>(fb.kind());
  f.anonymous = fb.anonymous();
  f.upward = r.upward();
  f.create_time = TimeOf(fb.create_time());
  return f;
}

RequestFact RequestFrom(const feedback::v1::FeedbackRequest& r) {
  RequestFact f;
  f.id = IdOf(r.name());
  f.requester = IdOf(r.requester());
  f.create_time = TimeOf(r.create_time());
  for (const feedback::v1::FeedbackResponse& response : r.responses()) {
    f.responses.push_back(
        {IdOf(response.recipient()), static_cast<ResponseState>(response.state())});
  }
  return f;
}

OneOnOneFact OneOnOneFrom(const feedback::v1::OneOnOne& o) {
  OneOnOneFact f;
  f.id = IdOf(o.name());
  f.manager = IdOf(o.manager());
  f.report = IdOf(o.report());
  if (o.has_next_due_time()) f.next_due_time = TimeOf(o.next_due_time());
  return f;
}

}  // namespace

std::string IdOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

FactOp PutOf(const goals::v1::Cycle& cycle) {
  goals::v1::Cycle kept = cycle;
  kept.clear_etag();
  return Put(FactKind::kCycle, IdOf(cycle.name()), kept);
}

FactOp PutOf(const goals::v1::Objective& objective) {
  goals::v1::Objective kept = objective;
  kept.clear_description();
  kept.clear_grading_note();
  kept.clear_etag();
  return Put(FactKind::kObjective, IdOf(objective.name()), kept);
}

FactOp PutOf(const goals::v1::KeyResult& key_result) {
  goals::v1::KeyResult kept;
  kept.set_name(key_result.name());
  kept.set_owner(key_result.owner());
  kept.set_progress(key_result.progress());
  kept.set_attainment(key_result.attainment());
  kept.set_has_measure(key_result.has_measure());
  kept.set_stale(key_result.stale());
  if (key_result.has_last_check_in_time()) {
    *kept.mutable_last_check_in_time() = key_result.last_check_in_time();
  }
  *kept.mutable_create_time() = key_result.create_time();
  return Put(FactKind::kKeyResult, key_result.name(), kept);
}

FactOp PutOf(const org::v1::Person& person) {
  org::v1::Person kept = person;
  kept.clear_email();
  kept.clear_etag();
  return Put(FactKind::kPerson, IdOf(person.name()), kept);
}

FactOp PutOf(const org::v1::Team& team) {
  org::v1::Team kept = team;
  kept.clear_etag();
  return Put(FactKind::kTeam, IdOf(team.name()), kept);
}

FactOp PutOf(const feedback::v1::FeedbackRecord& record) {
  feedback::v1::FeedbackRecord kept;
  kept.set_author_key(record.author_key());
  kept.set_upward(record.upward());
  feedback::v1::Feedback& f = *kept.mutable_feedback();
  f.set_name(record.feedback().name());
  f.set_author(record.feedback().author());
  f.set_recipient(record.feedback().recipient());
  f.set_kind(record.feedback().kind());
  f.set_anonymous(record.feedback().anonymous());
  *f.mutable_create_time() = record.feedback().create_time();
  return Put(FactKind::kFeedback, IdOf(record.feedback().name()), kept);
}

FactOp PutOf(const feedback::v1::FeedbackRequest& request) {
  feedback::v1::FeedbackRequest kept;
  kept.set_name(request.name());
  kept.set_requester(request.requester());
  *kept.mutable_create_time() = request.create_time();
  for (const feedback::v1::FeedbackResponse& r : request.responses()) {
    feedback::v1::FeedbackResponse* k = kept.add_responses();
    k->set_recipient(r.recipient());
    k->set_state(r.state());
  }
  return Put(FactKind::kRequest, IdOf(request.name()), kept);
}

FactOp PutOf(const feedback::v1::OneOnOne& one_on_one) {
  feedback::v1::OneOnOne kept;
  kept.set_name(one_on_one.name());
  kept.set_manager(one_on_one.manager());
  kept.set_report(one_on_one.report());
  if (one_on_one.has_next_due_time()) *kept.mutable_next_due_time() = one_on_one.next_due_time();
  return Put(FactKind::kOneOnOne, IdOf(one_on_one.name()), kept);
}

FactOp DeleteOf(FactKind kind, std::string id) {
  FactOp op;
  op.type = FactOp::Type::kDelete;
  op.kind = kind;
  op.id = std::move(id);
  return op;
}

absl::Status PutFact(TenantState& state, FactKind kind, const std::string& payload) {
  switch (kind) {
    case FactKind::kCycle: {
      goals::v1::Cycle p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(CycleFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kObjective: {
      goals::v1::Objective p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(ObjectiveFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kKeyResult: {
      goals::v1::KeyResult p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(KeyResultFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kPerson: {
      org::v1::Person p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(PersonFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kTeam: {
      org::v1::Team p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(TeamFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kFeedback: {
      feedback::v1::FeedbackRecord p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(FeedbackFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kRequest: {
      feedback::v1::FeedbackRequest p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(RequestFrom(p));
      return absl::OkStatus();
    }
    case FactKind::kOneOnOne: {
      feedback::v1::OneOnOne p;
      if (absl::Status s = Parse(payload, p); !s.ok()) return s;
      state.Upsert(OneOnOneFrom(p));
      return absl::OkStatus();
    }
  }
  return absl::DataLossError(absl::StrCat("unknown fact kind ", static_cast<int>(kind)));
}

void RemoveFact(TenantState& state, FactKind kind, const std::string& id) {
  switch (kind) {
    case FactKind::kObjective:
      state.RemoveObjective(id);
      break;
    case FactKind::kKeyResult:
      state.RemoveKeyResult(id);
      break;
    case FactKind::kFeedback:
      state.RemoveFeedback(id);
      break;
    default:
      break;  // cycles, people, teams, requests and one-on-ones are never deleted upstream
  }
}

absl::Status ApplyOps(TenantState& state, const std::vector<FactOp>& ops) {
  for (const FactOp& op : ops) {
    if (op.type == FactOp::Type::kPut) {
      if (absl::Status s = PutFact(state, op.kind, op.payload); !s.ok()) return s;
    } else if (op.type == FactOp::Type::kDelete) {
      RemoveFact(state, op.kind, op.id);
    }
  }
  return absl::OkStatus();
}

}  // namespace okr::analytics
