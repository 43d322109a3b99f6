// The derived events time alone causes: an objective's health changing as its cycle elapses and a
// key result becoming stale past its cycle's check-in cadence. Also forgets applied event ids after
// their retention. Finds candidates off the writer, in the read model (in a read snapshot before
// the model is loaded), then reports each one in a short write that checks it again.
#pragma once

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/common/storage/database.h"
#include "services/goals/src/api/goals_service.h"

namespace okr::goals {

struct SchedulerOptions {
  absl::Duration interval = absl::Minutes(1);
  // How long applied ingest event ids are remembered.
  absl::Duration event_retention = absl::Hours(8 * 24);
};

class DerivedEventScheduler {
 public:
  DerivedEventScheduler(GoalsService* goals, common::Database* database, SchedulerOptions options)
      : goals_(goals), database_(database), options_(options) {}
  ~DerivedEventScheduler() { Stop(); }

  void Start();
  void Stop();

  // One pass over every open cycle; returns how many events it reported.
  absl::StatusOr<int> RunOnce();

 private:
  void Loop();

  GoalsService* goals_;
  common::Database* database_;
  const SchedulerOptions options_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace okr::goals
