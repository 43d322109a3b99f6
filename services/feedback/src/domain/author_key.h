// The pseudonym under which service identities (analytics) see an author: stable for one author
// in one tenant across restarts and replicas, so distinct authors can be counted, and not
// reversible by trying every person id without the service's secret.
#pragma once

#include <string>

namespace okr::feedback {

// HMAC-SHA256 of tenant and author under `secret`, the first 16 bytes in hex.
std::string AuthorKey(const std::string& secret, const std::string& tenant,
                      const std::string& author);

}  // namespace okr::feedback
