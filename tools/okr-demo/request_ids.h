// Idempotency keys for the loader's creates: the same seed, step and index always give the same
// UUID-shaped id, so a load that was cut off and run again replays what was already created
// instead of creating it twice.
#ifndef OKR_TOOLS_OKR_DEMO_REQUEST_IDS_H_
#define OKR_TOOLS_OKR_DEMO_REQUEST_IDS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace okr::demo {

// 128 bits from two FNV-1a hashes of (seed, kind, index), formatted 8-4-4-4-12 in lowercase hex
// with the RFC 4122 version (4) and variant bits set.
std::string DemoRequestId(uint64_t seed, std::string_view kind, uint64_t index);

}  // namespace okr::demo

#endif  // OKR_TOOLS_OKR_DEMO_REQUEST_IDS_H_
