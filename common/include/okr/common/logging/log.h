// Structured logging: one JSON object per line on stderr, through spdlog. Lines about a request
// carry its request id and W3C trace context (spdlog has no MDC, so the context is passed
// explicitly).
#pragma once

#include <spdlog/common.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace okr::common {

// What identifies one request in logs: from `x-request-id` and `traceparent`, or generated.
struct RequestContext {
  std::string request_id;      // the caller's x-request-id, else a generated UUID
  std::string trace_id;        // 32 lowercase hex digits
  std::string span_id;         // 16 lowercase hex digits: this server's span for the request
  std::string parent_span_id;  // the caller's span from traceparent, empty when none
  std::string method;          // full gRPC method, e.g. "/okr.goals.v1.GoalsService/GetCycle"
  std::string peer;            // e.g. "ipv4:127.0.0.1:40000"

  // The traceparent this server would pass downstream: "00-<trace_id>-<span_id>-01".
  std::string Traceparent() const;
};

// A parsed W3C traceparent ("00-<32 hex>-<16 hex>-<2 hex>"); nullopt when malformed or all-zero.
struct Traceparent {
  std::string trace_id;
  std::string parent_id;
  std::string flags;
};
std::optional<Traceparent> ParseTraceparent(std::string_view header);

// Builds a context from the two headers (either may be empty): keeps a well-formed request id
// (printable, at most 128 bytes), else makes a UUID; continues a valid trace, else starts one.
RequestContext MakeRequestContext(std::string_view request_id_header,
                                  std::string_view traceparent_header, std::string method = "",
                                  std::string peer = "");

std::string NewRequestId();  // random UUID v4
std::string NewTraceId();    // 32 hex digits, never all zero
std::string NewSpanId();     // 16 hex digits, never all zero

// Sets up the process logger: JSON lines to stderr, each with ts (UTC, RFC 3339 with microseconds),
// level, service and msg. `level` is one of trace, debug, info, warn, error, critical, off.
void InitLogging(std::string_view service, spdlog::level::level_enum level);

// Parses a level name; nullopt when unknown.
std::optional<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

// Writes one line. `fields` must be a JSON object (or null); the request context, when given, adds
// request_id, trace_id, span_id and traceparent.
void Log(spdlog::level::level_enum level, std::string_view msg,
         const nlohmann::json& fields = nullptr, const RequestContext* request = nullptr);

// Whether Log at `level` writes anything (callers skip building fields that would be dropped).
bool LogEnabled(spdlog::level::level_enum level);

// The JSON object Log would write after ts/level/service (exposed for tests).
nlohmann::json LogRecord(std::string_view msg, const nlohmann::json& fields,
                         const RequestContext* request);

inline void LogInfo(std::string_view msg, const nlohmann::json& fields = nullptr,
                    const RequestContext* request = nullptr) {
  Log(spdlog::level::info, msg, fields, request);
}
inline void LogWarn(std::string_view msg, const nlohmann::json& fields = nullptr,
                    const RequestContext* request = nullptr) {
  Log(spdlog::level::warn, msg, fields, request);
}
inline void LogError(std::string_view msg, const nlohmann::json& fields = nullptr,
                     const RequestContext* request = nullptr) {
  Log(spdlog::level::err, msg, fields, request);
}

}  // namespace okr::common
