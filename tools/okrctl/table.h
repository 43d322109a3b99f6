// A plain-text table: a header row and rows of cells, columns padded to their widest cell (cells
// may hold colour escapes and UTF-8; widths count what is shown).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace okr::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Writes the table; the last column is not padded.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace okr::ctl
