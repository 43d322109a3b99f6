#include "tools/okrctl/json_output.h"

#include <google/protobuf/util/json_util.h>

namespace okr::ctl {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  // Printing a valid message cannot fail (Any is not used by the contracts).
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

nlohmann::json ToJsonValue(const google::protobuf::Message& message) {
  return nlohmann::json::parse(ToJson(message));
}

}  // namespace okr::ctl
