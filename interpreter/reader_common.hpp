#pragma once
/// Internals shared by the record readers: the chunked byte source, the
/// conversion of values to a field's type and type inference. Not a public
/// interface: use interpreter/record.hpp and interpreter/convert.hpp.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "interpreter/record.hpp"

namespace kairos::reader {

/// Reads a file descriptor in chunks into one growing buffer. Consumers keep
/// offsets into data(); refill() drops the bytes before the offset they still
/// need (unless the source is pinned) and reports how far the rest moved.
class ByteSource {
 public:
  /// Takes ownership of `fd` when `owned`.
  ByteSource(int fd, bool owned, std::string name);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const char* data() const { return buf_.data(); }
  /// How many bytes data() holds.
  size_t size() const { return end_; }
  /// True once the input is exhausted (or failed: see error()).
  bool eof() const { return eof_; }
  /// The read error that ended the input, or empty.
  const std::string& error() const { return error_; }
  /// Drops the bytes before `keep` (all kept while pinned) and reads more.
  /// Returns how many bytes were dropped: subtract it from every offset.
  size_t refill(size_t keep);
  /// While pinned, nothing is dropped: the buffered prefix can be re-read.
  void pin(bool on) { pinned_ = on; }
  /// Back to the first byte of the input; false when that was dropped and
  /// the input cannot seek (standard input).
  bool rewind();
  /// Reads the rest of the input into one string (YAML is loaded whole).
  std::string read_all();

 private:
  int fd_;
  bool owned_;
  std::string name_;
  std::vector<char> buf_;
  size_t end_ = 0;
  bool eof_ = false;
  bool pinned_ = false;
  uint64_t dropped_ = 0;
  std::string error_;
};

/// Empty or whitespace-only text: a null value.
bool is_blank(std::string_view s);
/// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);
/// `s` with every invalid UTF-8 sequence replaced by U+FFFD, cut to about
/// `limit` bytes (with "…"), so it can go into a JSON rejection line.
std::string printable(std::string_view s, size_t limit = 256);

/// Parses an int: optional '-', digits, 64-bit range.
bool parse_int(std::string_view s, int64_t& out);
/// Parses a finite number like strtod, matching the whole text.
bool parse_number(std::string_view s, double& out);
/// true/false, yes/no, 1/0 in any case.
bool parse_bool(std::string_view s, bool& out);

/// `an int`, `a date`, ... for messages.
const char* a_kind(TypeKind k);

/// Converts one non-null scalar text to `kind`; false with `reason` when it does not fit.
bool scalar_from_text(std::string_view text, TypeKind kind, const EnumValues* values, Arena& arena,
                      Value& out, std::string& reason);
/// Converts a cell to a field's value: blank → null, lists split on the
/// separator. Checks UTF-8 and min/max, but not `required`.
bool value_from_text(std::string_view text, const FieldSpec& f, Arena& arena, Value& out,
                     std::string& reason);
/// Checks min/max of an int or number value.
bool check_bounds(const Value& v, const FieldSpec& f, std::string& reason);

/// Fills a rejection; key and value are made printable.
void reject(Rejection& r, uint64_t line, std::string_view key, std::string field, std::string_view value,
            std::string reason);

/// How many values / records inference looks at.
constexpr size_t kInferValues = 1000;

/// Accumulates the evidence about one field's type during inference.
struct Guess {
  bool can_int = true, can_number = true, can_bool = true, can_date = true;
  size_t seen = 0;  ///< non-empty values looked at (at most kInferValues)
  /// A text value (CSV cell, YAML scalar, JSON string where `json_string`).
  void text(std::string_view s, bool json_string = false);
  /// A typed JSON value.
  void json_int() { if (seen < kInferValues) { can_bool = can_date = false; ++seen; } }
  void json_float() { if (seen < kInferValues) { can_int = can_bool = can_date = false; ++seen; } }
  void json_bool() { if (seen < kInferValues) { can_int = can_number = can_date = false; ++seen; } }
  /// The first kind that fits every value seen (string when none was seen).
  TypeKind kind() const;
};

/// Collects inferred fields in order of first appearance.
class SchemaGuesser {
 public:
  /// The entry for a dotted path, created on first sight.
  struct Entry {
    std::string path;
    Guess scalar;        ///< scalar values
    Guess items;         ///< list items
    bool list = false;   ///< some value was a list
    bool nested = false; ///< a list held lists or mappings: left out of the schema
  };
  Entry& at(const std::string& path);
  /// The schema: one field per entry (name = source = path), key = first field.
  Schema finish() const;

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
};

std::unique_ptr<DataInput> open_csv(std::unique_ptr<ByteSource> src);
std::unique_ptr<DataInput> open_jsonl(std::unique_ptr<ByteSource> src);
std::unique_ptr<DataInput> open_yaml(std::unique_ptr<ByteSource> src);

}  // namespace kairos::reader
