#include "okr/common/server/executor.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"

namespace okr::common {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskOnce) {
  std::atomic<int> runs{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 1000; ++i) pool.Schedule([&runs] { runs.fetch_add(1); });
  }  // destructor drains the queue
  EXPECT_EQ(runs.load(), 1000);
}

TEST(ThreadPoolTest, RunsOnAnotherThread) {
  ThreadPool pool(1);
  absl::Notification done;
  std::thread::id worker;
  pool.Schedule([&] {
    worker = std::this_thread::get_id();
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_NE(worker, std::this_thread::get_id());
}

TEST(ThreadPoolTest, AfterShutdownTasksRunInline) {
  ThreadPool pool(2);
  pool.Shutdown();
  bool ran = false;
  pool.Schedule([&ran] { ran = true; });
  EXPECT_TRUE(ran);
  pool.Shutdown();  // idempotent
}

TEST(ThreadPoolTest, ShutdownFinishesQueuedWork) {
  ThreadPool pool(1);
  absl::Notification release;
  std::atomic<int> runs{0};
  pool.Schedule([&] { release.WaitForNotificationWithTimeout(absl::Seconds(5)); });
  for (int i = 0; i < 10; ++i) pool.Schedule([&runs] { runs.fetch_add(1); });
  release.Notify();
  pool.Shutdown();
  EXPECT_EQ(runs.load(), 10);
}

}  // namespace
}  // namespace okr::common
