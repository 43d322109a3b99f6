// `okrctl ingest FILE|-`: progress events as JSON lines (ProgressEvent in the proto JSON mapping)
// streamed through IngestClient, with a progress bar and the rate, then the acked and failed
// counts. Rejected events are listed with their line numbers.
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "okr/clients/ingest_client.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/interrupt.h"
#include "tools/okrctl/progress.h"

namespace okr::ctl {
namespace {

namespace gv1 = okr::goals::v1;

struct IngestOptions {
  std::string path;
  std::string flush_timeout = "60s";
};

struct Rejection {
  int line;
  gv1::ProgressEventError error;
};

int Ingest(Session& session, const IngestOptions& o) {
  absl::Duration flush_timeout;
  if (!absl::ParseDuration(o.flush_timeout, &flush_timeout)) {
    return session.Usage("--flush-timeout must be a duration such as 60s");
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (o.path != "-") {
    file.open(o.path);
    if (!file) return session.Usage("cannot read " + o.path);
    in = &file;
  }
  // Parse everything first: a malformed line stops the command before anything is sent.
  std::vector<std::pair<int, gv1::ProgressEvent>> events;
  std::string line;
  int number = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    gv1::ProgressEvent event;
    auto status = google::protobuf::util::JsonStringToMessage(line, &event);
    if (!status.ok()) {
      return session.Usage(absl::StrCat(o.path, " line ", number,
                                        ": not a ProgressEvent: ", std::string(status.message())));
    }
    events.emplace_back(number, std::move(event));
  }
  Interrupt interrupt;  // before the channel is made
  absl::Mutex mu;
  std::map<std::string, int> line_of;
  for (const auto& [n, e] : events) line_of.emplace(e.event_id(), n);
  std::vector<Rejection> rejections;
  int64_t answered = 0;
  clients::IngestClientOptions options;
  options.channel = session.Channel(Service::kGoals);
  options.bearer_token = session.token();
  options.on_ack = [&](const std::string&) {
    absl::MutexLock lock(&mu);
    ++answered;
  };
  options.on_error = [&](const gv1::ProgressEventError& error) {
    absl::MutexLock lock(&mu);
    ++answered;
    auto it = line_of.find(error.event_id());
    rejections.push_back({it == line_of.end() ? 0 : it->second, error});
  };
  auto client = clients::IngestClient::Create(std::move(options));
  if (!client.ok()) return session.Usage(std::string(client.status().message()));
  ProgressBar progress(session.err(), session.err_style(), "ingesting",
                       static_cast<int64_t>(events.size()));
  interrupt.OnSignal([&] { (*client)->Close(); });
  const absl::Time start = absl::Now();
  absl::Status failure;
  for (auto& [n, e] : events) {
    if (interrupt.interrupted()) break;
    failure = (*client)->Send(e, absl::Seconds(30));
    if (!failure.ok()) break;
    absl::MutexLock lock(&mu);
    progress.Update(answered);
  }
  const absl::Time deadline = absl::Now() + flush_timeout;
  while (failure.ok() && !interrupt.interrupted()) {
    absl::Status flushed = (*client)->Flush(absl::Milliseconds(100));
    {
      absl::MutexLock lock(&mu);
      progress.Update(answered);
    }
    if (flushed.ok()) break;
    if (flushed.code() != absl::StatusCode::kDeadlineExceeded) {
      failure = flushed;
      break;
    }
    if (absl::Now() > deadline) {
      failure = flushed;
      break;
    }
  }
  const clients::IngestClientStats stats = (*client)->stats();
  const int64_t unanswered = static_cast<int64_t>(events.size()) - stats.acked - stats.rejected;
  (*client)->Close();
  progress.Finish();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double rate = seconds > 0 ? static_cast<double>(stats.acked + stats.rejected) / seconds : 0;
  absl::MutexLock lock(&mu);
  std::sort(rejections.begin(), rejections.end(),
            [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
  if (session.json()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const Rejection& r : rejections) {
      errors.push_back({{"line", r.line},
                        {"eventId", r.error.event_id()},
                        {"code", r.error.code()},
                        {"reason", r.error.reason()},
                        {"message", r.error.message()},
                        {"field", r.error.field()}});
    }
    session.out() << nlohmann::json{{"events", events.size()},
                                    {"acked", stats.acked},
                                    {"failed", stats.rejected},
                                    {"unanswered", unanswered},
                                    {"seconds", seconds},
                                    {"eventsPerSecond", rate},
                                    {"reconnects", stats.reconnects},
                                    {"errors", errors}}
                         .dump()
                  << "\n";
  } else {
    session.out() << absl::StrFormat(
        "%d events: %d acked, %d failed, %d unanswered in %.2f s (%.0f events/s)\n", events.size(),
        stats.acked, stats.rejected, unanswered, seconds, rate);
    for (const Rejection& r : rejections) {
      session.out() << "  line " << r.line << ": " << r.error.event_id() << ": " << r.error.reason()
                    << (r.error.field().empty() ? "" : " (" + r.error.field() + ")") << ": "
                    << r.error.message() << "\n";
    }
  }
  if (interrupt.interrupted()) {
    session.err() << "okrctl: interrupted; events not answered may not have been applied\n";
    return kExitFailed;
  }
  if (!failure.ok()) {
    session.err() << "okrctl: ingest stopped: " << failure.ToString() << "\n";
    switch (failure.code()) {
      case absl::StatusCode::kUnauthenticated:
      case absl::StatusCode::kPermissionDenied:
        return kExitPermission;
      case absl::StatusCode::kInvalidArgument:
        return kExitUsage;
      default:
        return kExitUnavailable;
    }
  }
  if (unanswered > 0 || stats.rejected > 0) return kExitFailed;
  return kExitOk;
}

}  // namespace

void AddIngestCommand(CLI::App& app, Session& session, int& exit_code) {
  auto o = std::make_shared<IngestOptions>();
  CLI::App* ingest = app.add_subcommand(
      "ingest", "Stream progress events (JSON lines of ProgressEvent) into goals");
  ingest->add_option("file", o->path, "A .jsonl file, or - for stdin")->required();
  ingest->add_option("--flush-timeout", o->flush_timeout, "How long to wait for the last answers")
      ->capture_default_str();
  ingest->callback(Runner(session, exit_code, [&session, o] { return Ingest(session, *o); }));
}

}  // namespace okr::ctl
