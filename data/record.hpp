#pragma once
/// Records and the readers that stream them from CSV, JSON Lines and YAML.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "data/schema.hpp"
#include "data/value.hpp"

namespace kairos {

/// One customer record, its values in schema field order.
struct Record {
  std::vector<Value> values;  ///< one per schema field; strings/lists live in `arena` or the reader's buffer
  uint64_t line = 0;          ///< input line where the record starts (1-based; CSV counts the header)
  uint64_t index = 0;         ///< 1-based position among the records of the input
  Arena arena;                ///< memory for this record's strings and lists; reset per record
};

/// Why a record was not evaluated. Written as one JSON line to --errors.
struct Rejection {
  uint64_t line = 0;   ///< input line of the record
  std::string key;     ///< the key, when it could be read
  std::string field;   ///< the field at fault (empty for a whole-row problem)
  std::string value;   ///< the raw text of the value
  std::string reason;  ///< what is wrong, e.g. "not an int"
};

enum class DataFormat { Csv, Jsonl, Yaml };

/// The format named by a file extension (.csv, .jsonl, .ndjson, .yaml, .yml).
std::optional<DataFormat> format_from_path(std::string_view path);
/// The format named by --format (csv, jsonl, ndjson, json, yaml, yml).
std::optional<DataFormat> format_from_name(std::string_view name);

/// Rows read from the input but not yet converted into records, and the
/// rows rejected as a whole while reading them, in input order: the hand-over
/// between the two stages of a split reader (see RecordReader::read_raw).
/// Filled and understood by the reader only.
struct RawRows {
  struct Row {
    uint64_t line = 0;      ///< input line where the row starts
    uint64_t index = 0;     ///< 1-based position among the records of the input
    size_t text = 0;        ///< where its bytes start in `text`
    size_t size = 0;        ///< how many bytes it has there
    size_t cells = 0;       ///< where its cells start in `cells`
    int64_t rejected = -1;  ///< rejected while reading: its index in `rejections`
  };
  std::vector<Row> rows;
  std::string text;               ///< the rows' bytes, one after the other
  std::vector<uint32_t> cells;    ///< reader-defined positions of fields in a row's bytes
  std::vector<Rejection> rejections;
  /// Empties everything, keeping the memory.
  void clear() {
    rows.clear();
    text.clear();
    cells.clear();
    rejections.clear();
  }
};

/// Streams records; each call fills the next record or a rejection.
class RecordReader {
 public:
  enum class Status { Record, Rejected, End };
  virtual ~RecordReader() = default;
  /// Reads the next record. Values stay valid until the next call.
  virtual Status next(Record& out, Rejection& rejected) = 0;
  /// After End: why the input ended before its last byte, or empty. It is
  /// a read error ("cannot read 'F' at byte N: …", the input then ends at
  /// the last line end before it) or a file that cannot be read as its
  /// format (a CSV header that is too long or never closes its quote). The
  /// records before it were read; the caller fails the run (exit 2).
  virtual std::string failure() const { return {}; }

  /// True when the reader splits reading into two stages so that records can
  /// be converted on other threads: read_raw() on one thread finds rows and
  /// rejects malformed ones; convert() turns each row into a record or a
  /// rejection, on any thread and on several at once. Together they give the
  /// same records and rejections, in the same order, as next().
  virtual bool splits() const { return false; }
  /// Reads up to `max_rows` rows (fewer once they hold about a MiB) into
  /// `raw`, which is cleared first. Returns how many; 0 at the end.
  virtual size_t read_raw(RawRows& raw, size_t max_rows);
  /// Row `i` of `raw` as a record or a rejection. Values stay valid until the
  /// next call with `out`, and while `raw` is not changed.
  virtual Status convert(const RawRows& raw, size_t i, Record& out, Rejection& rejected) const;
};

/// A data file that cannot be read (an I/O error while inferring its
/// schema): a data error, exit 2, not a problem of the playbook.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// An opened data file (or standard input for "-"). The first records are
/// buffered so a schema can be inferred before streaming starts.
class DataInput {
 public:
  virtual ~DataInput() = default;
  /// Opens `path` ("-" = standard input). On failure returns null and sets `error`.
  static std::unique_ptr<DataInput> open(const std::string& path, DataFormat format, std::string& error);
  /// The data's own fields with types inferred from the first 1,000 non-empty
  /// values (int, number, bool, date, else string; JSON arrays are lists).
  /// Throws DataError when the data cannot be read.
  virtual Schema infer_schema() = 0;
  /// Starts streaming every record checked against `schema` (kept by reference).
  virtual std::unique_ptr<RecordReader> reader(const Schema& schema) = 0;
};

}  // namespace kairos
