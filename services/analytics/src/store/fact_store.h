// analytics' own database: the facts it keeps of each tenant (as the source services' protos,
// serialized), the feeds' positions, and the tenants it follows. Facts and position change in
// one transaction, so after a crash the facts are exactly those of the stored position.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/common/storage/database.h"
#include "okr/common/storage/migrations.h"

namespace okr::analytics {

enum class Feed { kGoals = 0, kFeedback = 1 };
const char* FeedName(Feed feed);

enum class FactKind {
  kCycle = 0,
  kObjective = 1,
  kKeyResult = 2,
  kPerson = 3,
  kTeam = 4,
  kFeedback = 5,
  kRequest = 6,
  kOneOnOne = 7,
};
// The feed a kind of fact comes from.
Feed FeedOf(FactKind kind);

struct FactOp {
  enum class Type { kPut, kDelete, kPatch };
  Type type = Type::kPut;
  FactKind kind = FactKind::kCycle;
  std::string id;
  std::string payload;  // kPut: the serialized proto
  // kPatch: the new payload from the stored one (a derived event changing one field); a fact
  // not stored is left alone.
  std::function<absl::StatusOr<std::string>(const std::string& stored)> patch;
};

std::vector<common::Migration> AnalyticsMigrations();

class FactStore {
 public:
  explicit FactStore(common::Database* database) : database_(database) {}

  // Applies `ops` in order and stores `token` as the feed's position, in one durable write.
  // Returns the ops as applied: patches resolved into puts of the new payload (or dropped when
  // the fact was not stored), for the in-memory state to follow.
  absl::StatusOr<std::vector<FactOp>> Apply(const std::string& tenant, Feed feed,
                                            std::vector<FactOp> ops, const std::string& token);
  // Replaces every fact of `feed` for the tenant with `puts` (a rebuild), in one durable write.
  // The position is left alone: the follower saves the snapshot's position next.
  absl::Status Replace(const std::string& tenant, Feed feed, const std::vector<FactOp>& puts);

  // Calls `fn` for every stored fact of the tenant.
  absl::Status Load(const std::string& tenant,
                    const std::function<absl::Status(FactKind, const std::string& id,
                                                     const std::string& payload)>& fn);

  absl::StatusOr<std::vector<std::string>> Tenants();
  absl::Status AddTenant(const std::string& tenant);

  absl::StatusOr<std::string> Position(const std::string& tenant, Feed feed);
  // Saves a position with no facts (a checkpoint).
  absl::Status SavePosition(const std::string& tenant, Feed feed, const std::string& token);

 private:
  common::Database* database_;
};

}  // namespace okr::analytics
