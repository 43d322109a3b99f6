// `okrctl org import FILE` (people or teams, CSV or JSON, in all-or-nothing batches) and
// `okrctl org show PERSON` (the person, their reporting chain and direct reports).
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "okr/common/status/errors.h"
#include "okr/org/v1/org_service.grpc.pb.h"
#include "tools/okrctl/commands/commands.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/json_output.h"
#include "tools/okrctl/org_import.h"
#include "tools/okrctl/progress.h"
#include "tools/okrctl/table.h"

namespace okr::ctl {
namespace {

namespace ov1 = okr::org::v1;

struct ImportOptions {
  std::string path;
  std::string kind;
  std::string format;
  int batch_size = 1000;
};

struct RowError {
  int line;
  std::string field;
  std::string description;
};

struct ImportTally {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  int failed = 0;
  std::vector<RowError> errors;
};

// The stored records' etags by name, read before the import, to tell created, updated and
// unchanged records apart from the batch responses.
using Etags = std::map<std::string, std::string>;

template <typename Record>
void Count(const Record& stored, const Etags& before, ImportTally& tally) {
  auto it = before.find(stored.name());
  if (it == before.end()) {
    ++tally.created;
  } else if (it->second != stored.etag()) {
    ++tally.updated;
  } else {
    ++tally.unchanged;
  }
}

grpc::Status ReadEtags(Session& session, ImportKind kind, Etags& out) {
  auto stub = ov1::OrgService::NewStub(session.Channel(Service::kGoals));
  std::string token;
  do {
    grpc::Status s;
    if (kind == ImportKind::kPeople) {
      ov1::ListPeopleRequest request;
      request.set_page_size(1000);
      request.set_include_inactive(true);
      request.set_page_token(token);
      ov1::ListPeopleResponse page;
      s = stub->ListPeople(session.Context().get(), request, &page);
      for (const auto& p : page.people()) out[p.name()] = p.etag();
      token = page.next_page_token();
    } else {
      ov1::ListTeamsRequest request;
      request.set_page_size(1000);
      request.set_include_inactive(true);
      request.set_page_token(token);
      ov1::ListTeamsResponse page;
      s = stub->ListTeams(session.Context().get(), request, &page);
      for (const auto& t : page.teams()) out[t.name()] = t.etag();
      token = page.next_page_token();
    }
    if (!s.ok()) return s;
  } while (!token.empty());
  return grpc::Status::OK;
}

// Sends rows [begin, end) as one batch, or fails them all.
// Returns a status only for a failure that is not about the rows (permission, unavailable): the
// import stops there.
grpc::Status SendBatch(Session& session, const ImportFile& file, const Etags& before, size_t begin,
                       size_t end, ImportTally& tally) {
  bool local_problems = false;
  for (size_t i = begin; i < end; ++i) {
    for (const RowProblem& p : file.rows[i].problems) {
      tally.errors.push_back({file.rows[i].line, p.field, p.description});
      local_problems = true;
    }
  }
  auto fail_rest = [&](const std::string& why) {
    for (size_t i = begin; i < end; ++i) {
      bool reported = false;
      for (const RowError& e : tally.errors) reported = reported || e.line == file.rows[i].line;
      if (!reported) tally.errors.push_back({file.rows[i].line, "", why});
    }
    tally.failed += static_cast<int>(end - begin);
  };
  if (local_problems) {
    fail_rest("not imported: another row of its batch is invalid");
    return grpc::Status::OK;
  }
  auto stub = ov1::OrgService::NewStub(session.Channel(Service::kGoals));
  grpc::Status status;
  const std::string collection = file.kind == ImportKind::kPeople ? "people" : "teams";
  if (file.kind == ImportKind::kPeople) {
    ov1::BatchUpsertPeopleRequest request;
    for (size_t i = begin; i < end; ++i) *request.add_people() = file.rows[i].person;
    ov1::BatchUpsertPeopleResponse response;
    status = stub->BatchUpsertPeople(session.Context(absl::Seconds(60)).get(), request, &response);
    if (status.ok()) {
      for (const auto& p : response.people()) Count(p, before, tally);
    }
  } else {
    ov1::BatchUpsertTeamsRequest request;
    for (size_t i = begin; i < end; ++i) *request.add_teams() = file.rows[i].team;
    ov1::BatchUpsertTeamsResponse response;
    status = stub->BatchUpsertTeams(session.Context(absl::Seconds(60)).get(), request, &response);
    if (status.ok()) {
      for (const auto& t : response.teams()) Count(t, before, tally);
    }
  }
  if (status.ok()) return grpc::Status::OK;
  const absl::Status parsed = common::FromGrpcStatus(status);
  const std::string reason = common::ErrorReason(parsed);
  bool row_level = false;
  for (const common::FieldViolation& v : common::ErrorFieldViolations(parsed)) {
    size_t index = 0;
    std::string field;
    if (SplitBatchField(v.field, collection, &index, &field) && begin + index < end) {
      tally.errors.push_back({file.rows[begin + index].line, field, v.description});
      row_level = true;
    }
  }
  const ExitCode code = ExitCodeFor(status.error_code());
  if (!row_level && code != kExitUsage && code != kExitConflict) {
    return status;
  }
  fail_rest(row_level ? "not imported: another row of its batch is invalid"
                      : absl::StrCat("batch rejected: ", reason, ": ", status.error_message()));
  return grpc::Status::OK;
}

int Import(Session& session, const ImportOptions& o) {
  std::string text;
  if (o.path == "-") {
    std::stringstream in;
    in << std::cin.rdbuf();
    text = in.str();
  } else {
    std::ifstream in(o.path, std::ios::binary);
    if (!in) return session.Usage("cannot read " + o.path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  std::string format = o.format;
  if (format.empty()) {
    format = absl::EndsWith(o.path, ".json") || absl::EndsWith(o.path, ".jsonl") ? "json" : "csv";
  }
  auto file = ParseImportFile(text, format, o.kind, o.path);
  if (!file.ok()) return session.Usage(absl::StrCat(o.path, ": ", file.status().message()));
  const char* noun = file->kind == ImportKind::kPeople ? "people" : "teams";
  ImportTally tally;
  ProgressBar progress(session.err(), session.err_style(), absl::StrCat("importing ", noun),
                       static_cast<int64_t>(file->rows.size()));
  Etags before;
  if (grpc::Status s = ReadEtags(session, file->kind, before); !s.ok()) {
    return session.Fail(file->kind == ImportKind::kPeople ? "ListPeople" : "ListTeams", s);
  }
  for (size_t begin = 0; begin < file->rows.size(); begin += static_cast<size_t>(o.batch_size)) {
    const size_t end = std::min(file->rows.size(), begin + static_cast<size_t>(o.batch_size));
    if (grpc::Status s = SendBatch(session, *file, before, begin, end, tally); !s.ok()) {
      progress.Finish();
      return session.Fail(
          file->kind == ImportKind::kPeople ? "BatchUpsertPeople" : "BatchUpsertTeams", s);
    }
    progress.Update(static_cast<int64_t>(end));
  }
  progress.Finish();
  std::sort(tally.errors.begin(), tally.errors.end(),
            [](const RowError& a, const RowError& b) { return a.line < b.line; });
  if (session.json()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const RowError& e : tally.errors) {
      errors.push_back({{"line", e.line}, {"field", e.field}, {"description", e.description}});
    }
    session.out() << nlohmann::json{{"kind", noun},
                                    {"rows", file->rows.size()},
                                    {"created", tally.created},
                                    {"updated", tally.updated},
                                    {"unchanged", tally.unchanged},
                                    {"failed", tally.failed},
                                    {"errors", errors}}
                         .dump()
                  << "\n";
  } else {
    session.out() << absl::StrCat(noun, ": ", file->rows.size(), " rows, ", tally.created,
                                  " created, ", tally.updated, " updated, ", tally.unchanged,
                                  " unchanged, ", tally.failed, " failed\n");
    // The rows that failed go to stderr, so they are seen when the summary is redirected.
    for (const RowError& e : tally.errors) {
      session.err() << "  line " << e.line << (e.field.empty() ? "" : ": " + e.field) << ": "
                    << e.description << "\n";
    }
  }
  return tally.failed == 0 ? kExitOk : kExitFailed;
}

int Show(Session& session, const std::string& who) {
  auto stub = ov1::OrgService::NewStub(session.Channel(Service::kGoals));
  ov1::GetPersonRequest get;
  get.set_name(Qualify("people", who));
  ov1::Person person;
  grpc::Status s = stub->GetPerson(session.Context().get(), get, &person);
  if (!s.ok()) return session.Fail("GetPerson", s);
  ov1::GetReportingChainRequest chain_request;
  chain_request.set_name(person.name());
  ov1::GetReportingChainResponse chain;
  s = stub->GetReportingChain(session.Context().get(), chain_request, &chain);
  if (!s.ok()) return session.Fail("GetReportingChain", s);
  ov1::ListPeopleRequest reports_request;
  reports_request.set_manager(person.name());
  reports_request.set_page_size(1000);
  ov1::ListPeopleResponse reports;
  s = stub->ListPeople(session.Context().get(), reports_request, &reports);
  if (!s.ok()) return session.Fail("ListPeople", s);
  if (session.json()) {
    session.out() << nlohmann::json{{"person", ToJsonValue(person)},
                                    {"reportingChain", ToJsonValue(chain)},
                                    {"directReports", ToJsonValue(reports)["people"]}}
                         .dump()
                  << "\n";
    return kExitOk;
  }
  const Style& st = session.style();
  std::ostream& out = session.out();
  out << Paint(person.display_name(), Colour::kBold, st) << "  " << person.name() << "\n";
  if (!person.email().empty()) out << "  email:   " << person.email() << "\n";
  out << "  state:   " << EnumLabel(person.state(), "PERSON_STATE_") << "\n";
  out << "  teams:   " << (person.teams().empty() ? "-" : absl::StrJoin(person.teams(), ", "))
      << "\n";
  std::vector<std::string> chain_names = {person.display_name()};
  for (const auto& m : chain.managers()) {
    chain_names.push_back(absl::StrCat(m.display_name(), " (", m.name(), ")"));
  }
  if (!chain.unresolved_manager().empty()) {
    chain_names.push_back(chain.unresolved_manager() + " (not in the directory)");
  }
  out << "  reports to: "
      << (chain.managers().empty() && chain.unresolved_manager().empty()
              ? "nobody (top of the hierarchy)"
              : absl::StrJoin(chain_names, st.unicode ? " → " : " -> "))
      << "\n";
  out << "  direct reports (" << reports.people_size() << "):\n";
  for (const auto& r : reports.people()) {
    out << "    " << r.display_name() << "  " << r.name() << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddOrgCommands(CLI::App& app, Session& session, int& exit_code) {
  CLI::App* org = app.add_subcommand("org", "The org directory: people and teams");
  org->require_subcommand(1);
  auto o = std::make_shared<ImportOptions>();
  CLI::App* import =
      org->add_subcommand("import", "Upsert people or teams from a CSV or JSON file (- for stdin)");
  import->add_option("file", o->path, "people.csv, teams.json, ...")->required();
  import->add_option("--kind", o->kind, "people or teams (default: from the file name or columns)")
      ->check(CLI::IsMember({"people", "teams"}));
  import->add_option("--format", o->format, "csv or json (default: from the file name)")
      ->check(CLI::IsMember({"csv", "json"}));
  import
      ->add_option("--batch-size", o->batch_size,
                   "Rows per all-or-nothing batch (at most 1000, the server's limit)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  import->callback(Runner(session, exit_code, [&session, o] { return Import(session, *o);
}));

auto who = std::make_shared<std::string>();
CLI::App* show = org->add_subcommand("show", "A person with their reporting chain and reports");
show->add_option("person", *who, "people/ID or ID")->required();
show->callback(Runner(session, exit_code, [&session, who] { return Show(session, *who); }));
}  // namespace okr::ctl

}  // namespace okr::ctl
