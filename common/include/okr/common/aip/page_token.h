// Opaque list page tokens (AIP-158): the position to resume from, bound to the tenant and to the
// request it came from, sealed with an HMAC so a client can neither forge nor alter one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace okr::common {

// What a page token is valid for: one tenant and one request. `fields` holds the method (or
// collection) first, then every request field other than page_token in a fixed order, as text;
// a token only opens for a request with the same tenant and the same fields.
struct PageScope {
  std::string tenant;
  std::vector<std::string> fields;
};

// Seals and opens page tokens under one server key. Thread-safe (immutable after construction).
//
// A token is URL-safe base64 (no padding) of: a format version, a digest of the tenant, a digest
// of the scope's fields, the position, and an HMAC-SHA256 of all of it. The position is the last
// sort key the previous page returned; it is readable by whoever holds the token (it is the
// caller's own data) but cannot be changed without breaking the MAC.
class PageTokenCodec {
 public:
  // Any key works, but it should be at least 32 random bytes. Tokens sealed under one key open
  // only under the same key, so replicas of a service must share it.
  explicit PageTokenCodec(std::string key);

  // 32 bytes from the OpenSSL random generator, for a key that lives as long as the process.
  static std::string GenerateKey();

  // The token for resuming after `position` in the listing `scope` describes.
  std::string Seal(const PageScope& scope, std::string_view position) const;

  // The position sealed in `token`. INVALID_ARGUMENT (reason INVALID_PAGE_TOKEN, violation on
  // `page_token`) when the token is malformed, too long, not sealed under this key, or sealed for
  // another tenant or another request. Never crashes, whatever the bytes.
  absl::StatusOr<std::string> Open(std::string_view token, const PageScope& scope) const;

 private:
  std::string Mac(std::string_view payload) const;

  std::string key_;
};

}  // namespace okr::common
