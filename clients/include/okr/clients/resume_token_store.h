// ResumeTokenStore: where a change-feed consumer keeps the position it has processed up to, so a
// restarted consumer continues after the last change it handled.
#ifndef OKR_CLIENTS_RESUME_TOKEN_STORE_H_
#define OKR_CLIENTS_RESUME_TOKEN_STORE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace okr::clients {

// Implementations must be thread-safe. A consumer that keeps its own state in a database should
// implement this over that database and save the token in the same transaction as the effect of
// the change: then nothing is applied twice.
class ResumeTokenStore {
 public:
  virtual ~ResumeTokenStore() = default;

  // The stored token; empty if none was ever saved.
  virtual absl::StatusOr<std::string> Load() = 0;

  // Replaces the stored token. Once it returns OK the token must survive what the store promises
  // to survive (a process crash for FileResumeTokenStore).
  virtual absl::Status Save(absl::string_view token) = 0;
};

using ResumeTokenStorePtr = std::unique_ptr<ResumeTokenStore>;

// Keeps the token in memory: for tests and for consumers that rebuild from a snapshot on start.
class InMemoryResumeTokenStore : public ResumeTokenStore {
 public:
  InMemoryResumeTokenStore() = default;
  explicit InMemoryResumeTokenStore(std::string token) : token_(std::move(token)) {}

  absl::StatusOr<std::string> Load() override;
  absl::Status Save(absl::string_view token) override;

 private:
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
};

// Keeps the token in one file. Save writes `<path>.tmp`, fsyncs it, renames it over `<path>` and
// fsyncs the directory, so after a crash the file holds either the old or the new token, whole.
class FileResumeTokenStore : public ResumeTokenStore {
 public:
  explicit FileResumeTokenStore(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<std::string> Load() override;
  absl::Status Save(absl::string_view token) override;

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  absl::Mutex mu_;  // One Save at a time: they share the temporary file.
};

}  // namespace okr::clients

#endif  // OKR_CLIENTS_RESUME_TOKEN_STORE_H_
