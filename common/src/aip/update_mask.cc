#include "okr/common/aip/update_mask.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::common {

bool HasPath(const std::vector<std::string>& paths, std::string_view path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

absl::StatusOr<std::vector<std::string>> MaskPaths(const google::protobuf::FieldMask& mask,
                                                   const std::vector<std::string>& allowed,
                                                   const std::vector<std::string>& all) {
  if (mask.paths().empty()) {
    return common::InvalidArgument("UPDATE_MASK_REQUIRED", "update_mask is required",
                                   {{"update_mask", "name the fields to update, or *"}});
  }
  std::vector<std::string> paths;
  Violations violations;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      paths.insert(paths.end(), all.begin(), all.end());
    } else if (std::find(allowed.begin(), allowed.end(), path) != allowed.end()) {
      paths.push_back(path);
    } else {
      violations.Add("update_mask", absl::StrCat("'", path,
                                                 "' is not an updatable field (output-only, "
                                                 "immutable or unknown)"));
    }
  }
  if (absl::Status s = violations.ToStatus("INVALID_UPDATE_MASK", "the update mask is not valid");
      !s.ok()) {
    return s;
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

}  // namespace okr::common
