// One entry of a service's change log (outbox): a committed change or a derived event, with what a
// watcher filters on kept beside the service's own serialized payload.
#pragma once

#include <grpcpp/support/slice.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/call_once.h"
#include "absl/time/time.h"

namespace okr::common {

struct ChangeEntry {
  // Position in the log: assigned at insert, strictly increasing in commit order.
  int64_t seq = 0;
  std::string tenant;
  // The time of the write that produced it (every entry of one write shares it).
  absl::Time commit_time = absl::UnixEpoch();
  // The service's change kind (an enum number of its API).
  int32_t kind = 0;
  // The resource the change is about.
  std::string resource;
  // A grouping the service filters on (goals: the cycle's name); "" for none.
  std::string partition;
  // Where the resource sits in the service's hierarchy when the change committed, as `/a/b/c/`
  // (goals: the objective ids from the root of the alignment tree down to the resource's
  // objective); "" for resources outside it. A subtree filter for `b` matches paths with `/b/`.
  std::string path;
  // Who may see it: "" for every reader of the tenant, else a service-defined key (goals: the id of
  // the PRIVATE objective that hides it).
  std::string scope;
  // The service's serialized change message, without its position and commit time.
  std::string payload;

  // The stream message built from it, once, and shared by every watcher that sends it.
  struct Framed {
    absl::once_flag once;
    grpc::Slice slice;
  };
  std::shared_ptr<Framed> framed = std::make_shared<Framed>();
};

using ChangeEntryPtr = std::shared_ptr<const ChangeEntry>;

}  // namespace okr::common
