// Opening data files and choosing their reader. The readers live in
// reader_csv.cpp, reader_jsonl.cpp and reader_yaml.cpp; what they share
// (the chunked ByteSource, value conversion, inference) in reader_common.cpp.
//
// Decisions (SPEC §4 "Null" and §7 leave these open):
//
// Streaming. CSV and JSON Lines are read in 1 MiB chunks into one buffer that
// keeps only the current row, so memory stays constant whatever the input
// size. infer_schema() pins the buffer while it reads the first 1,000
// records, so reader() can start again from the first byte even on standard
// input. reader() after a reader has streamed works on files (they are read
// again from the start) but throws std::logic_error on standard input. YAML
// files are loaded whole with yaml-cpp (data files in YAML are small).
// The DataInput must outlive its readers; a new reader() invalidates older ones.
//
// Records own their values. Strings and lists are copied into Record::arena
// (enum values point into the Schema), never into the reader's buffer, so a
// batch of Records filled by successive next() calls stays valid together.
// Record::index counts every record of the input, rejected ones included.
//
// Null. An empty or whitespace-only cell, an absent JSON key or YAML key, a
// JSON null, a blank JSON string and a YAML null (`~`, `null`, nothing) are
// null. A field whose CSV column is missing from the header is null in every
// record. Non-empty text is taken verbatim: " 5" is not an int.
//
// Conversion of text (CSV cells, YAML scalars): int = optional '-' and
// digits within 64 bits; number = what strtod accepts over the whole text
// (a leading '+', exponents) but finite, no hex; bool = true/false, yes/no,
// 1/0 in any case; date = YYYY-MM-DD and a real calendar date; enum = one of
// the declared values, case-sensitive; string = verbatim.
// Lists: a CSV cell (or a YAML scalar) is split on the field's separator,
// each item is trimmed of whitespace and empty items are skipped ("crm; ma;"
// is [crm, ma]); a JSON array or YAML sequence gives the items, nulls skipped.
//
// JSON values must have the JSON type of their field: a number for int
// (an integer) and number, true/false for bool, a string for string, enum and
// date (an ISO date), an array for lists. Anything else rejects the record,
// e.g. "expected an int, found a JSON string". A path through a scalar
// ("usage.seats" where "usage" is 5) rejects too; through null it is null.
// A key containing dots ({"a.b": 1}) is found by the path "a.b" as well.
//
// Rejections report the first bad field of the record (schema order), or a
// whole-row problem with an empty field: a CSV row with the wrong number of
// fields, an unterminated quote (the rest of the file is that row), text after
// a closing quote, a JSON line that does not parse or is not an object, a YAML
// item that is not a mapping or cannot be parsed. Rejection::key and ::value
// are made valid UTF-8 (bad bytes become U+FFFD) and cut to 256 bytes, so they
// can be written as JSON. A read error ends the input with one rejection.
//
// CSV. Lines that are completely empty (no characters at all, CR LF included)
// are skipped, not records: RFC 4180 has no empty records, and a blank line in
// the middle of an export is a formatting accident. A quoted "" line is a
// record. Header cells are matched to FieldSpec::source exactly (after a BOM
// is dropped); with duplicate header names the first column is used. A quote
// inside an unquoted field is an ordinary character (a"b); text after a
// closing quote ("a"b) is a malformed row. Only cells of schema fields are
// checked for UTF-8: other columns are ignored altogether. Line numbers count
// the header as line 1, and quoted newlines advance them.
//
// JSON Lines. Blank lines are skipped. A line with invalid UTF-8 is rejected
// as a whole ("invalid UTF-8"): nlohmann::json refuses to parse it.
//
// YAML. A file that does not parse is read again one top-level `- ` item at
// a time: broken items are rejected with their line, the others are records.
// If the file is not laid out that way, it is one rejection. A document that
// is not a sequence is one rejection; an item that is not a mapping too.
//
// Inference. CSV: one field per header column, named by the header text
// (empty and repeated header names are left out). JSON/YAML: one field per
// leaf key path in order of first appearance; lists whose items are objects
// or lists are left out (they cannot be typed). Inference looks at the first
// 1,000 records (the buffered prefix); a field is typed by the first of int,
// number, bool (true/false only), date that fits all of its non-empty values
// there, else string (also when it has none). In JSON, numbers and booleans
// are taken by their JSON type and strings can only be dates or strings.
// Malformed rows and invalid UTF-8 cells are not looked at.

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "data/reader_common.hpp"

namespace kairos {

namespace {

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<DataFormat> format_from_path(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view ext = base.substr(dot + 1);
  if (equals_nocase(ext, "csv")) return DataFormat::Csv;
  if (equals_nocase(ext, "jsonl") || equals_nocase(ext, "ndjson")) return DataFormat::Jsonl;
  if (equals_nocase(ext, "yaml") || equals_nocase(ext, "yml")) return DataFormat::Yaml;
  return std::nullopt;
}

std::optional<DataFormat> format_from_name(std::string_view name) {
  if (name == "csv") return DataFormat::Csv;
  if (name == "jsonl" || name == "ndjson" || name == "json") return DataFormat::Jsonl;
  if (name == "yaml" || name == "yml") return DataFormat::Yaml;
  return std::nullopt;
}

std::unique_ptr<DataInput> DataInput::open(const std::string& path, DataFormat format, std::string& error) {
  std::unique_ptr<reader::ByteSource> src;
  if (path == "-") {
    src = std::make_unique<reader::ByteSource>(STDIN_FILENO, false, "standard input");
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = fmt::format("cannot open data file '{}': {}", path, std::strerror(errno));
      return nullptr;
    }
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      error = fmt::format("cannot open data file '{}': {}", path, std::strerror(EISDIR));
      return nullptr;
    }
    src = std::make_unique<reader::ByteSource>(fd, true, path);
  }
  switch (format) {
    case DataFormat::Csv: return reader::open_csv(std::move(src));
    case DataFormat::Jsonl: return reader::open_jsonl(std::move(src));
    case DataFormat::Yaml: return reader::open_yaml(std::move(src));
  }
  error = "unknown data format";
  return nullptr;
}

}  // namespace kairos
