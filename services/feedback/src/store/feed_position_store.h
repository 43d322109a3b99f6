// Where the feedback service keeps its position in the goals change feed (per tenant), so a
// restarted service resumes following it after the last change it handled.
#pragma once

#include <string>

#include "okr/clients/resume_token_store.h"
#include "okr/common/storage/database.h"

namespace okr::feedback {

class FeedPositionStore final : public clients::ResumeTokenStore {
 public:
  FeedPositionStore(common::Database* database, std::string feed, std::string tenant)
      : database_(database), feed_(std::move(feed)), tenant_(std::move(tenant)) {}

  absl::StatusOr<std::string> Load() override;
  // Durable once it returns (a write of the group-commit writer).
  absl::Status Save(absl::string_view token) override;

 private:
  common::Database* database_;
  const std::string feed_;
  const std::string tenant_;
};

}  // namespace okr::feedback
