// One-on-ones between the API and the domain: the request fields an update mask names, validated
// into the domain record, and the record as a reader may see it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "okr/common/aip/update_mask.h"
#include "okr/common/status/errors.h"
#include "okr/feedback/v1/one_on_one.pb.h"
#include "services/feedback/src/domain/one_on_one.h"
#include "services/feedback/src/domain/one_on_one_rules.h"

namespace okr::feedback {

// Every path UpdateOneOnOne accepts (the expansion of `*`).
const std::vector<std::string>& OneOnOneMaskPaths();

// The paths of `mask`, each once: required, non-empty, each one of OneOnOneMaskPaths() or the
// single path `*`; else INVALID_ARGUMENT with a violation on `update_mask`.
absl::StatusOr<std::vector<std::string>> OneOnOnePaths(const google::protobuf::FieldMask& mask);

using common::HasPath;

// Copies the fields of `in` named by `paths` into `out`, checking what needs no stored state
// (formats, lengths, limits, a last meeting not after `now`); violations are on
// `one_on_one.<field>...`. Items keep the ids sent (resolved later against the stored ones);
// objectives come as ids, in request order, repeats included.
void ReadOneOnOneFields(const ::okr::feedback::v1::OneOnOne& in,
                        const std::vector<std::string>& paths, absl::Time now,
                        common::Violations& violations, OneOnOne& out);

// The one-on-one as read with `access` by `person` at `now` (next due time and overdue as of it).
::okr::feedback::v1::OneOnOne ToProto(const OneOnOne& one_on_one, OneOnOneAccess access,
                                      const std::string& person, absl::Time now);

// The payload of its change-feed entries: shared notes, no private notes, and only the PUBLIC
// linked objectives (the feed cannot tell who may see a PRIVATE one).
::okr::feedback::v1::OneOnOne FeedPayload(const OneOnOne& one_on_one, absl::Time now);

// The top-level fields whose values differ between the two (for Change.changed_fields).
std::vector<std::string> ChangedOneOnOneFields(const OneOnOne& before, const OneOnOne& after,
                                               absl::Time now);

}  // namespace okr::feedback
