#include "okr/common/metrics/metrics_http_server.h"

#include <exception>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace okr::common {

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // civetweb wants "host:port"; one thread is plenty for a scrape every few seconds.
    exposer = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  exposer->RegisterCollectable(registry);
  const auto ports = exposer->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(absl::StrCat("metrics server on ", address, " has no port"));
  }
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(std::move(exposer), ports[0]));
}

}  // namespace okr::common
