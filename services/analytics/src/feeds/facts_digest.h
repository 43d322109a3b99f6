// A digest of a tenant's facts, independent of the order they arrived in: the sum of a SHA-256
// prefix of every (kind, id, payload), kept up to date as facts are put and deleted. Two
// replicas with the same facts have the same digest, whatever feed positions, checkpoints or
// rebuilds brought them there, so it stamps the aggregates they share through Redis.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/analytics/src/store/fact_store.h"

namespace okr::analytics {

class FactsDigest {
 public:
  void Put(FactKind kind, const std::string& id, const std::string& payload);
  void Delete(FactKind kind, const std::string& id);
  // Puts and deletes in order (patches must have been resolved into puts, as FactStore::Apply
  // returns them).
  void Apply(const std::vector<FactOp>& ops);
  // 32 hex digits.
  std::string Stamp() const;

 private:
  using Sum = std::pair<uint64_t, uint64_t>;
  void Remove(const std::string& key);

  absl::flat_hash_map<std::string, Sum> facts_;  // "kind:id" -> its digest
  Sum total_{0, 0};
};

}  // namespace okr::analytics
