// Update masks (AIP-134): the paths an Update call names, checked against what may be updated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"

namespace okr::common {

// The paths of an update mask, with `*` expanded to `all`, sorted and each once;
// INVALID_ARGUMENT (UPDATE_MASK_REQUIRED, INVALID_UPDATE_MASK, violations on `update_mask`) for a
// missing mask or a path not in `allowed`.
absl::StatusOr<std::vector<std::string>> MaskPaths(const google::protobuf::FieldMask& mask,
                                                   const std::vector<std::string>& allowed,
                                                   const std::vector<std::string>& all);

// Whether an expanded update mask (MaskPaths) names `path`.
bool HasPath(const std::vector<std::string>& paths, std::string_view path);

}  // namespace okr::common
