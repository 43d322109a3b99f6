#include "okr/common/storage/session.h"

#include <utility>

namespace okr::common {

absl::StatusOr<std::vector<SqlRow>> SqlSession::QueryAll(std::string_view sql, SqlParams params) {
  std::vector<SqlRow> rows;
  absl::Status status = Query(sql, params, [&rows](const SqlRow& row) {
    rows.push_back(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<std::optional<SqlRow>> SqlSession::QueryOne(std::string_view sql, SqlParams params) {
  std::optional<SqlRow> first;
  absl::Status status = Query(sql, params, [&first](const SqlRow& row) {
    if (!first.has_value()) first = row;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return first;
}

}  // namespace okr::common
