// okr.goals.v1.GoalsService.WatchChanges, end to end: followers that drop their streams at random
// points and resume from their last token see every change once and in commit order; expired and
// malformed tokens are refused; filters deliver exactly what they match.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "okr/clients/feed_follower.h"
#include "okr/clients/resume_token_store.h"
#include "tests/e2e/ingest/ingest_e2e.h"

namespace okr::e2e {
namespace {

using Reader = grpc::ClientReader<gv1::WatchChangesResponse>;

// The first checkpoint of a stream opened "from now" with `request`'s filters: a position before
// everything written afterwards.
std::string NowToken(Tenant& tenant, gv1::WatchChangesRequest request = {}) {
  request.clear_resume_token();
  auto context = Context(tenant.admin(), absl::Seconds(20));
  std::unique_ptr<Reader> reader = tenant.goals().WatchChanges(context.get(), request);
  gv1::WatchChangesResponse response;
  const bool read = reader->Read(&response);
  context->TryCancel();
  const grpc::Status status = reader->Finish();
  EXPECT_TRUE(read) << Describe(status);
  EXPECT_TRUE(response.has_checkpoint()) << response.ShortDebugString();
  EXPECT_TRUE(response.checkpoint().caught_up()) << response.ShortDebugString();
  EXPECT_FALSE(response.checkpoint().resume_token().empty());
  return response.checkpoint().resume_token();
}

// The changes after `request.resume_token` up to the caught-up checkpoint (the backlog).
std::vector<gv1::Change> Backlog(Tenant& tenant, const gv1::WatchChangesRequest& request,
                                 grpc::Status* end = nullptr) {
  auto context = Context(tenant.admin(), absl::Seconds(60));
  std::unique_ptr<Reader> reader = tenant.goals().WatchChanges(context.get(), request);
  std::vector<gv1::Change> changes;
  gv1::WatchChangesResponse response;
  bool caught_up = false;
  while (reader->Read(&response)) {
    if (response.has_change()) {
      changes.push_back(response.change());
    } else if (response.has_batch()) {
      EXPECT_GT(request.max_batch_size(), 0) << "a batch the request did not ask for";
      EXPECT_FALSE(response.batch().changes().empty());
      EXPECT_LE(response.batch().changes_size(), request.max_batch_size());
      for (const gv1::Change& change : response.batch().changes()) changes.push_back(change);
    } else if (response.checkpoint().caught_up()) {
      caught_up = true;
      break;
    }
  }
  // A live stream is cancelled; one that ended on its own keeps the status the server gave.
  if (caught_up) context->TryCancel();
  const grpc::Status status = reader->Finish();
  if (end != nullptr) {
    *end = status;
  } else {
    EXPECT_TRUE(caught_up) << "no caught-up checkpoint: " << Describe(status);
  }
  return changes;
}

std::vector<std::string> Tokens(const std::vector<gv1::Change>& changes) {
  std::vector<std::string> tokens;
  for (const auto& change : changes) tokens.push_back(change.resume_token());
  return tokens;
}

// What identifies a change across streams with different filters.
std::vector<std::string> Keys(const std::vector<gv1::Change>& changes) {
  std::vector<std::string> keys;
  for (const auto& change : changes) {
    keys.push_back(gv1::ChangeKind_Name(change.kind()) + " " + change.resource_name() + " @" +
                   std::to_string(change.commit_time().seconds()) + "." +
                   std::to_string(change.commit_time().nanos()));
  }
  return keys;
}

template <typename Pred>
std::vector<gv1::Change> Filter(const std::vector<gv1::Change>& changes, Pred pred) {
  std::vector<gv1::Change> out;
  std::copy_if(changes.begin(), changes.end(), std::back_inserter(out), pred);
  return out;
}

// Pushes `count` events at the key results and metric keys in `targets` and waits for every ack.
void Ingest(Tenant& tenant, const std::shared_ptr<grpc::Channel>& channel,
            const std::vector<Target>& targets, int count, const std::string& prefix) {
  Answers answers;
  auto client = NewIngestClient(channel, tenant.ingest_token(), &answers, 200);
  ASSERT_TRUE(client.ok()) << client.status();
  const absl::Time base = ObservationBase();
  for (int i = 0; i < count; ++i) {
    const Target& target = targets[static_cast<size_t>(i) % targets.size()];
    gv1::ProgressEvent event =
        i % 3 == 2 ? IncEvent(prefix + std::to_string(i), target, 1, base + absl::Seconds(i))
                   : SetEvent(prefix + std::to_string(i), target, i % 900, base + absl::Seconds(i));
    ASSERT_TRUE((*client)->Send(event, absl::Seconds(30)).ok());
  }
  ASSERT_TRUE((*client)->Flush(absl::Seconds(120)).ok());
  EXPECT_EQ(answers.AckedCount(), static_cast<size_t>(count));
  EXPECT_TRUE(answers.Errors().empty());
}

class WatchChangesTest : public GoalsSuite {
 protected:
  void SetUp() override { StartTenant("t-watch-"); }
};

TEST_F(WatchChangesTest, FollowerDroppingItsStreamAtRandomSeesEveryChangeOnceInOrder) {
  const gv1::Cycle cycle = tenant_->NewCycle();
  const gv1::Objective a = tenant_->NewObjective(cycle, "A");
  const gv1::Objective b = tenant_->NewObjective(cycle, "B", a.name());
  const gv1::KeyResult k1 = tenant_->NewKeyResult(a, 0, 1000);
  const gv1::KeyResult k2 = tenant_->NewKeyResult(b, 0, 1000, "w.metric");
  ASSERT_FALSE(HasFailure());
  const std::string start = NowToken(*tenant_);
  ASSERT_FALSE(HasFailure());

  // Writes run while the follower follows.
  std::atomic<bool> written{false};
  std::thread writer([&] {
    Ingest(*tenant_, server_->channel(), {Kr(k1.name()), Metric("w.metric"), Kr(k2.name())}, 1500,
           "w-");
    written = true;
  });

  const uint32_t seed = 4242;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::vector<gv1::Change> seen;
  std::string last = start;
  int streams = 0;
  bool done = false;
  const absl::Time follow_start = absl::Now();
  const absl::Time deadline = follow_start + absl::Seconds(120);
  while (!done && absl::Now() < deadline) {
    const bool opened_after_writes = written.load();
    gv1::WatchChangesRequest request;
    request.set_resume_token(last);
    auto context = Context(tenant_->admin(), absl::Seconds(60));
    std::unique_ptr<Reader> reader = tenant_->goals().WatchChanges(context.get(), request);
    ++streams;
    const int budget = std::uniform_int_distribution<int>(1, 100)(rng);
    int handled = 0;
    gv1::WatchChangesResponse response;
    while (reader->Read(&response)) {
      if (response.has_change()) {
        seen.push_back(response.change());
        last = response.change().resume_token();
        if (++handled == budget) break;  // Drop the stream right after this change.
      } else {
        // Storing checkpoint tokens is optional; do it sometimes.
        if (rng() % 2 == 0) last = response.checkpoint().resume_token();
        if (response.checkpoint().caught_up() && opened_after_writes) {
          done = true;
          break;
        }
      }
    }
    context->TryCancel();
    const grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::CANCELLED)
        << Describe(status);
  }
  writer.join();
  ASSERT_TRUE(done) << "the follower did not catch up in time";

  const absl::Time reference_start = absl::Now();
  const std::vector<gv1::Change> reference = [&] {
    gv1::WatchChangesRequest request;
    request.set_resume_token(start);
    return Backlog(*tenant_, request);
  }();
  std::cout << "[          ] " << seen.size() << " changes over " << streams << " streams in "
            << (reference_start - follow_start) << "; the backlog read in one stream in "
            << (absl::Now() - reference_start) << "\n";
  ASSERT_GT(streams, 10);
  // 1500 events, a third of them by metric key to one key result: at least 1500 check-ins.
  EXPECT_GE(
      Filter(reference,
             [](const gv1::Change& c) { return c.kind() == gv1::CHANGE_KIND_CHECK_IN_CREATED; })
          .size(),
      1500u);
  for (size_t i = 1; i < reference.size(); ++i) {
    ASSERT_LE(FromProto(reference[i - 1].commit_time()), FromProto(reference[i].commit_time()))
        << "commit order broken at " << i;
  }
  // The dropping follower saw exactly the reference sequence (a derived change committed after
  // the follower finished may extend the reference, nothing else).
  ASSERT_LE(seen.size(), reference.size());
  EXPECT_EQ(Tokens(seen),
            Tokens(std::vector<gv1::Change>(reference.begin(), reference.begin() + seen.size())));
  for (size_t i = seen.size(); i < reference.size(); ++i) {
    EXPECT_TRUE(reference[i].kind() == gv1::CHANGE_KIND_HEALTH_CHANGED ||
                reference[i].kind() == gv1::CHANGE_KIND_KEY_RESULT_STALE)
        << "missed by the follower: " << reference[i].ShortDebugString();
  }

  // The same backlog in batches (max_batch_size): the same changes in the same order.
  {
    gv1::WatchChangesRequest request;
    request.set_resume_token(start);
    request.set_max_batch_size(50);
    EXPECT_EQ(Tokens(Backlog(*tenant_, request)), Tokens(reference));
  }

  // The library's FeedFollower, taking batches of 7, whose handler fails at random (dropping the
  // stream, also in the middle of a batch), resumes from its stored token and hands over the
  // same sequence once.
  auto store = std::make_shared<clients::InMemoryResumeTokenStore>(start);
  std::vector<gv1::Change> followed;
  clients::FeedFollower* follower_ptr = nullptr;
  clients::FeedFollowerOptions options;
  options.channel = server_->channel();
  options.bearer_token = tenant_->admin();
  options.store = store;
  options.request.set_max_batch_size(7);
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(20);
  std::mt19937 handler_rng(seed + 1);
  options.handler = [&](const gv1::Change& change) {
    if (handler_rng() % 100 == 0) return absl::UnavailableError("dropping the stream on purpose");
    followed.push_back(change);
    if (followed.size() == seen.size()) follower_ptr->Stop();
    return absl::OkStatus();
  };
  auto follower = clients::FeedFollower::Create(options);
  ASSERT_TRUE(follower.ok()) << follower.status();
  follower_ptr = follower->get();
  std::thread run([&] { EXPECT_TRUE((*follower)->Run().ok()); });
  const absl::Time follow_deadline = absl::Now() + absl::Seconds(90);
  while ((*follower)->stats().changes_handled < static_cast<int64_t>(seen.size()) &&
         absl::Now() < follow_deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  (*follower)->Stop();
  run.join();
  std::cout << "[          ] FeedFollower: " << followed.size() << " changes, "
            << (*follower)->stats().reconnects << " reconnects\n";
  EXPECT_GT((*follower)->stats().reconnects, 3);
  ASSERT_EQ(followed.size(), seen.size());
  EXPECT_EQ(Tokens(followed), Tokens(seen));
}

TEST_F(WatchChangesTest, FiltersDeliverOnlyWhatTheyMatch) {
  const gv1::Cycle cycle_a = tenant_->NewCycle();
  const gv1::Cycle cycle_b = tenant_->NewCycle();
  const gv1::Objective o1 = tenant_->NewObjective(cycle_a, "subtree one");
  const gv1::Objective o1c = tenant_->NewObjective(cycle_a, "below one", o1.name());
  const gv1::Objective o2 = tenant_->NewObjective(cycle_a, "subtree two");
  const gv1::Objective o3 = tenant_->NewObjective(cycle_b, "other cycle");
  const gv1::KeyResult k1 = tenant_->NewKeyResult(o1, 0, 100);
  const gv1::KeyResult k1c = tenant_->NewKeyResult(o1c, 0, 100);
  const gv1::KeyResult k2 = tenant_->NewKeyResult(o2, 0, 100);
  const gv1::KeyResult k3 = tenant_->NewKeyResult(o3, 0, 100);
  ASSERT_FALSE(HasFailure());
  const std::string start = NowToken(*tenant_);

  // After the start: new objectives and key results in both subtrees, events on every key result
  // and a person changed.
  const gv1::Objective o1d = tenant_->NewObjective(cycle_a, "also below one", o1.name());
  const gv1::KeyResult k1d = tenant_->NewKeyResult(o1d, 0, 100);
  const gv1::Objective o2c = tenant_->NewObjective(cycle_a, "below two", o2.name());
  tenant_->NewKeyResult(o2c, 0, 100);
  ASSERT_NO_FATAL_FAILURE(Ingest(
      *tenant_, server_->channel(),
      {Kr(k1.name()), Kr(k1c.name()), Kr(k2.name()), Kr(k3.name()), Kr(k1d.name())}, 100, "f-"));
  tenant_->SeedPeople();  // Unchanged: reported as nothing.
  ASSERT_FALSE(HasFailure());

  gv1::WatchChangesRequest all;
  all.set_resume_token(start);
  const std::vector<gv1::Change> reference = Backlog(*tenant_, all);
  ASSERT_FALSE(reference.empty());

  auto in_subtree = [&](const gv1::Change& c, const std::vector<gv1::Objective>& roots) {
    for (const auto& root : roots) {
      if (c.resource_name() == root.name() ||
          absl::StartsWith(c.resource_name(), root.name() + "/")) {
        return true;
      }
    }
    return false;
  };
  // The reference itself spans both subtrees and both cycles, so the filters have work to do.
  ASSERT_FALSE(Filter(reference, [&](const gv1::Change& c) {
                 return in_subtree(c, {o2, o2c});
               }).empty());
  ASSERT_FALSE(Filter(reference, [&](const gv1::Change& c) {
                 return c.cycle_name() == cycle_b.name();
               }).empty());

  {
    SCOPED_TRACE("kinds");
    gv1::WatchChangesRequest request = all;
    request.add_kinds(gv1::CHANGE_KIND_CHECK_IN_CREATED);
    request.add_kinds(gv1::CHANGE_KIND_OBJECTIVE_CREATED);
    const auto got = Backlog(*tenant_, request);
    const auto want = Filter(reference, [](const gv1::Change& c) {
      return c.kind() == gv1::CHANGE_KIND_CHECK_IN_CREATED ||
             c.kind() == gv1::CHANGE_KIND_OBJECTIVE_CREATED;
    });
    EXPECT_EQ(want.size(), 100u + 2u);
    EXPECT_EQ(Keys(got), Keys(want));
  }
  {
    SCOPED_TRACE("cycle");
    gv1::WatchChangesRequest request = all;
    request.set_cycle(cycle_a.name());
    const auto got = Backlog(*tenant_, request);
    const auto want =
        Filter(reference, [&](const gv1::Change& c) { return c.cycle_name() == cycle_a.name(); });
    EXPECT_EQ(Keys(got), Keys(want));
    for (const auto& change : got) {
      EXPECT_FALSE(in_subtree(change, {o3})) << change.ShortDebugString();
    }
  }
  {
    SCOPED_TRACE("objective subtree");
    gv1::WatchChangesRequest request = all;
    request.set_objective(o1.name());
    const auto got = Backlog(*tenant_, request);
    const auto want = Filter(reference, [&](const gv1::Change& c) {
      return in_subtree(c, {o1, o1c, o1d});
    });
    EXPECT_GE(want.size(), 60u);
    EXPECT_EQ(Keys(got), Keys(want));
    for (const auto& change : got) {
      EXPECT_FALSE(in_subtree(change, {o2, o2c, o3})) << change.ShortDebugString();
    }
  }
}

TEST_F(WatchChangesTest, MalformedTokenIsInvalidArgument) {
  gv1::WatchChangesRequest request;
  request.set_resume_token("not-a-token");
  grpc::Status end;
  const auto changes = Backlog(*tenant_, request, &end);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(end.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(end);
}

// A server of its own: its feed keeps changes for one second only.
TEST(WatchChangesRetentionTest, TokenOlderThanTheRetentionIsOutOfRange) {
  GoalsServer server(
      {"--drain-period", "0s", "--change-retention", "1s", "--change-prune-interval", "200ms"});
  ASSERT_EQ(server.Start(), "");
  Tenant tenant(server.channel(), "t-watch-retention");
  tenant.SeedPeople();
  const std::string start = NowToken(tenant);
  const gv1::Cycle cycle = tenant.NewCycle();
  tenant.NewObjective(cycle, "written right after the cycle");
  ASSERT_FALSE(::testing::Test::HasFailure());
  gv1::WatchChangesRequest request;
  request.set_resume_token(start);
  const auto first = Backlog(tenant, request);
  ASSERT_GE(first.size(), 2u);
  // Resuming after the first change needs the second, which will be pruned.
  const std::string first_token = first.front().resume_token();

  absl::SleepFor(absl::Milliseconds(1500));
  tenant.NewObjective(cycle, "written after the first change expired");
  ASSERT_FALSE(::testing::Test::HasFailure());

  // Pruning runs every 200ms: the first token must be refused soon.
  grpc::Status end;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    request.set_resume_token(first_token);
    Backlog(tenant, request, &end);
    if (end.error_code() == grpc::StatusCode::OUT_OF_RANGE) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < deadline);
  EXPECT_EQ(end.error_code(), grpc::StatusCode::OUT_OF_RANGE) << Describe(end);
  EXPECT_EQ(Reason(end), "RESUME_TOKEN_EXPIRED");
  // So is the checkpoint taken before both.
  request.set_resume_token(start);
  Backlog(tenant, request, &end);
  EXPECT_EQ(end.error_code(), grpc::StatusCode::OUT_OF_RANGE) << Describe(end);

  // A position within the retention still works.
  request.set_resume_token(NowToken(tenant));
  tenant.NewObjective(cycle, "fresh");
  const auto fresh = Backlog(tenant, request);
  EXPECT_FALSE(Filter(fresh, [](const gv1::Change& c) {
                 return c.kind() == gv1::CHANGE_KIND_OBJECTIVE_CREATED;
               }).empty());
}

}  // namespace
}  // namespace okr::e2e
