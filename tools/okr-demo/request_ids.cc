#include "tools/okr-demo/request_ids.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace okr::demo {
namespace {

uint64_t Fnv1a(uint64_t hash, std::string_view bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string DemoRequestId(uint64_t seed, std::string_view kind, uint64_t index) {
  const std::string key = absl::StrCat(seed, "/", std::string(kind), "/", index);
  uint64_t hi = Fnv1a(0xcbf29ce484222325ULL, key);
  uint64_t lo = Fnv1a(hi ^ 0x9e3779b97f4a7c15ULL, key);
  hi = (hi & ~0xf000ULL) | 0x4000ULL;            // version 4
  lo = (lo & ~(0xcULL << 60)) | (0x8ULL << 60);  // variant 10xx
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                         lo >> 48, lo & 0xffffffffffffULL);
}

}  // namespace okr::demo
