// Small pieces shared by the benchmark clients (okr-loadgen, okr-goals-seed): channels that do not
// share a connection, status code names, line files and a process's resident memory.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace okr::bench {

// `count` channels to `target`, each with its own channel arguments and a local subchannel pool, so
// each opens its own TCP connection instead of sharing one subchannel.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count);

// Waits until every channel is connected; UNAVAILABLE when one is not within `timeout`.
absl::Status WaitConnected(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                           absl::Duration timeout);

// "OK", "CANCELLED", ..., "UNAUTHENTICATED"; "CODE_<n>" for values outside the enum.
std::string StatusCodeName(grpc::StatusCode code);

// The lines of a text file without their line ends, skipping empty lines and lines starting with
// '#'. NOT_FOUND when the file cannot be opened.
absl::StatusOr<std::vector<std::string>> ReadLines(const std::string& path);

// Writes one line per entry; INTERNAL when the file cannot be written.
absl::Status WriteLines(const std::string& path, const std::vector<std::string>& lines);

// VmRSS and VmHWM of a process, from /proc/<pid>/status.
struct ProcMemory {
  int64_t rss_kib = 0;
  int64_t hwm_kib = 0;
};
absl::StatusOr<ProcMemory> ReadProcMemory(int pid);

// CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat.
absl::StatusOr<double> ReadProcCpuSeconds(int pid);

}  // namespace okr::bench
