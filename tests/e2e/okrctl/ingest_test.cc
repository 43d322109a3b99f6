// `okrctl ingest FILE` against a real okr-goals: JSON lines of progress events for metric-bound
// key results, the acked and failed counts per line, each failed line named on stderr with its
// reason, the key results moved exactly once (read back with `krs show`), a malformed file
// refused before anything is sent, and the token's rights.
#include "tests/e2e/okrctl/okrctl_e2e.h"

namespace okr::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr double kEps = 1e-9;

// One JSON line of a ProgressEvent for `metric_key`; `mode` "" leaves it out.
std::string Event(const std::string& id, const std::string& metric_key, double value,
                  const std::string& mode, absl::Time observed = absl::Now()) {
  nlohmann::json e = {
      {"eventId", id},
      {"metricKey", metric_key},
      {"value", value},
      {"observedAt", absl::FormatTime(absl::RFC3339_sec, observed, absl::UTCTimeZone())},
      {"source", "crm-sync"}};
  if (!mode.empty()) e["mode"] = "PROGRESS_MODE_" + mode;
  return e.dump() + "\n";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  return lines;
}

class OkrctlIngestTest : public OkrctlSuite {
 protected:
  void SetUp() override {
    OkrctlSuite::SetUp();
    if (HasFatalFailure()) return;
    company_ = SeedCompany();
    // A second key result on sales.deals (under B), and one on sales.demos (under C).
    saved_ = CreatedName({"krs", "create", company_.b, "--title", "Deals saved", "--target", "10",
                          "--metric-key", "sales.deals"});
    demos_ = CreatedName({"krs", "create", company_.c, "--title", "Demos booked", "--target", "20",
                          "--metric-key", "sales.demos"});
    ASSERT_FALSE(HasFailure()) << "seeding the company through okrctl failed";
    ingest_.token = Token("crm-sync", {"ingest"});
  }

  // `krs show KR -o json`.
  nlohmann::json Show(const std::string& key_result) {
    return CtlJson({"krs", "show", key_result, "--check-ins", "20"});
  }

  Company company_;
  std::string saved_, demos_;
  CtlOptions ingest_;
};

TEST_F(OkrctlIngestTest, AckedAndFailedLinesAreCountedAndTheKeyResultsMove) {
  const std::string path = WriteFile(
      "events.jsonl",
      Event("crm:deal-1", "sales.deals", 1, "INCREMENT") +
          Event("crm:deal-2", "sales.deals", 2, "INCREMENT") + "\n" +
          Event("crm:typo", "sales.dealz", 1, "INCREMENT") +
          Event("cal:demos", "sales.demos", 12, "SET") +
          Event("crm:no-mode", "sales.deals", 5, "") +
          Event("crm:future", "sales.deals", 1, "INCREMENT", absl::Now() + absl::Hours(1)) +
          Event("bad id!", "sales.deals", 1, "INCREMENT") +
          // The sender resent line 2: acknowledged again, applied once.
          Event("crm:deal-2", "sales.deals", 2, "INCREMENT"));
  const CtlRun run = Ctl({"ingest", path}, ingest_);
  EXPECT_EQ(run.exit_code, 1) << run;  // some lines failed
  EXPECT_THAT(run.out, StartsWith("8 events: 4 acked, 4 failed, 0 unanswered in ")) << run;
  EXPECT_THAT(run.out, Not(HasSubstr("line ")));
  const std::vector<std::string> errors = Lines(run.err);
  ASSERT_EQ(errors.size(), 4u) << run;
  EXPECT_THAT(errors[0], StartsWith("  line 4: crm:typo: UNKNOWN_METRIC_KEY (metric_key): "));
  EXPECT_THAT(errors[1], StartsWith("  line 6: crm:no-mode: PROGRESS_MODE_MISSING (mode): "));
  EXPECT_THAT(errors[2], StartsWith("  line 7: crm:future: OBSERVED_AT_IN_FUTURE (observed_at): "));
  EXPECT_THAT(errors[3], StartsWith("  line 8: bad id!: INVALID_EVENT_ID (event_id): "));

  // Both key results on sales.deals took 1 + 2, once; the demos were set to 12.
  nlohmann::json a1 = Show(company_.a1);
  EXPECT_DOUBLE_EQ(a1["keyResult"]["currentValue"].get<double>(), 35);
  EXPECT_NEAR(a1["keyResult"]["progress"].get<double>(), 35.0 / 40, kEps);
  ASSERT_EQ(a1["checkIns"].size(), 3u) << a1.dump();  // the manual one and two streamed
  nlohmann::json deal2 = FindBy(a1["checkIns"], "eventId", "crm:deal-2");
  ASSERT_TRUE(deal2.is_object()) << a1.dump();
  EXPECT_EQ(deal2["source"], "CHECK_IN_SOURCE_STREAMED");
  EXPECT_EQ(deal2["eventSource"], "crm-sync");
  EXPECT_EQ(deal2["author"], "");
  EXPECT_DOUBLE_EQ(deal2["increment"].get<double>(), 2);
  EXPECT_TRUE(FindBy(a1["checkIns"], "eventId", "crm:deal-1").is_object()) << a1.dump();
  nlohmann::json saved = Show(saved_);
  EXPECT_DOUBLE_EQ(saved["keyResult"]["currentValue"].get<double>(), 3);
  EXPECT_NEAR(saved["keyResult"]["progress"].get<double>(), 0.3, kEps);
  nlohmann::json demos = Show(demos_);
  EXPECT_DOUBLE_EQ(demos["keyResult"]["currentValue"].get<double>(), 12);
  EXPECT_NEAR(demos["keyResult"]["progress"].get<double>(), 0.6, kEps);
  EXPECT_THAT(Values(demos["checkIns"], "eventId"), ElementsAre("cal:demos"));
  // The objective rolled up: A is the mean of a1 and a2.
  EXPECT_NEAR(CtlJson({"objectives", "show", company_.a})["objective"]["progress"].get<double>(),
              (35.0 / 40 + 0.7) / 2, kEps);

  // The same file again, as JSON: the applied ids are acknowledged, nothing moves twice.
  const CtlRun again = Ctl({"ingest", path, "-o", "json"}, ingest_);
  EXPECT_EQ(again.exit_code, 1) << again;
  const nlohmann::json report = nlohmann::json::parse(again.out);
  EXPECT_EQ(report["events"], 8);
  EXPECT_EQ(report["acked"], 4);
  EXPECT_EQ(report["failed"], 4);
  EXPECT_EQ(report["unanswered"], 0);
  ASSERT_EQ(report["errors"].size(), 4u) << report.dump();
  EXPECT_EQ(report["errors"][0]["line"], 4);
  EXPECT_EQ(report["errors"][0]["eventId"], "crm:typo");
  EXPECT_EQ(report["errors"][0]["code"], 5);  // NOT_FOUND
  EXPECT_EQ(report["errors"][0]["reason"], "UNKNOWN_METRIC_KEY");
  EXPECT_EQ(report["errors"][0]["field"], "metric_key");
  EXPECT_EQ(report["errors"][1]["line"], 6);
  EXPECT_EQ(report["errors"][2]["line"], 7);
  EXPECT_EQ(report["errors"][3]["line"], 8);
  EXPECT_EQ(report["errors"][3]["code"], 3);  // INVALID_ARGUMENT
  EXPECT_DOUBLE_EQ(Show(company_.a1)["keyResult"]["currentValue"].get<double>(), 35);
  EXPECT_DOUBLE_EQ(Show(demos_)["keyResult"]["currentValue"].get<double>(), 12);
}

TEST_F(OkrctlIngestTest, AllGoodLinesFromStdinExitZero) {
  CtlOptions from_stdin = ingest_;
  from_stdin.stdin_path = WriteFile(
      "events.jsonl", Event("e1", "sales.demos", 4, "INCREMENT") +
                          Event("e2", "sales.demos", 5, "INCREMENT") +
                          Event("e3", "sales.demos", 20, "SET", absl::Now() - absl::Hours(48)));
  const CtlRun run = MustCtl({"ingest", "-"}, from_stdin);
  EXPECT_THAT(run.out, StartsWith("3 events: 3 acked, 0 failed, 0 unanswered in ")) << run;
  EXPECT_THAT(run.err, IsEmpty());
  // The SET was observed before the increments' observations: kept in the history, superseded.
  nlohmann::json demos = Show(demos_);
  EXPECT_DOUBLE_EQ(demos["keyResult"]["currentValue"].get<double>(), 9);
  nlohmann::json set = FindBy(demos["checkIns"], "eventId", "e3");
  ASSERT_TRUE(set.is_object()) << demos.dump();
  EXPECT_TRUE(set["superseded"].get<bool>());
}

TEST_F(OkrctlIngestTest, MalformedLineStopsTheCommandBeforeAnythingIsSent) {
  const std::string path = WriteFile("events.jsonl", Event("e1", "sales.deals", 1, "INCREMENT") +
                                                         "{\"eventId\": \"e2\", \"value\": }\n" +
                                                         Event("e3", "sales.deals", 1, "SET"));
  const CtlRun run = Ctl({"ingest", path}, ingest_);
  EXPECT_EQ(run.exit_code, 2) << run;
  EXPECT_THAT(run.err, StartsWith("okrctl: " + path + " line 2: not a ProgressEvent"));
  EXPECT_THAT(run.out, IsEmpty());
  const CtlRun unknown_field = Ctl(
      {"ingest", WriteFile("fields.jsonl", "{\"eventId\": \"e1\", \"metric\": \"sales.deals\"}\n")},
      ingest_);
  EXPECT_EQ(unknown_field.exit_code, 2) << unknown_field;
  EXPECT_THAT(unknown_field.err, HasSubstr("line 1: not a ProgressEvent"));
  const CtlRun missing = Ctl({"ingest", work_->path() + "/none.jsonl"}, ingest_);
  EXPECT_EQ(missing.exit_code, 2) << missing;
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
  EXPECT_DOUBLE_EQ(Show(company_.a1)["keyResult"]["currentValue"].get<double>(), 32);
}

TEST_F(OkrctlIngestTest, TokenWithoutTheIngestRoleExitsFourAndMovesNothing) {
  const std::string path = WriteFile("events.jsonl", Event("e1", "sales.deals", 1, "INCREMENT"));
  const CtlRun admin = Ctl({"ingest", path});  // admin, but not ingest
  EXPECT_EQ(admin.exit_code, 4) << admin;
  EXPECT_THAT(admin.out, StartsWith("1 events: 0 acked, 0 failed, 1 unanswered in "));
  EXPECT_THAT(admin.err, HasSubstr("okrctl: ingest stopped: PERMISSION_DENIED: "));
  CtlOptions nobody;
  nobody.token = "";
  const CtlRun anonymous = Ctl({"ingest", path}, nobody);
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous;
  EXPECT_THAT(anonymous.err, HasSubstr("okrctl: ingest stopped: UNAUTHENTICATED: "));
  EXPECT_DOUBLE_EQ(Show(company_.a1)["keyResult"]["currentValue"].get<double>(), 32);
}

}  // namespace
}  // namespace okr::e2e
