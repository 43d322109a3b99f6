// Engine-neutral SQL values, parameter lists and result rows, shared by the SQLite implementation
// and any later one (PostgreSQL), so service code never touches an engine's C API.
#ifndef OKR_COMMON_STORAGE_VALUE_H_
#define OKR_COMMON_STORAGE_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace okr::common {

// Bytes stored as a BLOB (bytea in PostgreSQL). A distinct type so that text and bytes bind
// differently; may hold any byte, including '\0'.
struct Blob {
  Blob() = default;
  explicit Blob(std::string b) : bytes(std::move(b)) {}
  friend bool operator==(const Blob&, const Blob&) = default;

  std::string bytes;
};

// One SQL value. std::monostate is NULL; std::string is TEXT (UTF-8).
// Note: SQLite stores a NaN double as NULL.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline constexpr std::monostate kSqlNull{};

// The values bound to the `?` placeholders of one statement, in order. Placeholders are always `?`;
// an engine whose native syntax differs (PostgreSQL's $n) rewrites them.
//
// A view: it must not outlive the values it was built from, so use it only as a parameter, e.g.
//   session.Exec("INSERT INTO t(a, b) VALUES (?, ?)", {int64_t{1}, std::string("x")});
class SqlParams {
 public:
  SqlParams() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): brace lists at call sites are the point.
  SqlParams(std::initializer_list<SqlValue> values) : values_(values.begin(), values.size()) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  SqlParams(std::span<const SqlValue> values) : values_(values) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  SqlParams(const std::vector<SqlValue>& values) : values_(values) {}

  std::span<const SqlValue> values() const { return values_; }
  size_t size() const { return values_.size(); }

 private:
  std::span<const SqlValue> values_;
};

// One result row: the values of its columns, by index (0-based).
//
// Two ways to read a column:
//  - GetInt64/GetDouble/GetString/GetBlob are lenient: NULL, an index out of range or a value of
//    another type give the default (0, 0.0, ""), so nullable columns read naturally. Test with
//    IsNull first when NULL must be told apart from the default.
//  - CheckedInt64/CheckedDouble/CheckedString/CheckedBlob are strict: NULL, a wrong type or a bad
//    index give FAILED_PRECONDITION (OUT_OF_RANGE for the index) naming the column, for code that
//    must not silently read a schema mismatch as zero.
// Conversions both kinds make: an INTEGER reads as a double (SUM/AVG mix them); TEXT and BLOB read
// as each other's bytes. A REAL never reads as an integer.
class SqlRow {
 public:
  SqlRow() = default;
  SqlRow(std::vector<SqlValue> values, std::shared_ptr<const std::vector<std::string>> names)
      : values_(std::move(values)), names_(std::move(names)) {}

  size_t ColumnCount() const { return values_.size(); }
  // The column's name as the statement gave it ("" when out of range or unknown).
  std::string_view ColumnName(size_t i) const;
  // The raw value; NULL when out of range.
  const SqlValue& Value(size_t i) const;
  const std::vector<SqlValue>& Values() const { return values_; }

  // True when the column is NULL or out of range.
  bool IsNull(size_t i) const;

  int64_t GetInt64(size_t i, int64_t default_value = 0) const;
  double GetDouble(size_t i, double default_value = 0.0) const;
  std::string GetString(size_t i, std::string_view default_value = {}) const;
  std::string GetBlob(size_t i) const;

  absl::StatusOr<int64_t> CheckedInt64(size_t i) const;
  absl::StatusOr<double> CheckedDouble(size_t i) const;
  absl::StatusOr<std::string> CheckedString(size_t i) const;
  absl::StatusOr<std::string> CheckedBlob(size_t i) const;

 private:
  absl::Status TypeError(size_t i, std::string_view wanted) const;

  std::vector<SqlValue> values_;
  std::shared_ptr<const std::vector<std::string>> names_;
};

// "NULL", "INTEGER", "REAL", "TEXT" or "BLOB": for messages.
std::string_view SqlTypeName(const SqlValue& value);

}  // namespace okr::common

#endif  // OKR_COMMON_STORAGE_VALUE_H_
