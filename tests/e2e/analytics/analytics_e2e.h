// What the analytics end-to-end suites share: okr-goals, okr-feedback and okr-analytics processes
// (analytics follows both feeds over real gRPC), a tenant per test, and helpers to write goals and
// feedback data and to read and compare aggregates.
#pragma once

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <functional>

#include "okr/analytics/v1/analytics_service.grpc.pb.h"
#include "tests/e2e/feedback/feedback_e2e.h"

namespace okr::e2e {

namespace av1 = ::okr::analytics::v1;

class AnalyticsServersSuite : public FeedbackServersSuite {
 protected:
  static void SetUpTestSuite() {
    StartServers();
    if (!problem_.empty()) return;
    analytics_dir_ = new test_support::TempDir;
    analytics_ = StartAnalytics(analytics_dir_->path()).release();
  }

  static void TearDownTestSuite() {
    delete analytics_;
    analytics_ = nullptr;
    delete analytics_dir_;
    analytics_dir_ = nullptr;
    FeedbackServersSuite::TearDownTestSuite();
  }

  // An okr-analytics following this suite's goals and feedback, with its database in `dir`.
  // `extra` flags are added; one named there (e.g. --goals-address) replaces the default.
  static std::unique_ptr<test_support::ServiceProcess> StartAnalytics(
      const std::string& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = {"--db-synchronous", "normal", "--drain-period", "0s"};
    const std::pair<const char*, std::string> defaults[] = {
        {"--goals-address", absl::StrCat("127.0.0.1:", goals_->port())},
        {"--feedback-address", absl::StrCat("127.0.0.1:", feedback_->port())},
        // Nothing listens there: by default analytics runs with Redis down.
        {"--redis", "127.0.0.1:1"}};
    for (const auto& [flag, value] : defaults) {
      if (std::find(extra.begin(), extra.end(), flag) != extra.end()) continue;
      flags.push_back(flag);
      flags.push_back(value);
    }
    flags.insert(flags.end(), extra.begin(), extra.end());
    auto analytics = test_support::ServiceProcess::Start("analytics", dir, flags);
    if (!analytics.ok()) {
      problem_ = absl::StrCat("okr-analytics: ", analytics.status().message());
      return nullptr;
    }
    if (!(*analytics)->WaitServing()) {
      problem_ = "okr-analytics did not become SERVING:\n" + (*analytics)->Log();
      return nullptr;
    }
    return *std::move(analytics);
  }

  void SetUp() override {
    FeedbackServersSuite::SetUp();
    ASSERT_NE(analytics_, nullptr) << problem_;
    analytics_stub_ = av1::AnalyticsService::NewStub(analytics_->channel());
  }

  // Waits until `check` holds (polling every 5 ms); false after `timeout`.
  static bool Eventually(const std::function<bool()>& check,
                         absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time give_up = absl::Now() + timeout;
    while (!check()) {
      if (absl::Now() > give_up) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  av1::TeamSummary TeamSummary(const std::string& token, const std::string& team,
                               const std::string& cycle, bool sub_teams = false,
                               grpc::Status* status = nullptr,
                               av1::AnalyticsService::Stub* stub = nullptr) {
    av1::GetTeamSummaryRequest request;
    request.set_team(team);
    request.set_cycle(cycle);
    request.set_include_sub_teams(sub_teams);
    av1::TeamSummary out;
    grpc::Status s = (stub ? stub : analytics_stub_.get())
                         ->GetTeamSummary(Ctx(token, absl::Seconds(30)).get(), request, &out);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return out;
  }

  // An ACTIVE goals cycle spanning `start`..`end`; returns its name.
  std::string CreateActiveCycle(const std::string& display_name, const google::type::Date& start,
                                const google::type::Date& end) {
    gv1::CreateCycleRequest request;
    request.mutable_cycle()->set_display_name(display_name);
    *request.mutable_cycle()->mutable_start_date() = start;
    *request.mutable_cycle()->mutable_end_date() = end;
    request.mutable_cycle()->set_state(gv1::CYCLE_STATE_ACTIVE);
    gv1::Cycle out;
    grpc::Status s = goals_stub_->CreateCycle(Ctx(Admin()).get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  // A key result with start 0 and target 100 under `objective`; returns its name, or "" (and
  // `status`) when goals refuses it.
  std::string CreateKeyResult(const std::string& objective, const std::string& owner = "",
                              grpc::Status* status = nullptr) {
    gv1::CreateKeyResultRequest request;
    request.set_parent(objective);
    gv1::KeyResult* kr = request.mutable_key_result();
    kr->set_title("Measure");
    kr->set_type(gv1::KEY_RESULT_TYPE_NUMERIC);
    kr->set_direction(gv1::KEY_RESULT_DIRECTION_INCREASE);
    kr->set_start_value(0);
    kr->set_target_value(100);
    if (!owner.empty()) kr->set_owner("people/" + owner);
    gv1::KeyResult out;
    grpc::Status s = goals_stub_->CreateKeyResult(Ctx(Admin()).get(), request, &out);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return s.ok() ? out.name() : "";
  }

  void CheckIn(const std::string& key_result, double value) {
    gv1::CreateCheckInRequest request;
    request.set_parent(key_result);
    request.mutable_check_in()->set_value(value);
    request.mutable_check_in()->set_confidence(7);
    gv1::CheckIn out;
    grpc::Status s = goals_stub_->CreateCheckIn(Ctx(Admin()).get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Feedback from `author` to `recipient`; returns its name.
  std::string GiveFeedback(const std::string& author, const std::string& recipient,
                           fv1::FeedbackKind kind, fv1::FeedbackVisibility visibility,
                           bool anonymous = false) {
    fv1::CreateFeedbackRequest request;
    fv1::Feedback* f = request.mutable_feedback();
    f->set_recipient("people/" + recipient);
    f->set_kind(kind);
    f->set_visibility(visibility);
    f->set_anonymous(anonymous);
    f->set_body("Thanks for the review");
    fv1::Feedback out;
    grpc::Status s = feedback_stub_->CreateFeedback(Ctx(Token(author)).get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  static inline test_support::TempDir* analytics_dir_ = nullptr;
  static inline test_support::ServiceProcess* analytics_ = nullptr;
  std::unique_ptr<av1::AnalyticsService::Stub> analytics_stub_;
};

}  // namespace okr::e2e
