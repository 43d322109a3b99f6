#include "okr/common/changelog/change_feed.h"

#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "okr/common/changelog/change_log_store.h"
#include "okr/common/logging/log.h"
#include "okr/common/status/errors.h"

namespace okr::common {

absl::Status ChangeBatch::Append(SqlSession& session, ChangeEntry entry) {
  if (absl::Status s = ChangeLogStore::Append(session, entry); !s.ok()) return s;
  entries_.push_back(std::make_shared<const ChangeEntry>(std::move(entry)));
  return absl::OkStatus();
}

absl::Status ExpiredToken() {
  return MakeError(absl::StatusCode::kOutOfRange, "RESUME_TOKEN_EXPIRED",
                   "the resume token is older than the change feed's retention: rebuild from a "
                   "snapshot and watch again without a token",
                   {{"resume_token", "is older than the retention window"}});
}

// One WatchChanges-style stream. Owned by itself (and by queued tasks) until gRPC is done with it.
// At most one write is in flight; between writes it holds at most one page of framed messages, so
// a slow consumer costs a bounded amount of memory and never slows the writer.
class WatchStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                          public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(ChangeFeed* feed, WatchSpec spec) : feed_(feed), spec_(std::move(spec)) {}

  void Begin() {
    self_ = shared_from_this();
    feed_->Register(self_);
    std::weak_ptr<WatchStream> weak = self_;
    subscription_ = feed_->hub_.Subscribe([weak] {
      if (auto stream = weak.lock()) stream->Wake();
    });
    Schedule([](WatchStream& s) { s.Start(); });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream is broken"));
      return;
    }
    if (!queue_.empty()) {
      StartWriteLocked();
      return;
    }
    ScheduleLocked([](WatchStream& s) { s.Pump(); });
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    feed_->hub_.Unsubscribe(subscription_);
    feed_->Unregister(this);
    std::shared_ptr<WatchStream> last;  // released after the lock: maybe the last reference
    absl::MutexLock lock(&mu_);
    done_ = true;
    last = std::move(self_);
  }

  // From the feed's timer: a checkpoint when nothing was sent for a while.
  void Tick(absl::Time now) {
    absl::MutexLock lock(&mu_);
    if (finished_ || !started_ || writing_ || !queue_.empty() || pumping_) return;
    if (now - last_sent_ < feed_->options_.checkpoint_interval) return;
    queue_.push_back({grpc::Slice(spec_.checkpoint(cursor_, cursor_time_, caught_up_))});
    StartWriteLocked();
  }

  void End(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    FinishLocked(status);
  }

 private:
  using Task = void (*)(WatchStream&);

  void Schedule(Task task) {
    std::shared_ptr<WatchStream> self = shared_from_this();
    feed_->runtime_->executor().Schedule([self, task]() mutable { task(*self); });
  }
  void ScheduleLocked(Task task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    Schedule(task);
  }

  void Start() {
    absl::StatusOr<ChangeLogBounds> bounds = ChangeLogBounds{};
    absl::Status read = feed_->database_->Read([&](SqlSession& session) {
      bounds = ChangeLogStore::Bounds(session);
      return bounds.status();
    });
    const auto [live, live_time] = feed_->hub_.Position();
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (!read.ok()) {
      FinishLocked(feed_->runtime_->ToGrpc(read));
      return;
    }
    started_ = true;
    last_sent_ = feed_->options_.clock();
    initial_target_ = live;
    if (!spec_.after) {
      cursor_ = live;
      cursor_time_ = live_time;
      caught_up_ = true;
      queue_.push_back({grpc::Slice(spec_.checkpoint(cursor_, cursor_time_, true))});
      StartWriteLocked();
      return;
    }
    if (*spec_.after < bounds->pruned_through) {
      FinishLocked(feed_->runtime_->ToGrpc(ExpiredToken()));
      return;
    }
    if (*spec_.after > std::max(live, bounds->last_seq)) {
      FinishLocked(feed_->runtime_->ToGrpc(MakeError(
          absl::StatusCode::kOutOfRange, "RESUME_TOKEN_AHEAD",
          "the resume token is ahead of this feed (another database?): rebuild from a snapshot and "
          "watch again without a token",
          {{"resume_token", "names a position this feed has not reached"}})));
      return;
    }
    cursor_ = *spec_.after;
    ScheduleLocked([](WatchStream& s) { s.Pump(); });
  }

  void Wake() {
    absl::MutexLock lock(&mu_);
    if (!idle_) return;
    idle_ = false;
    ScheduleLocked([](WatchStream& s) { s.Pump(); });
  }

  // Finds the next matching entries after the cursor and starts writing them.
  void Pump() {
    int64_t cursor = 0;
    absl::Time cursor_time;
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || pumping_ || writing_ || !queue_.empty()) return;
      pumping_ = true;
      idle_ = false;
      cursor = cursor_;
      cursor_time = cursor_time_;
    }
    std::deque<grpc::Slice> frames;
    absl::Status failed;
    const int page = feed_->options_.page;
    for (int round = 0; round < 16 && frames.empty(); ++round) {
      const int64_t target = feed_->hub_.last_seq();
      if (cursor >= target) break;
      std::vector<ChangeEntryPtr> batch;
      int64_t scanned_to = cursor;
      if (feed_->hub_.ReadAfter(cursor, static_cast<size_t>(page), &batch)) {
        if (!batch.empty()) scanned_to = batch.back()->seq;
      } else {
        bool expired = false;
        absl::Status s = feed_->database_->Read([&](SqlSession& session) {
          // Pruning may have passed the cursor while this stream was catching up.
          auto bounds = ChangeLogStore::Bounds(session);
          if (!bounds.ok()) return bounds.status();
          if (cursor < bounds->pruned_through) {
            expired = true;
            return absl::OkStatus();
          }
          auto rows = ChangeLogStore::ReadAfter(session, spec_.tenant, cursor, target, page);
          if (!rows.ok()) return rows.status();
          batch = *std::move(rows);
          return absl::OkStatus();
        });
        if (expired) {
          absl::MutexLock lock(&mu_);
          pumping_ = false;
          FinishLocked(feed_->runtime_->ToGrpc(ExpiredToken()));
          return;
        }
        if (!s.ok()) {
          failed = s;
          break;
        }
        scanned_to = static_cast<int>(batch.size()) < page ? target : batch.back()->seq;
      }
      if (scanned_to <= cursor) break;
      for (const ChangeEntryPtr& entry : batch) {
        if (entry->tenant != spec_.tenant) continue;
        if (spec_.matches) {
          absl::StatusOr<bool> match = spec_.matches(*entry);
          if (!match.ok()) {
            failed = match.status();
            break;
          }
          if (!*match) {
            cursor = entry->seq;
            cursor_time = entry->commit_time;
            continue;
          }
        }
        std::optional<std::string> own;
        if (spec_.own_frame) own = spec_.own_frame(*entry);
        frames.push_back(own.has_value() ? grpc::Slice(*std::move(own)) : feed_->Framed(*entry));
        cursor = entry->seq;
        cursor_time = entry->commit_time;
      }
      if (!failed.ok()) break;
      cursor = scanned_to;
    }
    absl::MutexLock lock(&mu_);
    pumping_ = false;
    if (finished_) return;
    if (!failed.ok()) {
      common::LogError("change feed read failed", {{"error", std::string(failed.message())}});
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "reading the change log failed"));
      return;
    }
    cursor_ = cursor;
    cursor_time_ = cursor_time;
    QueueFramesLocked(frames);
    if (queue_.empty() && !caught_up_ && cursor_ >= initial_target_) {
      caught_up_ = true;
      queue_.push_back({grpc::Slice(spec_.checkpoint(cursor_, cursor_time_, true))});
    }
    if (!queue_.empty()) {
      if (!writing_) StartWriteLocked();
      return;
    }
    // Nothing to send: wait for the next publish unless one came in meanwhile.
    if (feed_->hub_.last_seq() > cursor_) {
      ScheduleLocked([](WatchStream& s) { s.Pump(); });
    } else {
      idle_ = true;
    }
  }

  void QueueFramesLocked(std::deque<grpc::Slice>& frames) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const size_t max_batch = spec_.max_batch > 1 ? static_cast<size_t>(spec_.max_batch) : 1;
    while (!frames.empty()) {
      if (max_batch == 1 || frames.size() == 1) {
        queue_.push_back({std::move(frames.front())});
        frames.pop_front();
        continue;
      }
      const size_t n = std::min(max_batch, frames.size());
      std::vector<grpc::Slice> message;
      message.reserve(n + 1);
      size_t bytes = 0;
      for (size_t i = 0; i < n; ++i) bytes += frames[i].size();
      message.emplace_back(spec_.batch_header(bytes));
      for (size_t i = 0; i < n; ++i) {
        message.push_back(std::move(frames.front()));
        frames.pop_front();
      }
      queue_.push_back(std::move(message));
    }
  }

  void StartWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_ || queue_.empty()) return;
    // References to the shared bytes, not copies.
    const std::vector<grpc::Slice>& message = queue_.front();
    buffer_ = grpc::ByteBuffer(message.data(), message.size());
    queue_.pop_front();
    writing_ = true;
    last_sent_ = feed_->options_.clock();
    // No buffer hint: a hinted write can wait for a later one that never comes (the first
    // message, which carries the initial metadata, is never sent: grpc/grpc#34231). Batches
    // (WatchSpec::max_batch) are how a busy stream saves messages.
    StartWrite(&buffer_);
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    queue_.clear();
    Finish(status);
  }

  ChangeFeed* feed_;
  const WatchSpec spec_;
  int subscription_ = 0;

  absl::Mutex mu_;
  std::shared_ptr<WatchStream> self_ ABSL_GUARDED_BY(mu_);
  // Messages to send, each one or more slices (a batch: its header, then the entries).
  std::deque<std::vector<grpc::Slice>> queue_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer buffer_ ABSL_GUARDED_BY(mu_);
  int64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time cursor_time_ ABSL_GUARDED_BY(mu_) = absl::UnixEpoch();
  int64_t initial_target_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_sent_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool caught_up_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool pumping_ ABSL_GUARDED_BY(mu_) = false;
  bool idle_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

ChangeFeed::ChangeFeed(Database* database, RpcRuntime* runtime, ChangeFeedOptions options)
    : database_(database),
      runtime_(runtime),
      options_(std::move(options)),
      hub_(options_.memory_entries) {}

ChangeFeed::~ChangeFeed() { Stop(); }

absl::Status ChangeFeed::Open() {
  if (!options_.frame) return absl::InvalidArgumentError("the change feed needs a frame function");
  ChangeLogBounds bounds;
  absl::Time last_time = absl::UnixEpoch();
  absl::Status s = database_->Read([&](SqlSession& session) {
    auto b = ChangeLogStore::Bounds(session);
    if (!b.ok()) return b.status();
    bounds = *b;
    auto row =
        session.QueryOne("SELECT commit_time_us FROM change_log WHERE seq = ?", {bounds.last_seq});
    if (!row.ok()) return row.status();
    if (row->has_value()) last_time = absl::FromUnixMicros((*row)->GetInt64(0));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  hub_.Reset(bounds.last_seq, last_time);
  timer_ = std::thread([this] { TimerLoop(); });
  return absl::OkStatus();
}

void ChangeFeed::Stop() {
  std::vector<std::shared_ptr<WatchStream>> open;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [key, weak] : streams_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  if (timer_.joinable()) timer_.join();
  for (auto& s : open) {
    s->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* ChangeFeed::Watch(WatchSpec spec) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      return new internal::FinishedWriteReactor<grpc::ByteBuffer>(
          grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    }
  }
  auto stream = std::make_shared<WatchStream>(this, std::move(spec));
  stream->Begin();
  return stream.get();
}

void ChangeFeed::Register(const std::shared_ptr<WatchStream>& stream) {
  absl::MutexLock lock(&mu_);
  streams_.emplace(stream.get(), stream);
}

void ChangeFeed::Unregister(const WatchStream* stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
}

size_t ChangeFeed::watchers() const {
  absl::MutexLock lock(&mu_);
  return streams_.size();
}

grpc::Slice ChangeFeed::Framed(const ChangeEntry& entry) const {
  ChangeEntry::Framed& f = *entry.framed;
  absl::call_once(f.once, [&] { f.slice = grpc::Slice(options_.frame(entry)); });
  return f.slice;
}

absl::StatusOr<int64_t> ChangeFeed::PruneNow() {
  int64_t deleted = 0;
  const absl::Time before = options_.clock() - options_.retention;
  absl::Status s = database_->WriteAndWait([&](SqlSession& session) -> absl::Status {
    auto n = ChangeLogStore::Prune(session, before, 100000);
    if (!n.ok()) return n.status();
    deleted = *n;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return deleted;
}

void ChangeFeed::TimerLoop() {
  const absl::Duration tick = std::min(
      absl::Seconds(1), std::max(absl::Milliseconds(50), options_.checkpoint_interval / 2));
  absl::Time next_prune = options_.clock();
  while (true) {
    std::vector<std::shared_ptr<WatchStream>> open;
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&stopping), tick);
      if (stopping_) return;
      for (auto& [key, weak] : streams_) {
        if (auto s = weak.lock()) open.push_back(std::move(s));
      }
    }
    const absl::Time now = options_.clock();
    for (auto& s : open) s->Tick(now);
    open.clear();
    if (now >= next_prune) {
      next_prune = now + options_.prune_interval;
      auto pruned = PruneNow();
      if (!pruned.ok()) {
        LogError("pruning the change log failed",
                 {{"error", std::string(pruned.status().message())}});
      } else if (*pruned > 0) {
        LogInfo("change log pruned", {{"entries", *pruned}});
      }
    }
  }
}

}  // namespace okr::common
