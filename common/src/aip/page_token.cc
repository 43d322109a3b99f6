#include "okr/common/aip/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "okr/common/status/errors.h"

namespace okr::common {
namespace {

constexpr char kFormatVersion = '\x01';
constexpr size_t kTenantDigestBytes = 8;
constexpr size_t kFieldsDigestBytes = 16;
constexpr size_t kMacBytes = 32;
constexpr size_t kHeaderBytes = 1 + kTenantDigestBytes + kFieldsDigestBytes;
// Positions are sort keys of a few hundred bytes at most; anything longer is not ours.
constexpr size_t kMaxTokenChars = 4096;

// SHA-256 over length-prefixed parts, so ("ab", "c") and ("a", "bc") differ; truncated.
std::string Digest(const std::vector<std::string_view>& parts, size_t bytes) {
  std::string framed;
  for (std::string_view part : parts) {
    const uint64_t size = part.size();
    for (int shift = 56; shift >= 0; shift -= 8) {
      framed.push_back(static_cast<char>((size >> shift) & 0xff));
    }
    framed.append(part);
  }
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(framed.data()), framed.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), bytes);
}

std::string Header(const PageScope& scope) {
  std::string header(1, kFormatVersion);
  header += Digest({scope.tenant}, kTenantDigestBytes);
  header += Digest({scope.fields.begin(), scope.fields.end()}, kFieldsDigestBytes);
  return header;
}

absl::Status BadToken(std::string_view why) {
  return InvalidArgument("INVALID_PAGE_TOKEN", "the page token is not valid for this request",
                         {{"page_token", std::string(why)}});
}

}  // namespace

PageTokenCodec::PageTokenCodec(std::string key) : key_(std::move(key)) {}

std::string PageTokenCodec::GenerateKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    // Without randomness there is no safe key; this must never happen on a working system.
    std::abort();
  }
  return key;
}

std::string PageTokenCodec::Mac(std::string_view payload) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac.data(), &size);
  return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

std::string PageTokenCodec::Seal(const PageScope& scope, std::string_view position) const {
  std::string payload = Header(scope);
  payload.append(position);
  payload += Mac(payload);
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<std::string> PageTokenCodec::Open(std::string_view token,
                                                 const PageScope& scope) const {
  if (token.size() > kMaxTokenChars) return BadToken("too long");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw)) return BadToken("malformed");
  if (raw.size() < kHeaderBytes + kMacBytes) return BadToken("malformed");
  const std::string_view payload(raw.data(), raw.size() - kMacBytes);
  const std::string expected = Mac(payload);
  if (expected.size() != kMacBytes ||
      CRYPTO_memcmp(expected.data(), raw.data() + payload.size(), kMacBytes) != 0) {
    return BadToken("not issued by this service, or altered");
  }
  if (payload[0] != kFormatVersion) return BadToken("unknown token format");
  const std::string header = Header(scope);
  if (payload.substr(1, kTenantDigestBytes) !=
      std::string_view(header).substr(1, kTenantDigestBytes)) {
    return BadToken("issued to another tenant");
  }
  if (payload.substr(0, kHeaderBytes) != header) {
    return BadToken("issued for a request with other parameters; repeat them unchanged");
  }
  return std::string(payload.substr(kHeaderBytes));
}

}  // namespace okr::common
