// A CSV reader (RFC 4180: quoted fields with "" for a quote, commas and newlines inside quotes,
// CRLF or LF line ends) that keeps each record's line number for error reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace okr::ctl {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Every non-blank record of `text`. INVALID_ARGUMENT (with the line) for an unterminated quote or
// text after a closing quote.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text);

}  // namespace okr::ctl
