#include "okr/clients/resume_token_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace okr::clients {
namespace {

absl::Status ErrnoStatus(absl::string_view what, const std::string& path, int err) {
  return absl::Status(err == ENOENT ? absl::StatusCode::kNotFound : absl::StatusCode::kInternal,
                      absl::StrCat(what, " ", path, ": ", std::strerror(err)));
}

// Closes the descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, to see the error close may report.
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::StatusOr<std::string> InMemoryResumeTokenStore::Load() {
  absl::MutexLock lock(&mu_);
  return token_;
}

absl::Status InMemoryResumeTokenStore::Save(absl::string_view token) {
  absl::MutexLock lock(&mu_);
  token_ = std::string(token);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FileResumeTokenStore::Load() {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::string();
    return ErrnoStatus("cannot open", path_, errno);
  }
  std::string token;
  char buf[512];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot read", path_, errno);
    }
    if (n == 0) break;
    token.append(buf, static_cast<size_t>(n));
  }
  return token;
}

absl::Status FileResumeTokenStore::Save(absl::string_view token) {
  absl::MutexLock lock(&mu_);
  const std::string tmp = absl::StrCat(path_, ".tmp");
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return ErrnoStatus("cannot create", tmp, errno);
    size_t written = 0;
    while (written < token.size()) {
      const ssize_t n = ::write(fd.get(), token.data() + written, token.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot write", tmp, errno);
      }
      written += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return ErrnoStatus("cannot fsync", tmp, errno);
    if (fd.Close() != 0) return ErrnoStatus("cannot close", tmp, errno);
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0)
    return ErrnoStatus("cannot rename to", path_, errno);
  // The rename itself is durable only once the directory is.
  const std::string dir = DirectoryOf(path_);
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return ErrnoStatus("cannot open directory", dir, errno);
  if (::fsync(dir_fd.get()) != 0) return ErrnoStatus("cannot fsync directory", dir, errno);
  return absl::OkStatus();
}

}  // namespace okr::clients
