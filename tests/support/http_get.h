// A plain HTTP/1.0 GET over loopback, for endpoints such as /metrics that tests scrape.
#ifndef OKR_TESTS_SUPPORT_HTTP_GET_H_
#define OKR_TESTS_SUPPORT_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"

namespace okr::test_support {

// The whole response (status line, headers and body) of `GET <path>` to 127.0.0.1:`port`, each
// socket read bounded by 5 seconds; UNAVAILABLE when the connection or a read fails.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// The value of one sample in the Prometheus text served at 127.0.0.1:`port`/metrics, e.g.
// `okr_feedback_org_cache_total{result="stale"}` (labels as the exporter orders them); -1 when
// the scrape fails or the sample is not there.
double MetricSample(int port, const std::string& series);

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_HTTP_GET_H_
