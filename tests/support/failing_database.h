// A Database that forwards everything to a real one and, when armed, fails chosen writes after
// their body ran: the body's statements executed, then the write reports an error, so the real
// database rolls its savepoint back. Tests use it to check that state kept outside the database
// (roll-up trees, read models, caches) forgets a write the database undid.
// Header-only: tests that include it link okr::common_storage already.
#ifndef OKR_TESTS_SUPPORT_FAILING_DATABASE_H_
#define OKR_TESTS_SUPPORT_FAILING_DATABASE_H_

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "okr/common/storage/database.h"

namespace okr::test_support {

class FailingDatabase final : public common::Database {
 public:
  explicit FailingDatabase(common::Database* inner) : inner_(inner) {}

  // From now on, every `every`-th write whose body succeeded fails with ABORTED (0: none).
  void FailEvery(int every) { every_.store(every); }
  // How many writes were failed so far.
  int64_t failed() const { return failed_.load(); }

  common::SqlEngine Engine() const override { return inner_->Engine(); }

  void Write(common::WriteFn fn, common::WriteDoneFn done) override {
    inner_->Write(Wrap(std::move(fn)), std::move(done));
  }

  absl::Status WriteAndWait(common::WriteFn fn) override {
    return inner_->WriteAndWait(Wrap(std::move(fn)));
  }

  absl::Status Read(common::ReadFn fn) override { return inner_->Read(fn); }
  void Close() override { inner_->Close(); }
  common::DatabaseStats Stats() const override { return inner_->Stats(); }

 private:
  common::WriteFn Wrap(common::WriteFn fn) {
    return [this, fn = std::move(fn)](common::SqlSession& session) mutable -> absl::Status {
      absl::Status status = fn(session);
      const int every = every_.load();
      if (!status.ok() || every <= 0 || ++seen_ % every != 0) return status;
      ++failed_;
      return absl::AbortedError("injected failure after the write's body ran");
    };
  }

  common::Database* const inner_;
  std::atomic<int> every_{0};
  std::atomic<int64_t> seen_{0};
  std::atomic<int64_t> failed_{0};
};

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_FAILING_DATABASE_H_
