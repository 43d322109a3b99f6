// Idempotency keys of create methods (AIP-155): a create carrying a `request_id` remembers which
// resource it made, so the same id again returns that resource and writes nothing. Kept per tenant,
// method and caller in a table of the service's own database, for a retention window.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "okr/common/storage/session.h"

namespace okr::common {

// How long a request id is remembered: the API promises at least 24 hours.
inline constexpr absl::Duration kRequestIdRetention = absl::Hours(25);

// OK for an empty id (no idempotency) or a UUID (36 characters, hex digits and four dashes);
// INVALID_ARGUMENT (reason INVALID_REQUEST_ID, violation on `field`) otherwise.
absl::Status ValidateRequestId(std::string_view request_id, std::string_view field = "request_id");

// The schema of a request id table named `table` (tenant, method, request_id) -> resource.
std::string RequestIdsSchemaSql(std::string_view table);

class RequestIdStore {
 public:
  // `table` is created by RequestIdsSchemaSql; `session` must outlive the store.
  RequestIdStore(SqlSession& session, std::string table, std::string tenant)
      : session_(session), table_(std::move(table)), tenant_(std::move(tenant)) {}

  // `key` names the method and the caller, e.g. "CreateFeedback/alice", so one caller's ids never
  // replay another caller's creation. The resource name a create with this id produced.
  absl::StatusOr<std::optional<std::string>> Find(std::string_view key,
                                                  std::string_view request_id);
  // Remembers `resource` for the id (inside the create's own transaction); also forgets a few keys
  // older than the retention, so the table stays about one window big without a sweeper.
  absl::Status Remember(std::string_view key, std::string_view request_id,
                        std::string_view resource, absl::Time now);

 private:
  SqlSession& session_;
  const std::string table_;
  const std::string tenant_;
};

}  // namespace okr::common
