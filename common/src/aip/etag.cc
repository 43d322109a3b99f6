#include "okr/common/aip/etag.h"

#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::common {

std::string FormatEtag(int64_t version) { return absl::StrCat("\"", version, "\""); }

absl::Status CheckEtag(std::string_view requested, std::string_view current,
                       std::string_view field) {
  if (requested.empty() || requested == current) return absl::OkStatus();
  const std::string description =
      current.empty() ? "the record does not exist yet, so it has no etag"
                      : "the record changed since this etag was read; read it again";
  return MakeError(absl::StatusCode::kAborted, "ETAG_MISMATCH", "the etag is stale",
                   {{std::string(field), description}});
}

}  // namespace okr::common
