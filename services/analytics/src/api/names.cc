#include "services/analytics/src/api/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "okr/common/status/string_view.h"

namespace okr::analytics {

absl::StatusOr<std::string> IdFromName(std::string_view collection, const std::string& name,
                                       std::string_view field) {
  const std::string prefix = absl::StrCat(common::Sv(collection), "/");
  std::string_view id = name;
  bool ok = id.starts_with(prefix);
  if (ok) id.remove_prefix(prefix.size());
  ok = ok && !id.empty() && id.size() <= 63;
  for (char c : id) ok = ok && (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.');
  if (!ok) {
    return common::InvalidArgument(
        "INVALID_NAME", absl::StrCat(common::Sv(field), " is not a valid name"),
        {{std::string(field), absl::StrCat("must be ", common::Sv(collection), "/{id}")}});
  }
  return std::string(id);
}

}  // namespace okr::analytics
