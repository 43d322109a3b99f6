#include "okr/common/redis/fake_redis_client.h"

#include <charconv>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace okr::common {
namespace {

// Redis accepts exactly an optional '-' and digits: no '+', no spaces.
bool ParseInt(const std::string& text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

RedisReply Ok() { return RedisReply::Status("OK"); }

RedisReply WrongArity(const std::string& name) {
  return RedisReply::Error(absl::StrCat("ERR wrong number of arguments for '", name, "' command"));
}

RedisReply WrongType() {
  return RedisReply::Error("WRONGTYPE Operation against a key holding the wrong kind of value");
}

RedisReply NotInteger() { return RedisReply::Error("ERR value is not an integer or out of range"); }

RedisReply SyntaxError() { return RedisReply::Error("ERR syntax error"); }

RedisReply InvalidExpire(const std::string& name) {
  return RedisReply::Error(absl::StrCat("ERR invalid expire time in '", name, "' command"));
}

RedisReply UnknownCommand(const std::vector<std::string>& args) {
  std::string message =
      absl::StrCat("ERR unknown command '", args[0], "', with args beginning with: ");
  for (size_t i = 1; i < args.size(); ++i) absl::StrAppend(&message, "'", args[i], "' ");
  return RedisReply::Error(std::move(message));
}

bool IsHashCommand(const std::string& name) {
  return name == "hset" || name == "hmset" || name == "hget" || name == "hgetall" ||
         name == "hdel" || name == "hexists" || name == "hlen" || name == "hincrby";
}

bool AddOverflows(int64_t a, int64_t b) {
  return (b > 0 && a > std::numeric_limits<int64_t>::max() - b) ||
         (b < 0 && a < std::numeric_limits<int64_t>::min() - b);
}

}  // namespace

FakeRedisClient::FakeRedisClient(Clock clock) : clock_(std::move(clock)) {}

absl::StatusOr<RedisReply> FakeRedisClient::Command(std::vector<std::string> args) {
  absl::MutexLock lock(&mu_);
  if (unavailable_) {
    return absl::UnavailableError("fake redis: unavailable (SetUnavailableForTest)");
  }
  if (args.empty()) return absl::InvalidArgumentError("redis: empty command");
  ++command_count_;
  return Execute(args);
}

absl::StatusOr<std::vector<RedisReply>> FakeRedisClient::Pipeline(
    std::vector<std::vector<std::string>> commands) {
  absl::MutexLock lock(&mu_);
  for (const std::vector<std::string>& command : commands) {
    if (command.empty()) return absl::InvalidArgumentError("redis: empty command");
  }
  if (commands.empty()) return std::vector<RedisReply>();
  if (unavailable_) {
    return absl::UnavailableError("fake redis: unavailable (SetUnavailableForTest)");
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (const std::vector<std::string>& command : commands) {
    ++command_count_;
    replies.push_back(Execute(command));
  }
  return replies;
}

void FakeRedisClient::SetUnavailableForTest(bool unavailable) {
  absl::MutexLock lock(&mu_);
  unavailable_ = unavailable;
}

std::vector<FakeRedisClient::PublishedMessage> FakeRedisClient::PublishedForTest() const {
  absl::MutexLock lock(&mu_);
  return published_;
}

int64_t FakeRedisClient::CommandCountForTest() const {
  absl::MutexLock lock(&mu_);
  return command_count_;
}

FakeRedisClient::Entry* FakeRedisClient::Find(const std::string& key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return nullptr;
  if (it->second.expires_at.has_value() && *it->second.expires_at <= clock_()) {
    keys_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void FakeRedisClient::DropExpired() {
  const absl::Time now = clock_();
  std::erase_if(keys_, [now](const auto& kv) {
    return kv.second.expires_at.has_value() && *kv.second.expires_at <= now;
  });
}

RedisReply FakeRedisClient::Execute(const std::vector<std::string>& args) {
  const std::string name = absl::AsciiStrToLower(args[0]);
  const size_t n = args.size();

  if (name == "ping") {
    if (n == 1) return RedisReply::Status("PONG");
    if (n == 2) return RedisReply::String(args[1]);
    return WrongArity(name);
  }
  if (name == "echo") return n == 2 ? RedisReply::String(args[1]) : WrongArity(name);
  if (name == "flushall" || name == "flushdb") {
    if (n > 2) return SyntaxError();
    keys_.clear();
    return Ok();
  }
  if (name == "dbsize") {
    if (n != 1) return WrongArity(name);
    DropExpired();
    return RedisReply::Integer(static_cast<int64_t>(keys_.size()));
  }
  if (name == "get") {
    if (n != 2) return WrongArity(name);
    Entry* e = Find(args[1]);
    if (e == nullptr) return RedisReply::Nil();
    const std::string* value = std::get_if<std::string>(&e->value);
    return value != nullptr ? RedisReply::String(*value) : WrongType();
  }
  if (name == "set") return n >= 3 ? Set(args) : WrongArity(name);
  if (name == "setex") {
    if (n != 4) return WrongArity(name);
    int64_t seconds = 0;
    if (!ParseInt(args[2], &seconds)) return NotInteger();
    if (seconds <= 0) return InvalidExpire(name);
    keys_[args[1]] = Entry{args[3], clock_() + absl::Seconds(seconds)};
    return Ok();
  }
  if (name == "mget") {
    if (n < 2) return WrongArity(name);
    std::vector<RedisReply> values;
    for (size_t i = 1; i < n; ++i) {
      Entry* e = Find(args[i]);
      const std::string* value = e != nullptr ? std::get_if<std::string>(&e->value) : nullptr;
      values.push_back(value != nullptr ? RedisReply::String(*value) : RedisReply::Nil());
    }
    return RedisReply::Array(std::move(values));
  }
  if (name == "del" || name == "exists") {
    if (n < 2) return WrongArity(name);
    int64_t count = 0;
    for (size_t i = 1; i < n; ++i) {
      if (Find(args[i]) == nullptr) continue;
      ++count;
      if (name == "del") keys_.erase(args[i]);
    }
    return RedisReply::Integer(count);
  }
  if (name == "incr" || name == "decr") {
    if (n != 2) return WrongArity(name);
    return IncrBy(args[1], name == "incr" ? 1 : -1);
  }
  if (name == "incrby" || name == "decrby") {
    if (n != 3) return WrongArity(name);
    int64_t delta = 0;
    if (!ParseInt(args[2], &delta)) return NotInteger();
    if (name == "decrby") {
      if (delta == std::numeric_limits<int64_t>::min()) {
        return RedisReply::Error("ERR decrement would overflow");
      }
      delta = -delta;
    }
    return IncrBy(args[1], delta);
  }
  if (name == "expire" || name == "pexpire") {
    if (n != 3) return WrongArity(name);
    int64_t amount = 0;
    if (!ParseInt(args[2], &amount)) return NotInteger();
    return Expire(args[1], name == "expire" ? absl::Seconds(amount) : absl::Milliseconds(amount));
  }
  if (name == "persist") {
    if (n != 2) return WrongArity(name);
    Entry* e = Find(args[1]);
    if (e == nullptr || !e->expires_at.has_value()) return RedisReply::Integer(0);
    e->expires_at.reset();
    return RedisReply::Integer(1);
  }
  if (name == "ttl" || name == "pttl") {
    if (n != 2) return WrongArity(name);
    return Ttl(args[1], name == "ttl" ? absl::Seconds(1) : absl::Milliseconds(1));
  }
  if (IsHashCommand(name)) return HashCommand(name, args);
  if (name == "publish") {
    if (n != 3) return WrongArity(name);
    published_.push_back({args[1], args[2]});
    return RedisReply::Integer(0);  // Nobody subscribes to a fake.
  }
  return UnknownCommand(args);
}

RedisReply FakeRedisClient::Set(const std::vector<std::string>& args) {
  std::optional<absl::Duration> ttl;
  bool nx = false;
  bool xx = false;
  bool keep_ttl = false;
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string option = absl::AsciiStrToLower(args[i]);
    if ((option == "ex" || option == "px") && i + 1 < args.size()) {
      if (ttl.has_value() || keep_ttl) return SyntaxError();
      int64_t amount = 0;
      if (!ParseInt(args[++i], &amount)) return NotInteger();
      if (amount <= 0) return InvalidExpire("set");
      ttl = option == "ex" ? absl::Seconds(amount) : absl::Milliseconds(amount);
    } else if (option == "nx" && !xx) {
      nx = true;
    } else if (option == "xx" && !nx) {
      xx = true;
    } else if (option == "keepttl" && !ttl.has_value()) {
      keep_ttl = true;
    } else {
      return SyntaxError();
    }
  }
  Entry* existing = Find(args[1]);
  if ((nx && existing != nullptr) || (xx && existing == nullptr)) return RedisReply::Nil();
  std::optional<absl::Time> expires_at;
  if (ttl.has_value()) {
    expires_at = clock_() + *ttl;
  } else if (keep_ttl && existing != nullptr) {
    expires_at = existing->expires_at;
  }
  keys_[args[1]] = Entry{args[2], expires_at};
  return Ok();
}

RedisReply FakeRedisClient::IncrBy(const std::string& key, int64_t delta) {
  Entry* e = Find(key);
  if (e == nullptr) e = &(keys_[key] = Entry{std::string("0"), std::nullopt});
  std::string* value = std::get_if<std::string>(&e->value);
  if (value == nullptr) return WrongType();
  int64_t current = 0;
  if (!ParseInt(*value, &current)) return NotInteger();
  if (AddOverflows(current, delta)) {
    return RedisReply::Error("ERR increment or decrement would overflow");
  }
  *value = absl::StrCat(current + delta);
  return RedisReply::Integer(current + delta);
}

RedisReply FakeRedisClient::Expire(const std::string& key, absl::Duration ttl) {
  Entry* e = Find(key);
  if (e == nullptr) return RedisReply::Integer(0);
  if (ttl <= absl::ZeroDuration()) {
    keys_.erase(key);
  } else {
    e->expires_at = clock_() + ttl;
  }
  return RedisReply::Integer(1);
}

RedisReply FakeRedisClient::Ttl(const std::string& key, absl::Duration unit) {
  Entry* e = Find(key);
  if (e == nullptr) return RedisReply::Integer(-2);
  if (!e->expires_at.has_value()) return RedisReply::Integer(-1);
  const int64_t ms = absl::ToInt64Milliseconds(*e->expires_at - clock_());
  // Redis rounds TTL to the nearest second.
  return RedisReply::Integer(unit == absl::Seconds(1) ? (ms + 500) / 1000 : ms);
}

RedisReply FakeRedisClient::HashCommand(const std::string& name,
                                        const std::vector<std::string>& args) {
  const size_t n = args.size();
  if (n < 2) return WrongArity(name);
  Entry* e = Find(args[1]);
  Hash* hash = e != nullptr ? std::get_if<Hash>(&e->value) : nullptr;
  if (e != nullptr && hash == nullptr) return WrongType();

  if (name == "hset" || name == "hmset") {
    if (n < 4 || n % 2 != 0) return WrongArity(name);
    if (hash == nullptr) {
      hash = &std::get<Hash>((keys_[args[1]] = Entry{Hash{}, std::nullopt}).value);
    }
    int64_t added = 0;
    for (size_t i = 2; i < n; i += 2) {
      added += hash->insert_or_assign(args[i], args[i + 1]).second ? 1 : 0;
    }
    return name == "hset" ? RedisReply::Integer(added) : Ok();
  }
  if (name == "hget") {
    if (n != 3) return WrongArity(name);
    if (hash == nullptr) return RedisReply::Nil();
    auto it = hash->find(args[2]);
    return it != hash->end() ? RedisReply::String(it->second) : RedisReply::Nil();
  }
  if (name == "hgetall") {
    if (n != 2) return WrongArity(name);
    std::vector<RedisReply> flat;
    if (hash != nullptr) {
      for (const auto& [field, value] : *hash) {
        flat.push_back(RedisReply::String(field));
        flat.push_back(RedisReply::String(value));
      }
    }
    return RedisReply::Array(std::move(flat));
  }
  if (name == "hdel") {
    if (n < 3) return WrongArity(name);
    if (hash == nullptr) return RedisReply::Integer(0);
    int64_t removed = 0;
    for (size_t i = 2; i < n; ++i) removed += static_cast<int64_t>(hash->erase(args[i]));
    if (hash->empty()) keys_.erase(args[1]);  // Redis deletes empty hashes.
    return RedisReply::Integer(removed);
  }
  if (name == "hexists") {
    if (n != 3) return WrongArity(name);
    return RedisReply::Integer(hash != nullptr && hash->contains(args[2]) ? 1 : 0);
  }
  if (name == "hlen") {
    if (n != 2) return WrongArity(name);
    return RedisReply::Integer(hash != nullptr ? static_cast<int64_t>(hash->size()) : 0);
  }
  // hincrby
  if (n != 4) return WrongArity(name);
  int64_t delta = 0;
  if (!ParseInt(args[3], &delta)) return NotInteger();
  int64_t current = 0;
  if (hash != nullptr) {
    auto it = hash->find(args[2]);
    if (it != hash->end() && !ParseInt(it->second, &current)) {
      return RedisReply::Error("ERR hash value is not an integer");
    }
  }
  if (AddOverflows(current, delta)) {
    return RedisReply::Error("ERR increment or decrement would overflow");
  }
  if (hash == nullptr) hash = &std::get<Hash>((keys_[args[1]] = Entry{Hash{}, std::nullopt}).value);
  (*hash)[args[2]] = absl::StrCat(current + delta);
  return RedisReply::Integer(current + delta);
}

}  // namespace okr::common
