#include "services/feedback/src/store/schema.h"

#include "absl/strings/str_cat.h"
#include "okr/common/aip/request_ids.h"
#include "okr/common/changelog/change_log_store.h"

namespace okr::feedback {

std::vector<common::Migration> FeedbackMigrations() {
  // A released migration is never edited: a schema change is a new entry.
  return {
      {1, "feedback, requests, one-on-ones, reviews, change log",
       absl::StrCat(FeedbackTablesSql(), RequestTablesSql(), OneOnOneTablesSql(), ReviewTablesSql(),
                    FeedPositionTablesSql(), common::RequestIdsSchemaSql("feedback_request_ids"),
                    common::ChangeLogSchemaSql())},
  };
}

}  // namespace okr::feedback
