#include "tools/okrctl/org_import.h"

#include <google/protobuf/util/json_util.h>

#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "okr/common/aip/resource_id.h"
#include "okr/common/status/string_view.h"
#include "tools/okrctl/commands/helpers.h"
#include "tools/okrctl/csv.h"

using okr::common::Sv;

namespace okr::ctl {
namespace {

using okr::org::v1::Person;
using okr::org::v1::Team;

void CheckName(std::string_view field, std::string_view name, std::string_view collection,
               std::vector<RowProblem>& problems, bool required) {
  if (name.empty()) {
    if (required) problems.push_back({std::string(field), "is required"});
    return;
  }
  const std::string prefix = absl::StrCat(Sv(collection), "/");
  if (!absl::StartsWith(Sv(name), prefix) || !okr::common::IsOrgId(name.substr(prefix.size()))) {
    problems.push_back(
        {std::string(field), absl::StrCat("must be an id of 1 to 128 characters from "
                                          "[A-Za-z0-9._-] starting with a letter or digit, got \"",
                                          Sv(name), "\"")});
  }
}

// Local checks of one person or team (the server checks everything again).
void CheckPerson(ImportRow& row) {
  Person& p = row.person;
  p.set_name(Qualify("people", p.name()));
  p.set_manager(Qualify("people", p.manager()));
  for (std::string& team : *p.mutable_teams()) team = Qualify("teams", team);
  CheckName("name", p.name(), "people", row.problems, true);
  if (absl::StripAsciiWhitespace(p.display_name()).empty()) {
    row.problems.push_back({"display_name", "is required"});
  }
  if (!p.email().empty() && !absl::StrContains(p.email(), "@")) {
    row.problems.push_back(
        {"email", absl::StrCat("is not an e-mail address: \"", p.email(), "\"")});
  }
  CheckName("manager", p.manager(), "people", row.problems, false);
  if (!p.manager().empty() && p.manager() == p.name()) {
    row.problems.push_back({"manager", "must not be the person"});
  }
  for (const std::string& team : p.teams()) CheckName("teams", team, "teams", row.problems, false);
}

void CheckTeam(ImportRow& row) {
  Team& t = row.team;
  t.set_name(Qualify("teams", t.name()));
  t.set_parent(Qualify("teams", t.parent()));
  t.set_lead(Qualify("people", t.lead()));
  CheckName("name", t.name(), "teams", row.problems, true);
  if (absl::StripAsciiWhitespace(t.display_name()).empty()) {
    row.problems.push_back({"display_name", "is required"});
  }
  CheckName("parent", t.parent(), "teams", row.problems, false);
  if (!t.parent().empty() && t.parent() == t.name()) {
    row.problems.push_back({"parent", "must not be the team"});
  }
  CheckName("lead", t.lead(), "people", row.problems, false);
}

std::string Normalise(std::string_view column) {
  std::string out;
  for (char c : absl::StripAsciiWhitespace(Sv(column))) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return out;
}

ImportKind GuessKind(std::string_view kind, std::string_view file_name,
                     const std::vector<std::string>& keys) {
  if (kind == "teams") return ImportKind::kTeams;
  if (kind == "people") return ImportKind::kPeople;
  const std::string base = absl::AsciiStrToLower(Sv(file_name.substr(file_name.rfind('/') + 1)));
  if (absl::StartsWith(base, "team")) return ImportKind::kTeams;
  if (absl::StartsWith(base, "people") || absl::StartsWith(base, "person")) {
    return ImportKind::kPeople;
  }
  for (const std::string& key : keys) {
    const std::string k = Normalise(key);
    if (k == "parent" || k == "lead") return ImportKind::kTeams;
  }
  return ImportKind::kPeople;
}

template <typename Enum>
bool SetState(std::string_view value, Enum* out, std::string_view prefix) {
  if (value.empty()) return true;
  auto parsed = ParseEnum<Enum>(prefix, value);
  if (!parsed) return false;
  *out = *parsed;
  return true;
}

absl::StatusOr<ImportFile> ParseCsvFile(std::string_view text, std::string_view kind,
                                        std::string_view file_name) {
  auto records = ParseCsv(text);
  if (!records.ok()) return records.status();
  if (records->empty()) return absl::InvalidArgumentError("the file holds no header row");
  const CsvRecord& header = records->front();
  ImportFile file;
  file.kind = GuessKind(kind, file_name, header.fields);
  const std::map<std::string, std::string> people_columns = {
      {"id", "name"},     {"name", "name"},       {"displayname", "display_name"},
      {"email", "email"}, {"manager", "manager"}, {"teams", "teams"},
      {"team", "teams"},  {"state", "state"}};
  const std::map<std::string, std::string> team_columns = {
      {"id", "name"},       {"name", "name"}, {"displayname", "display_name"},
      {"parent", "parent"}, {"lead", "lead"}, {"state", "state"}};
  const auto& known = file.kind == ImportKind::kPeople ? people_columns : team_columns;
  std::vector<std::string> columns;
  for (const std::string& raw : header.fields) {
    auto it = known.find(Normalise(raw));
    if (it == known.end()) {
      std::string allowed;
      for (const auto& [k, v] : known) absl::StrAppend(&allowed, allowed.empty() ? "" : ", ", k);
      return absl::InvalidArgumentError(absl::StrCat("line ", header.line, ": unknown column \"",
                                                     raw, "\" (known: ", allowed, ")"));
    }
    columns.push_back(it->second);
  }
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    ImportRow row;
    row.line = record.line;
    if (record.fields.size() != columns.size()) {
      row.problems.push_back(
          {"", absl::StrCat("has ", record.fields.size(), " fields, the header ", columns.size())});
    }
    for (size_t c = 0; c < columns.size() && c < record.fields.size(); ++c) {
      const std::string value(absl::StripAsciiWhitespace(record.fields[c]));
      const std::string& column = columns[c];
      if (file.kind == ImportKind::kPeople) {
        Person& p = row.person;
        if (column == "name") p.set_name(value);
        if (column == "display_name") p.set_display_name(value);
        if (column == "email") p.set_email(value);
        if (column == "manager") p.set_manager(value);
        if (column == "teams") {
          for (absl::string_view t :
               absl::StrSplit(value, absl::ByAnyChar(";|"), absl::SkipWhitespace())) {
            p.add_teams(std::string(absl::StripAsciiWhitespace(t)));
          }
        }
        if (column == "state") {
          okr::org::v1::PersonState state = okr::org::v1::PERSON_STATE_UNSPECIFIED;
          if (!SetState(value, &state, "PERSON_STATE_")) {
            row.problems.push_back(
                {"state", absl::StrCat("must be active or inactive, got \"", value, "\"")});
          }
          p.set_state(state);
        }
      } else {
        Team& t = row.team;
        if (column == "name") t.set_name(value);
        if (column == "display_name") t.set_display_name(value);
        if (column == "parent") t.set_parent(value);
        if (column == "lead") t.set_lead(value);
        if (column == "state") {
          okr::org::v1::TeamState state = okr::org::v1::TEAM_STATE_UNSPECIFIED;
          if (!SetState(value, &state, "TEAM_STATE_")) {
            row.problems.push_back(
                {"state", absl::StrCat("must be active or inactive, got \"", value, "\"")});
          }
          t.set_state(state);
        }
      }
    }
    file.kind == ImportKind::kPeople ? CheckPerson(row) : CheckTeam(row);
    file.rows.push_back(std::move(row));
  }
  return file;
}

// The start line of each top-level element of a JSON array, or of each non-blank line.
struct JsonItem {
  int line;
  std::string text;
};

absl::StatusOr<std::vector<JsonItem>> SplitJson(std::string_view text) {
  std::vector<JsonItem> items;
  size_t i = 0;
  int line = 1;
  auto skip_space = [&] {
    while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) {
      if (text[i] == '\n') ++line;
      ++i;
    }
  };
  skip_space();
  const bool array = i < text.size() && text[i] == '[';
  if (array) ++i;
  while (true) {
    skip_space();
    if (i >= text.size()) {
      if (array) return absl::InvalidArgumentError("the JSON array is not closed");
      break;
    }
    if (array && text[i] == ']') break;
    if (array && text[i] == ',') {
      ++i;
      continue;
    }
    const int start_line = line;
    const size_t start = i;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      // The line end that ends an item is counted by skip_space, not here.
      if (!in_string && depth == 0 && (c == ',' || c == '\n')) break;
      if (c == '\n') ++line;
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') in_string = true;
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i;
          break;
        }
      }
    }
    // A separator where an item should start (",\n" in JSON lines) is a bad item of its own:
    // taking nothing here would repeat the same empty item forever.
    if (i == start) ++i;
    items.push_back({start_line, std::string(text.substr(start, i - start))});
  }
  return items;
}

absl::StatusOr<ImportFile> ParseJsonFile(std::string_view text, std::string_view kind,
                                         std::string_view file_name) {
  auto items = SplitJson(text);
  if (!items.ok()) return items.status();
  std::vector<std::string> keys;
  if (!items->empty()) {
    nlohmann::json first = nlohmann::json::parse(items->front().text, nullptr, false);
    if (first.is_object()) {
      for (const auto& [k, v] : first.items()) keys.push_back(k);
    }
  }
  ImportFile file;
  file.kind = GuessKind(kind, file_name, keys);
  google::protobuf::util::JsonParseOptions options;
  for (const JsonItem& item : *items) {
    ImportRow row;
    row.line = item.line;
    google::protobuf::Message& target = file.kind == ImportKind::kPeople
                                            ? static_cast<google::protobuf::Message&>(row.person)
                                            : row.team;
    auto status = google::protobuf::util::JsonStringToMessage(item.text, &target, options);
    if (!status.ok()) {
      row.problems.push_back({"", std::string(status.message())});
    } else {
      file.kind == ImportKind::kPeople ? CheckPerson(row) : CheckTeam(row);
    }
    file.rows.push_back(std::move(row));
  }
  return file;
}

}  // namespace

absl::StatusOr<ImportFile> ParseImportFile(std::string_view text, std::string_view format,
                                           std::string_view kind, std::string_view file_name) {
  // Spreadsheets save "CSV UTF-8" with a byte order mark, which is not part of the first column.
  if (absl::StartsWith(Sv(text), "\xEF\xBB\xBF")) text.remove_prefix(3);
  if (format == "json") return ParseJsonFile(text, kind, file_name);
  return ParseCsvFile(text, kind, file_name);
}

bool SplitBatchField(std::string_view field, std::string_view collection, size_t* index,
                     std::string* rest) {
  const std::string prefix = absl::StrCat(Sv(collection), "[");
  if (!absl::StartsWith(Sv(field), prefix)) return false;
  const size_t close = field.find(']');
  if (close == std::string_view::npos) return false;
  if (!absl::SimpleAtoi(Sv(field.substr(prefix.size(), close - prefix.size())), index))
    return false;
  std::string_view tail = field.substr(close + 1);
  if (!tail.empty() && tail.front() == '.') tail.remove_prefix(1);
  *rest = std::string(tail);
  return true;
}

}  // namespace okr::ctl
