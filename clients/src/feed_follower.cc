#include "okr/clients/feed_follower.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "okr/clients/backoff.h"

namespace okr::clients {
namespace {

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat("WatchChanges: ", status.error_message()));
}

// Stream ends that no reconnect with the same token and filters can cure.
bool IsPermanent(grpc::StatusCode code) {
  return code == grpc::StatusCode::INVALID_ARGUMENT || code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::PERMISSION_DENIED || code == grpc::StatusCode::UNIMPLEMENTED;
}

// Handler errors that ask for the change to be delivered again later.
bool IsRetryLater(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsAborted(status) ||
         absl::IsDeadlineExceeded(status) || absl::IsResourceExhausted(status);
}

}  // namespace

template <typename Feed>
absl::StatusOr<std::unique_ptr<BasicFeedFollower<Feed>>> BasicFeedFollower<Feed>::Create(
    Options options) {
  if (options.channel == nullptr) return absl::InvalidArgumentError("FeedFollower: no channel");
  if (options.store == nullptr) return absl::InvalidArgumentError("FeedFollower: no store");
  if (!options.handler == !options.batch_handler) {
    return absl::InvalidArgumentError("FeedFollower: exactly one of handler and batch_handler");
  }
  if (absl::Status s = ValidateBackoff(options.initial_backoff, options.max_backoff); !s.ok()) {
    return s;
  }
  return std::unique_ptr<BasicFeedFollower>(new BasicFeedFollower(std::move(options)));
}

template <typename Feed>
BasicFeedFollower<Feed>::BasicFeedFollower(Options options)
    : options_(std::move(options)), stub_(Feed::Service::NewStub(options_.channel)) {}

template <typename Feed>
absl::Status BasicFeedFollower<Feed>::Run() {
  {
    absl::MutexLock lock(&mu_);
    if (running_) return absl::FailedPreconditionError("FeedFollower: Run already in progress");
    running_ = true;
  }
  absl::Status result = [this] {
    Backoff backoff(options_.initial_backoff, options_.max_backoff);
    bool first = true;
    // After OUT_OF_RANGE: follow from now (no token) until on_reset has run.
    bool resetting = false;
    absl::Status reset_cause;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return absl::OkStatus();
        if (!first) ++stats_.reconnects;
        stats_.caught_up = false;
      }
      first = false;
      std::string token;
      if (!resetting) {
        absl::StatusOr<std::string> loaded = options_.store->Load();
        if (!loaded.ok()) return loaded.status();
        token = *std::move(loaded);
        if (token.empty() && options_.reset_without_token && options_.on_reset) {
          resetting = true;
          reset_cause = absl::NotFoundError("FeedFollower: no stored position");
        }
      }
      const StreamEnd end = RunStream(token, &resetting, reset_cause);
      if (!end.fatal.ok()) return end.fatal;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return absl::OkStatus();
      }
      if (!end.retry_later) {
        const grpc::StatusCode code = end.status.error_code();
        if (code == grpc::StatusCode::OUT_OF_RANGE && !resetting) {
          if (!options_.on_reset) return ToAbsl(end.status);
          resetting = true;
          reset_cause = ToAbsl(end.status);
          continue;  // Nothing to wait for: the next stream asks for something else.
        }
        if (IsPermanent(code)) return ToAbsl(end.status);
      }
      if (end.progressed) backoff.Reset();
      const absl::Duration delay = backoff.Next();
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
    }
  }();
  absl::MutexLock lock(&mu_);
  running_ = false;
  return result;
}

template <typename Feed>
void BasicFeedFollower<Feed>::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

template <typename Feed>
FeedFollowerStats BasicFeedFollower<Feed>::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

template <typename Feed>
absl::Status BasicFeedFollower<Feed>::SaveToken(const std::string& token) {
  if (absl::Status s = options_.store->Save(token); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("FeedFollower: cannot save token: ", s.message()));
  }
  return absl::OkStatus();
}

template <typename Feed>
bool BasicFeedFollower<Feed>::Handle(absl::Span<const Change* const> changes, StreamEnd& end) {
  auto failed = [&](const absl::Status& handled) {
    absl::MutexLock lock(&mu_);
    ++stats_.handler_failures;
    if (IsRetryLater(handled)) {
      end.retry_later = true;
    } else {
      end.fatal = handled;
    }
    return false;
  };
  auto saved = [&](const Change& change, int64_t count) {
    end.fatal = SaveToken(change.resume_token());
    if (!end.fatal.ok()) return false;
    end.progressed = true;
    absl::MutexLock lock(&mu_);
    stats_.changes_handled += count;
    return true;
  };
  if (options_.batch_handler) {
    if (absl::Status handled = options_.batch_handler(changes); !handled.ok()) {
      return failed(handled);
    }
    return saved(*changes.back(), static_cast<int64_t>(changes.size()));
  }
  // One at a time, each token stored in order, so a stop inside a batch resumes right after the
  // last handled change.
  for (const Change* change : changes) {
    if (absl::Status handled = options_.handler(*change); !handled.ok()) return failed(handled);
    if (!saved(*change, 1)) return false;
  }
  return true;
}

template <typename Feed>
typename BasicFeedFollower<Feed>::StreamEnd BasicFeedFollower<Feed>::RunStream(
    const std::string& token, bool* resetting, const absl::Status& reset_cause) {
  StreamEnd end;
  grpc::ClientContext context;
  if (!options_.bearer_token.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", options_.bearer_token));
  }
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      end.status = grpc::Status(grpc::StatusCode::CANCELLED, "stopped");
      return end;
    }
    // Published before the call starts so Stop can cancel it.
    context_ = &context;
  }
  typename Feed::Request request = options_.request;
  request.set_resume_token(token);
  auto reader = stub_->WatchChanges(&context, request);

  typename Feed::Response response;
  bool ended_early = false;
  std::vector<const Change*> changes;
  while (reader->Read(&response)) {
    // After a reset the expired token must be replaced by the first checkpoint's, whether or not
    // checkpoints are stored.
    bool save_checkpoint = options_.store_checkpoints;
    if (*resetting) {
      // The new stream's first message: its position is where the rebuilt state starts.
      if (absl::Status s = options_.on_reset(reset_cause); !s.ok()) {
        end.fatal = s;
        ended_early = true;
        break;
      }
      *resetting = false;
      save_checkpoint = true;
      absl::MutexLock lock(&mu_);
      ++stats_.resets;
    }
    // One change, or a batch of them (WatchChangesRequest.max_batch_size, goals only).
    changes.clear();
    if (response.has_change()) changes.push_back(&response.change());
    if constexpr (requires { response.batch(); }) {
      if (response.has_batch()) {
        for (const Change& change : response.batch().changes()) changes.push_back(&change);
      }
    }
    if (!changes.empty()) {
      if (!Handle(changes, end)) {
        ended_early = true;
        break;
      }
    } else if (response.has_checkpoint()) {
      const typename Feed::Checkpoint& checkpoint = response.checkpoint();
      const bool save = save_checkpoint && !checkpoint.resume_token().empty();
      if (save) {
        end.fatal = SaveToken(checkpoint.resume_token());
        if (!end.fatal.ok()) {
          ended_early = true;
          break;
        }
        end.progressed = true;
      }
      absl::MutexLock lock(&mu_);
      if (save) ++stats_.checkpoints_stored;
      if (checkpoint.caught_up()) stats_.caught_up = true;
    }
  }
  if (ended_early) {
    context.TryCancel();
    while (reader->Read(&response)) {
    }
  }
  {
    absl::MutexLock lock(&mu_);
    context_ = nullptr;
    stats_.caught_up = false;  // no stream, nothing live (also while waiting to reconnect)
  }
  end.status = reader->Finish();
  return end;
}

template class BasicFeedFollower<GoalsFeed>;
template class BasicFeedFollower<FeedbackFeed>;

}  // namespace okr::clients
