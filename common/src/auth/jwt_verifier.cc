// How the work is split with cpp-jwt 1.4, and why:
//  - cpp-jwt computes and checks the signature (HMACSign / PEMSign over OpenSSL). We call the
//    primitive for the configured algorithm directly, so the token header can never choose which
//    code verifies it.
//  - We check everything else ourselves. jwt::decode reads exp/nbf from the system clock (no way
//    to inject one), accepts only a string "aud", matches "alg" case-insensitively up to the first
//    NUL, and its base64 decoder indexes a table with signed chars (an assertion failure, or an
//    out-of-bounds read under NDEBUG, on any byte >= 0x80); so the token's shape is checked before
//    any cpp-jwt code sees it, and the JSON is parsed with nlohmann without exceptions.
//  - cpp-jwt's HS256 verify compares signatures with ==; we compute the MAC with cpp-jwt and
//    compare in constant time with CRYPTO_memcmp.
#include "okr/common/auth/jwt_verifier.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <jwt/jwt.hpp>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace okr::common {
namespace {

// Real tokens are a few hundred bytes; the cap bounds the work an unauthenticated caller causes.
constexpr std::size_t kMaxTokenBytes = std::size_t{8} * 1024;
constexpr absl::Duration kMaxLeeway = absl::Minutes(5);

// Messages are literals: stable for callers and free of token content.
absl::Status Reject(const char* message) { return absl::UnauthenticatedError(message); }

bool IsBase64UrlChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// Unpadded base64url (RFC 7515 section 2); a length of 1 mod 4 cannot encode whole bytes.
bool IsBase64UrlSegment(std::string_view segment) {
  return !segment.empty() && segment.size() % 4 != 1 &&
         std::all_of(segment.begin(), segment.end(), IsBase64UrlChar);
}

struct Segments {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // "header.payload", what the signature covers.
};

std::optional<Segments> SplitCompactJws(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  Segments s{token.substr(0, first), token.substr(first + 1, second - first - 1),
             token.substr(second + 1), token.substr(0, second)};
  if (!IsBase64UrlSegment(s.header) || !IsBase64UrlSegment(s.payload) ||
      !IsBase64UrlSegment(s.signature)) {
    return std::nullopt;  // Also rejects a third '.', which is not a base64url character.
  }
  return s;
}

// A JSON object, or a discarded value on any error (no exceptions).
nlohmann::json DecodeJsonObject(std::string_view segment) {
  std::string text = jwt::base64_uri_decode(segment.data(), segment.size());
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return nlohmann::json::value_t::discarded;
  return value;
}

const nlohmann::json* Find(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// RFC 7519 NumericDate: seconds since the epoch, possibly fractional. nullopt if not a number.
std::optional<absl::Time> NumericDate(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto seconds = value.get<std::uint64_t>();
    if (seconds > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return absl::InfiniteFuture();
    }
    return absl::FromUnixSeconds(static_cast<std::int64_t>(seconds));
  }
  if (value.is_number_integer()) return absl::FromUnixSeconds(value.get<std::int64_t>());
  if (value.is_number_float()) {
    const double seconds = value.get<double>();
    if (std::isnan(seconds)) return std::nullopt;
    return absl::UnixEpoch() + absl::Seconds(seconds);  // Saturates to infinity.
  }
  return std::nullopt;
}

// Non-empty string claim, or nullptr.
const std::string* NonEmptyString(const nlohmann::json& claims, const char* name) {
  const nlohmann::json* value = Find(claims, name);
  if (value == nullptr || !value->is_string()) return nullptr;
  const auto* text = value->get_ptr<const std::string*>();
  return text->empty() ? nullptr : text;
}

bool AudienceMatches(const nlohmann::json& aud, const std::string& expected) {
  if (aud.is_string()) return aud.get_ref<const std::string&>() == expected;
  if (!aud.is_array()) return false;
  return std::any_of(aud.begin(), aud.end(), [&](const nlohmann::json& entry) {
    return entry.is_string() && entry.get_ref<const std::string&>() == expected;
  });
}

bool SignatureValid(const JwtVerifierOptions& options, const Segments& s) {
  switch (options.algorithm) {
    case JwtAlgorithm::kHs256: {
      auto [mac, ec] = jwt::HMACSign<jwt::algo::HS256>::sign(options.key, s.signing_input);
      if (ec || mac.empty()) return false;
      std::string expected = jwt::base64_encode(mac.data(), mac.size());
      expected.resize(jwt::base64_uri_encode(expected.data(), expected.size()));
      return expected.size() == s.signature.size() &&
             CRYPTO_memcmp(expected.data(), s.signature.data(), expected.size()) == 0;
    }
    case JwtAlgorithm::kRs256: {
      auto [ok, ec] =
          jwt::PEMSign<jwt::algo::RS256>::verify(options.key, s.signing_input, s.signature);
      return ok && !ec;
    }
    case JwtAlgorithm::kEs256: {
      auto [ok, ec] =
          jwt::PEMSign<jwt::algo::ES256>::verify(options.key, s.signing_input, s.signature);
      return ok && !ec;
    }
  }
  return false;
}

absl::Status CheckHeader(const nlohmann::json& header, JwtAlgorithm algorithm) {
  const nlohmann::json* alg = Find(header, "alg");
  // Exact, case-sensitive match against the one configured algorithm: "none", "hs256" or an
  // HS256 header sent to an RS256 verifier all stop here.
  if (alg == nullptr || !alg->is_string() ||
      alg->get_ref<const std::string&>() != JwtAlgorithmName(algorithm)) {
    return Reject("token algorithm not allowed");
  }
  // RFC 7515 section 4.1.11: extensions we do not understand must not be ignored.
  if (Find(header, "crit") != nullptr) return Reject("token header not supported");
  if (const nlohmann::json* typ = Find(header, "typ"); typ != nullptr) {
    if (!typ->is_string() || !absl::EqualsIgnoreCase(typ->get_ref<const std::string&>(), "JWT")) {
      return Reject("token type not supported");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(JwtVerifierOptions options,
                                                                 Clock clock) {
  if (options.issuer.empty()) return absl::InvalidArgumentError("JWT issuer must be set");
  if (options.audience.empty()) return absl::InvalidArgumentError("JWT audience must be set");
  if (options.leeway < absl::ZeroDuration() || options.leeway > kMaxLeeway) {
    return absl::InvalidArgumentError("JWT leeway must be between 0 and 5 minutes");
  }
  if (!clock) return absl::InvalidArgumentError("JWT verifier needs a clock");
  if (absl::Status key = CheckVerificationKey(options.algorithm, options.key); !key.ok()) {
    return key;
  }
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(options), std::move(clock)));
}

JwtVerifier::JwtVerifier(JwtVerifierOptions options, Clock clock)
    : options_(std::move(options)), clock_(std::move(clock)) {}

absl::StatusOr<Principal> JwtVerifier::Verify(std::string_view token) const {
  absl::StatusOr<Principal> result = Reject("malformed token");
  try {
    result = VerifyOrThrow(token);
  } catch (const std::exception&) {
    // cpp-jwt reports allocation failures by throwing; nlohmann may throw on odd input.
    result = Reject("malformed token");
  } catch (...) {
    result = Reject("malformed token");
  }
  // Failed signature checks leave entries on this thread's OpenSSL error queue.
  if (!result.ok()) ERR_clear_error();
  return result;
}

absl::StatusOr<Principal> JwtVerifier::VerifyOrThrow(std::string_view token) const {
  const std::optional<Segments> segments = SplitCompactJws(token);
  if (!segments.has_value()) return Reject("malformed token");

  const nlohmann::json header = DecodeJsonObject(segments->header);
  if (header.is_discarded()) return Reject("malformed token");
  if (absl::Status status = CheckHeader(header, options_.algorithm); !status.ok()) return status;

  // Authenticate before parsing the payload, so the JSON parser only ever sees claims we issued.
  if (!SignatureValid(options_, *segments)) return Reject("token signature invalid");

  const nlohmann::json claims = DecodeJsonObject(segments->payload);
  if (claims.is_discarded()) return Reject("malformed token");

  const absl::Time now = clock_();
  const nlohmann::json* exp = Find(claims, "exp");
  if (exp == nullptr) return Reject("token expiry missing");
  const std::optional<absl::Time> expires = NumericDate(*exp);
  if (!expires.has_value()) return Reject("token expiry invalid");
  // RFC 7519 4.1.4: valid only while now is before exp.
  if (now >= *expires + options_.leeway) return Reject("token expired");
  if (const nlohmann::json* nbf = Find(claims, "nbf"); nbf != nullptr) {
    const std::optional<absl::Time> not_before = NumericDate(*nbf);
    if (!not_before.has_value()) return Reject("token not-before invalid");
    if (now + options_.leeway < *not_before) return Reject("token not yet valid");
  }
  if (const nlohmann::json* iat = Find(claims, "iat"); iat != nullptr) {
    const std::optional<absl::Time> issued = NumericDate(*iat);
    if (!issued.has_value()) return Reject("token issued-at invalid");
    if (*issued > now + options_.leeway) return Reject("token issued in the future");
  }

  const nlohmann::json* iss = Find(claims, "iss");
  if (iss == nullptr || !iss->is_string() ||
      iss->get_ref<const std::string&>() != options_.issuer) {
    return Reject("token issuer mismatch");
  }
  const nlohmann::json* aud = Find(claims, "aud");
  if (aud == nullptr || !AudienceMatches(*aud, options_.audience)) {
    return Reject("token audience mismatch");
  }

  Principal principal;
  principal.expires = *expires + options_.leeway;
  const std::string* subject = NonEmptyString(claims, "sub");
  if (subject == nullptr) return Reject("token subject missing");
  principal.subject = *subject;
  const std::string* tenant = NonEmptyString(claims, "tenant");
  if (tenant == nullptr) return Reject("token tenant missing");
  principal.tenant = *tenant;
  if (const nlohmann::json* roles = Find(claims, "roles"); roles != nullptr) {
    if (!roles->is_array()) return Reject("token roles invalid");
    principal.roles.reserve(roles->size());
    for (const nlohmann::json& role : *roles) {
      if (!role.is_string() || role.get_ref<const std::string&>().empty()) {
        return Reject("token roles invalid");
      }
      principal.roles.push_back(role.get<std::string>());
    }
  }
  return principal;
}

}  // namespace okr::common
