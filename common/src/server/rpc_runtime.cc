#include "okr/common/server/rpc_runtime.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "okr/common/auth/bearer.h"
#include "okr/common/server/interceptors.h"
#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

std::string_view Header(const grpc::ServerContextBase& context, std::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return {};
  return {it->second.data(), it->second.size()};
}

}  // namespace

RpcRuntime::RpcRuntime(Executor* executor, const TokenVerifier* verifier, std::string error_domain,
                       bool test_hooks)
    : executor_(executor),
      verifier_(verifier),
      error_domain_(std::move(error_domain)),
      test_hooks_(test_hooks) {}

absl::StatusOr<Principal> RpcRuntime::Authenticate(const grpc::ServerContextBase& context) const {
  auto token = ExtractBearerToken(Header(context, "authorization"));
  if (!token.ok()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "MISSING_CREDENTIALS",
                     std::string(token.status().message()));
  }
  auto principal = verifier_->Verify(*token);
  if (!principal.ok()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "INVALID_TOKEN",
                     std::string(principal.status().message()));
  }
  return principal;
}

grpc::Status RpcRuntime::ToGrpc(const absl::Status& status) const {
  return ToGrpcStatus(status, error_domain_);
}

absl::Duration RpcRuntime::TestDelay(const grpc::ServerContextBase& context) const {
  if (!test_hooks_) return absl::ZeroDuration();
  int64_t millis = 0;
  if (!absl::SimpleAtoi(std::string(Header(context, kTestDelayHeader)), &millis) || millis <= 0) {
    return absl::ZeroDuration();
  }
  return absl::Milliseconds(std::min<int64_t>(millis, 60'000));
}

absl::StatusOr<Call> RpcRuntime::CallOf(const grpc::ServerContextBase& context) const {
  auto principal = Authenticate(context);
  if (!principal.ok()) return principal.status();
  return Call{*std::move(principal), RequestContextFor(context),
              std::string(ExtractBearerToken(Header(context, "authorization")).value_or(""))};
}

void RpcRuntime::Schedule(
    grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor, Call call,
    absl::AnyInvocable<void(const Call&, grpc::ServerUnaryReactor*) &&> body) {
  executor_->Schedule(
      [this, context, reactor, call = std::move(call), body = std::move(body)]() mutable {
        if (absl::Duration delay = TestDelay(*context); delay > absl::ZeroDuration()) {
          absl::SleepFor(delay);
        }
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
          return;
        }
        std::move(body)(call, reactor);
      });
}

grpc::ServerUnaryReactor* RpcRuntime::Start(
    grpc::CallbackServerContext* context,
    absl::AnyInvocable<void(const Call&, grpc::ServerUnaryReactor*) &&> body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = CallOf(*context);
  if (!call.ok()) {
    reactor->Finish(ToGrpc(call.status()));
    return reactor;
  }
  Schedule(context, reactor, *std::move(call), std::move(body));
  return reactor;
}

grpc::ServerUnaryReactor* RpcRuntime::UnaryFast(
    grpc::CallbackServerContext* context,
    absl::AnyInvocable<std::optional<absl::Status>(const Call&) &&> fast,
    absl::AnyInvocable<absl::Status(const Call&) &&> slow) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = CallOf(*context);
  if (!call.ok()) {
    reactor->Finish(ToGrpc(call.status()));
    return reactor;
  }
  // A test delay is the executor's to serve, so tests can hold calls in flight.
  if (TestDelay(*context) == absl::ZeroDuration()) {
    if (std::optional<absl::Status> answered = std::move(fast)(*call)) {
      reactor->Finish(ToGrpc(ForCaller(*std::move(answered), call->request)));
      return reactor;
    }
  }
  Schedule(context, reactor, *std::move(call),
           [this, slow = std::move(slow)](const Call& c, grpc::ServerUnaryReactor* r) mutable {
             r->Finish(ToGrpc(ForCaller(std::move(slow)(c), c.request)));
           });
  return reactor;
}

grpc::ServerUnaryReactor* RpcRuntime::Unary(grpc::CallbackServerContext* context,
                                            absl::AnyInvocable<absl::Status(const Call&) &&> work) {
  return Start(context, [this, work = std::move(work)](const Call& call,
                                                       grpc::ServerUnaryReactor* reactor) mutable {
    reactor->Finish(ToGrpc(ForCaller(std::move(work)(call), call.request)));
  });
}

grpc::ServerUnaryReactor* RpcRuntime::UnaryAsync(
    grpc::CallbackServerContext* context, absl::AnyInvocable<void(const Call&, Finish) &&> work) {
  return Start(context, [this, work = std::move(work)](const Call& call,
                                                       grpc::ServerUnaryReactor* reactor) mutable {
    // Finishing sends the response: work for the executor, not for whatever thread reports the
    // outcome (e.g. the database writer, which would otherwise serialise every send).
    std::move(work)(call, [this, reactor, request = call.request](absl::Status status) {
      executor_->Schedule([this, reactor, request, status = std::move(status)]() mutable {
        reactor->Finish(ToGrpc(ForCaller(std::move(status), request)));
      });
    });
  });
}

absl::Status RpcRuntime::ForCaller(absl::Status status, const RequestContext& request) {
  const auto code = status.code();
  if (code != absl::StatusCode::kInternal && code != absl::StatusCode::kUnknown &&
      code != absl::StatusCode::kDataLoss) {
    return status;
  }
  // Faults of ours carry SQL, paths and other internals: they go to the log, and the caller gets
  // the request id to quote.
  LogError("request failed", {{"error", status.ToString()}}, &request);
  return MakeError(code, ErrorReason(status),
                   absl::StrCat("internal error; quote request id ", request.request_id));
}

grpc::Status RpcRuntime::UnimplementedStatus(const grpc::ServerContextBase& context) const {
  auto principal = Authenticate(context);
  if (!principal.ok()) return ToGrpc(principal.status());
  return ToGrpc(MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED_YET",
                          "this method is part of the contract but not implemented yet"));
}

grpc::ServerUnaryReactor* RpcRuntime::Unimplemented(grpc::CallbackServerContext* context) {
  return Unary(context, [](const Call&) {
    return MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED_YET",
                     "this method is part of the contract but not implemented yet");
  });
}

}  // namespace okr::common
