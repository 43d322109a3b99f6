#include "tools/okrctl/interrupt.h"

#include <signal.h>

namespace okr::ctl {
namespace {

sigset_t Signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // sent by the destructor to end the waiter
  return set;
}

}  // namespace

Interrupt::Interrupt() {
  const sigset_t set = Signals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  waiter_ = std::thread([this] {
    const sigset_t wait_set = Signals();
    while (true) {
      int sig = 0;
      if (sigwait(&wait_set, &sig) != 0) continue;
      if (done_.load()) return;
      if (sig == SIGUSR1) continue;
      interrupted_.store(true);
      absl::MutexLock lock(&mu_);
      if (action_) action_();
    }
  });
}

Interrupt::~Interrupt() {
  done_.store(true);
  pthread_kill(waiter_.native_handle(), SIGUSR1);
  waiter_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void Interrupt::OnSignal(std::function<void()> action) {
  absl::MutexLock lock(&mu_);
  action_ = std::move(action);
}

}  // namespace okr::ctl
