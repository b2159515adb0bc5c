#pragma once
/// Text forms of values: interpolation, JSON and CSV. Shared by the VM
/// (interpolation) and the action writers.

#include <cstdint>
#include <string>
#include <string_view>

#include "data/value.hpp"

namespace kairos {

/// Appends the interpolation text of a value: ints plainly, numbers in
/// shortest round-trip form, dates as ISO, lists joined with ", ", null as "".
void append_text(std::string& out, const Value& v);
/// Appends a double in shortest round-trip form ("0.75", "2", "1e+21").
void append_number(std::string& out, double d);
/// Appends an integer in decimal.
void append_int(std::string& out, int64_t i);
/// Appends a JSON string literal (quoted, escaped; UTF-8 kept as is).
void append_json_string(std::string& out, std::string_view s);
/// Appends a value as JSON: dates as ISO strings, lists as arrays, non-finite numbers as null.
void append_json_value(std::string& out, const Value& v);
/// Appends a CSV field, quoted when it holds a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view s);

}  // namespace kairos
