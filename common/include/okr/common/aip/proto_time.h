// Conversions between the API's time types (google.protobuf.Timestamp, google.type.Date) and
// Abseil's, with the validation requests need.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace okr::common {

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);
// INVALID_ARGUMENT (violation on `field`) outside 0001-01-01 .. 9999-12-31 or nanos outside
// [0, 1e9).
absl::StatusOr<absl::Time> TimestampField(const google::protobuf::Timestamp& timestamp,
                                          const std::string& field);

google::type::Date ToDate(absl::CivilDay day);
// A full date (year 1..9999, a real month and day); INVALID_ARGUMENT (reason INVALID_DATE,
// violation on `field`) otherwise.
absl::StatusOr<absl::CivilDay> DateField(const google::type::Date& date, const std::string& field);

}  // namespace okr::common
