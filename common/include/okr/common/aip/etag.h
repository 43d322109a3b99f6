// Etags for optimistic concurrency (AIP-154): each stored record keeps a version counter that every
// changing write increments; the etag is that version as an opaque quoted string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace okr::common {

// The etag of a record at `version` (1 for a new record). A counter, not a content hash, so a
// record changed and changed back does not get its old etag again (no ABA).
std::string FormatEtag(int64_t version);

// OK when `requested` is empty (no check) or equals `current`; otherwise ABORTED with reason
// ETAG_MISMATCH and a violation on `field` (e.g. "people[3].etag"). `current` is empty when the
// record does not exist yet, so any etag sent for a new record is stale.
absl::Status CheckEtag(std::string_view requested, std::string_view current,
                       std::string_view field = "etag");

}  // namespace okr::common
