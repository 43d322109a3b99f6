// Small helpers the commands share: resource names typed short or in full, enum values by their
// short names, times and dates from the command line, and how health is shown.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>
#include <string_view>

#include "google/type/date.pb.h"
#include "okr/goals/v1/objective.pb.h"
#include "tools/okrctl/style.h"

namespace okr::ctl {

// "alice" → "people/alice"; a name that already has the collection ("people/alice") or any other
// slash is kept as it is.
std::string Qualify(std::string_view collection, std::string_view name);

// "keep-above" → "KEEP_ABOVE"; and back with lower = true.
std::string EnumKey(std::string_view text, bool lower = false);

// The value of `Enum` whose name is `prefix` + the upper-cased text with '-' as '_' ("numeric" →
// KEY_RESULT_TYPE_NUMERIC); the full name is accepted too. nullopt for no such value.
template <typename Enum>
std::optional<Enum> ParseEnum(std::string_view prefix, std::string_view text) {
  const google::protobuf::EnumDescriptor* d = google::protobuf::GetEnumDescriptor<Enum>();
  const std::string upper = EnumKey(text);
  const google::protobuf::EnumValueDescriptor* v = d->FindValueByName(upper);
  if (v == nullptr) v = d->FindValueByName(std::string(prefix) + upper);
  if (v == nullptr || v->number() == 0) return std::nullopt;
  return static_cast<Enum>(v->number());
}

// The short lower-case name of an enum value: KEY_RESULT_TYPE_NUMERIC → "numeric".
template <typename Enum>
std::string EnumLabel(Enum value, std::string_view prefix) {
  const google::protobuf::EnumDescriptor* d = google::protobuf::GetEnumDescriptor<Enum>();
  const google::protobuf::EnumValueDescriptor* v = d->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return "?";
  std::string name = v->name();
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return EnumKey(name, true);
}

// RFC 3339 ("2026-11-30T12:00:00Z"), a date ("2026-11-30", midnight UTC) or a duration ago
// ("36h" = 36 hours before now). nullopt when it is none of them.
std::optional<google::protobuf::Timestamp> ParseTimestamp(std::string_view text);

// "2026-11-30" → Date; nullopt otherwise.
std::optional<google::type::Date> ParseDate(std::string_view text);
std::string FormatDate(const google::type::Date& date);
// "2026-11-30 14:02" (UTC), or "-" for an unset time.
std::string FormatTime(const google::protobuf::Timestamp& time);

// "on-track" etc., coloured green, yellow, red or grey.
std::string HealthLabel(okr::goals::v1::Health health, const Style& style);
Colour HealthColour(okr::goals::v1::Health health);

// "62% ▕bar▏" when the style has unicode, else "62%".
std::string ProgressCell(double fraction, int width, const Style& style, Colour colour);

}  // namespace okr::ctl
