// What every RPC handler of a service shares: authentication from the bearer token, an executor for
// blocking work, and the one mapping of domain errors to gRPC statuses.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "okr/common/auth/principal.h"
#include "okr/common/auth/token_verifier.h"
#include "okr/common/logging/log.h"
#include "okr/common/server/executor.h"

namespace okr::common {

// The identity and request context of one call, handed to handler work.
struct Call {
  Principal principal;
  RequestContext request;
  // The caller's verified bearer token, for calls made on the caller's behalf to another service
  // (which then decides what the caller may read). Never logged.
  std::string bearer_token;
};

// Test hook header: with test hooks on, a call's work starts this many milliseconds late.
inline constexpr char kTestDelayHeader[] = "x-okr-test-delay-ms";

class RpcRuntime {
 public:
  // `error_domain` names the service in google.rpc.ErrorInfo, e.g. "goals.okr-suite".
  RpcRuntime(Executor* executor, const TokenVerifier* verifier, std::string error_domain,
             bool test_hooks);

  // The caller's principal from the `authorization: Bearer <JWT>` header, or UNAUTHENTICATED.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const;

  // Authenticates, then runs `work` on the executor and finishes the call with its status mapped
  // to gRPC. `work` fills the response itself. Never blocks the calling gRPC thread.
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  absl::AnyInvocable<absl::Status(const Call&) &&> work);
  // The outcome of asynchronous work: call it exactly once, from any thread, after filling the
  // response. It never blocks.
  using Finish = absl::AnyInvocable<void(absl::Status) &&>;
  // Like Unary, for work that hands its end to another component (e.g. a queued database write
  // whose done callback calls `finish`), so no executor thread waits for it.
  grpc::ServerUnaryReactor* UnaryAsync(grpc::CallbackServerContext* context,
                                       absl::AnyInvocable<void(const Call&, Finish) &&> work);

  // For reads that can often be answered from memory: `fast` runs on the calling gRPC thread
  // right after authentication and must not block (no database, no network, no waiting on
  // locks held for long). It returns the call's status once it has filled the response, or
  // nullopt to hand the call to `slow`, which runs on the executor as with Unary. With a test
  // delay header the call always goes to `slow`.
  grpc::ServerUnaryReactor* UnaryFast(
      grpc::CallbackServerContext* context,
      absl::AnyInvocable<std::optional<absl::Status>(const Call&) &&> fast,
      absl::AnyInvocable<absl::Status(const Call&) &&> slow);

  // For RPCs a later release implements: authenticates first (so an anonymous caller learns
  // nothing), then answers UNIMPLEMENTED with reason NOT_IMPLEMENTED_YET.
  grpc::ServerUnaryReactor* Unimplemented(grpc::CallbackServerContext* context);

  template <typename Response>
  grpc::ServerWriteReactor<Response>* UnimplementedServerStream(
      grpc::CallbackServerContext* context);

  template <typename Request, typename Response>
  grpc::ServerBidiReactor<Request, Response>* UnimplementedBidiStream(
      grpc::CallbackServerContext* context);

  grpc::Status ToGrpc(const absl::Status& status) const;

  // What the caller may see of a handler's status: INTERNAL, UNKNOWN and DATA_LOSS are logged in
  // full and answered with a generic message naming the request id (code and reason kept).
  static absl::Status ForCaller(absl::Status status, const RequestContext& request);
  Executor& executor() const { return *executor_; }

 private:
  // The caller's identity and request context, or UNAUTHENTICATED.
  absl::StatusOr<Call> CallOf(const grpc::ServerContextBase& context) const;
  // Runs `body` on the executor unless the call was cancelled meanwhile.
  void Schedule(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor, Call call,
                absl::AnyInvocable<void(const Call&, grpc::ServerUnaryReactor*) &&> body);
  // Authenticates, then runs `body` on the executor unless the call was cancelled meanwhile;
  // `body` finishes the reactor (now or later).
  grpc::ServerUnaryReactor* Start(
      grpc::CallbackServerContext* context,
      absl::AnyInvocable<void(const Call&, grpc::ServerUnaryReactor*) &&> body);
  // The status an unimplemented RPC answers: the authentication error, else UNIMPLEMENTED.
  grpc::Status UnimplementedStatus(const grpc::ServerContextBase& context) const;
  absl::Duration TestDelay(const grpc::ServerContextBase& context) const;

  Executor* executor_;
  const TokenVerifier* verifier_;
  std::string error_domain_;
  bool test_hooks_;
};

namespace internal {

template <typename Response>
class FinishedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FinishedWriteReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

template <typename Request, typename Response>
class FinishedBidiReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit FinishedBidiReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace internal

template <typename Response>
grpc::ServerWriteReactor<Response>* RpcRuntime::UnimplementedServerStream(
    grpc::CallbackServerContext* context) {
  return new internal::FinishedWriteReactor<Response>(UnimplementedStatus(*context));
}

template <typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>* RpcRuntime::UnimplementedBidiStream(
    grpc::CallbackServerContext* context) {
  return new internal::FinishedBidiReactor<Request, Response>(UnimplementedStatus(*context));
}

}  // namespace okr::common
