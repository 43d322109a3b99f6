#include "services/feedback/src/store/schema.h"

namespace okr::feedback {

const char* OneOnOneTablesSql() { return ""; }

}  // namespace okr::feedback
