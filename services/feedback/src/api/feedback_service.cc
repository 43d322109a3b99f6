// FeedbackService: what the methods share. The methods themselves are in *_rpcs.cc.
#include "services/feedback/src/api/feedback_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "okr/common/status/string_view.h"

namespace okr::feedback {

std::string FeedbackService::RequestKey(std::string_view method, const common::Call& call) {
  return absl::StrCat(common::Sv(method), "/", call.principal.subject);
}

absl::StatusOr<GoalsCaller> FeedbackService::ServiceCaller(const std::string& tenant) const {
  auto token = tokens_->For(tenant);
  if (!token.ok()) return token.status();
  return GoalsCaller{tenant, "", *token};
}

void FeedbackService::Write(const common::Call& call, common::RpcRuntime::Finish finish,
                            WriteBody body) {
  auto batch = std::make_shared<common::ChangeBatch>();
  database_->Write(
      [this, batch, tenant = call.principal.tenant, viewer = ViewerOf(call.principal),
       body = std::move(body)](common::SqlSession& session) mutable {
        const absl::Time now = options_.clock();
        ChangeRecorder changes(session, *batch, tenant, now);
        WriteContext write{tenant, session, now, changes, viewer};
        return body(write);
      },
      [this, batch, finish = std::move(finish)](absl::Status status) mutable {
        // On the writer thread, in commit order: the order the feed needs.
        if (status.ok()) feed_->Publish(*batch);
        std::move(finish)(std::move(status));
      });
}

absl::Status FeedbackService::WriteAndWait(const std::string& tenant, WriteBody body) {
  auto batch = std::make_shared<common::ChangeBatch>();
  absl::Notification done;
  absl::Status result;
  database_->Write(
      [this, batch, &tenant, &body](common::SqlSession& session) {
        const absl::Time now = options_.clock();
        const Viewer server;  // derived events have no actor
        ChangeRecorder changes(session, *batch, tenant, now);
        WriteContext write{tenant, session, now, changes, server};
        return body(write);
      },
      [this, batch, &done, &result](absl::Status status) {
        if (status.ok()) feed_->Publish(*batch);
        result = std::move(status);
        done.Notify();
      });
  done.WaitForNotification();
  return result;
}

absl::Status FeedbackService::Read(const common::Call& call,
                                   absl::FunctionRef<absl::Status(ReadContext&)> body) {
  const Viewer viewer = ViewerOf(call.principal);
  return database_->Read([&](common::SqlSession& session) {
    ReadContext read{call.principal.tenant, session, options_.clock(), viewer};
    return body(read);
  });
}

absl::StatusOr<std::optional<PagePosition>> FeedbackService::ResumeAt(
    const std::string& page_token, const common::PageScope& scope) const {
  if (page_token.empty()) return std::optional<PagePosition>();
  auto text = page_tokens_->Open(page_token, scope);
  if (!text.ok()) return text.status();
  auto position = ParsePagePosition(*text);
  if (!position.ok()) return position.status();
  return std::optional<PagePosition>(*std::move(position));
}

}  // namespace okr::feedback
