#include "services/analytics/src/feeds/facts_digest.h"

#include <openssl/evp.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace okr::analytics {

void FactsDigest::Remove(const std::string& key) {
  auto it = facts_.find(key);
  if (it == facts_.end()) return;
  total_.first -= it->second.first;
  total_.second -= it->second.second;
  facts_.erase(it);
}

void FactsDigest::Put(FactKind kind, const std::string& id, const std::string& payload) {
  std::string key = absl::StrCat(static_cast<int>(kind), ":", id);
  Remove(key);
  // The key's length first: "1:a" + "bc" and "1:ab" + "c" must differ.
  const std::string input = absl::StrCat(key.size(), "\n", key, payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  Sum sum;
  std::memcpy(&sum.first, digest, sizeof(sum.first));
  std::memcpy(&sum.second, digest + sizeof(sum.first), sizeof(sum.second));
  total_.first += sum.first;
  total_.second += sum.second;
  facts_[std::move(key)] = sum;
}

void FactsDigest::Delete(FactKind kind, const std::string& id) {
  Remove(absl::StrCat(static_cast<int>(kind), ":", id));
}

void FactsDigest::Apply(const std::vector<FactOp>& ops) {
  for (const FactOp& op : ops) {
    if (op.type == FactOp::Type::kDelete) {
      Delete(op.kind, op.id);
    } else if (op.type == FactOp::Type::kPut) {
      Put(op.kind, op.id, op.payload);
    }
  }
}

std::string FactsDigest::Stamp() const {
  return absl::StrFormat("%016x%016x", total_.first, total_.second);
}

}  // namespace okr::analytics
