#include "okr/common/auth/principal.h"

#include <algorithm>

namespace okr::common {

bool Principal::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace okr::common
