#include "okr/common/aip/proto_time.h"

#include "okr/common/status/errors.h"

namespace okr::common {

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp out;
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

absl::StatusOr<absl::Time> TimestampField(const google::protobuf::Timestamp& timestamp,
                                          const std::string& field) {
  // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as google.protobuf.Timestamp defines it.
  constexpr int64_t kMin = -62135596800;
  constexpr int64_t kMax = 253402300799;
  if (timestamp.seconds() < kMin || timestamp.seconds() > kMax || timestamp.nanos() < 0 ||
      timestamp.nanos() >= 1000000000) {
    return InvalidArgument("INVALID_TIMESTAMP", "a timestamp is out of range",
                           {{field, "must be between 0001-01-01 and 9999-12-31"}});
  }
  return FromTimestamp(timestamp);
}

google::type::Date ToDate(absl::CivilDay day) {
  google::type::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

absl::StatusOr<absl::CivilDay> DateField(const google::type::Date& date, const std::string& field) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return InvalidArgument("INVALID_DATE", "a date is not a full calendar date",
                           {{field, "must be a full date (year, month and day)"}});
  }
  return day;
}

}  // namespace okr::common
