#include "okr/common/changelog/change_hub.h"

#include <algorithm>

namespace okr::common {

void ChangeHub::Reset(int64_t last_seq, absl::Time last_commit_time) {
  absl::MutexLock lock(&mu_);
  entries_.clear();
  floor_ = last_seq;
  last_seq_ = last_seq;
  last_commit_time_ = last_commit_time;
}

void ChangeHub::Publish(const std::vector<ChangeEntryPtr>& entries) {
  if (entries.empty()) return;
  {
    absl::MutexLock lock(&mu_);
    for (const ChangeEntryPtr& entry : entries) {
      if (entry->seq <= last_seq_) continue;  // already known (published twice)
      if (entry->seq != last_seq_ + 1) {
        // Entries between last_seq_ and this one committed unpublished: serve them from the
        // database by forgetting everything before this entry.
        entries_.clear();
        floor_ = entry->seq - 1;
      }
      entries_.push_back(entry);
      last_seq_ = entry->seq;
      last_commit_time_ = entry->commit_time;
    }
    while (entries_.size() > capacity_) {
      floor_ = entries_.front()->seq;
      entries_.pop_front();
    }
  }
  absl::MutexLock lock(&listeners_mu_);
  for (auto& [id, listener] : listeners_) listener();
}

int64_t ChangeHub::last_seq() const {
  absl::MutexLock lock(&mu_);
  return last_seq_;
}

std::pair<int64_t, absl::Time> ChangeHub::Position() const {
  absl::MutexLock lock(&mu_);
  return {last_seq_, last_commit_time_};
}

absl::Time ChangeHub::last_commit_time() const {
  absl::MutexLock lock(&mu_);
  return last_commit_time_;
}

bool ChangeHub::ReadAfter(int64_t after, size_t max, std::vector<ChangeEntryPtr>* out) const {
  absl::MutexLock lock(&mu_);
  if (after < floor_) return false;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), after,
                             [](int64_t seq, const ChangeEntryPtr& e) { return seq < e->seq; });
  for (; it != entries_.end() && max > 0; ++it, --max) out->push_back(*it);
  return true;
}

int ChangeHub::Subscribe(std::function<void()> listener) {
  absl::MutexLock lock(&listeners_mu_);
  const int id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void ChangeHub::Unsubscribe(int id) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.erase(id);
}

size_t ChangeHub::subscribers() const {
  absl::MutexLock lock(&listeners_mu_);
  return listeners_.size();
}

}  // namespace okr::common
