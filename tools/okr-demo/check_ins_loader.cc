// The check-in history: manual check-ins by their authors, and the values of metric-bound key
// results streamed through the ingest client, as the backend that owns the metric would send them.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "okr/clients/ingest_client.h"
#include "okr/common/aip/proto_time.h"
#include "tools/okr-demo/loader.h"
#include "tools/okr-demo/parallel.h"

namespace okr::demo {
namespace v1 = okr::goals::v1;

namespace {

// When a check-in of the plan was observed: minutes after the cycle's first day at 00:00 UTC,
// never later than now.
absl::Time ObservedAt(const DemoPlan& plan, const CheckIn& c) {
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(plan.cycle_start), absl::UTCTimeZone());
  return std::min(start + absl::Minutes(c.minute), absl::Now());
}

void SetNote(const CheckIn& c, v1::CheckIn* out) {
  if (c.confidence) out->set_confidence(*c.confidence);
  out->mutable_note()->set_progress(c.progress_note);
  out->mutable_note()->set_challenges(c.challenges);
  out->mutable_note()->set_next_steps(c.next_steps);
}

}  // namespace

absl::Status Loader::LoadCheckIns(const DemoPlan& plan) {
  std::vector<KeyResultRef> manual, bound;
  for (size_t o = 0; o < plan.objectives.size(); ++o) {
    for (size_t k = 0; k < plan.objectives[o].key_results.size(); ++k) {
      const KeyResult& kr = plan.objectives[o].key_results[k];
      if (kr.check_ins.empty()) continue;
      (kr.metric_key.empty() ? manual : bound).push_back({o, k});
    }
  }
  // One key result's check-ins go in order (its history), different key results in parallel.
  absl::Status s = ParallelFor(manual.size(), options_.concurrency,
                               [&](size_t i) { return CheckInManually(plan, manual[i]); });
  if (!s.ok()) return s;
  return StreamEvents(plan, bound);
}

absl::Status Loader::CheckInManually(const DemoPlan& plan, const KeyResultRef& ref) {
  const KeyResult& kr = plan.objectives[ref.objective].key_results[ref.key_result];
  const std::string& name = key_result_names_[ref.objective][ref.key_result];
  const std::vector<std::string>& milestones = milestone_ids_[ref.objective][ref.key_result];
  for (size_t i = 0; i < kr.check_ins.size(); ++i) {
    const CheckIn& c = kr.check_ins[i];
    v1::CreateCheckInRequest request;
    request.set_parent(name);
    v1::CheckIn* check_in = request.mutable_check_in();
    if (c.value) check_in->set_value(*c.value);
    for (int m : c.milestones_done) {
      v1::MilestoneState* state = check_in->add_milestone_states();
      state->set_milestone_id(milestones.at(static_cast<size_t>(m)));
      state->set_done(true);
    }
    SetNote(c, check_in);
    *check_in->mutable_observed_at() = okr::common::ToTimestamp(ObservedAt(plan, c));
    request.set_request_id(
        RequestId("check-in", (ref.objective * 100 + ref.key_result) * 1000 + i));
    auto context = Context(c.author);
    if (!context.ok()) return context.status();
    v1::CheckIn created;
    absl::Status s = Check(absl::StrCat("CreateCheckIn on \"", kr.title, "\" as people/", c.author),
                           goals_->CreateCheckIn(context->get(), request, &created));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Loader::StreamEvents(const DemoPlan& plan, const std::vector<KeyResultRef>& bound) {
  if (bound.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> token = options_.tokens->Admin();
  if (!token.ok()) return token.status();
  absl::Mutex mu;
  std::string first_rejection;
  okr::clients::IngestClientOptions ingest;
  ingest.channel = options_.goals;
  ingest.bearer_token = *token;
  ingest.on_error = [&](const v1::ProgressEventError& e) {
    absl::MutexLock lock(&mu);
    if (first_rejection.empty()) {
      first_rejection =
          absl::StrCat("event ", e.event_id(), " rejected: ", e.reason(), ": ", e.message());
    }
  };
  auto client = okr::clients::IngestClient::Create(std::move(ingest));
  if (!client.ok()) return client.status();
  for (const KeyResultRef& ref : bound) {
    const KeyResult& kr = plan.objectives[ref.objective].key_results[ref.key_result];
    for (size_t i = 0; i < kr.check_ins.size(); ++i) {
      const CheckIn& c = kr.check_ins[i];
      if (!c.value) continue;
      v1::ProgressEvent event;
      // Unique per tenant and plan, and the same on a re-run: a replayed event is not applied
      // twice.
      event.set_event_id(
          absl::StrCat("demo-", options_.seed, "-", ref.objective, "-", ref.key_result, "-", i));
      event.set_metric_key(kr.metric_key);
      event.set_value(*c.value);
      event.set_mode(v1::PROGRESS_MODE_SET);
      *event.mutable_observed_at() = okr::common::ToTimestamp(ObservedAt(plan, c));
      event.set_source("okr-demo");
      if (absl::Status s = (*client)->Send(std::move(event), options_.deadline); !s.ok()) return s;
    }
  }
  // The people behind the metrics still say how confident they are, in one manual check-in each.
  absl::Status s = ParallelFor(bound.size(), options_.concurrency, [&](size_t i) {
    const KeyResultRef& ref = bound[i];
    const KeyResult& kr = plan.objectives[ref.objective].key_results[ref.key_result];
    const CheckIn& last = kr.check_ins.back();
    v1::CreateCheckInRequest request;
    request.set_parent(key_result_names_[ref.objective][ref.key_result]);
    SetNote(last, request.mutable_check_in());
    *request.mutable_check_in()->mutable_observed_at() =
        okr::common::ToTimestamp(ObservedAt(plan, last));
    request.set_request_id(RequestId("bound-check-in", ref.objective * 100 + ref.key_result));
    auto context = Context(last.author);
    if (!context.ok()) return context.status();
    v1::CheckIn created;
    return Check(absl::StrCat("CreateCheckIn on \"", kr.title, "\" as people/", last.author),
                 goals_->CreateCheckIn(context->get(), request, &created));
  });
  if (!s.ok()) return s;
  if (absl::Status f = (*client)->Flush(absl::Seconds(60)); !f.ok()) return f;
  events_acked_ = static_cast<int>((*client)->stats().acked);
  absl::MutexLock lock(&mu);
  if (!first_rejection.empty()) return absl::InternalError(first_rejection);
  return absl::OkStatus();
}

}  // namespace okr::demo
