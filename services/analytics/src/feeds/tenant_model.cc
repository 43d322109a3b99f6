#include "services/analytics/src/feeds/tenant_model.h"

#include "services/analytics/src/feeds/fact_codec.h"

namespace okr::analytics {

TenantModel::Version TenantModel::version() const {
  absl::MutexLock lock(&version_mu_);
  return {generation_.load(std::memory_order_acquire), stamp_};
}

absl::Status TenantModel::Apply(const std::vector<FactOp>& ops) {
  absl::WriterMutexLock lock(&mu_);
  absl::Status s = ApplyOps(*state_, ops);
  digest_.Apply(ops);
  absl::MutexLock version(&version_mu_);
  // After a fact that did not parse the state lacks what the digest names: no stamp, so nothing
  // is shared until a rebuild.
  if (!s.ok()) broken_ = true;
  stamp_ = broken_ ? "" : digest_.Stamp();
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return s;
}

void TenantModel::Swap(std::unique_ptr<TenantState> state, FactsDigest digest) {
  absl::WriterMutexLock lock(&mu_);
  state_ = std::move(state);
  digest_ = std::move(digest);
  absl::MutexLock version(&version_mu_);
  broken_ = false;
  stamp_ = digest_.Stamp();
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace okr::analytics
