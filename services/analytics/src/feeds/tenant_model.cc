#include "services/analytics/src/feeds/tenant_model.h"

#include "services/analytics/src/feeds/fact_codec.h"

namespace okr::analytics {

absl::Status TenantModel::Apply(const std::vector<FactOp>& ops) {
  absl::Status s;
  {
    absl::WriterMutexLock lock(&mu_);
    s = ApplyOps(*state_, ops);
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return s;
}

void TenantModel::Swap(std::unique_ptr<TenantState> state) {
  {
    absl::WriterMutexLock lock(&mu_);
    state_ = std::move(state);
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace okr::analytics
