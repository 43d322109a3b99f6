// Key checks run once at start-up with the same OpenSSL readers cpp-jwt uses per token, so a key
// accepted here is one cpp-jwt can use, and a wrong key fails loudly before serving.
#include "okr/common/auth/jwt_algorithm.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <array>
#include <climits>
#include <memory>
#include <string>

namespace okr::common {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// OpenSSL's default would prompt on the terminal for an encrypted key; refuse instead.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

enum class PemKind { kPublic, kPrivate };

PkeyPtr ReadPemKey(std::string_view pem, PemKind kind) {
  if (pem.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  EVP_PKEY* key = kind == PemKind::kPublic
                      ? PEM_read_bio_PUBKEY(bio.get(), nullptr, &NoPassphrase, nullptr)
                      : PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr);
  // A failed parse leaves entries on this thread's error queue, where they would confuse the
  // next unrelated OpenSSL user (TLS) on the thread.
  ERR_clear_error();
  return PkeyPtr(key);
}

bool IsP256(EVP_PKEY* key) {
  std::array<char, 64> name{};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &length) != 1) {
    ERR_clear_error();
    return false;
  }
  const int nid = OBJ_sn2nid(name.data());
  return nid == NID_X9_62_prime256v1 || EC_curve_nist2nid(name.data()) == NID_X9_62_prime256v1;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

absl::Status CheckPemKey(JwtAlgorithm algorithm, std::string_view pem, PemKind kind) {
  const std::string what = kind == PemKind::kPublic ? "public" : "private";
  const std::string name(JwtAlgorithmName(algorithm));
  if (pem.empty()) {
    return absl::InvalidArgumentError(name + " needs a PEM " + what + " key");
  }
  // A verifier has no use for the signing key; holding one widens what a leak would expose.
  if (kind == PemKind::kPublic && Contains(pem, "PRIVATE KEY")) {
    return absl::InvalidArgumentError(name +
                                      " verification key must be a public key, not a private key");
  }
  PkeyPtr key = ReadPemKey(pem, kind);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        name + " key is not a readable unencrypted PEM " + what + " key" +
        (kind == PemKind::kPublic ? " (expected \"-----BEGIN PUBLIC KEY-----\")" : ""));
  }
  const int type = EVP_PKEY_id(key.get());
  if (algorithm == JwtAlgorithm::kRs256) {
    if (type != EVP_PKEY_RSA) {
      return absl::InvalidArgumentError("RS256 needs an RSA key");
    }
    if (EVP_PKEY_get_bits(key.get()) < kMinRsaKeyBits) {
      return absl::InvalidArgumentError("RS256 key must have at least " +
                                        std::to_string(kMinRsaKeyBits) + " bits");
    }
  } else {
    if (type != EVP_PKEY_EC || !IsP256(key.get())) {
      return absl::InvalidArgumentError("ES256 needs an EC key on curve P-256");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckHs256Secret(std::string_view secret) {
  if (secret.empty()) return absl::InvalidArgumentError("HS256 needs a secret");
  if (secret.size() < kMinHs256SecretBytes) {
    return absl::InvalidArgumentError("HS256 secret must be at least " +
                                      std::to_string(kMinHs256SecretBytes) + " bytes");
  }
  // The classic algorithm-confusion setup is a public key used as an HMAC secret: anyone who has
  // the public key could then sign tokens. A PEM block is never a sensible shared secret.
  if (Contains(secret, "-----BEGIN")) {
    return absl::InvalidArgumentError("HS256 secret must not be a PEM key");
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view JwtAlgorithmName(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHs256:
      return "HS256";
    case JwtAlgorithm::kRs256:
      return "RS256";
    case JwtAlgorithm::kEs256:
      return "ES256";
  }
  return "unknown";
}

absl::StatusOr<JwtAlgorithm> ParseJwtAlgorithm(std::string_view name) {
  for (JwtAlgorithm algorithm :
       {JwtAlgorithm::kHs256, JwtAlgorithm::kRs256, JwtAlgorithm::kEs256}) {
    if (name == JwtAlgorithmName(algorithm)) return algorithm;
  }
  return absl::InvalidArgumentError("unsupported JWT algorithm \"" + std::string(name) +
                                    "\" (expected HS256, RS256 or ES256)");
}

absl::Status CheckVerificationKey(JwtAlgorithm algorithm, std::string_view key) {
  if (algorithm == JwtAlgorithm::kHs256) return CheckHs256Secret(key);
  return CheckPemKey(algorithm, key, PemKind::kPublic);
}

absl::Status CheckSigningKey(JwtAlgorithm algorithm, std::string_view key) {
  if (algorithm == JwtAlgorithm::kHs256) return CheckHs256Secret(key);
  return CheckPemKey(algorithm, key, PemKind::kPrivate);
}

}  // namespace okr::common
