// Reading an org chart file for `okrctl org import`: people or teams from CSV (a header row) or
// JSON (an array of objects, or one object per line, in the proto JSON mapping), each record with
// its line number and the problems found in it before anything is sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "okr/org/v1/person.pb.h"
#include "okr/org/v1/team.pb.h"

namespace okr::ctl {

enum class ImportKind { kPeople, kTeams };

struct RowProblem {
  std::string field;  // e.g. "email"
  std::string description;
};

struct ImportRow {
  int line = 0;
  okr::org::v1::Person person;  // kPeople
  okr::org::v1::Team team;      // kTeams
  std::vector<RowProblem> problems;
};

struct ImportFile {
  ImportKind kind = ImportKind::kPeople;
  std::vector<ImportRow> rows;
};

// Parses `text`; `format` is "csv" or "json", `kind` what the file holds ("people", "teams", or ""
// to tell from `file_name` (people*, teams*) or the columns). INVALID_ARGUMENT for a file that
// cannot be read as a whole (unknown columns, broken quoting or JSON syntax); problems of single
// records go into their rows.
absl::StatusOr<ImportFile> ParseImportFile(std::string_view text, std::string_view format,
                                           std::string_view kind, std::string_view file_name);

// "people[3].email" of a batch whose first row is `first` → that row's index in the batch (3) and
// field ("email"); false for a violation about the batch as a whole.
bool SplitBatchField(std::string_view field, std::string_view collection, size_t* index,
                     std::string* rest);

}  // namespace okr::ctl
