#include "okr/common/aip/request_ids.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "okr/common/status/errors.h"
#include "okr/common/status/string_view.h"

namespace okr::common {

absl::Status ValidateRequestId(std::string_view id, std::string_view field) {
  if (id.empty()) return absl::OkStatus();
  bool ok = id.size() == 36;
  for (size_t i = 0; ok && i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    ok = dash ? id[i] == '-' : absl::ascii_isxdigit(static_cast<unsigned char>(id[i]));
  }
  if (ok) return absl::OkStatus();
  return InvalidArgument("INVALID_REQUEST_ID", "request_id must be a UUID",
                         {{std::string(field), "must be a UUID (36 characters)"}});
}

std::string RequestIdsSchemaSql(std::string_view table) {
  return absl::StrCat("CREATE TABLE ", Sv(table),
                      " (tenant TEXT NOT NULL, method TEXT NOT NULL, request_id TEXT NOT NULL, "
                      "resource TEXT NOT NULL, create_time_us INTEGER NOT NULL, "
                      "PRIMARY KEY (tenant, method, request_id)) WITHOUT ROWID;\nCREATE INDEX ",
                      Sv(table), "_by_time ON ", Sv(table), " (create_time_us);\n");
}

absl::StatusOr<std::optional<std::string>> RequestIdStore::Find(std::string_view key,
                                                                std::string_view request_id) {
  auto row = session_.QueryOne(absl::StrCat("SELECT resource FROM ", table_,
                                            " WHERE tenant = ? AND method = ? AND request_id = ?"),
                               {tenant_, std::string(key), std::string(request_id)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::optional<std::string>();
  return std::optional<std::string>((*row)->GetString(0));
}

absl::Status RequestIdStore::Remember(std::string_view key, std::string_view request_id,
                                      std::string_view resource, absl::Time now) {
  absl::Status s = session_.Exec(
      absl::StrCat("DELETE FROM ", table_,
                   " WHERE (tenant, method, request_id) IN (SELECT tenant, ",
                   "method, request_id FROM ", table_, " WHERE create_time_us < ? LIMIT 8)"),
      {absl::ToUnixMicros(now - kRequestIdRetention)});
  if (!s.ok()) return s;
  return session_.Exec(absl::StrCat("INSERT INTO ", table_,
                                    " (tenant, method, request_id, resource, create_time_us) "
                                    "VALUES (?, ?, ?, ?, ?)"),
                       {tenant_, std::string(key), std::string(request_id), std::string(resource),
                        absl::ToUnixMicros(now)});
}

}  // namespace okr::common
