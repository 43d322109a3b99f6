// --output json: messages in the proto JSON mapping (lowerCamelCase names, enums by name,
// Timestamps in RFC 3339), with every field present even when it holds its default, so scripts
// can rely on the field names.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>

namespace okr::ctl {

// One message as compact JSON text.
std::string ToJson(const google::protobuf::Message& message);

// One message as a JSON value, to be combined with others.
nlohmann::json ToJsonValue(const google::protobuf::Message& message);

}  // namespace okr::ctl
