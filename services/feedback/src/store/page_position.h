// Keyset paging newest first, as ListFeedback and ListFeedbackRequests read: a position is the
// (create time, id) of the last row examined, sealed in a page token as "<micros>:<id>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/common/storage/value.h"

namespace okr::feedback {

struct PagePosition {
  int64_t create_time_us = 0;
  std::string id;
};

// Appends to `sql` (a SELECT with its WHERE begun) the rows after `after`, newest first, at most
// `limit` of them, and their parameters to `params`. The table needs `create_time_us` and `id`.
void AppendNewestFirstPage(std::string& sql, std::vector<common::SqlValue>& params,
                           const std::optional<PagePosition>& after, int limit);

// The page token's text of a position, and back; INVALID_ARGUMENT (INVALID_PAGE_TOKEN, a violation
// on `page_token`) for text no FormatPagePosition wrote.
std::string FormatPagePosition(const PagePosition& position);
absl::StatusOr<PagePosition> ParsePagePosition(const std::string& text);

}  // namespace okr::feedback
