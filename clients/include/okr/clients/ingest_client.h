// IngestClient: pushes progress events to the goals service over the IngestProgress stream, with
// at-least-once delivery across dropped streams and reconnects.
#ifndef OKR_CLIENTS_INGEST_CLIENT_H_
#define OKR_CLIENTS_INGEST_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "okr/goals/v1/progress_event.pb.h"
#include "okr/goals/v1/progress_ingest_service.grpc.pb.h"

namespace okr::clients {

struct IngestClientOptions {
  // Required. The channel to the goals service. Configure keepalive on it
  // (GRPC_ARG_KEEPALIVE_TIME_MS) if a silently dead peer must be noticed on an idle stream.
  std::shared_ptr<grpc::Channel> channel;

  // Sent as `authorization: Bearer <token>` on every stream; the token needs the `ingest` role.
  // Empty sends no authorization header.
  std::string bearer_token;

  // Delay before reconnecting after a failed stream: starts at initial_backoff, doubles after each
  // stream that ends without answering anything, never exceeds max_backoff. Each delay is drawn
  // uniformly from [delay/2, delay] so many clients do not reconnect in lockstep.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);

  // Most events in one request, 1 to 500 (the protocol's limit).
  int max_events_per_request = 500;

  // Most events the client holds unanswered (queued or in flight) before Send blocks. This is what
  // bounds the client's memory while the server is slow or unreachable.
  size_t max_pending_events = 10000;

  // Optional. Called once per answered event: on_ack when it is durable, on_error when the server
  // rejected it (rejected events are not resent). Both run on the client's reader thread, one call
  // at a time, before Flush can observe the event as answered. They must return quickly (answers
  // are not read meanwhile) and must not call Send, Flush or Close on this client (deadlock).
  std::function<void(const std::string& event_id)> on_ack;
  std::function<void(const okr::goals::v1::ProgressEventError& error)> on_error;
};

struct IngestClientStats {
  int64_t acked = 0;       // Events acknowledged (durable).
  int64_t rejected = 0;    // Events rejected by the server (on_error).
  int64_t resent = 0;      // Sends of an event that had been sent on an earlier stream.
  int64_t reconnects = 0;  // Streams opened after the first one.
  int64_t pending = 0;     // Events held now: queued or in flight, not yet answered.
};

// Whether `id` is an event id the protocol allows: 1 to 128 characters from [A-Za-z0-9._:-]. Send
// refuses any other (one bad id would end the whole stream).
bool IsValidEventId(const std::string& id);

// A client of `okr.goals.v1.ProgressIngestService/IngestProgress`.
//
// Guarantees: every event passed to Send is kept until the server answers it (ack or rejection),
// and is sent again on every new stream until then, so it is delivered at least once; the server
// deduplicates by event_id. The client never holds more than the server's `max_unacked_events`
// unanswered events on a stream, and never more than `max_pending_events` in memory. Dropped
// streams (UNAVAILABLE, RESOURCE_EXHAUSTED, a killed server, an OK end while events are pending)
// are retried with backoff. UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT and UNIMPLEMENTED
// on the stream are permanent: the client stops and Send and Flush return that status.
//
// Threads: one connection thread plus one reader thread per stream. All public methods are
// thread-safe. Destroying the client closes it.
class IngestClient {
 public:
  // Starts the connection thread, which opens the first stream at once.
  static absl::StatusOr<std::unique_ptr<IngestClient>> Create(IngestClientOptions options);

  ~IngestClient();
  IngestClient(const IngestClient&) = delete;
  IngestClient& operator=(const IngestClient&) = delete;

  // Queues an event for sending and returns; the client keeps it until it is answered. Blocks
  // while `max_pending_events` are unanswered, up to `timeout` (then DEADLINE_EXCEEDED).
  // INVALID_ARGUMENT for an event_id the protocol forbids (checked here, since one bad id would
  // end the whole stream). An event whose id is already pending is not queued again: the answer
  // to the pending one answers both. Returns the permanent stream error if there was one, and
  // FAILED_PRECONDITION after Close.
  absl::Status Send(okr::goals::v1::ProgressEvent event,
                    absl::Duration timeout = absl::InfiniteDuration());

  // Waits until every event sent before the call is answered (acked or rejected). OK then;
  // DEADLINE_EXCEEDED after `timeout`; the permanent stream error if the client stopped on one;
  // FAILED_PRECONDITION if the client was closed with those events unanswered.
  absl::Status Flush(absl::Duration timeout);

  // Cancels the stream and stops the client's threads; idempotent. Unanswered events are not sent
  // any more (see Unanswered); call Flush first for a clean shutdown.
  void Close();

  IngestClientStats stats() const;

  // The events not answered yet, in the order they were sent: e.g. to persist them after a
  // permanent error or Close.
  std::vector<okr::goals::v1::ProgressEvent> Unanswered() const;

 private:
  struct Pending {
    okr::goals::v1::ProgressEvent event;
    // Whether the event was written on the current stream (and so counts in its window).
    bool on_stream = false;
    // Times the event was written, over all streams.
    int sends = 0;
  };
  // What ended one stream.
  struct StreamEnd {
    grpc::Status status;
    bool answered_any = false;
  };

  explicit IngestClient(IngestClientOptions options);

  void ConnectionLoop();
  StreamEnd RunStream(okr::goals::v1::ProgressIngestService::Stub& stub);
  void ReadAnswers(grpc::ClientReaderWriter<okr::goals::v1::IngestProgressRequest,
                                            okr::goals::v1::IngestProgressResponse>* stream,
                   bool* answered_any);
  // Takes the next batch the window allows, or returns false if the stream should end.
  bool NextBatch(okr::goals::v1::IngestProgressRequest* request);

  const IngestClientOptions options_;
  std::unique_ptr<okr::goals::v1::ProgressIngestService::Stub> stub_;

  mutable absl::Mutex mu_;
  // Unanswered events by send sequence, so resends keep the original order and Flush can wait
  // for a prefix.
  std::map<uint64_t, Pending> pending_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint64_t> seq_by_id_ ABSL_GUARDED_BY(mu_);
  // Sequences of pending events not written on the current stream yet, ascending.
  std::deque<uint64_t> unsent_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  // Current stream: the server's window (0 until its first response), events it holds, its end.
  int window_ ABSL_GUARDED_BY(mu_) = 0;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stream_done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status permanent_error_ ABSL_GUARDED_BY(mu_);
  IngestClientStats stats_ ABSL_GUARDED_BY(mu_);

  // Serializes Close callers around the join.
  absl::Mutex close_mu_;
  std::thread connection_thread_;
};

using IngestClientPtr = std::unique_ptr<IngestClient>;

}  // namespace okr::clients

#endif  // OKR_CLIENTS_INGEST_CLIENT_H_
