// A temporary directory that lives as long as the object, for test data, sockets and logs.
#ifndef OKR_TESTS_SUPPORT_TEMP_DIR_H_
#define OKR_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace okr::test_support {

// Creates a fresh directory under $TMPDIR (or /tmp) and removes it with all its contents when
// destroyed. Aborts if the directory cannot be created: nothing in a test can go on without it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Absolute path, without a trailing slash.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_TEMP_DIR_H_
