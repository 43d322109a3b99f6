#include "okr/common/aip/resource_id.h"

#include <algorithm>
#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"

namespace okr::common {

std::string NewResourceId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local absl::BitGen gen;
  std::string id(20, 'a');
  for (char& c : id) c = kAlphabet[absl::Uniform(gen, 0u, 36u)];
  return id;
}

std::string NewTimeOrderedId(absl::Time now) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";  // ASCII order
  thread_local absl::BitGen gen;
  std::string id(20, '0');
  uint64_t micros = static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(now)));
  for (int i = 10; i >= 0; --i) {  // 11 base-36 digits cover the microseconds until year 6000
    id[static_cast<size_t>(i)] = kDigits[micros % 36];
    micros /= 36;
  }
  for (size_t i = 11; i < id.size(); ++i) id[i] = kDigits[absl::Uniform(gen, 0u, 36u)];
  return id;
}

bool IsOrgId(std::string_view id) {
  if (id.empty() || id.size() > 128 || !absl::ascii_isalnum(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace okr::common
