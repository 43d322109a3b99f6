#include "services/feedback/src/api/derived_event_scheduler.h"

#include "okr/common/logging/log.h"

namespace okr::feedback {

absl::Status DerivedEventScheduler::RunOnce() {
  const absl::Time now = service_->options().clock();
  absl::Status first;
  for (auto step : {&FeedbackService::ExpireRequests, &FeedbackService::MarkOverdueOneOnOnes,
                    &FeedbackService::AdvanceReviewCycles}) {
    absl::StatusOr<int> changed = (service_->*step)(now);
    if (!changed.ok() && first.ok()) first = changed.status();
  }
  return first;
}

void DerivedEventScheduler::Start() {
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(interval_)) {
      if (absl::Status s = RunOnce(); !s.ok()) {
        // Retried on the next pass; reads judge the same rules meanwhile.
        common::LogWarn("derived events failed", {{"error", std::string(s.message())}});
      }
    }
  });
}

void DerivedEventScheduler::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace okr::feedback
