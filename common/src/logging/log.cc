#include "okr/common/logging/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace okr::common {
namespace {

bool IsLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Lowercase hex digits from a per-thread generator (one per call: request, trace and span ids).
std::string RandomHex(size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local absl::BitGen gen;
  std::string out(digits, '0');
  do {
    uint64_t bits = 0;
    for (size_t i = 0; i < digits; ++i) {
      if (i % 16 == 0) bits = absl::Uniform<uint64_t>(gen);
      out[i] = kHex[bits & 0xf];
      bits >>= 4;
    }
  } while (AllZero(out));
  return out;
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string RequestContext::Traceparent() const {
  return absl::StrCat("00-", trace_id, "-", span_id, "-01");
}

std::optional<Traceparent> ParseTraceparent(std::string_view header) {
  // version(2)-trace_id(32)-parent_id(16)-flags(2), lowercase hex; version ff is invalid.
  if (header.size() < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') {
    return std::nullopt;
  }
  std::string_view version = header.substr(0, 2);
  std::string_view trace_id = header.substr(3, 32);
  std::string_view parent_id = header.substr(36, 16);
  std::string_view flags = header.substr(53, 2);
  if (!IsLowerHex(version, 2) || version == "ff" || !IsLowerHex(trace_id, 32) ||
      !IsLowerHex(parent_id, 16) || !IsLowerHex(flags, 2) || AllZero(trace_id) ||
      AllZero(parent_id)) {
    return std::nullopt;
  }
  // Version 00 has exactly 55 characters; later versions may append fields after a dash.
  if (version == "00" && header.size() != 55) return std::nullopt;
  if (header.size() > 55 && header[55] != '-') return std::nullopt;
  return Traceparent{std::string(trace_id), std::string(parent_id), std::string(flags)};
}

std::string NewRequestId() {
  std::string hex = RandomHex(32);
  hex[12] = '4';  // version 4
  static constexpr char kVariant[] = "89ab";
  hex[16] = kVariant[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

std::string NewTraceId() { return RandomHex(32); }
std::string NewSpanId() { return RandomHex(16); }

RequestContext MakeRequestContext(std::string_view request_id_header,
                                  std::string_view traceparent_header, std::string method,
                                  std::string peer) {
  RequestContext ctx;
  ctx.request_id =
      IsAcceptableRequestId(request_id_header) ? std::string(request_id_header) : NewRequestId();
  if (auto parent = ParseTraceparent(traceparent_header)) {
    ctx.trace_id = parent->trace_id;
    ctx.parent_span_id = parent->parent_id;
  } else {
    ctx.trace_id = NewTraceId();
  }
  ctx.span_id = NewSpanId();
  ctx.method = std::move(method);
  ctx.peer = std::move(peer);
  return ctx;
}

std::optional<spdlog::level::level_enum> ParseLogLevel(std::string_view name) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"critical", spdlog::level::critical},
      {"off", spdlog::level::off}};
  for (const auto& [text, level] : kLevels) {
    if (text == name) return level;
  }
  return std::nullopt;
}

void InitLogging(std::string_view service, spdlog::level::level_enum level) {
  auto logger =
      std::make_shared<spdlog::logger>("okr", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // The message itself is the rest of a JSON object (see Log), so the pattern closes it.
  std::string service_json = nlohmann::json(std::string(service)).dump();
  logger->set_pattern(absl::StrCat(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":)",
                                   service_json, ",%v}"),
                      spdlog::pattern_time_type::utc);
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

nlohmann::json LogRecord(std::string_view msg, const nlohmann::json& fields,
                         const RequestContext* request) {
  nlohmann::json record = nlohmann::json::object();
  record["msg"] = std::string(msg);
  if (request != nullptr) {
    record["request_id"] = request->request_id;
    record["trace_id"] = request->trace_id;
    record["span_id"] = request->span_id;
    record["traceparent"] = request->Traceparent();
    if (!request->method.empty()) record["method"] = request->method;
  }
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) record[key] = value;
  }
  return record;
}

bool LogEnabled(spdlog::level::level_enum level) {
  return spdlog::default_logger_raw()->should_log(level);
}

void Log(spdlog::level::level_enum level, std::string_view msg, const nlohmann::json& fields,
         const RequestContext* request) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  std::string body = LogRecord(msg, fields, request)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Drop the braces: the logger's pattern supplies them around ts, level and service.
  std::string_view inner(body);
  inner.remove_prefix(1);
  inner.remove_suffix(1);
  logger->log(level, "{}", inner);
}

}  // namespace okr::common
