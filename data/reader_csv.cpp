// CSV records (RFC 4180) streamed from a ByteSource. See record.cpp for the
// decisions about blank lines, quotes and rejections.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "grammar/diagnostic.hpp"
#include "data/reader_common.hpp"

namespace kairos::reader {

namespace {

/// One field of a row: offsets relative to the row's first byte.
struct Cell {
  size_t begin = 0, end = 0;
  bool quoted = false;
  bool escaped = false;  ///< holds "" pairs that stand for one quote
};

/// Finds the next ',' or '\n' (or the next '"') at or after a position,
/// from the bit masks of the 64-byte block that starts there. Blocks follow
/// one another, and a row reuses the block where the previous row ended, so
/// each byte is looked at about once. The masks say nothing about quoting:
/// the parser decides which quotes matter (only at the start of a field).
class CsvBlocks {
 public:
  /// Forgets the block: call whenever the buffer moves or grows.
  void reset() { base_ = kNone; }
  size_t next_sep(const char* d, size_t n, size_t from) { return next<false>(d, n, from); }
  size_t next_quote(const char* d, size_t n, size_t from) { return next<true>(d, n, from); }

 private:
  static constexpr size_t kNone = SIZE_MAX;

  /// The first position in [from, n) holding a separator (or a quote), else n.
  template <bool kQuote>
  size_t next(const char* d, size_t n, size_t from) {
    while (from < n) {
      if (from < base_ || from - base_ >= 64) load(d, n, from);
      const uint64_t m = (kQuote ? quote_ : sep_) >> (from - base_);
      if (m != 0) return from + static_cast<size_t>(std::countr_zero(m));
      from = base_ + 64;
    }
    return n;
  }

  /// The masks of d[at, at + 64); bits past n are cleared. ByteSource keeps
  /// kPadding readable bytes after its data, so the load stays in bounds.
  void load(const char* d, size_t n, size_t at) {
    base_ = at;
    csv_block_masks(d + at, sep_, quote_);
    if (n - at < 64) {
      const uint64_t keep = (uint64_t{1} << (n - at)) - 1;
      sep_ &= keep;
      quote_ &= keep;
    }
  }

  size_t base_ = kNone;
  uint64_t sep_ = 0, quote_ = 0;
};

/// The first byte at or after `from` in d[0, n) with its high bit set, else n.
/// Reads up to 15 bytes past n (within ByteSource's padding).
size_t next_non_ascii(const char* d, size_t n, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  for (; i < n; i += 16) {
    uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i))));
    if (n - i < 16) m &= (uint32_t{1} << (n - i)) - 1;
    if (m != 0) return i + static_cast<size_t>(std::countr_zero(m));
  }
  return n;
#else
  for (; i < n; ++i) {
    if (static_cast<unsigned char>(d[i]) >= 0x80) return i;
  }
  return n;
#endif
}

/// The first '\n' in d[from, limit) (limit <= n), or `limit` when there is
/// none; `quoted` tells whether a '"' comes before it. Reads up to 15 bytes
/// past `limit` (within ByteSource's padding when limit <= n).
size_t line_end(const char* d, size_t limit, size_t from, bool& quoted) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i dq = _mm_set1_epi8('"');
  for (; i < limit; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
    uint32_t nl = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)));
    uint32_t q = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dq)));
    if (limit - i < 16) {
      const uint32_t keep = (uint32_t{1} << (limit - i)) - 1;
      nl &= keep;
      q &= keep;
    }
    if (nl != 0) {
      const uint32_t at = static_cast<uint32_t>(std::countr_zero(nl));
      quoted = (q & ((uint32_t{1} << at) - 1)) != 0;
      return i + at;
    }
    if (q != 0) {
      quoted = true;
      return limit;
    }
  }
  quoted = false;
  return limit;
#else
  const void* nl = std::memchr(d + from, '\n', limit - from);
  const size_t e = nl ? static_cast<size_t>(static_cast<const char*>(nl) - d) : limit;
  quoted = std::memchr(d + from, '"', e - from) != nullptr;
  return e;
#endif
}

/// The text of a quoted cell holding "" pairs, each undone into one quote
/// in `arena`.
std::string_view unescape(std::string_view raw, Arena& arena) {
  char* out = static_cast<char*>(arena.allocate(raw.size()));
  size_t n = 0;
  for (size_t j = 0; j < raw.size(); ++j) {
    out[n++] = raw[j];
    if (raw[j] == '"') ++j;
  }
  return {out, n};
}

/// Splits the input into rows of cells without copying unquoted text.
class CsvParser {
 public:
  enum class Row { Ok, End, Unterminated, TextAfterQuote, TooLong };

  /// With `skip_long_rows`, a row longer than kMaxRecordBytes is read past
  /// (dropping its bytes as it goes) and reported as TooLong; without (while
  /// the buffer is pinned and nothing can be dropped), TooLong is reported
  /// where the row starts and the parser must not be used further.
  CsvParser(ByteSource& src, CsvScanner scanner, bool skip_long_rows)
      : src_(src), scanner_(scanner), skip_long_rows_(skip_long_rows) {}

  /// Starts at the first byte of the input, after a UTF-8 byte order mark.
  void start() {
    while (src_.size() < 3 && !src_.eof()) refill(0);
    pos_ = src_.size() >= 3 && std::memcmp(src_.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    next_line_ = 1;
  }

  /// The column of the key, so a rejected row that is too long to keep
  /// still reports its key.
  void set_key_column(int column) { key_column_ = column; }

  /// Reads the next non-blank row. Its cells stay valid until the next call.
  Row next() {
    skipped_ = false;
    for (;;) {
      if (pos_ >= src_.size()) {
        if (src_.eof()) return Row::End;
        pos_ -= refill(pos_);
        continue;
      }
      const Scan s = scanner_ == CsvScanner::Blocks ? scan_blocks(src_.eof()) : scan_bytes(src_.eof());
      if (s == Scan::NeedMore) {
        // Every byte buffered so far belongs to the row, except perhaps a CR
        // that a LF will follow.
        if (src_.size() - pos_ > kMaxRecordBytes + 1) return too_long();
        pos_ -= refill(pos_);
        continue;
      }
      line_ = next_line_;
      next_line_ += row_lines_;
      row_begin_ = pos_;
      pos_ = row_end_;
      // A line with nothing on it is not a record (see record.cpp).
      if (s == Scan::Ok && ncells_ == 1 && !cells_[0].quoted && cells_[0].begin == cells_[0].end) {
        continue;
      }
      if (s == Scan::Unterminated) return Row::Unterminated;
      if (text_size() > kMaxRecordBytes) return Row::TooLong;
      if (s == Scan::TextAfterQuote) return Row::TextAfterQuote;
      return Row::Ok;
    }
  }

  /// Reads the next row when it is a plain one: no quote, its line end in
  /// the buffer, at most `max_bytes` long, not blank. Its cells are not
  /// found (count() is 0): splitting the bytes on commas gives them, and the
  /// last one ends before a CR that ends the row. False, having read
  /// nothing, for any other row: next() reads it.
  bool next_plain(size_t max_bytes) {
    const char* d = src_.data();
    const size_t n = src_.size();
    const size_t p = pos_;
    if (p >= n) return false;
    bool quoted;
    const size_t limit = std::min(n, p + max_bytes + 1);
    const size_t e = line_end(d, limit, p, quoted);
    // e == limit: no line end in reach. e <= p + 1: blank, or one byte that
    // may be a CR; next() tells those apart.
    if (quoted || e == limit || e <= p + 1) return false;
    skipped_ = false;
    ncells_ = 0;
    line_ = next_line_++;
    row_begin_ = p;
    row_end_ = e + 1;
    pos_ = row_end_;
    return true;
  }

  size_t count() const { return ncells_; }
  /// The text of cell i; "" pairs are undone into `arena`.
  std::string_view cell(size_t i, Arena& arena) const {
    const Cell& c = cells_[i];
    const std::string_view raw(src_.data() + row_begin_ + c.begin, c.end - c.begin);
    return c.escaped ? unescape(raw, arena) : raw;
  }
  /// cell(), but the text of an unquoted cell (or of a quoted one without
  /// "") is taken from `row`, a copy of row_bytes().
  std::string_view cell_in(size_t i, const char* row, Arena& arena) const {
    const Cell& c = cells_[i];
    if (c.escaped) return cell(i, arena);
    return {row + c.begin, c.end - c.begin};
  }
  /// Where cell i is in row_bytes(), quotes left out.
  const Cell& raw_cell(size_t i) const { return cells_[i]; }
  /// The bytes of the row, line end included.
  std::string_view row_bytes() const { return {src_.data() + row_begin_, row_end_ - row_begin_}; }
  /// The key of the row (see set_key_column), or empty when unknown.
  std::string_view key(Arena& arena) const {
    if (skipped_) return saved_key_;
    if (key_column_ < 0 || static_cast<size_t>(key_column_) >= ncells_) return {};
    return cell(static_cast<size_t>(key_column_), arena);
  }
  /// The whole row as it stands in the input (its first kSavedBytes when it
  /// was too long to keep).
  std::string_view row_text() const {
    if (skipped_) return saved_text_;
    std::string_view t(src_.data() + row_begin_, row_end_ - row_begin_);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    return t;
  }
  /// True when no byte of the row has its high bit set.
  bool row_ascii() {
    if (skipped_) return false;
    // No byte in [ascii_from_, ascii_to_) has its high bit set.
    if (row_begin_ < ascii_from_ || row_begin_ >= ascii_to_) {
      ascii_from_ = row_begin_;
      ascii_to_ = next_non_ascii(src_.data(), src_.size(), row_begin_);
    }
    return ascii_to_ >= row_end_;
  }
  /// The 1-based line where the row starts.
  uint64_t line() const { return line_; }
  /// The line where the unterminated quote (or the text after a quote) is.
  uint64_t problem_line() const { return problem_line_; }
  /// The cell with text after its closing quote.
  size_t bad_cell() const { return bad_cell_; }

 private:
  enum class Scan { Ok, NeedMore, Unterminated, TextAfterQuote };
  /// How much of a row too long to keep is kept for its rejection (whose
  /// key and value are cut to 256 bytes anyway).
  static constexpr size_t kSavedBytes = 1024;

  size_t refill(size_t keep) {
    blocks_.reset();
    ascii_from_ = ascii_to_ = 0;
    return src_.refill(keep);
  }

  /// Appends a cell (written in place: a temporary Cell costs a
  /// store-forwarding stall per field).
  void add_cell(size_t begin, size_t end, bool quoted, bool escaped) {
    if (ncells_ == cells_.size()) cells_.resize(2 * ncells_ + 16);
    Cell& c = cells_[ncells_++];
    c.begin = begin;
    c.end = end;
    c.quoted = quoted;
    c.escaped = escaped;
  }

  size_t count_newlines(size_t from, size_t to) const {
    return static_cast<size_t>(std::count(src_.data() + from, src_.data() + to, '\n'));
  }

  /// The length of the row without its line end (LF or CRLF).
  size_t text_size() const {
    size_t e = row_end_;
    if (e > row_begin_ && src_.data()[e - 1] == '\n') {
      --e;
      if (e > row_begin_ && src_.data()[e - 1] == '\r') --e;
    }
    return e - row_begin_;
  }

  /// The row at pos_ is longer than kMaxRecordBytes and not complete in the
  /// buffer: keeps its start and key for the rejection, then reads past it.
  Row too_long() {
    const char* d = src_.data();
    line_ = next_line_;
    row_begin_ = pos_;
    saved_text_.assign(d + pos_, std::min(src_.size() - pos_, kSavedBytes));
    saved_key_.clear();
    if (key_column_ >= 0 && static_cast<size_t>(key_column_) < ncells_) {
      const Cell& c = cells_[static_cast<size_t>(key_column_)];
      const size_t n = std::min(c.end - c.begin, 2 * kSavedBytes);
      for (size_t j = 0; j < n; ++j) {
        const char ch = d[pos_ + c.begin + j];
        saved_key_ += ch;
        if (c.escaped && ch == '"') ++j;
      }
    }
    ncells_ = 0;
    skipped_ = true;
    if (!skip_long_rows_) return Row::TooLong;
    return skip_row() ? Row::Unterminated : Row::TooLong;
  }

  /// Reads past the row at pos_ byte by byte, dropping what it has read, with
  /// the rules of scan_bytes(). Returns true when the row is an unterminated
  /// quoted field (it runs to the end of the input).
  bool skip_row() {
    enum class St { FieldStart, Unquoted, Quoted, QuoteSeen, CrAfterQuote, Junk };
    St st = St::FieldStart;
    uint64_t lines = 0, quote_lines = 0;
    size_t i = pos_;
    bool unterminated = false;
    for (bool done = false; !done;) {
      if (i >= src_.size()) {
        if (src_.eof()) {
          unterminated = st == St::Quoted;
          break;
        }
        i -= refill(i);
        continue;
      }
      const char c = src_.data()[i++];
      switch (st) {
        case St::FieldStart:
          if (c == '"') {
            st = St::Quoted;
            quote_lines = lines;
            break;
          }
          st = St::Unquoted;
          [[fallthrough]];
        case St::Unquoted:
        case St::Junk:
          if (c == ',') st = St::FieldStart;
          if (c == '\n') done = true;
          break;
        case St::Quoted:
          if (c == '"') st = St::QuoteSeen;
          if (c == '\n') ++lines;
          break;
        case St::QuoteSeen:
          if (c == '"') st = St::Quoted;
          else if (c == ',') st = St::FieldStart;
          else if (c == '\n') done = true;
          else st = c == '\r' ? St::CrAfterQuote : St::Junk;
          break;
        case St::CrAfterQuote:
          st = St::Junk;
          if (c == ',') st = St::FieldStart;
          if (c == '\n') done = true;
          break;
      }
      if (done) ++lines;
    }
    problem_line_ = line_ + quote_lines;
    next_line_ += lines;
    pos_ = i;
    return unterminated;
  }

  /// Scans one row starting at pos_ with the block masks; the same results as
  /// scan_bytes(). Without `at_eof`, reaching the end of the buffer asks for
  /// more input; the row is then scanned again.
  Scan scan_blocks(bool at_eof) {
    const char* d = src_.data();
    const size_t n = src_.size();
    const size_t p = pos_;
    ncells_ = 0;
    row_lines_ = 0;
    bool bad = false;
    size_t i = p;
    for (;;) {
      if (i < n && d[i] == '"') {
        const size_t open = i;
        size_t j = i + 1;
        bool escaped = false;
        size_t close;
        for (;;) {
          const size_t k = blocks_.next_quote(d, n, j);
          if (k == n) {
            if (!at_eof) return Scan::NeedMore;
            problem_line_ = next_line_ + count_newlines(p, open);
            row_lines_ = count_newlines(p, n);
            add_cell(open + 1 - p, n - p, true, escaped);
            row_end_ = n;
            return Scan::Unterminated;
          }
          if (k + 1 == n && !at_eof) return Scan::NeedMore;
          if (k + 1 < n && d[k + 1] == '"') {
            escaped = true;
            j = k + 2;
            continue;
          }
          close = k;
          break;
        }
        row_lines_ += count_newlines(open + 1, close);
        add_cell(open + 1 - p, close - p, true, escaped);
        i = close + 1;
        if (i == n) {
          row_end_ = n;
          return bad ? Scan::TextAfterQuote : Scan::Ok;
        }
        if (d[i] == ',') {
          ++i;
          continue;
        }
        if (d[i] == '\n') {
          row_end_ = i + 1;
          ++row_lines_;
          return bad ? Scan::TextAfterQuote : Scan::Ok;
        }
        if (d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n')) {
          if (i + 1 == n && !at_eof) return Scan::NeedMore;
          row_end_ = i + 1 == n ? n : i + 2;
          if (i + 1 < n) ++row_lines_;
          return bad ? Scan::TextAfterQuote : Scan::Ok;
        }
        // Text after a closing quote: see scan_bytes().
        if (!bad) {
          bad = true;
          bad_cell_ = ncells_ - 1;
          problem_line_ = next_line_ + row_lines_;
        }
        i = blocks_.next_sep(d, n, i);
        if (i == n) {
          if (!at_eof) return Scan::NeedMore;
          row_end_ = n;
          return Scan::TextAfterQuote;
        }
        if (d[i] == ',') {
          ++i;
          continue;
        }
        row_end_ = i + 1;
        ++row_lines_;
        return Scan::TextAfterQuote;
      }
      // An unquoted field: up to the next comma or line end.
      const size_t e = blocks_.next_sep(d, n, i);
      if (e < n && d[e] == ',') {
        add_cell(i - p, e - p, false, false);
        i = e + 1;
        continue;
      }
      if (e == n && !at_eof) return Scan::NeedMore;
      const size_t field_end = e > i && d[e - 1] == '\r' ? e - 1 : e;
      add_cell(i - p, field_end - p, false, false);
      if (e == n) {
        row_end_ = n;
      } else {
        row_end_ = e + 1;
        ++row_lines_;
      }
      return bad ? Scan::TextAfterQuote : Scan::Ok;
    }
  }

  /// Scans one row starting at pos_ a byte (or a memchr) at a time: the
  /// reference for scan_blocks(). Without `at_eof`, reaching the end of the
  /// buffer asks for more input; the row is then scanned again.
  Scan scan_bytes(bool at_eof) {
    const char* d = src_.data();
    const size_t n = src_.size();
    const size_t p = pos_;
    ncells_ = 0;
    row_lines_ = 0;
    bool bad = false;
    size_t i = p;
    const char* nl = nullptr;  // the next '\n' at or after i, or d + n
    for (;;) {
      if (i < n && d[i] == '"') {
        const size_t open = i;
        size_t j = i + 1;
        bool escaped = false;
        size_t close;
        for (;;) {
          const void* q = j < n ? std::memchr(d + j, '"', n - j) : nullptr;
          if (q == nullptr) {
            if (!at_eof) return Scan::NeedMore;
            problem_line_ = next_line_ + count_newlines(p, open);
            row_lines_ = count_newlines(p, n);
            add_cell(open + 1 - p, n - p, true, escaped);
            row_end_ = n;
            return Scan::Unterminated;
          }
          const size_t k = static_cast<size_t>(static_cast<const char*>(q) - d);
          if (k + 1 == n && !at_eof) return Scan::NeedMore;
          if (k + 1 < n && d[k + 1] == '"') {
            escaped = true;
            j = k + 2;
            continue;
          }
          close = k;
          break;
        }
        row_lines_ += count_newlines(open + 1, close);
        add_cell(open + 1 - p, close - p, true, escaped);
        i = close + 1;
        nl = nullptr;
        if (i == n) {
          row_end_ = n;
          return bad ? Scan::TextAfterQuote : Scan::Ok;
        }
        if (d[i] == ',') {
          ++i;
          continue;
        }
        if (d[i] == '\n') {
          row_end_ = i + 1;
          ++row_lines_;
          return bad ? Scan::TextAfterQuote : Scan::Ok;
        }
        if (d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n')) {
          if (i + 1 == n && !at_eof) return Scan::NeedMore;
          row_end_ = i + 1 == n ? n : i + 2;
          if (i + 1 < n) ++row_lines_;
          return bad ? Scan::TextAfterQuote : Scan::Ok;
        }
        // Text after a closing quote: the row is malformed. Skip to the end
        // of the field so the following rows are still read correctly.
        if (!bad) {
          bad = true;
          bad_cell_ = ncells_ - 1;
          problem_line_ = next_line_ + row_lines_;
        }
        while (i < n && d[i] != ',' && d[i] != '\n') ++i;
        if (i == n) {
          if (!at_eof) return Scan::NeedMore;
          row_end_ = n;
          return Scan::TextAfterQuote;
        }
        if (d[i] == ',') {
          ++i;
          continue;
        }
        row_end_ = i + 1;
        ++row_lines_;
        return Scan::TextAfterQuote;
      }
      // An unquoted field: up to the next comma on this line.
      if (nl == nullptr || nl < d + i) {
        nl = i < n ? static_cast<const char*>(std::memchr(d + i, '\n', n - i)) : nullptr;
        if (nl == nullptr) nl = d + n;
      }
      const char* comma =
          d + i < nl ? static_cast<const char*>(std::memchr(d + i, ',', static_cast<size_t>(nl - (d + i)))) : nullptr;
      if (comma != nullptr) {
        const size_t c = static_cast<size_t>(comma - d);
        add_cell(i - p, c - p, false, false);
        i = c + 1;
        continue;
      }
      const size_t e = static_cast<size_t>(nl - d);
      if (e == n && !at_eof) return Scan::NeedMore;
      const size_t field_end = e > i && d[e - 1] == '\r' ? e - 1 : e;
      add_cell(i - p, field_end - p, false, false);
      if (e == n) {
        row_end_ = n;
      } else {
        row_end_ = e + 1;
        ++row_lines_;
      }
      return bad ? Scan::TextAfterQuote : Scan::Ok;
    }
  }

  ByteSource& src_;
  const CsvScanner scanner_;
  const bool skip_long_rows_;
  CsvBlocks blocks_;
  size_t pos_ = 0;
  size_t row_begin_ = 0, row_end_ = 0;
  size_t ascii_from_ = 0, ascii_to_ = 0;
  uint64_t line_ = 0, next_line_ = 1, row_lines_ = 0, problem_line_ = 0;
  std::vector<Cell> cells_;  ///< the first ncells_ are the row's
  size_t ncells_ = 0;
  size_t bad_cell_ = 0;
  int key_column_ = -1;
  bool skipped_ = false;           ///< the row was too long and has been read past
  std::string saved_text_, saved_key_;  ///< its start and key
};

/// A header that names a column twice is an error of the file (DataError,
/// exit 2): which column a field reads would otherwise be a guess, and the
/// JSON/YAML rule (a duplicate key rejects its record) has no record to
/// reject here. Empty names name nothing and may repeat.
void check_header_names(const std::vector<std::string>& header, const std::string& file) {
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t j = 0; j < header.size(); ++j) {
    if (header[j].empty()) continue;
    const auto [it, fresh] = seen.emplace(header[j], j);
    if (!fresh) {
      throw DataError(fmt::format("{}: the CSV header names the column '{}' twice (columns {} and {})", file,
                                  header[j], it->second + 1, j + 1));
    }
  }
}

/// Lowercase letters and digits of `s`: "Health Score" and "health_score"
/// are alike.
std::string folded(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c & 0x80) != 0) out += c;
  }
  return out;
}

/// " (did you mean 'X'?)" with the header names most like `column`: the
/// same letters and digits, one within the other, or a close spelling.
std::string closest_columns(const std::string& column, const std::vector<std::string>& header) {
  const std::string want = folded(column);
  std::vector<std::string> close;
  for (const std::string& h : header) {
    const std::string have = folded(h);
    if (have.empty() || want.empty()) continue;
    if (have == want || have.find(want) != std::string::npos || want.find(have) != std::string::npos) close.push_back(h);
    if (close.size() == 3) break;
  }
  if (close.empty()) {
    const std::string near = grammar::did_you_mean(column, header);
    if (!near.empty()) close.push_back(near);
  }
  if (close.empty()) return "";
  std::string out = " (did you mean ";
  for (size_t i = 0; i < close.size(); ++i) out += fmt::format("{}'{}'", i == 0 ? "" : " or ", close[i]);
  return out + "?)";
}

/// A header read as one column that another delimiter would split: what
/// to tell the user, or empty.
std::string other_delimiter(const std::vector<std::string>& header) {
  if (header.size() != 1) return "";
  for (const auto& [c, name] : {std::pair{';', "semicolons"}, std::pair{'\t', "tabs"}, std::pair{'|', "'|'"}}) {
    if (header[0].find(c) != std::string::npos) {
      return fmt::format("; the header is one column holding {}: the file looks separated by {}, not by commas",
                         name, name);
    }
  }
  return "";
}

/// Streams the rows of a CSV file as records of a schema.
class CsvReader final : public RecordReader {
 public:
  CsvReader(ByteSource& src, const Schema& schema, CsvScanner scanner)
      : schema_(schema), src_(src), parser_(src, scanner, true) {
    parser_.start();
    const CsvParser::Row r = parser_.next();
    if (r == CsvParser::Row::End) {
      done_ = true;
      return;
    }
    if (r == CsvParser::Row::Unterminated || r == CsvParser::Row::TooLong) {
      // No row can be told apart from the header: the file cannot be read.
      failure_ = fmt::format("cannot read '{}': line {}: {}", src.name(), parser_.line(),
                             r == CsvParser::Row::TooLong ? std::string(kHeaderTooLong)
                                                          : "the header has a quoted field that is never closed");
      done_ = true;
      return;
    }
    Arena arena;
    for (size_t j = 0; j < parser_.count(); ++j) header_.emplace_back(parser_.cell(j, arena));
    check_header_names(header_, src.name());
    column_.assign(schema.fields.size(), -1);
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const auto it = std::find(header_.begin(), header_.end(), schema.fields[i].source);
      if (it != header_.end()) column_[i] = static_cast<int>(it - header_.begin());
    }
    // A field whose column is missing would be null in every record, and
    // every rule would quietly give nothing: the file does not fit the schema.
    std::string missing;
    const std::string delimiter = other_delimiter(header_);
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const FieldSpec& f = schema.fields[i];
      if (column_[i] >= 0 || f.optional) continue;
      missing += fmt::format("{}no column '{}' for field '{}'{}", missing.empty() ? "" : "; ", f.source, f.name,
                             delimiter.empty() ? closest_columns(f.source, header_) : "");
    }
    if (!missing.empty()) {
      failure_ = fmt::format("cannot read '{}': the header (line {}) has {}{}; a field whose column may be absent "
                             "is marked 'optional: true' in the schema",
                             src.name(), parser_.line(), missing, delimiter);
      done_ = true;
      return;
    }
    key_column_ = schema.key < column_.size() ? column_[schema.key] : -1;
    if (key_column_ >= 0) key_slot_ = static_cast<int>(schema.key);
    parser_.set_key_column(key_column_);
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const FieldSpec& f = schema.fields[i];
      Slot slot;
      slot.column = column_[i];
      slot.kind = f.type.kind;
      slot.required = f.required;
      if (f.min) slot.min = *f.min;
      if (f.max) slot.max = *f.max;
      slot.values = f.type.enum_values.get();
      if (slot.values != nullptr) {
        enum_indexes_.push_back(std::make_unique<EnumIndex>(*slot.values));
        slot.enum_index = enum_indexes_.back().get();
      }
      slot.field = &f;
      slots_.push_back(slot);
      if (slot.column >= 0) columns_.emplace_back(i, static_cast<size_t>(slot.column));
      if (slot.column >= 0 && keeps_text(f)) copies_text_ = true;
    }
  }

  std::string failure() const override { return failure_.empty() ? src_.error() : failure_; }

  Status next(Record& out, Rejection& rejected) override {
    out.arena.reset();
    const Status s = read_row(out.arena, rejected);
    if (s != Status::Record) return s;
    out.index = index_;
    out.line = parser_.line();
    // An ASCII row needs no UTF-8 check of its cells.
    const bool ascii = parser_.row_ascii();
    // One copy of a short row in the arena holds the text of all its
    // strings (cheaper than a copy per string).
    const char* row = nullptr;
    if (copies_text_ && parser_.row_bytes().size() <= kRowCopyBytes) row = out.arena.copy(parser_.row_bytes()).data();
    Arena& arena = out.arena;
    const auto cell_text = [&](size_t i) {
      const auto column = static_cast<size_t>(slots_[i].column);
      return row != nullptr ? parser_.cell_in(column, row, arena) : parser_.cell(column, arena);
    };
    return convert_row(out.line, ascii, row != nullptr, cell_text, out, rejected, reason_);
  }

  bool splits() const override { return true; }

  /// The first stage of next(): finds rows and rejects malformed ones, and
  /// copies the rest with the positions of their cells (see RawCells).
  size_t read_raw(RawRows& raw, size_t max_rows) override {
    raw.clear();
    Rejection rejected;
    while (raw.rows.size() < max_rows && raw.text.size() < kRawBatchBytes) {
      // Most rows are plain: only their end is found here, and convert()
      // splits them on the thread that converts them.
      if (!done_ && parser_.next_plain(kRowCopyBytes)) {
        RawRows::Row& row = raw.rows.emplace_back();
        row.line = parser_.line();
        row.index = ++index_;
        row.text = raw.text.size();
        row.cells = kPlainRow;
        raw.text.append(parser_.row_bytes());
        row.size = raw.text.size() - row.text;
        continue;
      }
      scratch_.reset();
      const Status s = read_row(scratch_, rejected);
      if (s == Status::End) break;
      RawRows::Row& row = raw.rows.emplace_back();
      if (s == Status::Rejected) {
        row.line = rejected.line;
        row.rejected = static_cast<int64_t>(raw.rejections.size());
        raw.rejections.push_back(std::move(rejected));
        continue;
      }
      row.line = parser_.line();
      row.index = index_;
      row.text = raw.text.size();
      row.cells = raw.cells.size();
      raw.cells.resize(row.cells + 2 * slots_.size());
      uint32_t* cells = raw.cells.data() + row.cells;
      const std::string_view bytes = parser_.row_bytes();
      if (bytes.size() <= kRowCopyBytes) {
        raw.text.append(bytes);
        for (const auto& [slot, column] : columns_) {
          const Cell& c = parser_.raw_cell(column);
          cells[2 * slot] = static_cast<uint32_t>(c.begin) | (c.escaped ? kEscapedCell : 0);
          cells[2 * slot + 1] = static_cast<uint32_t>(c.end);
        }
      } else {
        // A long row: only the cells of schema fields are kept.
        for (const auto& [slot, column] : columns_) {
          const Cell& c = parser_.raw_cell(column);
          const size_t begin = raw.text.size() - row.text;
          raw.text.append(bytes.substr(c.begin, c.end - c.begin));
          cells[2 * slot] = static_cast<uint32_t>(begin) | (c.escaped ? kEscapedCell : 0);
          cells[2 * slot + 1] = static_cast<uint32_t>(begin + c.end - c.begin);
        }
      }
      row.size = raw.text.size() - row.text;
    }
    // convert() reads plain rows 64 bytes at a time.
    raw.text.append(kSplitPadding, '\0');
    return raw.rows.size();
  }

  /// The second stage of next(): converts a row read by read_raw().
  Status convert(const RawRows& raw, size_t i, Record& out, Rejection& rejected) const override {
    const RawRows::Row& row = raw.rows[i];
    if (row.rejected >= 0) {
      rejected = raw.rejections[static_cast<size_t>(row.rejected)];
      return Status::Rejected;
    }
    out.arena.reset();
    out.index = row.index;
    out.line = row.line;
    const char* bytes = raw.text.data() + row.text;
    if (row.cells == kPlainRow) return convert_plain(row, bytes, out, rejected);
    const uint32_t* cells = raw.cells.data() + row.cells;
    const bool ascii = is_ascii(bytes, row.size);
    Arena& arena = out.arena;
    const auto cell_text = [&](size_t slot) -> std::string_view {
      const uint32_t begin = cells[2 * slot] & ~kEscapedCell;
      const std::string_view text(bytes + begin, cells[2 * slot + 1] - begin);
      if ((cells[2 * slot] & kEscapedCell) == 0) return text;
      return unescape(text, arena);
    };
    std::string reason;
    // The row's bytes outlive the record: values may point at them.
    return convert_row(row.line, ascii, true, cell_text, out, rejected, reason);
  }

  /// convert() of a plain row (see CsvParser::next_plain): its bytes are
  /// split on commas here, 64 at a time, then converted like any row.
  Status convert_plain(const RawRows::Row& row, const char* bytes, Record& out, Rejection& rejected) const {
    size_t len = row.size - 1;  // without the LF
    if (len > 0 && bytes[len - 1] == '\r') --len;
    // Where each column starts; one past the row for those it lacks.
    const size_t columns = header_.size();
    auto* starts = static_cast<uint32_t*>(out.arena.allocate((columns + 1) * sizeof(uint32_t)));
    starts[0] = 0;
    size_t count = 1;
    for (size_t base = 0; base < len; base += 64) {
      uint64_t sep, quote;
      csv_block_masks(bytes + base, sep, quote);  // no LF before len: every bit there is a comma
      if (len - base < 64) sep &= (uint64_t{1} << (len - base)) - 1;
      for (; sep != 0; sep &= sep - 1) {
        if (count <= columns) starts[count] = static_cast<uint32_t>(base + std::countr_zero(sep) + 1);
        ++count;
      }
    }
    for (size_t j = std::min(count, columns + 1); j <= columns; ++j) starts[j] = static_cast<uint32_t>(len + 1);
    const auto cell = [&](size_t column) -> std::string_view {
      return {bytes + starts[column], starts[column + 1] - 1 - starts[column]};
    };
    if (count != columns) {
      const std::string_view key =
          key_column_ >= 0 && static_cast<size_t>(key_column_) < std::min(count, columns)
              ? cell(static_cast<size_t>(key_column_))
              : std::string_view();
      size_t text = len;  // the row as rejections show it: without its line end (see row_text())
      while (text > 0 && bytes[text - 1] == '\r') --text;
      reject_field_count(rejected, row.line, key, std::string_view(bytes, text), count);
      return Status::Rejected;
    }
    const bool ascii = is_ascii(bytes, row.size);
    const auto cell_text = [&](size_t slot) { return cell(static_cast<size_t>(slots_[slot].column)); };
    std::string reason;
    return convert_row(row.line, ascii, true, cell_text, out, rejected, reason);
  }

  /// The rejection of a row with `count` fields where the header has another number.
  void reject_field_count(Rejection& rejected, uint64_t line, std::string_view key, std::string_view text,
                          size_t count) const {
    reject(rejected, line, key, "", text,
           fmt::format("row has {} field{}, the header has {}", count, count == 1 ? "" : "s", header_.size()));
  }

 private:
  /// Reads the next row for next() and read_raw(): End, Rejected (a
  /// malformed row, a wrong number of fields, a header or read error) or
  /// Record when the parser holds a row to convert. `scratch` holds the
  /// text of a rejected row's key until the rejection is filled.
  Status read_row(Arena& scratch, Rejection& rejected) {
    if (done_) return Status::End;
    const CsvParser::Row r = parser_.next();
    if (r == CsvParser::Row::End) {
      done_ = true;
      return Status::End;
    }
    ++index_;
    const uint64_t line = parser_.line();
    if (r != CsvParser::Row::Ok) {
      std::string reason;
      if (r == CsvParser::Row::Unterminated) {
        reason = "unterminated quoted field";
        if (parser_.problem_line() != line) {
          reason += fmt::format(" (the quote opens on line {})", parser_.problem_line());
        }
      } else if (r == CsvParser::Row::TooLong) {
        reason = kRecordTooLong;
      } else {
        reject(rejected, line, parser_.key(scratch), column_name(parser_.bad_cell()), parser_.row_text(),
               "text after the closing quote of a quoted field");
        return Status::Rejected;
      }
      reject(rejected, line, parser_.key(scratch), "", parser_.row_text(), std::move(reason));
      return Status::Rejected;
    }
    if (parser_.count() != header_.size()) {
      reject_field_count(rejected, line, parser_.key(scratch), parser_.row_text(), parser_.count());
      return Status::Rejected;
    }
    return Status::Record;
  }

  /// Converts and checks the cells of a row into `out.values`, rejecting
  /// the record at its first bad field (schema order). `cell_text(i)` is the
  /// text of schema field i's cell (whose column is known); `in_arena` says
  /// whether that text outlives the record, so strings need no copy.
  template <class CellText>
  Status convert_row(uint64_t line, bool ascii, bool in_arena, const CellText& cell_text, Record& out,
                     Rejection& rejected, std::string& reason) const {
    const auto key = [&]() -> std::string_view {
      return key_slot_ >= 0 ? cell_text(static_cast<size_t>(key_slot_)) : std::string_view();
    };
    const size_t nfields = slots_.size();
    out.values.resize(nfields);
    for (size_t i = 0; i < nfields; ++i) {
      const Slot& slot = slots_[i];
      Value& v = out.values[i];
      std::string_view text;
      if (slot.column < 0) {
        v = Value::null();
      } else {
        text = cell_text(i);
        if (text.size() > kMaxFieldBytes) {
          reject(rejected, line, key(), slot.field->name, text, kFieldTooLong);
          return Status::Rejected;
        }
        if (!convert(slot, text, ascii, in_arena, out.arena, v, reason)) {
          reject(rejected, line, key(), slot.field->name, text, std::move(reason));
          return Status::Rejected;
        }
      }
      if (v.is_null() && slot.required) {
        reject(rejected, line, key(), slot.field->name, text, "required field is missing");
        return Status::Rejected;
      }
    }
    return Status::Record;
  }

  /// The declared values of an enum by a hash of their length and first
  /// byte, so that a cell is compared with one candidate only.
  struct EnumIndex {
    static constexpr int16_t kNone = -1, kMany = -2;
    std::array<int16_t, 256> at;  ///< a value's index, kNone or kMany (then compare with each)
    static size_t hash(std::string_view s) { return (static_cast<unsigned char>(s[0]) + 37 * s.size()) & 255; }
    explicit EnumIndex(const EnumValues& values) {
      at.fill(kNone);
      for (size_t i = 0; i < values.values.size(); ++i) {
        const std::string& v = values.values[i];
        if (v.empty()) continue;  // never equal to a non-blank cell
        int16_t& a = at[hash(v)];
        a = a == kNone ? static_cast<int16_t>(i) : kMany;
      }
      if (values.values.size() > 30000) at.fill(kMany);
    }
  };

  /// What next() needs of one schema field, packed together.
  struct Slot {
    int column = -1;  ///< its header column, or -1
    TypeKind kind = TypeKind::String;
    bool required = false;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    const EnumValues* values = nullptr;
    const EnumIndex* enum_index = nullptr;  ///< with values
    const FieldSpec* field = nullptr;
  };

  /// Rows up to this long are copied whole into the record's arena (or
  /// into RawRows; of longer ones only the cells of schema fields).
  static constexpr size_t kRowCopyBytes = 4096;
  /// read_raw() stops taking rows once their bytes reach this.
  static constexpr size_t kRawBatchBytes = size_t{1} << 20;
  /// RawRows::cells holds two per schema field of a row: where its cell
  /// begins in the row's copy, with this bit set when it holds "" pairs, and
  /// where it ends.
  static constexpr uint32_t kEscapedCell = uint32_t{1} << 31;
  /// RawRows::Row::cells of a plain row: not split yet.
  static constexpr size_t kPlainRow = SIZE_MAX;
  /// Bytes after the last row of RawRows::text, so that a plain row can be
  /// read 64 bytes at a time.
  static constexpr size_t kSplitPadding = 64;

  /// Whether a value of that field points at its text.
  static bool keeps_text(const FieldSpec& f) {
    switch (f.type.kind) {
      case TypeKind::String:
      case TypeKind::List: return true;
      case TypeKind::Enum: return f.type.enum_values == nullptr;
      default: return false;
    }
  }

  /// value_from_text() with the common cases inline; the same results. The
  /// text lives as long as the record when `in_arena`. Inlined into both callers of
  /// convert_row(): a call per field costs a tenth of the reading time.
  [[gnu::always_inline]] bool convert(const Slot& slot, std::string_view text, bool ascii, bool in_arena, Arena& arena, Value& v,
               std::string& reason) const {
    if (text.empty()) {
      v = Value::null();
      return true;
    }
    // Text that may be blank, and lists, take the general way.
    if (is_space(text[0]) || slot.kind == TypeKind::List) {
      return value_from_text(text, *slot.field, arena, v, reason, ascii, in_arena);
    }
    if (!ascii && !is_ascii(text.data(), text.size()) && !valid_utf8(text)) {
      reason = "invalid UTF-8";
      return false;
    }
    switch (slot.kind) {
      case TypeKind::Int: {
        int64_t x;
        if (!parse_int(text, x)) break;
        v = Value::integer(x);
        const double d = static_cast<double>(x);
        return (d >= slot.min && d <= slot.max) || check_bounds(v, *slot.field, reason);
      }
      case TypeKind::Number: {
        double x;
        if (!parse_number(text, x)) break;
        v = Value::number(x);
        return (x >= slot.min && x <= slot.max) || check_bounds(v, *slot.field, reason);
      }
      case TypeKind::Date: {
        int32_t days;
        if (!parse_iso_date(text, days)) break;
        v = Value::date(days);
        return true;
      }
      case TypeKind::Enum: {
        if (slot.values == nullptr) break;
        // The schema outlives every record, so the value can point into it.
        const int16_t at = slot.enum_index->at[EnumIndex::hash(text)];
        if (at >= 0) {
          const std::string& value = slot.values->values[static_cast<size_t>(at)];
          if (!same_text(value, text)) break;  // no other value hashes alike
          v = Value::string(value);
          return true;
        }
        if (at == EnumIndex::kNone) break;
        for (const std::string& value : slot.values->values) {
          if (same_text(value, text)) {
            v = Value::string(value);
            return true;
          }
        }
        break;
      }
      case TypeKind::String:
        v = Value::string(in_arena ? text : arena.copy(text));
        return true;
      default:
        break;
    }
    // Everything else, and the reasons of failures.
    return value_from_text(text, *slot.field, arena, v, reason, true, in_arena);
  }

  /// The schema field read from column j, else the header text.
  std::string column_name(size_t j) const {
    for (size_t i = 0; i < column_.size(); ++i) {
      if (column_[i] == static_cast<int>(j)) return schema_.fields[i].name;
    }
    return j < header_.size() ? header_[j] : std::string();
  }

  // What convert() reads, on any thread, while another thread reads rows:
  // set up by the constructor, then never written.
  const Schema& schema_;
  std::vector<std::string> header_;
  std::vector<int> column_;  ///< per schema field: its header column, or -1
  std::vector<Slot> slots_;  ///< per schema field
  std::vector<std::pair<size_t, size_t>> columns_;  ///< (schema field, its column) for those with one
  std::vector<std::unique_ptr<EnumIndex>> enum_indexes_;
  bool copies_text_ = false;  ///< some value may point at its cell's text
  int key_column_ = -1;
  int key_slot_ = -1;  ///< the schema field of the key, when it has a column

  // The state of reading, written on every row, starts a cache line of its
  // own: sharing one with the fields above made every row of the reading
  // thread wait for the line to come back from a converting thread (false
  // sharing): two threads used 40% more CPU time than one, now 20%.
  alignas(64) ByteSource& src_;
  CsvParser parser_;
  uint64_t index_ = 0;
  bool done_ = false;
  std::string failure_;  ///< the header cannot be read
  std::string reason_;
  Arena scratch_;  ///< read_raw(): the keys of rejected rows
};

class CsvInput final : public DataInput {
 public:
  CsvInput(std::unique_ptr<ByteSource> src, CsvScanner scanner) : src_(std::move(src)), scanner_(scanner) {}

  /// One field per header column (empty names are left out; a name given
  /// twice is a DataError), typed from the first kInferValues rows (fewer when they hold
  /// more than kMaxInferBytes, or a row longer than kMaxRecordBytes comes).
  Schema infer_schema() override {
    detect_line_ends();
    if (!src_->rewind()) throw std::logic_error("infer_schema() after standard input was read");
    src_->pin(true);
    CsvParser parser(*src_, scanner_, false);
    parser.start();
    Schema schema;
    const CsvParser::Row first = parser.next();
    if (first == CsvParser::Row::End || first == CsvParser::Row::TooLong) {
      src_->pin(false);
      if (!src_->error().empty()) throw DataError(src_->error());
      return schema;
    }
    Arena arena;
    std::vector<std::string> header;
    for (size_t j = 0; j < parser.count(); ++j) header.emplace_back(parser.cell(j, arena));
    if (first == CsvParser::Row::Ok) check_header_names(header, src_->name());
    std::vector<Guess> guesses(header.size());
    for (size_t rows = 0; rows < kInferValues && src_->size() <= kMaxInferBytes; ++rows) {
      const CsvParser::Row r = parser.next();
      // The pinned buffer must not take in a row too long to keep.
      if (r == CsvParser::Row::End || r == CsvParser::Row::TooLong) break;
      // Malformed rows will be rejected; they tell nothing about the types.
      if (r != CsvParser::Row::Ok || parser.count() != header.size()) continue;
      arena.reset();
      for (size_t j = 0; j < header.size(); ++j) {
        const std::string_view text = parser.cell(j, arena);
        if (!is_blank(text) && valid_utf8(text)) guesses[j].text(text);
      }
    }
    src_->pin(false);
    if (!src_->error().empty()) throw DataError(src_->error());
    for (size_t j = 0; j < header.size(); ++j) {
      if (header[j].empty() || std::find(header.begin(), header.begin() + static_cast<long>(j), header[j]) !=
                                   header.begin() + static_cast<long>(j)) {
        continue;
      }
      FieldSpec f;
      f.name = header[j];
      f.source = header[j];
      f.type = Type::of(guesses[j].kind());
      schema.fields.push_back(std::move(f));
    }
    return schema;
  }

  std::unique_ptr<RecordReader> reader(const Schema& schema) override {
    detect_line_ends();
    if (!src_->rewind()) throw std::logic_error("standard input can be read only once");
    return std::make_unique<CsvReader>(*src_, schema, scanner_);
  }

 private:
  /// Before the first byte is read as CSV: a file whose first line ends
  /// with a lone CR (old spreadsheet exports) has CR line ends throughout.
  void detect_line_ends() {
    if (detected_) return;
    detected_ = true;
    const auto has_line_end = [&] {
      const char* d = src_->data();
      const size_t n = src_->size();
      if (n == 0) return false;  // nothing read yet: data() may be null
      return std::memchr(d, '\n', n) != nullptr || (n > 1 && std::memchr(d, '\r', n - 1) != nullptr);
    };
    while (!src_->eof() && src_->size() < kMaxRecordBytes && !has_line_end()) src_->refill(0);
    src_->lone_cr_as_lf();
  }

  bool detected_ = false;
  std::unique_ptr<ByteSource> src_;
  CsvScanner scanner_;
};

}  // namespace

std::unique_ptr<DataInput> open_csv(std::unique_ptr<ByteSource> src, CsvScanner scanner) {
  return std::make_unique<CsvInput>(std::move(src), scanner);
}

}  // namespace kairos::reader
