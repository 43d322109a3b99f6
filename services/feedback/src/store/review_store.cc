#include "services/feedback/src/store/schema.h"

namespace okr::feedback {

const char* ReviewTablesSql() { return ""; }

}  // namespace okr::feedback
