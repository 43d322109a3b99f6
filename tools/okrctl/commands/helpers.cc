#include "tools/okrctl/commands/helpers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace okr::ctl {

std::string EnumKey(std::string_view text, bool lower) {
  std::string out;
  for (char c : text) {
    if (lower) {
      out += c == '_' ? '-' : absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      out += c == '-' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string Qualify(std::string_view collection, std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) return std::string(name);
  return absl::StrCat(std::string(collection), "/", std::string(name));
}

std::optional<google::protobuf::Timestamp> ParseTimestamp(std::string_view text) {
  absl::Time t;
  std::string error;
  const std::string s(text);
  if (!absl::ParseTime(absl::RFC3339_full, s, &t, &error) &&
      !absl::ParseTime("%Y-%m-%d", s, absl::UTCTimeZone(), &t, &error)) {
    absl::Duration ago;
    if (!absl::ParseDuration(s, &ago) || ago < absl::ZeroDuration()) return std::nullopt;
    t = absl::Now() - ago;
  }
  google::protobuf::Timestamp out;
  const int64_t micros = absl::ToUnixMicros(t);
  out.set_seconds(micros / 1000000);
  out.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  if (out.nanos() < 0) {
    out.set_seconds(out.seconds() - 1);
    out.set_nanos(out.nanos() + 1000000000);
  }
  return out;
}

std::optional<google::type::Date> ParseDate(std::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(std::string(text), &day)) return std::nullopt;
  google::type::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

std::string FormatDate(const google::type::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

Colour HealthColour(okr::goals::v1::Health health) {
  switch (health) {
    case okr::goals::v1::HEALTH_ON_TRACK:
      return Colour::kGreen;
    case okr::goals::v1::HEALTH_AT_RISK:
      return Colour::kYellow;
    case okr::goals::v1::HEALTH_OFF_TRACK:
      return Colour::kRed;
    default:
      return Colour::kGrey;
  }
}

std::string HealthLabel(okr::goals::v1::Health health, const Style& style) {
  return Paint(EnumLabel(health, "HEALTH_"), HealthColour(health), style);
}

std::string ProgressCell(double fraction, int width, const Style& style, Colour colour) {
  const std::string percent = absl::StrFormat("%4s", Percent(fraction));
  const std::string bar = Bar(fraction, width, style);
  if (bar.empty()) return percent;
  return absl::StrCat(Paint(bar, colour, style), " ", percent);
}

}  // namespace okr::ctl
