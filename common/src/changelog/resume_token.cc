#include "okr/common/changelog/resume_token.h"

#include <charconv>
#include <string>

#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

constexpr std::string_view kPrefix = "c1.";

}  // namespace

std::string EncodeResumeToken(int64_t seq) { return std::string(kPrefix) + std::to_string(seq); }

absl::StatusOr<int64_t> DecodeResumeToken(std::string_view token, std::string_view field) {
  auto bad = [&] {
    return InvalidArgument("INVALID_RESUME_TOKEN", "the resume token is not one this feed issued",
                           {{std::string(field), "must be a resume_token received from the feed"}});
  };
  if (token.size() > 64 || token.substr(0, kPrefix.size()) != kPrefix) return bad();
  const std::string_view digits = token.substr(kPrefix.size());
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return bad();
  int64_t seq = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (error != std::errc() || end != digits.data() + digits.size() || seq < 0) return bad();
  return seq;
}

}  // namespace okr::common
