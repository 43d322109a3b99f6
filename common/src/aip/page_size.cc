#include "okr/common/aip/page_size.h"

#include "okr/common/status/errors.h"

namespace okr::common {

absl::StatusOr<int> CoercePageSize(int requested) {
  if (requested < 0) {
    return InvalidArgument("INVALID_PAGE_SIZE", "page_size must not be negative",
                           {{"page_size", "must be 0 (default) or positive"}});
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

}  // namespace okr::common
