#include "services/feedback/src/store/page_position.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"

namespace okr::feedback {

void AppendNewestFirstPage(std::string& sql, std::vector<common::SqlValue>& params,
                           const std::optional<PagePosition>& after, int limit) {
  if (after.has_value()) {
    absl::StrAppend(&sql, " AND (create_time_us, id) < (?, ?)");
    params.push_back(after->create_time_us);
    params.push_back(after->id);
  }
  absl::StrAppend(&sql, " ORDER BY create_time_us DESC, id DESC LIMIT ?");
  params.push_back(int64_t{limit});
}

std::string FormatPagePosition(const PagePosition& position) {
  return absl::StrCat(position.create_time_us, ":", position.id);
}

absl::StatusOr<PagePosition> ParsePagePosition(const std::string& text) {
  const size_t colon = text.find(':');
  PagePosition p;
  if (colon == std::string::npos || !absl::SimpleAtoi(text.substr(0, colon), &p.create_time_us)) {
    return common::InvalidArgument("INVALID_PAGE_TOKEN", "the page token is not valid",
                                   {{"page_token", "is not a token of this listing"}});
  }
  p.id = text.substr(colon + 1);
  return p;
}

}  // namespace okr::feedback
