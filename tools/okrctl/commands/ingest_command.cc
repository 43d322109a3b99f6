// `okrctl ingest FILE|-`: progress events as JSON lines (ProgressEvent in the proto JSON mapping)
// streamed through IngestClient, with a progress bar and the rate, then the acked and failed
// counts per line. Rejected lines are listed with their line numbers on stderr.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
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

// Which line each answer is for. An id sent again while it is pending is not queued again by the
// client (one answer answers both lines), and an id sent again after its answer is sent anew (the
// server acknowledges a duplicate of an applied id): so an answer for an id answers every line
// with that id sent since the last answer for it.
class LineAnswers {
 public:
  // Before the line's event is sent.
  void Sending(const std::string& id, int line) {
    absl::MutexLock lock(&mu_);
    waiting_[id].push_back(line);
  }
  void Acked(const std::string& id) {
    absl::MutexLock lock(&mu_);
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    acked_ += static_cast<int64_t>(it->second.size());
    waiting_.erase(it);
  }
  void Rejected(const gv1::ProgressEventError& error) {
    absl::MutexLock lock(&mu_);
    auto it = waiting_.find(error.event_id());
    if (it == waiting_.end()) return;
    for (int line : it->second) rejections_.push_back({line, error});
    waiting_.erase(it);
  }
  // A line answered without being sent.
  void RejectedHere(int line, gv1::ProgressEventError error) {
    absl::MutexLock lock(&mu_);
    rejections_.push_back({line, std::move(error)});
  }
  int64_t answered() const {
    absl::MutexLock lock(&mu_);
    return acked_ + static_cast<int64_t>(rejections_.size());
  }
  int64_t acked() const {
    absl::MutexLock lock(&mu_);
    return acked_;
  }
  // The rejected lines in file order.
  std::vector<Rejection> rejections() const {
    absl::MutexLock lock(&mu_);
    std::vector<Rejection> out = rejections_;
    std::sort(out.begin(), out.end(),
              [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<int>> waiting_ ABSL_GUARDED_BY(mu_);
  int64_t acked_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Rejection> rejections_ ABSL_GUARDED_BY(mu_);
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
  LineAnswers answers;
  clients::IngestClientOptions options;
  options.channel = session.Channel(Service::kGoals);
  options.bearer_token = session.token();
  options.on_ack = [&answers](const std::string& id) { answers.Acked(id); };
  options.on_error = [&answers](const gv1::ProgressEventError& error) { answers.Rejected(error); };
  auto client = clients::IngestClient::Create(std::move(options));
  if (!client.ok()) return session.Usage(std::string(client.status().message()));
  ProgressBar progress(session.err(), session.err_style(), "ingesting",
                       static_cast<int64_t>(events.size()));
  interrupt.OnSignal([&] { (*client)->Close(); });
  const absl::Time start = absl::Now();
  absl::Status failure;
  for (auto& [n, e] : events) {
    if (interrupt.interrupted()) break;
    // IngestClient::Send refuses a bad id, and with it every line after it: such a line is
    // answered here as the server answers a bad id (INVALID_EVENT_ID), and not sent.
    if (!clients::IsValidEventId(e.event_id())) {
      gv1::ProgressEventError error;
      error.set_event_id(e.event_id());
      error.set_code(static_cast<int32_t>(grpc::StatusCode::INVALID_ARGUMENT));
      error.set_reason("INVALID_EVENT_ID");
      error.set_field("event_id");
      error.set_message("must be 1 to 128 characters from [A-Za-z0-9._:-]");
      answers.RejectedHere(n, std::move(error));
      continue;
    }
    answers.Sending(e.event_id(), n);
    failure = (*client)->Send(e, absl::Seconds(30));
    if (!failure.ok()) break;
    progress.Update(answers.answered());
  }
  const absl::Time deadline = absl::Now() + flush_timeout;
  while (failure.ok() && !interrupt.interrupted()) {
    absl::Status flushed = (*client)->Flush(absl::Milliseconds(100));
    progress.Update(answers.answered());
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
  (*client)->Close();  // no answer comes after this
  const clients::IngestClientStats stats = (*client)->stats();
  progress.Finish();
  // Counted per line: a line whose id repeats an earlier line's is answered with it.
  const int64_t acked = answers.acked();
  const std::vector<Rejection> rejections = answers.rejections();
  const int64_t failed = static_cast<int64_t>(rejections.size());
  const int64_t unanswered = static_cast<int64_t>(events.size()) - acked - failed;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double rate = seconds > 0 ? static_cast<double>(acked + failed) / seconds : 0;
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
                                    {"acked", acked},
                                    {"failed", failed},
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
        acked, failed, unanswered, seconds, rate);
    // The rejected events go to stderr, as import's failed rows do.
    for (const Rejection& r : rejections) {
      session.err() << "  line " << r.line << ": " << r.error.event_id() << ": " << r.error.reason()
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
  if (unanswered > 0 || failed > 0) return kExitFailed;
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
