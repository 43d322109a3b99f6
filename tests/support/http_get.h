// A plain HTTP/1.0 GET over loopback, for endpoints such as /metrics that tests scrape.
#ifndef OKR_TESTS_SUPPORT_HTTP_GET_H_
#define OKR_TESTS_SUPPORT_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"

namespace okr::test_support {

// The whole response (status line, headers and body) of `GET <path>` to 127.0.0.1:`port`, each
// socket read bounded by 5 seconds; UNAVAILABLE when the connection or a read fails.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_HTTP_GET_H_
