// FeedFollower: follows a change feed (the goals or the feedback service's WatchChanges), resuming
// after dropped streams and restarts from a stored resume token.
#ifndef OKR_CLIENTS_FEED_FOLLOWER_H_
#define OKR_CLIENTS_FEED_FOLLOWER_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "okr/clients/resume_token_store.h"
#include "okr/feedback/v1/change.pb.h"
#include "okr/feedback/v1/feedback_service.grpc.pb.h"
#include "okr/goals/v1/change.pb.h"
#include "okr/goals/v1/goals_service.grpc.pb.h"

namespace okr::clients {

// The feeds a follower can follow: the types of one service's WatchChanges. Both feeds share
// the message shapes (change or checkpoint; the goals feed also batches).
struct GoalsFeed {
  using Service = okr::goals::v1::GoalsService;
  using Request = okr::goals::v1::WatchChangesRequest;
  using Response = okr::goals::v1::WatchChangesResponse;
  using Change = okr::goals::v1::Change;
  using Checkpoint = okr::goals::v1::WatchCheckpoint;
};
struct FeedbackFeed {
  using Service = okr::feedback::v1::FeedbackService;
  using Request = okr::feedback::v1::WatchChangesRequest;
  using Response = okr::feedback::v1::WatchChangesResponse;
  using Change = okr::feedback::v1::Change;
  using Checkpoint = okr::feedback::v1::WatchCheckpoint;
};

template <typename Feed>
struct BasicFeedFollowerOptions {
  using Change = typename Feed::Change;

  // Required. The channel to the service.
  std::shared_ptr<grpc::Channel> channel;

  // Sent as `authorization: Bearer <token>`; the feed only carries what this caller may read.
  // Empty sends no authorization header.
  std::string bearer_token;

  // The filters (kinds, cycle, objective) and max_batch_size (set it to take busy feeds in
  // batches; each change is still handled, and its token stored, one at a time). Its
  // resume_token is ignored: the store decides.
  typename Feed::Request request;

  // Required. Where the position is loaded from at every (re)connect and saved after every
  // handled change.
  std::shared_ptr<ResumeTokenStore> store;

  // Required unless `batch_handler` is set. Called on Run's thread for every change, in feed
  // order. Return OK once the change is processed: only then is its token saved. A change whose
  // handler failed is delivered again. UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED and
  // RESOURCE_EXHAUSTED mean "try again later": the follower reconnects after a backoff from the
  // last saved token. Any other error ends Run with that status (the change is delivered again by
  // the next Run).
  std::function<absl::Status(const Change& change)> handler;

  // Instead of `handler`: called once per received message with its changes (one, or a batch of
  // them), in feed order, so a consumer can apply them in one transaction. On OK the last
  // change's token is saved; on an error the whole run is delivered again, as with `handler`. A
  // consumer that writes the token in its own transaction makes the store's Save of that same
  // token a no-op.
  std::function<absl::Status(absl::Span<const Change* const> changes)> batch_handler;

  // Optional. The stored token is older than the feed's retention (OUT_OF_RANGE). Without this
  // callback Run returns that OUT_OF_RANGE. With it, the follower opens the feed "from now" and,
  // as soon as that stream has delivered its first checkpoint, calls on_reset(cause) on Run's
  // thread: rebuild the consumer's state from a snapshot (List calls) there. Changes committed
  // meanwhile come after it returns, so nothing falls in a gap. On OK the checkpoint's token is
  // saved and following goes on; on an error Run returns it and the expired token stays stored,
  // so the next Run resets again (also after a crash in the middle).
  std::function<absl::Status(const absl::Status& cause)> on_reset;

  // With `on_reset`: when no token is stored yet (a first start), start the same way as after
  // OUT_OF_RANGE: take the feed's position first, let on_reset build the state from a snapshot,
  // then follow from that position. Without it a first start follows from now.
  bool reset_without_token = false;

  // Save checkpoint tokens too, so a consumer with narrow filters keeps a recent position and
  // does not fall out of the retention window.
  bool store_checkpoints = true;

  // Reconnect delays: see Backoff. Reset after a stream that made progress.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

struct FeedFollowerStats {
  int64_t changes_handled = 0;     // Handler calls that returned OK (token saved).
  int64_t handler_failures = 0;    // Handler calls that returned an error.
  int64_t checkpoints_stored = 0;  // Checkpoint tokens saved.
  int64_t reconnects = 0;          // Streams opened after the first one.
  int64_t resets = 0;              // on_reset calls that returned OK.
  bool caught_up = false;          // A stream is open and has delivered its backlog: live.
};

// A consumer of `WatchChanges` of the goals (`FeedFollower`) or feedback service
// (`FeedbackFeedFollower`).
//
// Guarantees: changes reach the handler in feed order; a change's token is saved only after its
// handler returned OK, so after a dropped stream, a restart or a crash every change is handled at
// least once (exactly once if the store saves the token with the consumer's own state). Dropped
// streams are reconnected with backoff from the saved token. INVALID_ARGUMENT (e.g. a malformed
// token), UNAUTHENTICATED, PERMISSION_DENIED and UNIMPLEMENTED are permanent: Run returns them.
template <typename Feed>
class BasicFeedFollower {
 public:
  using Options = BasicFeedFollowerOptions<Feed>;
  using Change = typename Feed::Change;

  static absl::StatusOr<std::unique_ptr<BasicFeedFollower>> Create(Options options);

  BasicFeedFollower(const BasicFeedFollower&) = delete;
  BasicFeedFollower& operator=(const BasicFeedFollower&) = delete;
  // Does not stop a Run in progress: call Stop and let Run return first.
  ~BasicFeedFollower() = default;

  // Follows the feed on the calling thread. Returns OK after Stop, or the permanent error (see
  // the class and option comments). FAILED_PRECONDITION if another Run is in progress.
  absl::Status Run();

  // Makes Run return soon (cancelling the stream) and every later Run return at once. Thread-safe,
  // also from inside the handler; idempotent.
  void Stop();

  FeedFollowerStats stats() const;

 private:
  // How one stream ended.
  struct StreamEnd {
    grpc::Status status;
    // An error of our side (store, handler, on_reset) that ends Run.
    absl::Status fatal;
    // The handler asked to be retried later.
    bool retry_later = false;
    // A change was handled or a checkpoint saved: the stream was healthy.
    bool progressed = false;
  };

  explicit BasicFeedFollower(Options options);

  StreamEnd RunStream(const std::string& token, bool* resetting, const absl::Status& reset_cause);
  // Hands `changes` to the handler(s) and saves the token of the last one handled; false when
  // the stream must end (`end` says why).
  bool Handle(absl::Span<const Change* const> changes, StreamEnd& end);
  absl::Status SaveToken(const std::string& token);

  const Options options_;
  std::unique_ptr<typename Feed::Service::Stub> stub_;

  mutable absl::Mutex mu_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  FeedFollowerStats stats_ ABSL_GUARDED_BY(mu_);
};

extern template class BasicFeedFollower<GoalsFeed>;
extern template class BasicFeedFollower<FeedbackFeed>;

using FeedFollowerOptions = BasicFeedFollowerOptions<GoalsFeed>;
using FeedFollower = BasicFeedFollower<GoalsFeed>;
using FeedFollowerPtr = std::unique_ptr<FeedFollower>;
using FeedbackFeedFollowerOptions = BasicFeedFollowerOptions<FeedbackFeed>;
using FeedbackFeedFollower = BasicFeedFollower<FeedbackFeed>;

}  // namespace okr::clients

#endif  // OKR_CLIENTS_FEED_FOLLOWER_H_
