// Resource names of the org directory, `people/{person}` and `teams/{team}`, and the rules for
// their ids.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace okr::goals {

inline constexpr std::string_view kPeoplePrefix = "people/";
inline constexpr std::string_view kTeamsPrefix = "teams/";

// 1 to 128 characters from [A-Za-z0-9._-], starting with a letter or a digit.
bool IsValidOrgId(std::string_view id);

// The id in `people/{person}` / `teams/{team}`, or nullopt when the name is malformed.
std::optional<std::string> PersonIdFromName(std::string_view name);
std::optional<std::string> TeamIdFromName(std::string_view name);

// The resource name for an id; empty for an empty id (a reference that is not set).
std::string PersonName(std::string_view id);
std::string TeamName(std::string_view id);

}  // namespace okr::goals
