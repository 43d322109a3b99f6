#include "services/analytics/src/cache/redis_cache.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace okr::analytics {
namespace {

constexpr const char* kStamp = "stamp";
constexpr const char* kComputed = "computed_us";
constexpr const char* kValue = "value";
constexpr const char* kPrivate = "private";
constexpr const char* kPrivateChildren = "private_children";

std::string Micros(absl::Time t) { return absl::StrCat(absl::ToUnixMicros(t)); }

}  // namespace

RedisCache::RedisCache(common::RedisClient* reads, common::RedisClient* writes,
                       prometheus::Registry* registry, RedisCacheOptions options)
    : reads_(reads),
      writes_(writes),
      options_(std::move(options)),
      random_(std::random_device{}()) {
  auto& lookups = prometheus::BuildCounter()
                      .Name("okr_analytics_redis_lookups_total")
                      .Help("Aggregates looked up in Redis, by result (stale: another version)")
                      .Register(*registry);
  hits_ = &lookups.Add({{"result", "hit"}});
  misses_ = &lookups.Add({{"result", "miss"}});
  stale_ = &lookups.Add({{"result", "stale"}});
  auto& errors = prometheus::BuildCounter()
                     .Name("okr_analytics_redis_errors_total")
                     .Help(
                         "Redis calls that failed (fault) or were not made while backing off "
                         "after one (skipped); each read among them was answered from "
                         "analytics' own state")
                     .Register(*registry);
  read_errors_ = &errors.Add({{"op", "read"}, {"kind", "fault"}});
  write_errors_ = &errors.Add({{"op", "write"}, {"kind", "fault"}});
  read_skips_ = &errors.Add({{"op", "read"}, {"kind", "skipped"}});
  write_skips_ = &errors.Add({{"op", "write"}, {"kind", "skipped"}});
  writes_done_ = &prometheus::BuildCounter()
                      .Name("okr_analytics_redis_writes_total")
                      .Help("Aggregates written through to Redis")
                      .Register(*registry)
                      .Add({});
}

std::string RedisCache::KeyFor(const std::string& tenant, const std::string& cache_key) {
  return absl::StrCat("okr:analytics:{", tenant, "}:agg:", cache_key);
}

std::string RedisCache::ChannelFor(const std::string& tenant) {
  return absl::StrCat("okr:analytics:{", tenant, "}:written");
}

std::optional<Announcement> RedisCache::ParseAnnouncement(absl::string_view channel,
                                                          absl::string_view message) {
  constexpr absl::string_view kPrefix = "okr:analytics:{";
  constexpr absl::string_view kSuffix = "}:written";
  if (!absl::ConsumePrefix(&channel, kPrefix) || !absl::ConsumeSuffix(&channel, kSuffix) ||
      channel.empty()) {
    return std::nullopt;
  }
  std::vector<std::string> parts = absl::StrSplit(message, '\n');
  int64_t last_read = 0;
  if (parts.size() != 4 || !absl::SimpleAtoi(parts[3], &last_read)) return std::nullopt;
  return Announcement{parts[0], std::string(channel), parts[1], parts[2],
                      absl::FromUnixMicros(last_read)};
}

std::vector<std::string> EncodeAggregateFields(const std::string& stamp,
                                               const Aggregate& aggregate) {
  return {kStamp,           stamp,
          kComputed,        Micros(aggregate.computed_time),
          kValue,           aggregate.value->SerializeAsString(),
          kPrivate,         absl::StrJoin(aggregate.private_objectives, "\n"),
          kPrivateChildren, absl::StrJoin(aggregate.private_children, "\n")};
}

std::shared_ptr<const Aggregate> DecodeAggregateFields(const AggregateKey& key,
                                                       const std::vector<std::string>& flat,
                                                       std::string* stamp) {
  auto aggregate = std::make_shared<Aggregate>();
  auto value = NewAggregateMessage(key.kind);
  bool has_value = false;
  bool has_time = false;
  // The PRIVATE lists must be there (possibly empty): a hash without them must not name every
  // child to every reader.
  bool has_private = false;
  bool has_private_children = false;
  stamp->clear();
  auto ids = [](const std::string& joined) {
    return joined.empty() ? std::vector<std::string>{}
                          : std::vector<std::string>(absl::StrSplit(joined, '\n'));
  };
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    const std::string& field = flat[i];
    const std::string& v = flat[i + 1];
    if (field == kStamp) {
      *stamp = v;
    } else if (field == kComputed) {
      int64_t micros = 0;
      if (!absl::SimpleAtoi(v, &micros)) return nullptr;
      aggregate->computed_time = absl::FromUnixMicros(micros);
      has_time = true;
    } else if (field == kValue) {
      if (!value->ParseFromString(v)) return nullptr;
      has_value = true;
    } else if (field == kPrivate) {
      aggregate->private_objectives = ids(v);
      has_private = true;
    } else if (field == kPrivateChildren) {
      aggregate->private_children = ids(v);
      has_private_children = true;
    }
  }
  if (!has_value || !has_time || !has_private || !has_private_children || stamp->empty()) {
    return nullptr;
  }
  aggregate->value = std::move(value);
  return aggregate;
}

bool RedisCache::LostContent() {
  // A key every replica sets and none deletes: gone means Redis started empty since.
  auto reply = writes_->Command({"SET", "okr:analytics:present", "1", "NX"});
  if (!reply.ok() || reply->is_error()) return true;
  return reply->IsOk();  // OK: it was missing; nil: still there
}

bool RedisCache::available() const {
  absl::MutexLock lock(&mu_);
  return options_.clock() >= skip_until_;
}

bool RedisCache::MayTry(prometheus::Counter* skipped) {
  absl::MutexLock lock(&mu_);
  if (options_.clock() >= skip_until_) return true;
  skipped->Increment();
  return false;
}

void RedisCache::Failed(prometheus::Counter* errors) {
  errors->Increment();
  absl::MutexLock lock(&mu_);
  backoff_ = backoff_ == absl::ZeroDuration() ? options_.initial_backoff
                                              : std::min(backoff_ * 2, options_.max_backoff);
  skip_until_ = options_.clock() + backoff_;
}

void RedisCache::Succeeded() {
  absl::MutexLock lock(&mu_);
  backoff_ = absl::ZeroDuration();
}

absl::Duration RedisCache::Ttl() {
  absl::MutexLock lock(&mu_);
  std::uniform_real_distribution<double> jitter(0.0, options_.ttl_jitter);
  return options_.ttl * (1.0 + jitter(random_));
}

std::shared_ptr<const Aggregate> RedisCache::Find(const std::string& tenant,
                                                  const AggregateKey& key, const std::string& stamp,
                                                  absl::Time now, Lookup* lookup) {
  *lookup = Lookup::kUnavailable;
  if (stamp.empty() || !MayTry(read_skips_)) return nullptr;
  auto reply = reads_->Command({"HGETALL", KeyFor(tenant, key.CacheKey())});
  if (!reply.ok() || reply->is_error()) {
    Failed(read_errors_);
    return nullptr;
  }
  Succeeded();
  std::vector<std::string> flat;
  for (const auto& e : reply->elements()) flat.push_back(e.str());
  std::string stored_stamp;
  auto aggregate = flat.empty() ? nullptr : DecodeAggregateFields(key, flat, &stored_stamp);
  if (aggregate == nullptr) {
    *lookup = Lookup::kMiss;
    misses_->Increment();
    return nullptr;
  }
  if (stored_stamp != stamp || now - aggregate->computed_time > options_.max_age) {
    *lookup = Lookup::kStale;
    stale_->Increment();
    return nullptr;
  }
  *lookup = Lookup::kHit;
  hits_->Increment();
  return aggregate;
}

bool RedisCache::Put(const std::string& tenant, const AggregateKey& key, const std::string& stamp,
                     const Aggregate& aggregate, absl::Time last_read) {
  if (stamp.empty() || !MayTry(write_skips_)) return false;
  const std::string redis_key = KeyFor(tenant, key.CacheKey());
  std::vector<std::string> hset = {"HSET", redis_key};
  for (std::string& f : EncodeAggregateFields(stamp, aggregate)) hset.push_back(std::move(f));
  // One transaction: a key never lives without its TTL.
  auto replies = writes_->Pipeline(
      {{"MULTI"},
       std::move(hset),
       {"PEXPIRE", redis_key, absl::StrCat(absl::ToInt64Milliseconds(Ttl()))},
       {"EXEC"},
       {"PUBLISH", ChannelFor(tenant),
        absl::StrJoin({options_.replica_id, stamp, key.CacheKey(), Micros(last_read)}, "\n")}});
  if (!replies.ok() || replies->size() != 5 ||
      (*replies)[3].kind() != common::RedisReply::Kind::kArray) {
    Failed(write_errors_);
    return false;
  }
  Succeeded();
  writes_done_->Increment();
  return true;
}

}  // namespace okr::analytics
