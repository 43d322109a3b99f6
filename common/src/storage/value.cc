#include "okr/common/storage/value.h"

#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace okr::common {
namespace {

// Debian's Abseil has its own string_view, which StrCat wants.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

const SqlValue& NullValue() {
  static const SqlValue* const kNull = new SqlValue();  // never destroyed: no exit-order hazards
  return *kNull;
}

// Text and bytes read as each other: both are a run of bytes.
const std::string* BytesOf(const SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return s;
  if (const auto* b = std::get_if<Blob>(&v)) return &b->bytes;
  return nullptr;
}

}  // namespace

std::string_view SqlTypeName(const SqlValue& value) {
  switch (value.index()) {
    case 0:
      return "NULL";
    case 1:
      return "INTEGER";
    case 2:
      return "REAL";
    case 3:
      return "TEXT";
    default:
      return "BLOB";
  }
}

std::string_view SqlRow::ColumnName(size_t i) const {
  if (names_ == nullptr || i >= names_->size()) return {};
  return (*names_)[i];
}

const SqlValue& SqlRow::Value(size_t i) const {
  return i < values_.size() ? values_[i] : NullValue();
}

bool SqlRow::IsNull(size_t i) const { return std::holds_alternative<std::monostate>(Value(i)); }

int64_t SqlRow::GetInt64(size_t i, int64_t default_value) const {
  const auto* v = std::get_if<int64_t>(&Value(i));
  return v != nullptr ? *v : default_value;
}

double SqlRow::GetDouble(size_t i, double default_value) const {
  const SqlValue& v = Value(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  return default_value;
}

std::string SqlRow::GetString(size_t i, std::string_view default_value) const {
  const std::string* bytes = BytesOf(Value(i));
  return bytes != nullptr ? *bytes : std::string(default_value);
}

std::string SqlRow::GetBlob(size_t i) const { return GetString(i); }

absl::Status SqlRow::TypeError(size_t i, std::string_view wanted) const {
  if (i >= values_.size()) {
    return absl::OutOfRangeError(
        absl::StrCat("column ", i, " does not exist: the row has ", values_.size(), " columns"));
  }
  std::string_view name = ColumnName(i);
  return absl::FailedPreconditionError(
      absl::StrCat("column ", i, name.empty() ? "" : absl::StrCat(" (", Absl(name), ")"), " is ",
                   Absl(SqlTypeName(values_[i])), ", expected ", Absl(wanted)));
}

absl::StatusOr<int64_t> SqlRow::CheckedInt64(size_t i) const {
  if (const auto* v = std::get_if<int64_t>(&Value(i))) return *v;
  return TypeError(i, "INTEGER");
}

absl::StatusOr<double> SqlRow::CheckedDouble(size_t i) const {
  const SqlValue& v = Value(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  return TypeError(i, "REAL");
}

absl::StatusOr<std::string> SqlRow::CheckedString(size_t i) const {
  if (const std::string* bytes = BytesOf(Value(i))) return *bytes;
  return TypeError(i, "TEXT");
}

absl::StatusOr<std::string> SqlRow::CheckedBlob(size_t i) const {
  if (const std::string* bytes = BytesOf(Value(i))) return *bytes;
  return TypeError(i, "BLOB");
}

}  // namespace okr::common
