// CSV records (RFC 4180) streamed from a ByteSource. See record.cpp for the
// decisions about blank lines, quotes and rejections.

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "interpreter/reader_common.hpp"

namespace kairos::reader {

namespace {

/// One field of a row: offsets relative to the row's first byte.
struct Cell {
  size_t begin = 0, end = 0;
  bool quoted = false;
  bool escaped = false;  ///< holds "" pairs that stand for one quote
};

/// Splits the input into rows of cells without copying unquoted text.
class CsvParser {
 public:
  enum class Row { Ok, End, Unterminated, TextAfterQuote };

  explicit CsvParser(ByteSource& src) : src_(src) {}

  /// Starts at the first byte of the input, after a UTF-8 byte order mark.
  void start() {
    while (src_.size() < 3 && !src_.eof()) src_.refill(0);
    pos_ = src_.size() >= 3 && std::memcmp(src_.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    next_line_ = 1;
  }

  /// Reads the next non-blank row. Its cells stay valid until the next call.
  Row next() {
    for (;;) {
      if (pos_ >= src_.size()) {
        if (src_.eof()) return Row::End;
        pos_ -= src_.refill(pos_);
        continue;
      }
      const Scan s = scan(src_.eof());
      if (s == Scan::NeedMore) {
        pos_ -= src_.refill(pos_);
        continue;
      }
      line_ = next_line_;
      next_line_ += row_lines_;
      row_begin_ = pos_;
      pos_ = row_end_;
      // A line with nothing on it is not a record (see record.cpp).
      if (s == Scan::Ok && cells_.size() == 1 && !cells_[0].quoted && cells_[0].begin == cells_[0].end) {
        continue;
      }
      if (s == Scan::Unterminated) return Row::Unterminated;
      if (s == Scan::TextAfterQuote) return Row::TextAfterQuote;
      return Row::Ok;
    }
  }

  size_t count() const { return cells_.size(); }
  /// The text of cell i; "" pairs are undone into `arena`.
  std::string_view cell(size_t i, Arena& arena) const {
    const Cell& c = cells_[i];
    const std::string_view raw(src_.data() + row_begin_ + c.begin, c.end - c.begin);
    if (!c.escaped) return raw;
    char* out = static_cast<char*>(arena.allocate(raw.size()));
    size_t n = 0;
    for (size_t j = 0; j < raw.size(); ++j) {
      out[n++] = raw[j];
      if (raw[j] == '"') ++j;
    }
    return {out, n};
  }
  /// The whole row as it stands in the input.
  std::string_view row_text() const {
    std::string_view t(src_.data() + row_begin_, row_end_ - row_begin_);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    return t;
  }
  /// The 1-based line where the row starts.
  uint64_t line() const { return line_; }
  /// The line where the unterminated quote (or the text after a quote) is.
  uint64_t problem_line() const { return problem_line_; }
  /// The cell with text after its closing quote.
  size_t bad_cell() const { return bad_cell_; }

 private:
  enum class Scan { Ok, NeedMore, Unterminated, TextAfterQuote };

  size_t count_newlines(size_t from, size_t to) const {
    return static_cast<size_t>(std::count(src_.data() + from, src_.data() + to, '\n'));
  }

  /// Scans one row starting at pos_. Without `at_eof`, reaching the end of
  /// the buffer asks for more input; the row is then scanned again.
  Scan scan(bool at_eof) {
    const char* d = src_.data();
    const size_t n = src_.size();
    const size_t p = pos_;
    cells_.clear();
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
            cells_.push_back({open + 1 - p, n - p, true, escaped});
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
        cells_.push_back({open + 1 - p, close - p, true, escaped});
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
          bad_cell_ = cells_.size() - 1;
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
        cells_.push_back({i - p, c - p, false, false});
        i = c + 1;
        continue;
      }
      const size_t e = static_cast<size_t>(nl - d);
      if (e == n && !at_eof) return Scan::NeedMore;
      const size_t field_end = e > i && d[e - 1] == '\r' ? e - 1 : e;
      cells_.push_back({i - p, field_end - p, false, false});
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
  size_t pos_ = 0;
  size_t row_begin_ = 0, row_end_ = 0;
  uint64_t line_ = 0, next_line_ = 1, row_lines_ = 0, problem_line_ = 0;
  std::vector<Cell> cells_;
  size_t bad_cell_ = 0;
};

/// Streams the rows of a CSV file as records of a schema.
class CsvReader final : public RecordReader {
 public:
  CsvReader(ByteSource& src, const Schema& schema) : src_(src), parser_(src), schema_(schema) {
    parser_.start();
    const CsvParser::Row r = parser_.next();
    if (r == CsvParser::Row::End) {
      done_ = true;
      return;
    }
    if (r == CsvParser::Row::Unterminated) header_problem_ = "unterminated quoted field in the header";
    Arena arena;
    for (size_t j = 0; j < parser_.count(); ++j) header_.emplace_back(parser_.cell(j, arena));
    header_line_ = parser_.line();
    column_.assign(schema.fields.size(), -1);
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const auto it = std::find(header_.begin(), header_.end(), schema.fields[i].source);
      if (it != header_.end()) column_[i] = static_cast<int>(it - header_.begin());
    }
    key_column_ = schema.key < column_.size() ? column_[schema.key] : -1;
  }

  Status next(Record& out, Rejection& rejected) override {
    out.arena.reset();
    if (!header_problem_.empty()) {
      reject(rejected, header_line_, "", "", "", std::move(header_problem_));
      header_problem_.clear();
      done_ = true;
      ++index_;
      return Status::Rejected;
    }
    if (done_) return Status::End;
    const CsvParser::Row r = parser_.next();
    if (r == CsvParser::Row::End) {
      done_ = true;
      if (!src_.error().empty()) {
        reject(rejected, parser_.line() + 1, "", "", "", src_.error());
        return Status::Rejected;
      }
      return Status::End;
    }
    ++index_;
    out.index = index_;
    out.line = parser_.line();
    const uint64_t line = out.line;
    auto key = [&]() -> std::string_view {
      if (key_column_ < 0 || static_cast<size_t>(key_column_) >= parser_.count()) return {};
      return parser_.cell(static_cast<size_t>(key_column_), out.arena);
    };
    if (r == CsvParser::Row::Unterminated) {
      std::string reason = "unterminated quoted field";
      if (parser_.problem_line() != line) {
        reason += fmt::format(" (the quote opens on line {})", parser_.problem_line());
      }
      reject(rejected, line, key(), "", parser_.row_text(), std::move(reason));
      return Status::Rejected;
    }
    if (r == CsvParser::Row::TextAfterQuote) {
      reject(rejected, line, key(), column_name(parser_.bad_cell()), parser_.row_text(),
             "text after the closing quote of a quoted field");
      return Status::Rejected;
    }
    if (parser_.count() != header_.size()) {
      reject(rejected, line, key(), "", parser_.row_text(),
             fmt::format("row has {} field{}, the header has {}", parser_.count(),
                         parser_.count() == 1 ? "" : "s", header_.size()));
      return Status::Rejected;
    }
    out.values.resize(schema_.fields.size());
    for (size_t i = 0; i < schema_.fields.size(); ++i) {
      const FieldSpec& f = schema_.fields[i];
      Value& v = out.values[i];
      std::string_view text;
      if (column_[i] < 0) {
        v = Value::null();
      } else {
        text = parser_.cell(static_cast<size_t>(column_[i]), out.arena);
        if (!value_from_text(text, f, out.arena, v, reason_)) {
          reject(rejected, line, key(), f.name, text, std::move(reason_));
          return Status::Rejected;
        }
      }
      if (v.is_null() && f.required) {
        reject(rejected, line, key(), f.name, text, "required field is missing");
        return Status::Rejected;
      }
    }
    return Status::Record;
  }

 private:
  /// The schema field read from column j, else the header text.
  std::string column_name(size_t j) const {
    for (size_t i = 0; i < column_.size(); ++i) {
      if (column_[i] == static_cast<int>(j)) return schema_.fields[i].name;
    }
    return j < header_.size() ? header_[j] : std::string();
  }

  ByteSource& src_;
  CsvParser parser_;
  const Schema& schema_;
  std::vector<std::string> header_;
  std::vector<int> column_;  ///< per schema field: its header column, or -1
  int key_column_ = -1;
  uint64_t header_line_ = 1;
  uint64_t index_ = 0;
  bool done_ = false;
  std::string header_problem_;
  std::string reason_;
};

class CsvInput final : public DataInput {
 public:
  explicit CsvInput(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {}

  /// One field per header column (the first of duplicate or empty names is
  /// kept), typed from the first kInferValues rows.
  Schema infer_schema() override {
    if (!src_->rewind()) throw std::logic_error("infer_schema() after standard input was read");
    src_->pin(true);
    CsvParser parser(*src_);
    parser.start();
    Schema schema;
    if (parser.next() == CsvParser::Row::End) {
      src_->pin(false);
      return schema;
    }
    Arena arena;
    std::vector<std::string> header;
    for (size_t j = 0; j < parser.count(); ++j) header.emplace_back(parser.cell(j, arena));
    std::vector<Guess> guesses(header.size());
    for (size_t rows = 0; rows < kInferValues; ++rows) {
      const CsvParser::Row r = parser.next();
      if (r == CsvParser::Row::End) break;
      // Malformed rows will be rejected; they tell nothing about the types.
      if (r != CsvParser::Row::Ok || parser.count() != header.size()) continue;
      arena.reset();
      for (size_t j = 0; j < header.size(); ++j) {
        const std::string_view text = parser.cell(j, arena);
        if (!is_blank(text) && valid_utf8(text)) guesses[j].text(text);
      }
    }
    src_->pin(false);
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
    if (!src_->rewind()) throw std::logic_error("standard input can be read only once");
    return std::make_unique<CsvReader>(*src_, schema);
  }

 private:
  std::unique_ptr<ByteSource> src_;
};

}  // namespace

std::unique_ptr<DataInput> open_csv(std::unique_ptr<ByteSource> src) {
  return std::make_unique<CsvInput>(std::move(src));
}

}  // namespace kairos::reader
