// Runs the feedback service's derived events as time passes: requests expire, one-on-ones become
// overdue, review cycles open and close. Each is also judged at read time, so a response is right
// even between two runs; the scheduler makes them durable and puts them in the change feed.
#pragma once

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/feedback/src/api/feedback_service.h"

namespace okr::feedback {

class DerivedEventScheduler {
 public:
  DerivedEventScheduler(FeedbackService* service, absl::Duration interval)
      : service_(service), interval_(interval) {}
  ~DerivedEventScheduler() { Stop(); }

  void Start();
  void Stop();

  // One pass now, with the service's clock (tests call it directly).
  absl::Status RunOnce();

 private:
  FeedbackService* service_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace okr::feedback
