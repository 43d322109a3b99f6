#include "bench/loadgen/dynamic_request.h"

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace okr::bench {
namespace {

namespace pb = google::protobuf;

class CollectErrors final : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    errors_.push_back(absl::StrCat(line + 1, ":", column + 1, ": ", message));
  }
  std::string Joined() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

}  // namespace

absl::StatusOr<UnaryMethod> FindUnaryMethod(const std::string& name) {
  absl::string_view view = name;
  absl::ConsumePrefix(&view, "/");
  const std::size_t slash = view.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == view.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("method must be package.Service/Method, got \"", name, "\""));
  }
  const std::string service_name(view.substr(0, slash));
  const std::string method_name(view.substr(slash + 1));
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::ServiceDescriptor* service = pool->FindServiceByName(service_name);
  if (service == nullptr) {
    return absl::NotFoundError(absl::StrCat("service ", service_name, " is not linked in"));
  }
  const pb::MethodDescriptor* method = service->FindMethodByName(method_name);
  if (method == nullptr) {
    return absl::NotFoundError(absl::StrCat(service_name, " has no method ", method_name));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(absl::StrCat(method->full_name(), " is not unary"));
  }
  return UnaryMethod{absl::StrCat("/", service_name, "/", method_name), method->input_type(),
                     method->output_type()};
}

absl::StatusOr<std::string> EncodeTextRequest(const pb::Descriptor* type, const std::string& text) {
  pb::DynamicMessageFactory factory(pb::DescriptorPool::generated_pool());
  std::unique_ptr<pb::Message> message(factory.GetPrototype(type)->New());
  CollectErrors errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, message.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a text-format ", type->full_name(), ": ", errors.Joined()));
  }
  std::string bytes;
  if (!message->SerializeToString(&bytes)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot encode ", type->full_name()));
  }
  return bytes;
}

bool ParsesAs(const pb::Descriptor* type, const std::string& bytes) {
  pb::DynamicMessageFactory factory(pb::DescriptorPool::generated_pool());
  std::unique_ptr<pb::Message> message(factory.GetPrototype(type)->New());
  return message->ParseFromString(bytes);
}

}  // namespace okr::bench
