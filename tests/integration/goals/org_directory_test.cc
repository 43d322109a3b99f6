// OrgDirectory against a real SQLite file migrated with the goals schema, through the same
// group-commit writer and read pool the service uses.
#include "services/goals/src/store/org_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "okr/common/status/errors.h"
#include "okr/common/storage/sqlite_database.h"
#include "services/goals/src/store/schema.h"
#include "tests/support/temp_dir.h"

namespace okr::goals {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Person MakePerson(const std::string& id, const std::string& manager = "",
                  std::vector<std::string> teams = {}) {
  Person person;
  person.id = id;
  person.display_name = "Person " + id;
  person.manager = manager;
  person.teams = std::move(teams);
  return person;
}

Team MakeTeam(const std::string& id, const std::string& parent = "") {
  Team team;
  team.id = id;
  team.display_name = "Team " + id;
  team.parent = parent;
  return team;
}

std::vector<std::string> Ids(const std::vector<Person>& people) {
  std::vector<std::string> ids;
  for (const auto& person : people) ids.push_back(person.id);
  return ids;
}

class OrgDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::SqliteDatabaseOptions options;
    options.path = dir_.path() + "/goals.db";
    options.migrations = GoalsMigrations();
    options.synchronous = common::SqliteSynchronous::kNormal;
    auto database = common::SqliteDatabase::Open(options);
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
  }

  absl::StatusOr<std::vector<Person>> UpsertPeople(const std::vector<Person>& batch,
                                                   absl::Time now = kT0,
                                                   const std::string& tenant = "acme") {
    std::vector<Person> stored;
    absl::Status status = database_->WriteAndWait([&](common::SqlSession& session) {
      auto result = OrgDirectory(session, tenant).UpsertPeople(batch, now);
      if (!result.ok()) return result.status();
      stored = *std::move(result);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return stored;
  }

  absl::StatusOr<std::vector<Team>> UpsertTeams(const std::vector<Team>& batch,
                                                absl::Time now = kT0) {
    std::vector<Team> stored;
    absl::Status status = database_->WriteAndWait([&](common::SqlSession& session) {
      auto result = OrgDirectory(session, "acme").UpsertTeams(batch, now);
      if (!result.ok()) return result.status();
      stored = *std::move(result);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return stored;
  }

  // Runs `fn` with a directory for `tenant` in a read transaction.
  template <typename Fn>
  auto Read(Fn fn, const std::string& tenant = "acme") {
    decltype(fn(std::declval<OrgDirectory&>())) result = absl::UnknownError("not run");
    absl::Status status = database_->Read([&](common::SqlSession& session) {
      OrgDirectory directory(session, tenant);
      result = fn(directory);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return result;
  }

  std::optional<Person> Find(const std::string& id, const std::string& tenant = "acme") {
    auto found = Read([&](OrgDirectory& d) { return d.FindPerson(id); }, tenant);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.value_or(std::nullopt);
  }

  test_support::TempDir dir_;
  common::SqliteDatabasePtr database_;
};

TEST_F(OrgDirectoryTest, UpsertStoresAndReturnsRecordsWithOutputFields) {
  auto stored = UpsertPeople({MakePerson("ada", "", {"eng", "ops"}), MakePerson("bob", "ada")});
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[0].etag, "\"1\"");
  EXPECT_EQ((*stored)[0].create_time, kT0);
  EXPECT_EQ((*stored)[0].update_time, kT0);
  auto bob = Find("bob");
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->manager, "ada");
  EXPECT_EQ(bob->etag, "\"1\"");
  EXPECT_THAT(Find("ada")->teams, ElementsAre("eng", "ops"));
}

TEST_F(OrgDirectoryTest, SameRecordAgainChangesNothing) {
  ASSERT_TRUE(UpsertPeople({MakePerson("ada", "", {"eng"})}).ok());
  auto again = UpsertPeople({MakePerson("ada", "", {"eng"})}, kT0 + absl::Hours(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].etag, "\"1\"");
  EXPECT_EQ((*again)[0].update_time, kT0);
  EXPECT_EQ(Find("ada")->update_time, kT0);
}

TEST_F(OrgDirectoryTest, ChangeReplacesTheWholeRecordAndBumpsTheEtag) {
  ASSERT_TRUE(UpsertPeople({MakePerson("ada", "", {"eng", "ops"})}).ok());
  Person changed = MakePerson("ada", "", {"sales"});
  changed.email = "ada@example.com";
  changed.state = OrgState::kInactive;
  auto stored = UpsertPeople({changed}, kT0 + absl::Hours(1));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)[0].etag, "\"2\"");
  auto ada = Find("ada");
  EXPECT_EQ(ada->create_time, kT0);
  EXPECT_EQ(ada->update_time, kT0 + absl::Hours(1));
  EXPECT_THAT(ada->teams, ElementsAre("sales"));
  EXPECT_EQ(ada->email, "ada@example.com");
  EXPECT_EQ(ada->state, OrgState::kInactive);
}

TEST_F(OrgDirectoryTest, StaleEtagAbortsTheWholeBatch) {
  ASSERT_TRUE(UpsertPeople({MakePerson("ada"), MakePerson("bob")}).ok());
  Person ada = MakePerson("ada");
  ada.display_name = "Ada L.";
  ada.etag = "\"1\"";
  Person bob = MakePerson("bob");
  bob.etag = "\"9\"";
  Person carol = MakePerson("carol");
  auto stored = UpsertPeople({ada, bob, carol});
  ASSERT_EQ(stored.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(common::ErrorReason(stored.status()), "ETAG_MISMATCH");
  ASSERT_EQ(common::ErrorFieldViolations(stored.status()).size(), 1u);
  EXPECT_EQ(common::ErrorFieldViolations(stored.status())[0].field, "people[1].etag");
  EXPECT_EQ(Find("ada")->display_name, "Person ada");
  EXPECT_FALSE(Find("carol").has_value());

  bob.etag = "\"1\"";
  EXPECT_TRUE(UpsertPeople({ada, bob, carol}).ok());
  EXPECT_EQ(Find("ada")->etag, "\"2\"");
}

TEST_F(OrgDirectoryTest, ReferencesMayNameRecordsNotSyncedYet) {
  ASSERT_TRUE(UpsertPeople({MakePerson("bob", "ada", {"eng"})}).ok());
  auto chain = Read([](OrgDirectory& d) { return d.GetReportingChain("bob", 0); });
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->managers.empty());
  EXPECT_EQ(chain->unresolved_manager, "ada");
  // Once the manager is synced the reference resolves.
  ASSERT_TRUE(UpsertPeople({MakePerson("ada")}).ok());
  chain = Read([](OrgDirectory& d) { return d.GetReportingChain("bob", 0); });
  EXPECT_THAT(Ids(chain->managers), ElementsAre("ada"));
  EXPECT_EQ(chain->unresolved_manager, "");
}

TEST_F(OrgDirectoryTest, ManagerCycleWithinTheBatchIsRejected) {
  auto stored = UpsertPeople(
      {MakePerson("a", "b"), MakePerson("x"), MakePerson("b", "c"), MakePerson("c", "a")});
  ASSERT_EQ(stored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReason(stored.status()), "MANAGER_CYCLE");
  std::vector<std::string> fields;
  for (const auto& v : common::ErrorFieldViolations(stored.status())) fields.push_back(v.field);
  EXPECT_THAT(fields,
              UnorderedElementsAre("people[0].manager", "people[2].manager", "people[3].manager"));
  EXPECT_FALSE(Find("x").has_value());
}

TEST_F(OrgDirectoryTest, ManagerCycleThroughStoredPeopleIsRejected) {
  ASSERT_TRUE(
      UpsertPeople({MakePerson("ceo"), MakePerson("vp", "ceo"), MakePerson("dev", "vp")}).ok());
  auto stored = UpsertPeople({MakePerson("ceo", "dev")});
  ASSERT_EQ(stored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorFieldViolations(stored.status())[0].field, "people[0].manager");
  EXPECT_EQ(Find("ceo")->manager, "");
  // Re-pointing the chain in one batch so that no cycle remains is fine.
  EXPECT_TRUE(UpsertPeople({MakePerson("ceo", "dev"), MakePerson("dev")}).ok());
}

TEST_F(OrgDirectoryTest, TeamCycleIsRejected) {
  ASSERT_TRUE(UpsertTeams({MakeTeam("org"), MakeTeam("eng", "org")}).ok());
  auto stored = UpsertTeams({MakeTeam("org", "eng")});
  ASSERT_EQ(stored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReason(stored.status()), "TEAM_CYCLE");
  EXPECT_EQ(common::ErrorFieldViolations(stored.status())[0].field, "teams[0].parent");
  auto org = Read([](OrgDirectory& d) { return d.FindTeam("org"); });
  EXPECT_EQ((*org)->parent, "");
}

TEST_F(OrgDirectoryTest, TeamsUpsertIsIdempotentAndListsByParent) {
  ASSERT_TRUE(UpsertTeams({MakeTeam("org"), MakeTeam("eng", "org"), MakeTeam("ops", "org"),
                           MakeTeam("web", "eng")})
                  .ok());
  auto again = UpsertTeams({MakeTeam("eng", "org")}, kT0 + absl::Hours(2));
  EXPECT_EQ((*again)[0].etag, "\"1\"");
  EXPECT_EQ((*again)[0].update_time, kT0);
  auto page = Read([](OrgDirectory& d) { return d.ListTeams({"org", false}, "", 10); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, "eng");
  EXPECT_EQ(page->items[1].id, "ops");
  EXPECT_EQ(page->next_after, "");
}

TEST_F(OrgDirectoryTest, TenantsNeverSeeEachOther) {
  ASSERT_TRUE(UpsertPeople({MakePerson("ada")}, kT0, "acme").ok());
  EXPECT_FALSE(Find("ada", "globex").has_value());
  auto page = Read([](OrgDirectory& d) { return d.ListPeople({}, "", 10); }, "globex");
  EXPECT_TRUE(page->items.empty());
  // The same id in another tenant is another person, with its own etag history.
  ASSERT_TRUE(UpsertPeople({MakePerson("ada", "boss")}, kT0, "globex").ok());
  EXPECT_EQ(Find("ada", "acme")->manager, "");
  EXPECT_EQ(Find("ada", "globex")->etag, "\"1\"");
  // A manager chain never crosses tenants either.
  ASSERT_TRUE(UpsertPeople({MakePerson("boss")}, kT0, "acme").ok());
  auto chain = Read([](OrgDirectory& d) { return d.GetReportingChain("ada", 0); }, "globex");
  EXPECT_TRUE(chain->managers.empty());
  EXPECT_EQ(chain->unresolved_manager, "boss");
}

TEST_F(OrgDirectoryTest, ListPeoplePagesInIdOrderWithFilters) {
  std::vector<Person> batch;
  for (int i = 0; i < 25; ++i) {
    char id[8];
    std::snprintf(id, sizeof(id), "p%02d", i);
    batch.push_back(
        MakePerson(id, i % 2 == 0 ? "boss" : "",
                   i % 3 == 0 ? std::vector<std::string>{"eng"} : std::vector<std::string>{}));
    if (i == 6) batch.back().state = OrgState::kInactive;
  }
  batch.push_back(MakePerson("boss"));
  ASSERT_TRUE(UpsertPeople(batch).ok());

  // Direct reports of boss in eng: p00, p06 (inactive), p12, p18, p24.
  PeopleFilter filter{"eng", "boss", false};
  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  do {
    auto page = Read([&](OrgDirectory& d) { return d.ListPeople(filter, after, 2); });
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& person : page->items) {
      seen.push_back(person.id);
      EXPECT_THAT(person.teams, ElementsAre("eng"));
    }
    after = page->next_after;
    ++pages;
  } while (!after.empty() && pages < 10);
  EXPECT_THAT(seen, ElementsAre("p00", "p12", "p18", "p24"));
  EXPECT_EQ(pages, 2);

  filter.include_inactive = true;
  auto all = Read([&](OrgDirectory& d) { return d.ListPeople(filter, "", 100); });
  EXPECT_THAT(Ids(all->items), ElementsAre("p00", "p06", "p12", "p18", "p24"));
  auto reports = Read([&](OrgDirectory& d) {
    return d.ListPeople({"", "boss", true}, "p20", 100);
  });
  EXPECT_THAT(Ids(reports->items), ElementsAre("p22", "p24"));
  auto nobody = Read([&](OrgDirectory& d) {
    return d.ListPeople({"no-such-team", "", true}, "", 100);
  });
  EXPECT_TRUE(nobody->items.empty());
}

TEST_F(OrgDirectoryTest, ReportingChainIsNearestFirstAndHonoursMaxDepth) {
  ASSERT_TRUE(UpsertPeople({MakePerson("dev", "lead"), MakePerson("lead", "vp"),
                            MakePerson("vp", "ceo"), MakePerson("ceo")})
                  .ok());
  auto chain = Read([](OrgDirectory& d) { return d.GetReportingChain("dev", 0); });
  EXPECT_THAT(Ids(chain->managers), ElementsAre("lead", "vp", "ceo"));
  EXPECT_EQ(chain->unresolved_manager, "");
  chain = Read([](OrgDirectory& d) { return d.GetReportingChain("dev", 2); });
  EXPECT_THAT(Ids(chain->managers), ElementsAre("lead", "vp"));
  chain = Read([](OrgDirectory& d) { return d.GetReportingChain("ceo", 0); });
  EXPECT_TRUE(chain->managers.empty());
  auto missing = Read([](OrgDirectory& d) { return d.GetReportingChain("nobody", 0); });
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(common::ErrorReason(missing.status()), "PERSON_NOT_FOUND");
}

TEST_F(OrgDirectoryTest, CorruptCyclicChainIsReportedNotLooped) {
  ASSERT_TRUE(UpsertPeople({MakePerson("a", "b"), MakePerson("b")}).ok());
  // Damage the data behind the directory's back, as a bad manual edit could.
  ASSERT_TRUE(database_
                  ->WriteAndWait([](common::SqlSession& session) {
                    return session.Exec("UPDATE org_people SET manager = 'a' WHERE id = 'b'");
                  })
                  .ok());
  auto chain = Read([](OrgDirectory& d) { return d.GetReportingChain("a", 0); });
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(OrgDirectoryTest, LongChainIsBounded) {
  std::vector<Person> batch;
  for (int i = 0; i < 1100; i += 1) {
    batch.push_back(
        MakePerson("p" + std::to_string(i), i + 1 < 1100 ? "p" + std::to_string(i + 1) : ""));
  }
  ASSERT_TRUE(UpsertPeople({batch.begin(), batch.begin() + 1000}).ok());
  ASSERT_TRUE(UpsertPeople({batch.begin() + 1000, batch.end()}).ok());
  auto chain = Read([](OrgDirectory& d) { return d.GetReportingChain("p0", 0); });
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->managers.size(), static_cast<size_t>(kMaxReportingChain));
  EXPECT_EQ(chain->managers.front().id, "p1");
}

}  // namespace
}  // namespace okr::goals
