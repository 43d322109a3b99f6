// FeedbackService.WatchChanges: the change feed with its filters, each change redacted for the
// watcher exactly as the Get methods redact it (an anonymous author only for the author, a
// request's other responses only for its requester, one-on-ones without private notes).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "okr/common/changelog/resume_token.h"
#include "okr/common/changelog/watch_request.h"
#include "okr/common/status/errors.h"
#include "services/feedback/src/api/feedback_service.h"
#include "services/feedback/src/api/one_on_one_view.h"
#include "services/feedback/src/api/review_view.h"
#include "services/feedback/src/domain/author_key.h"
#include "services/feedback/src/domain/review_rules.h"
#include "services/feedback/src/domain/visibility.h"
#include "services/feedback/src/store/review_store.h"

namespace okr::feedback {
namespace {

std::string IdOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// One watcher's view of the feed. The manager chains it needs are remembered for a few seconds,
// so a re-org reaches a running stream soon without a lookup per change.
class WatcherView {
 public:
  WatcherView(OrgDirectory* org, common::Database* database, std::function<absl::Time()> clock,
              std::string tenant, Viewer viewer, std::string author_key_secret)
      : org_(org),
        database_(database),
        clock_(std::move(clock)),
        tenant_(std::move(tenant)),
        viewer_(std::move(viewer)),
        author_key_secret_(std::move(author_key_secret)) {}

  // The change as this watcher may read it; nullopt when they may not read it at all.
  absl::StatusOr<std::optional<v1::Change>> View(const common::ChangeEntry& entry) {
    std::optional<v1::Change> stored = StoredChange(entry);
    if (!stored.has_value()) return absl::InternalError("a change log entry does not parse");
    v1::Change change = *std::move(stored);
    const bool goal_private = entry.scope == kPrivateGoalScope;
    switch (change.payload_case()) {
      case v1::Change::kFeedback:
        return ViewFeedback(std::move(change), goal_private);
      case v1::Change::kFeedbackRequest:
        return ViewRequest(std::move(change), goal_private);
      case v1::Change::kOneOnOne: {
        std::optional<v1::OneOnOne> view = OneOnOneForFeed(change.one_on_one(), viewer_);
        if (!view.has_value()) return std::optional<v1::Change>();
        *change.mutable_one_on_one() = *std::move(view);
        return std::optional<v1::Change>(std::move(change));
      }
      case v1::Change::kReviewCycle:
        return std::optional<v1::Change>(std::move(change));  // readable by the whole tenant
      case v1::Change::kReview: {
        const std::string reviewee = IdOf(change.review().reviewee());
        auto ref = ReviewFromName(change.resource_name(), "resource_name");
        if (!ref.ok()) return ref.status();
        auto closed = CycleClosed(ref->cycle);
        if (!closed.ok()) return closed.status();
        auto view =
            ReviewForFeed(change.review(), viewer_, *closed, [&] { return Chain(reviewee); });
        if (!view.ok()) return view.status();
        if (!view->has_value()) return std::optional<v1::Change>();
        *change.mutable_review() = **std::move(view);
        return std::optional<v1::Change>(std::move(change));
      }
      case v1::Change::PAYLOAD_NOT_SET:
        break;
    }
    return std::optional<v1::Change>();
  }

 private:
  // Whether the review cycle is CLOSED now (its dates never change, so they are remembered).
  absl::StatusOr<bool> CycleClosed(const std::string& cycle) {
    auto it = cycle_dates_.find(cycle);
    if (it == cycle_dates_.end()) {
      std::optional<ReviewCycleRecord> record;
      absl::Status s = database_->Read([&](common::SqlSession& session) {
        auto found = ReviewStore(session, tenant_).FindCycle(cycle);
        if (!found.ok()) return found.status();
        record = *std::move(found);
        return absl::OkStatus();
      });
      if (!s.ok()) return s;
      if (!record.has_value()) return false;
      it = cycle_dates_.emplace(cycle, std::make_pair(record->start_date, record->end_date)).first;
    }
    return CycleStateAt(it->second.first, it->second.second, clock_()) == ReviewCycleState::kClosed;
  }

  absl::StatusOr<std::vector<std::string>> Chain(const std::string& person) {
    const absl::Time now = absl::Now();
    auto it = chains_.find(person);
    if (it != chains_.end() && it->second.second > now) return it->second.first;
    auto chain = org_->ManagerChain(tenant_, person);
    if (absl::IsNotFound(chain.status())) chain = std::vector<std::string>();
    if (!chain.ok()) return chain.status();
    chains_[person] = {*chain, now + absl::Seconds(2)};
    return chain;
  }

  absl::StatusOr<std::optional<v1::Change>> ViewFeedback(v1::Change change, bool goal_private) {
    v1::Feedback& f = *change.mutable_feedback()->mutable_feedback();
    FeedbackFacts facts{IdOf(f.author()), IdOf(f.recipient()),
                        static_cast<Visibility>(f.visibility()), f.anonymous()};
    bool readable = false;
    switch (DecideRead(facts, viewer_)) {
      case ReadDecision::kAllowed:
        readable = true;
        break;
      case ReadDecision::kDenied:
        break;
      case ReadDecision::kNeedsChain: {
        auto chain = Chain(facts.recipient);
        if (!chain.ok()) return chain.status();
        readable = MayRead(facts, viewer_, *chain);
        break;
      }
    }
    if (!readable) return std::optional<v1::Change>();
    if (!ShowsAuthor(facts, viewer_)) {
      f.clear_author();
      // The author of anonymous feedback made its creation; whoever deletes it may be the
      // author too: in both cases the actor is hidden like the author.
      change.clear_actor();
    }
    if (goal_private && !(viewer_.admin || viewer_.service || viewer_.person == facts.author)) {
      f.clear_objective();
      f.clear_key_result();
    }
    v1::FeedbackRecord* record = change.mutable_feedback();
    if (viewer_.service) {
      // A pseudonym per author and tenant: distinct authors can be counted, none recovered.
      record->set_author_key(AuthorKey(author_key_secret_, tenant_, facts.author));
    } else {
      record->clear_author_key();
      record->set_upward(false);
    }
    return std::optional<v1::Change>(std::move(change));
  }

  absl::StatusOr<std::optional<v1::Change>> ViewRequest(v1::Change change, bool goal_private) {
    v1::FeedbackRequest& r = *change.mutable_feedback_request();
    const std::string requester = IdOf(r.requester());
    bool asked = false;
    for (const std::string& recipient : r.recipients()) asked |= IdOf(recipient) == viewer_.person;
    const bool sees_all = viewer_.admin || viewer_.service || viewer_.person == requester;
    if (!sees_all && !asked) return std::optional<v1::Change>();
    if (!sees_all) {
      auto* responses = r.mutable_responses();
      for (int i = responses->size() - 1; i >= 0; --i) {
        if (IdOf(responses->Get(i).recipient()) != viewer_.person) responses->DeleteSubrange(i, 1);
      }
      if (goal_private) {
        r.clear_objective();
        r.clear_key_result();
      }
    }
    return std::optional<v1::Change>(std::move(change));
  }

  OrgDirectory* org_;
  common::Database* database_;
  const std::function<absl::Time()> clock_;
  const std::string tenant_;
  const Viewer viewer_;
  const std::string author_key_secret_;
  absl::flat_hash_map<std::string, std::pair<std::vector<std::string>, absl::Time>> chains_;
  absl::flat_hash_map<std::string, std::pair<absl::CivilDay, absl::CivilDay>> cycle_dates_;
};

// The frames of the entry the feed asked about last: `matches` decides and builds the watcher's
// frame, `own_frame` (called right after for the same entry) hands it over.
struct WatchState {
  explicit WatchState(WatcherView v) : view(std::move(v)) {}
  WatcherView view;
  int64_t seq = -1;
  std::optional<std::string> frame;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* FeedbackService::WatchChanges(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw) {
  auto fail = [this](const absl::Status& status) {
    return new common::internal::FinishedWriteReactor<grpc::ByteBuffer>(runtime_->ToGrpc(status));
  };
  auto principal = runtime_->Authenticate(*context);
  if (!principal.ok()) return fail(principal.status());
  v1::WatchChangesRequest request;
  if (absl::Status s = common::ParseRawRequest(*raw, &request); !s.ok()) return fail(s);
  common::WatchSpec spec;
  spec.tenant = principal->tenant;
  if (absl::Status s = common::SetWatchStart(request.resume_token(), spec); !s.ok()) {
    return fail(s);
  }
  common::Violations violations;
  absl::flat_hash_set<int> kinds =
      common::WatchKinds(request.kinds(), &v1::ChangeKind_IsValid, violations);
  if (absl::Status s = violations.ToStatus("INVALID_FILTER", "the filters are not valid");
      !s.ok()) {
    return fail(s);
  }
  auto state =
      std::make_shared<WatchState>(WatcherView(org_, database_, options_.clock, principal->tenant,
                                               ViewerOf(*principal), options_.author_key_secret));
  spec.matches = [kinds = std::move(kinds),
                  state](const common::ChangeEntry& entry) -> absl::StatusOr<bool> {
    if (!kinds.empty() && !kinds.contains(entry.kind)) return false;
    auto view = state->view.View(entry);
    if (!view.ok()) return view.status();
    state->seq = entry.seq;
    state->frame.reset();
    if (!view->has_value()) return false;
    state->frame = FrameChange(entry, **std::move(view));
    return true;
  };
  spec.own_frame = [state](const common::ChangeEntry& entry) -> std::optional<std::string> {
    if (state->seq != entry.seq || !state->frame.has_value()) {
      // Never happens (matches runs first for the same entry); send nothing shared either way.
      return std::string();
    }
    return std::move(state->frame);
  };
  spec.checkpoint = &FrameCheckpoint;
  return feed_->Watch(std::move(spec));
}

}  // namespace okr::feedback
