// What analytics' caches rest on: the facts' digest (equal for equal facts in any order, after
// any replacement or deletion), aggregate keys that survive a trip through their cache key, the
// Redis hash encoding of an aggregate, and the announcement format.
#include <gtest/gtest.h>

#include "okr/analytics/v1/aggregates.pb.h"
#include "services/analytics/src/api/aggregates.h"
#include "services/analytics/src/cache/redis_cache.h"
#include "services/analytics/src/feeds/facts_digest.h"

namespace okr::analytics {
namespace {

TEST(FactsDigestTest, EqualFactsInAnyOrderHaveTheSameStamp) {
  FactsDigest a;
  a.Put(FactKind::kObjective, "o1", "payload-1");
  a.Put(FactKind::kKeyResult, "k1", "payload-2");
  a.Put(FactKind::kPerson, "p1", "payload-3");
  FactsDigest b;
  b.Put(FactKind::kPerson, "p1", "old");
  b.Put(FactKind::kKeyResult, "k1", "payload-2");
  b.Put(FactKind::kTeam, "t1", "gone soon");
  b.Put(FactKind::kObjective, "o1", "payload-1");
  EXPECT_NE(a.Stamp(), b.Stamp());
  b.Put(FactKind::kPerson, "p1", "payload-3");  // replaced
  b.Delete(FactKind::kTeam, "t1");
  b.Delete(FactKind::kTeam, "never there");
  EXPECT_EQ(a.Stamp(), b.Stamp());
  EXPECT_EQ(a.Stamp().size(), 32u);
  EXPECT_NE(FactsDigest().Stamp(), a.Stamp());
}

TEST(FactsDigestTest, KindIdAndPayloadAllCount) {
  auto one = [](FactKind kind, const std::string& id, const std::string& payload) {
    FactsDigest d;
    d.Put(kind, id, payload);
    return d.Stamp();
  };
  const std::string base = one(FactKind::kObjective, "o1", "x");
  EXPECT_NE(base, one(FactKind::kKeyResult, "o1", "x"));
  EXPECT_NE(base, one(FactKind::kObjective, "o2", "x"));
  EXPECT_NE(base, one(FactKind::kObjective, "o1", "y"));
  // The id's end and the payload's start cannot trade bytes.
  EXPECT_NE(one(FactKind::kObjective, "o1", "2x"), one(FactKind::kObjective, "o12", "x"));
}

TEST(FactsDigestTest, AppliesOpsInOrder) {
  FactsDigest d;
  FactOp put{FactOp::Type::kPut, FactKind::kCycle, "c1", "v1", nullptr};
  FactOp put2{FactOp::Type::kPut, FactKind::kCycle, "c1", "v2", nullptr};
  FactOp del{FactOp::Type::kDelete, FactKind::kCycle, "c1", "", nullptr};
  d.Apply({put, put2});
  FactsDigest want;
  want.Put(FactKind::kCycle, "c1", "v2");
  EXPECT_EQ(d.Stamp(), want.Stamp());
  d.Apply({del});
  EXPECT_EQ(d.Stamp(), FactsDigest().Stamp());
}

TEST(AggregateKeyTest, RoundTripsThroughItsCacheKey) {
  using Kind = AggregateKey::Kind;
  const AggregateKey keys[] = {
      {Kind::kTeamSummary, "t1", "c1", true},      {Kind::kPersonSummary, "p1", "c1", false},
      {Kind::kCycleSummary, "", "c1", false},      {Kind::kObjectiveRollup, "o1", "", false},
      {Kind::kTenantEngagement, "", "c1", false},  {Kind::kTeamEngagement, "t1", "c1", true},
      {Kind::kPersonEngagement, "p1", "c1", false}};
  for (const AggregateKey& key : keys) {
    auto back = AggregateKey::FromCacheKey(key.CacheKey());
    ASSERT_TRUE(back.ok()) << key.CacheKey();
    EXPECT_EQ(back->CacheKey(), key.CacheKey());
    EXPECT_EQ(back->kind, key.kind);
    EXPECT_EQ(back->subject, key.subject);
    EXPECT_EQ(back->include_sub_teams, key.include_sub_teams);
  }
  for (const char* bad : {"", "team", "team:t1:c1", "team:t1:c1:2", "nope:t1:c1:0",
                          "team:t1:c1:0:extra", "team:a:b:c:0"}) {
    EXPECT_FALSE(AggregateKey::FromCacheKey(bad).ok()) << bad;
  }
}

TEST(RedisCacheTest, AnAggregateSurvivesItsHashFields) {
  const AggregateKey key{AggregateKey::Kind::kTeamSummary, "t1", "c1", false};
  Aggregate a;
  a.generation = 7;
  a.computed_time = absl::FromUnixMicros(1'790'000'000'123'456);
  auto summary = std::make_shared<v1::TeamSummary>();
  summary->set_team("teams/t1");
  summary->mutable_goals()->set_objective_count(3);
  a.value = summary;
  a.private_objectives = {"o1", "o2"};
  std::vector<std::string> fields = EncodeAggregateFields("stamp-1", a);
  std::string stamp;
  auto back = DecodeAggregateFields(key, fields, &stamp);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(stamp, "stamp-1");
  EXPECT_EQ(back->computed_time, a.computed_time);
  EXPECT_EQ(back->value->SerializeAsString(), summary->SerializeAsString());
  EXPECT_EQ(back->private_objectives, a.private_objectives);
  EXPECT_TRUE(back->private_children.empty());

  // Without a value, time or stamp, or with a value that does not parse, there is nothing.
  for (const char* dropped : {"value", "computed_us", "stamp"}) {
    std::vector<std::string> partial;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i] == dropped) continue;
      partial.push_back(fields[i]);
      partial.push_back(fields[i + 1]);
    }
    EXPECT_EQ(DecodeAggregateFields(key, partial, &stamp), nullptr) << dropped;
  }
  std::vector<std::string> garbled = fields;
  for (size_t i = 0; i + 1 < garbled.size(); i += 2) {
    if (garbled[i] == "value") garbled[i + 1] = "\xff\xff\xff";
  }
  EXPECT_EQ(DecodeAggregateFields(key, garbled, &stamp), nullptr);
}

TEST(RedisCacheTest, KeysAndChannelsCarryTheTenantAsHashTag) {
  EXPECT_EQ(RedisCache::KeyFor("acme", "team:t1:c1:0"), "okr:analytics:{acme}:agg:team:t1:c1:0");
  EXPECT_EQ(RedisCache::ChannelFor("acme"), "okr:analytics:{acme}:written");
  auto a = RedisCache::ParseAnnouncement("okr:analytics:{acme}:written",
                                         "replica-1\nabc/0.3\nteam:t1:c1:0\n1790000000000000");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->tenant, "acme");
  EXPECT_EQ(a->replica_id, "replica-1");
  EXPECT_EQ(a->stamp, "abc/0.3");
  EXPECT_EQ(a->cache_key, "team:t1:c1:0");
  EXPECT_EQ(a->last_read, absl::FromUnixMicros(1'790'000'000'000'000));
  EXPECT_FALSE(RedisCache::ParseAnnouncement("okr:analytics:{}:written", "a\nb\nc\n1"));
  EXPECT_FALSE(RedisCache::ParseAnnouncement("other", "a\nb\nc\n1"));
  EXPECT_FALSE(RedisCache::ParseAnnouncement("okr:analytics:{acme}:written", "a\nb\nc"));
  EXPECT_FALSE(RedisCache::ParseAnnouncement("okr:analytics:{acme}:written", "a\nb\nc\nx"));
}

}  // namespace
}  // namespace okr::analytics
