#pragma once
/// Internals shared by the record readers: the chunked byte source, the
/// conversion of values to a field's type and type inference. Not a public
/// interface: use data/record.hpp and data/convert.hpp.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/record.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kairos::reader {

/// Limits on what one record may hold, so that no input makes a reader buffer
/// without bound. A CSV row or JSON line longer than kMaxRecordBytes (not
/// counting its LF or CRLF) is rejected with kRecordTooLong and read past
/// without being kept: the record's line, the start of its text and (CSV)
/// its key, when that comes before the cut, are reported; following records
/// keep their line numbers. A CSV row that turns out to be an unterminated
/// quoted field (it runs to the end of the input) is reported as such. The
/// CSV field of a schema field whose text (after "" pairs are undone) is
/// longer than kMaxFieldBytes rejects its record with kFieldTooLong; other
/// columns only count towards the row. A CSV header longer than
/// kMaxRecordBytes is one rejection, kHeaderTooLong, and ends the input.
constexpr size_t kMaxRecordBytes = size_t{16} << 20;
constexpr size_t kMaxFieldBytes = size_t{1} << 20;
inline constexpr const char* kRecordTooLong = "record is longer than the 16 MiB limit";
inline constexpr const char* kFieldTooLong = "field is longer than the 1 MiB limit";
inline constexpr const char* kHeaderTooLong = "header is longer than the 16 MiB limit";
/// Inference stops early once the buffered prefix holds this much.
constexpr size_t kMaxInferBytes = size_t{64} << 20;

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

  /// The buffered bytes. At least kPadding readable bytes follow the last
  /// one (their values are unspecified), so scanners may load whole blocks.
  const char* data() const { return buf_.data(); }
  static constexpr size_t kPadding = 64;
  /// How many bytes data() holds.
  size_t size() const { return end_; }
  /// True once the input is exhausted (or failed: see error()).
  bool eof() const { return eof_; }
  /// The read error that ended the input ("cannot read 'F' at byte N: …"),
  /// or empty. The bytes end at the last line end before the error.
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
  /// The file's name as the user gave it, for messages.
  const std::string& name() const { return name_; }
  /// When the first line end of the buffered bytes (outside double quotes)
  /// is a CR alone, as in old spreadsheet exports, reads every lone CR
  /// outside double quotes as a line feed from here on, the buffered bytes
  /// included, and returns true. A CR inside quotes is kept. Call it after
  /// the first refill(), before any byte is consumed.
  bool lone_cr_as_lf();
  /// For tests: every read(2) asks for at most `n` bytes (0: no cap), so
  /// small inputs cross the refill boundaries.
  void cap_reads(size_t n) { cap_ = n; }

 private:
  int fd_;
  bool owned_;
  std::string name_;
  std::vector<char> buf_;
  size_t end_ = 0;
  bool eof_ = false;
  bool pinned_ = false;
  size_t cap_ = 0;
  uint64_t dropped_ = 0;
  std::string error_;
  bool cr_mode_ = false;    ///< lone CRs are read as LFs
  bool in_quotes_ = false;  ///< cr_mode_: the bytes so far opened a quote
  bool carry_cr_ = false;   ///< cr_mode_: a CR held back until the next byte is known

  /// Records a failed read(2): error_, and the input cut to its last line end.
  void fail(int error);
  /// cr_mode_: turns lone CRs in data()[from, size()) into LFs.
  void translate_cr(size_t from);
};

inline bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
/// Empty or whitespace-only text: a null value.
inline bool is_blank(std::string_view s) {
  for (const char c : s) {
    if (!is_space(c)) return false;
  }
  return true;
}
/// a == b, inline for short texts (enum values, list items).
inline bool same_text(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8 && n <= 16) {
    uint64_t x, y, z, w;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    std::memcpy(&z, p + n - 8, 8);
    std::memcpy(&w, q + n - 8, 8);
    return x == y && z == w;
  }
  if (n >= 4 && n < 8) {
    uint32_t x, y, z, w;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, q, 4);
    std::memcpy(&z, p + n - 4, 4);
    std::memcpy(&w, q + n - 4, 4);
    return x == y && z == w;
  }
  if (n < 4) {
    for (size_t i = 0; i < n; ++i) {
      if (p[i] != q[i]) return false;
    }
    return true;
  }
  return std::memcmp(p, q, n) == 0;
}
/// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);
/// True when no byte of `s` has its high bit set (ASCII, hence valid UTF-8).
inline bool is_ascii(const char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  __m128i acc = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) acc = _mm_or_si128(acc, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
  if (_mm_movemask_epi8(acc) != 0) return false;
#endif
  uint64_t acc64 = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc64 |= w;
  }
  for (; i < n; ++i) acc64 |= static_cast<unsigned char>(p[i]);
  return (acc64 & 0x8080808080808080ull) == 0;
}
/// `s` with every invalid UTF-8 sequence replaced by U+FFFD, cut to about
/// `limit` bytes (with "…"), so it can go into a JSON rejection line.
std::string printable(std::string_view s, size_t limit = 256);

/// Parses an int: optional '-', digits, 64-bit range.
inline bool parse_int(std::string_view s, int64_t& out) {
  const char* p = s.data();
  const char* e = p + s.size();
  const bool negative = p != e && *p == '-';
  if (negative) ++p;
  const size_t digits = static_cast<size_t>(e - p);
  if (digits == 0) return false;
  uint64_t v = 0;
  if (digits <= 18) {  // below 10^18: no overflow possible
    for (; p != e; ++p) {
      const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
      if (d > 9) return false;
      v = v * 10 + d;
    }
  } else {
    const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    for (; p != e; ++p) {
      const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
      if (d > 9) return false;
      if (v > (limit - d) / 10) return false;
      v = v * 10 + d;
    }
  }
  out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}
/// Plain decimals of at most 15 digits ("123", "-0.25"): the digits are an
/// exact double, and so is 10^k, so one division rounds correctly, as
/// from_chars does (Clinger's fast path). False when `s` is anything else.
inline bool parse_plain_decimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = s.data();
  const char* e = p + s.size();
  const bool negative = p != e && *p == '-';
  if (negative) ++p;
  uint64_t m = 0;
  unsigned digits = 0, frac = 0;
  const char* start = p;
  for (; p != e && static_cast<unsigned>(static_cast<unsigned char>(*p) - '0') <= 9; ++p, ++digits) {
    m = m * 10 + static_cast<unsigned>(*p - '0');
  }
  if (p == start) return false;
  if (p != e) {
    if (*p != '.') return false;
    const char* f = ++p;
    for (; p != e && static_cast<unsigned>(static_cast<unsigned char>(*p) - '0') <= 9; ++p, ++digits) {
      m = m * 10 + static_cast<unsigned>(*p - '0');
    }
    frac = static_cast<unsigned>(p - f);
    if (frac == 0 || p != e) return false;
  }
  if (digits > 15) return false;
  const double v = static_cast<double>(m) / kPow10[frac];
  out = negative ? -v : v;
  return true;
}
/// parse_number() past its fast path: std::from_chars.
bool parse_number_general(std::string_view s, double& out);
/// Parses a finite number like strtod, matching the whole text.
inline bool parse_number(std::string_view s, double& out) {
  return parse_plain_decimal(s, out) || parse_number_general(s, out);
}
/// true/false, yes/no, 1/0 in any case.
bool parse_bool(std::string_view s, bool& out);

/// `an int`, `a date`, ... for messages.
const char* a_kind(TypeKind k);

/// Converts one non-null scalar text to `kind`; false with `reason` when it does not fit.
bool scalar_from_text(std::string_view text, TypeKind kind, const EnumValues* values, Arena& arena,
                      Value& out, std::string& reason);
/// Converts a cell to a field's value: blank → null, lists split on the
/// separator. Checks UTF-8 (unless `utf8_checked`: the caller knows the text
/// is valid) and min/max, but not `required`. Strings are copied into
/// `arena` unless `in_arena` (the text already lives there).
bool value_from_text(std::string_view text, const FieldSpec& f, Arena& arena, Value& out,
                     std::string& reason, bool utf8_checked = false, bool in_arena = false);
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

/// Bit i of `sep` is set when block[i] is ',' or '\n', of `quote` when it is
/// '"': the structural bytes of CSV in a block of 64 bytes.
inline void csv_block_masks_portable(const char* block, uint64_t& sep, uint64_t& quote) {
  uint64_t s = 0, q = 0;
  for (unsigned i = 0; i < 64; ++i) {
    s |= uint64_t{block[i] == ',' || block[i] == '\n'} << i;
    q |= uint64_t{block[i] == '"'} << i;
  }
  sep = s;
  quote = q;
}
inline void csv_block_masks(const char* block, uint64_t& sep, uint64_t& quote) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i dq = _mm_set1_epi8('"');
  uint64_t s = 0, q = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * k));
    const __m128i sep_bytes = _mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf));
    const auto sk = static_cast<uint32_t>(_mm_movemask_epi8(sep_bytes));
    const auto qk = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dq)));
    s |= uint64_t{sk} << (16 * k);
    q |= uint64_t{qk} << (16 * k);
  }
  sep = s;
  quote = q;
#else
  csv_block_masks_portable(block, sep, quote);
#endif
}

/// How the CSV reader finds field and row ends: 64-byte blocks of bit masks
/// (the default), or the byte-at-a-time scanner it is checked against.
enum class CsvScanner { Blocks, Bytes };

std::unique_ptr<DataInput> open_csv(std::unique_ptr<ByteSource> src, CsvScanner scanner = CsvScanner::Blocks);
std::unique_ptr<DataInput> open_jsonl(std::unique_ptr<ByteSource> src);
std::unique_ptr<DataInput> open_yaml(std::unique_ptr<ByteSource> src);

}  // namespace kairos::reader
