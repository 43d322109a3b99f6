#include "tests/unit/common/auth/test_tokens.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <array>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace okr::common::auth_test {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

[[noreturn]] void Die(std::string_view what) {
  std::cerr << "test_tokens: " << what << " failed\n";
  std::abort();
}

std::string Drain(BIO* bio) {
  std::string out;
  std::array<char, 4096> buffer;
  int n = 0;
  while ((n = BIO_read(bio, buffer.data(), static_cast<int>(buffer.size()))) > 0) {
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return out;
}

KeyPair ToPem(EVP_PKEY* key) {
  Owned<BIO> priv(BIO_new(BIO_s_mem()));
  Owned<BIO> pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub ||
      PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key) != 1) {
    Die("PEM encoding");
  }
  return KeyPair{Drain(priv.get()), Drain(pub.get())};
}

KeyPair GenerateRsa(unsigned int bits) {
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) != 1 ||
      EVP_PKEY_generate(ctx.get(), &key) != 1) {
    Die("RSA key generation");
  }
  Owned<EVP_PKEY> owned(key);
  return ToPem(key);
}

KeyPair GenerateEc(const char* group) {
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), group) != 1 ||
      EVP_PKEY_generate(ctx.get(), &key) != 1) {
    Die("EC key generation");
  }
  Owned<EVP_PKEY> owned(key);
  return ToPem(key);
}

Owned<EVP_PKEY> ReadPrivateKey(std::string_view pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) Die("reading a private key");
  return key;
}

// JWS ES256 signatures are r||s, 32 bytes each (RFC 7518 section 3.4), not DER.
std::string DerToRawEcdsa(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Owned<ECDSA_SIG> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));  // NOLINT(google-runtime-int)
  if (!sig) Die("decoding an ECDSA signature");
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) != 32) {
    Die("encoding an ECDSA signature");
  }
  return raw;
}

}  // namespace

const KeyPair& Rsa2048() {
  static const KeyPair* const kPair = new KeyPair(GenerateRsa(2048));
  return *kPair;
}
const KeyPair& OtherRsa2048() {
  static const KeyPair* const kPair = new KeyPair(GenerateRsa(2048));
  return *kPair;
}
const KeyPair& Rsa1024() {
  static const KeyPair* const kPair = new KeyPair(GenerateRsa(1024));
  return *kPair;
}
const KeyPair& EcP256() {
  static const KeyPair* const kPair = new KeyPair(GenerateEc("P-256"));
  return *kPair;
}
const KeyPair& OtherEcP256() {
  static const KeyPair* const kPair = new KeyPair(GenerateEc("P-256"));
  return *kPair;
}
const KeyPair& EcSecp256k1() {
  static const KeyPair* const kPair = new KeyPair(GenerateEc("secp256k1"));
  return *kPair;
}

std::string Base64Url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return absl::StrReplaceAll(out, {{"+", "-"}, {"/", "_"}});
}

std::string Base64UrlDecode(std::string_view text) {
  std::string padded = absl::StrReplaceAll(std::string(text), {{"-", "+"}, {"_", "/"}});
  while (padded.size() % 4 != 0) padded.push_back('=');
  std::string out(padded.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()),
                                static_cast<int>(padded.size()));
  if (n < 0) Die("base64 decoding");
  // EVP_DecodeBlock counts padding as zero bytes.
  auto length = static_cast<std::size_t>(n);
  for (std::size_t i = padded.size(); i > 0 && padded[i - 1] == '='; --i) --length;
  out.resize(length);
  return out;
}

nlohmann::json ValidClaims() {
  return {
      {"iss", kIssuer},
      {"aud", kAudience},
      {"sub", "user-42"},
      {"tenant", "acme"},
      {"roles", {"member", "manager"}},
      {"iat", absl::ToUnixSeconds(kNow)},
      {"exp", absl::ToUnixSeconds(kNow + absl::Hours(1))},
  };
}

nlohmann::json Header(std::string_view alg) { return {{"alg", alg}, {"typ", "JWT"}}; }

std::string SignHs256Raw(std::string_view header_segment, std::string_view payload_segment,
                         std::string_view secret) {
  const std::string input = std::string(header_segment) + "." + std::string(payload_segment);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(),
           &mac_length) == nullptr) {
    Die("HMAC");
  }
  return absl::StrCat(
      input, ".",
      Base64Url(std::string_view(reinterpret_cast<const char*>(mac.data()), mac_length)));
}

std::string SignHs256(const nlohmann::json& header, const nlohmann::json& claims,
                      std::string_view secret) {
  return SignHs256Raw(Base64Url(header.dump()), Base64Url(claims.dump()), secret);
}

std::string SignWithPrivateKey(std::string_view alg, const nlohmann::json& header,
                               const nlohmann::json& claims, std::string_view private_pem) {
  const std::string input = absl::StrCat(Base64Url(header.dump()), ".", Base64Url(claims.dump()));
  Owned<EVP_PKEY> key = ReadPrivateKey(private_pem);
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    Die("signing");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    Die("signing");
  }
  signature.resize(length);
  if (alg == "ES256") signature = DerToRawEcdsa(signature);
  return absl::StrCat(input, ".", Base64Url(signature));
}

}  // namespace okr::common::auth_test
