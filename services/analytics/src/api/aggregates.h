// The aggregates analytics serves, by key: computed once from a tenant's facts for every reader
// (and cached), then served to each reader with what they may not see taken out.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "services/analytics/src/domain/figures.h"
#include "services/analytics/src/domain/reader.h"
#include "services/analytics/src/domain/tenant_state.h"

namespace okr::analytics {

struct AggregateKey {
  enum class Kind {
    kTeamSummary,
    kPersonSummary,
    kCycleSummary,
    kObjectiveRollup,
    kTenantEngagement,
    kTeamEngagement,
    kPersonEngagement,
  };
  Kind kind = Kind::kCycleSummary;
  std::string subject;  // team, person or objective id; empty for cycle and tenant kinds
  std::string cycle;    // empty for objective roll-ups
  bool include_sub_teams = false;

  // Unique per tenant, e.g. "team:t1:c1:1".
  std::string CacheKey() const;
  // The key CacheKey() made; INVALID_ARGUMENT for anything else.
  static absl::StatusOr<AggregateKey> FromCacheKey(absl::string_view cache_key);
};

// An empty message of the type a kind's aggregate holds.
std::shared_ptr<google::protobuf::Message> NewAggregateMessage(AggregateKey::Kind kind);

// An aggregate as every reader shares it.
struct Aggregate {
  int64_t generation = 0;  // the tenant model's generation it was computed at
  absl::Time computed_time;
  // TeamSummary, PersonSummary, CycleSummary, ObjectiveRollup or Engagement, without freshness
  // and with nothing hidden.
  std::shared_ptr<const google::protobuf::Message> value;
  // PRIVATE objectives counted in it, and (roll-ups) the PRIVATE ones among the children.
  std::vector<std::string> private_objectives;
  std::vector<std::string> private_children;
};

// NOT_FOUND (reason TEAM_NOT_FOUND, PERSON_NOT_FOUND, CYCLE_NOT_FOUND, OBJECTIVE_NOT_FOUND) when
// the subject or the cycle is unknown.
absl::StatusOr<Aggregate> ComputeAggregate(const TenantState& state, const AggregateKey& key,
                                           absl::Time now, const FiguresConfig& config);

// Fills `out` (of the aggregate's message type) for `reader`: hidden counts set, PRIVATE objectives
// the reader may not see left out of the roll-up's children, which are capped at 1000.
void ServeAggregate(const Aggregate& aggregate, const TenantState& state, const Reader& reader,
                    google::protobuf::Message& out);

}  // namespace okr::analytics
