#include "services/feedback/src/store/schema.h"

namespace okr::feedback {

const char* RequestTablesSql() { return ""; }

}  // namespace okr::feedback
