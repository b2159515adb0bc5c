#pragma once
/// The body shared by the CSV and JSON Lines targets: the first input byte
/// chooses how to read, the rest is the data.
///
///   bit 0     infer the schema from the data (else fuzz::data_schema())
///   bits 1-3  cap every read(2) at 0 (no cap), 1, 2, 3, 7, 16, 64 or 4096 bytes
///   bit 4     read the data a second time with a new reader: same outcome
///
/// Properties: nothing crashes or throws; every record has one value per
/// schema field and its values serialize as valid JSON (readers check UTF-8);
/// a rejection's key and value are valid UTF-8 and cut to about 256 bytes;
/// reading again gives the same records and rejections.

#include <array>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "data/text.hpp"

namespace kairos::fuzz {

/// Well-formed UTF-8 (as nlohmann's strict parser sees it).
inline bool valid_utf8(const std::string& s) {
  try {
    const std::string dumped = nlohmann::json(s).dump();
    (void)dumped;
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

/// What one pass over the data saw.
struct Outcome {
  uint64_t records = 0, rejected = 0;
  std::string digest;  ///< every value and rejection, as text
  bool operator==(const Outcome& o) const {
    return records == o.records && rejected == o.rejected && digest == o.digest;
  }
};

/// Adds one record or rejection to `out`.
inline void add(Outcome& out, const Schema& schema, RecordReader::Status s, const Record& record,
                const Rejection& rejection, std::string& json) {
  if (s == RecordReader::Status::Rejected) {
    ++out.rejected;
    if (!valid_utf8(rejection.key) || !valid_utf8(rejection.value)) {
      fail("a rejection's key or value is not valid UTF-8");
    }
    if (rejection.key.size() > 260 || rejection.value.size() > 260) fail("a rejection's key or value is not cut");
    out.digest += "R" + std::to_string(rejection.line) + ":" + rejection.field + ":" + rejection.reason + ":" +
                  rejection.key + ":" + rejection.value + "\n";
    return;
  }
  ++out.records;
  out.digest += std::to_string(record.line) + "#" + std::to_string(record.index) + " ";
  if (record.values.size() != schema.fields.size()) fail("a record without one value per field");
  json = "[";
  for (size_t i = 0; i < record.values.size(); ++i) {
    if (i > 0) json += ',';
    append_json_value(json, record.values[i]);
  }
  json += "]";
  require_json(json, "a record's values");
  out.digest += json + "\n";
}

/// Every record and rejection, read with next().
inline Outcome drain(DataInput& input, const Schema& schema) {
  Outcome out;
  std::unique_ptr<RecordReader> reader = input.reader(schema);
  Record record;
  Rejection rejection;
  std::string json;
  for (;;) {
    const RecordReader::Status s = reader->next(record, rejection);
    if (s == RecordReader::Status::End) break;
    add(out, schema, s, record, rejection, json);
  }
  return out;
}

/// The same, read in two stages as the pipeline's threads do (read_raw(),
/// then convert()), in batches of `rows`.
inline Outcome drain_split(DataInput& input, const Schema& schema, size_t rows) {
  Outcome out;
  std::unique_ptr<RecordReader> reader = input.reader(schema);
  RawRows raw;
  Record record;
  Rejection rejection;
  std::string json;
  while (reader->read_raw(raw, rows) > 0) {
    for (size_t i = 0; i < raw.rows.size(); ++i) {
      add(out, schema, reader->convert(raw, i, record, rejection), record, rejection, json);
    }
  }
  return out;
}

/// Reads `input` every way the tools do and checks that they agree.
inline void check_input(DataInput& input, DataFormat format, uint8_t mode) {
  Schema inferred;
  const Schema* schema = &data_schema();
  if (mode & 1) {
    inferred = input.infer_schema();
    schema = &inferred;
  }
  const Outcome first = drain(input, *schema);
  if (format == DataFormat::Csv) {
    const Outcome split = drain_split(input, *schema, (mode & 32) ? 1 : 5);
    if (!(first == split)) fail("read_raw() and convert() disagree with next()");
  }
  if (mode & 16) {
    const Outcome second = drain(input, *schema);
    if (!(first == second)) fail("reading the same data twice gave different records");
  }
}

inline void check_reader(const uint8_t* data, size_t size, DataFormat format) {
  if (size == 0) return;
  static constexpr std::array<size_t, 8> kCaps = {0, 1, 2, 3, 7, 16, 64, 4096};
  const uint8_t mode = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::unique_ptr<DataInput> input = open_data(bytes, format, kCaps[(mode >> 1) & 7]);
  try {
    check_input(*input, format, mode);
  } catch (const DataError&) {
    // An error of the whole file (a CSV header naming a column twice): exit 2.
  }
  g_read_cap = 0;
}

}  // namespace kairos::fuzz
