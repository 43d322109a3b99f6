// One-on-one rules: access, item ids, completion times, carrying over and linked objectives.
#include "services/feedback/src/domain/one_on_one_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace okr::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

// Ids "n1", "n2", ... in order, so tests can name them.
class Ids {
 public:
  std::string operator()() { return absl::StrCat("n", ++next_); }

 private:
  int next_ = 0;
};

std::vector<std::string> ViolationFields(const common::Violations& v) {
  std::vector<std::string> out;
  for (const auto& item : v.items()) out.push_back(item.field);
  return out;
}

TEST(OneOnOneAccessTest, ParticipantsAdminsAndOthers) {
  EXPECT_EQ(AccessOf(Viewer{"m"}, "m", "r"), OneOnOneAccess::kParticipant);
  EXPECT_EQ(AccessOf(Viewer{"r"}, "m", "r"), OneOnOneAccess::kParticipant);
  // A participant who is also an administrator reads as a participant (with notes).
  EXPECT_EQ(AccessOf(Viewer{"m", true}, "m", "r"), OneOnOneAccess::kParticipant);
  EXPECT_EQ(AccessOf(Viewer{"a", true}, "m", "r"), OneOnOneAccess::kWithoutNotes);
  EXPECT_EQ(AccessOf(Viewer{"svc", false, false, true}, "m", "r"), OneOnOneAccess::kWithoutNotes);
  EXPECT_EQ(AccessOf(Viewer{"h", false, true}, "m", "r"), OneOnOneAccess::kNone);
  EXPECT_EQ(AccessOf(Viewer{"x"}, "m", "r"), OneOnOneAccess::kNone);
  EXPECT_EQ(AccessOf(Viewer{""}, "", "r"), OneOnOneAccess::kNone);
}

TEST(OneOnOneAgendaTest, NewItemsGetIdsAndTheCallerAsAuthorKnownOnesKeepTheirs) {
  const std::vector<AgendaItem> previous = {{"a1", "old", "m", false}};
  std::vector<AgendaItem> items = {{"", "new", "", false}, {"a1", "edited", "", true}};
  common::Violations v;
  Ids ids;
  ResolveAgendaItems(previous, items, "r", std::ref(ids), "one_on_one.agenda_items", v);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(items[0].id, "n1");
  EXPECT_EQ(items[0].author, "r");
  EXPECT_EQ(items[1].id, "a1");
  EXPECT_EQ(items[1].author, "m");
  EXPECT_EQ(items[1].text, "edited");
}

TEST(OneOnOneAgendaTest, UnknownAndRepeatedIdsAreViolationsAtTheirIndex) {
  const std::vector<AgendaItem> previous = {{"a1", "old", "m", false}};
  std::vector<AgendaItem> items = {
      {"a1", "x", "", false}, {"zz", "y", "", false}, {"a1", "z", "", false}};
  common::Violations v;
  Ids ids;
  ResolveAgendaItems(previous, items, "r", std::ref(ids), "one_on_one.agenda_items", v);
  EXPECT_THAT(ViolationFields(v),
              ElementsAre("one_on_one.agenda_items[1].id", "one_on_one.agenda_items[2].id"));
}

TEST(OneOnOneActionItemsTest, CompleteTimeFollowsDone) {
  const absl::Time earlier = kNow - absl::Hours(5);
  const std::vector<ActionItem> previous = {{"d1", "m", "done before", true, std::nullopt, earlier},
                                            {"o1", "r", "open", false, std::nullopt, std::nullopt},
                                            {"d2", "r", "reopened", true, std::nullopt, earlier}};
  std::vector<ActionItem> items = {{"d1", "m", "done before", true, std::nullopt, std::nullopt},
                                   {"o1", "r", "open", true, std::nullopt, std::nullopt},
                                   {"d2", "r", "reopened", false, std::nullopt, earlier},
                                   {"", "m", "new done", true, std::nullopt, std::nullopt}};
  common::Violations v;
  Ids ids;
  ResolveActionItems(previous, items, "m", "r", kNow, std::ref(ids), "one_on_one.action_items", v);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(items[0].complete_time, earlier);       // stays done: keeps when it was done
  EXPECT_EQ(items[1].complete_time, kNow);          // became done now
  EXPECT_EQ(items[2].complete_time, std::nullopt);  // reopened: cleared
  EXPECT_EQ(items[3].complete_time, kNow);
  EXPECT_EQ(items[3].id, "n1");
}

TEST(OneOnOneActionItemsTest, OwnerMustBeAParticipant) {
  std::vector<ActionItem> items = {{"", "m", "ok", false, std::nullopt, std::nullopt},
                                   {"", "x", "bad", false, std::nullopt, std::nullopt}};
  common::Violations v;
  Ids ids;
  ResolveActionItems({}, items, "m", "r", kNow, std::ref(ids), "one_on_one.action_items", v);
  EXPECT_THAT(ViolationFields(v), ElementsAre("one_on_one.action_items[1].owner"));
}

OneOnOne WithItems(std::optional<absl::Time> last_meeting) {
  OneOnOne o;
  o.manager = "m";
  o.report = "r";
  o.last_meeting_time = last_meeting;
  o.agenda_items = {{"a1", "talked", "m", true}, {"a2", "next time", "r", false}};
  o.action_items = {{"d1", "m", "done before", true, std::nullopt, kNow - absl::Hours(1)},
                    {"o1", "r", "open", false, std::nullopt, std::nullopt}};
  return o;
}

TEST(OneOnOneCarryOverTest, RecordingAMeetingDropsDiscussedTopicsAndDoneItems) {
  const OneOnOne before = WithItems(std::nullopt);
  OneOnOne after = before;
  after.last_meeting_time = kNow;
  after.action_items[1].done = true;  // closed in this very update: stays until the next meeting
  after.action_items[1].complete_time = kNow;
  CarryOver(before, after);
  EXPECT_THAT(after.agenda_items, ElementsAre(Field(&AgendaItem::id, "a2")));
  EXPECT_THAT(after.action_items, ElementsAre(Field(&ActionItem::id, "o1")));
}

TEST(OneOnOneCarryOverTest, NothingIsDroppedWithoutANewerMeeting) {
  const OneOnOne before = WithItems(kNow);
  for (std::optional<absl::Time> last :
       {std::optional<absl::Time>(kNow), std::optional<absl::Time>(kNow - absl::Hours(24)),
        std::optional<absl::Time>()}) {
    OneOnOne after = before;
    after.last_meeting_time = last;
    CarryOver(before, after);
    EXPECT_EQ(after.agenda_items.size(), 2u);
    EXPECT_EQ(after.action_items.size(), 2u);
  }
  OneOnOne later = before;
  later.last_meeting_time = kNow + absl::Hours(1);
  CarryOver(before, later);
  EXPECT_EQ(later.agenda_items.size(), 1u);
}

TEST(OneOnOneObjectivesTest, PrivateObjectivesAreShownToTheirLinkersAndAdmins) {
  const LinkedObjective pub{"o1", false, {"m"}};
  const LinkedObjective priv{"o2", true, {"m"}};
  EXPECT_TRUE(ObjectiveShown(pub, OneOnOneAccess::kParticipant, "r"));
  EXPECT_TRUE(ObjectiveShown(priv, OneOnOneAccess::kParticipant, "m"));
  EXPECT_FALSE(ObjectiveShown(priv, OneOnOneAccess::kParticipant, "r"));
  EXPECT_TRUE(ObjectiveShown(priv, OneOnOneAccess::kWithoutNotes, "admin"));
  EXPECT_FALSE(ObjectiveShown(pub, OneOnOneAccess::kNone, "x"));
}

TEST(OneOnOneObjectivesTest, ReplacingKeepsWhatTheCallerCannotSee) {
  const std::vector<LinkedObjective> stored = {
      {"pub", false, {"m"}}, {"mine", true, {"r"}}, {"theirs", true, {"m"}}};
  // The report replaces the list with one new objective: "pub" and "mine" (both shown to the
  // report) go, "theirs" (hidden from the report) stays.
  auto merged = MergeObjectives(stored, {{"new", false, {}}, {"new", false, {}}}, "r");
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0], (LinkedObjective{"new", false, {"r"}}));
  EXPECT_EQ(merged[1], (LinkedObjective{"theirs", true, {"m"}}));
  // Re-linking what the other linked adds the caller as a linker.
  auto relinked = MergeObjectives(stored, {{"theirs", true, {}}}, "r");
  EXPECT_EQ(relinked[0], (LinkedObjective{"theirs", true, {"m", "r"}}));
}

}  // namespace
}  // namespace okr::feedback
