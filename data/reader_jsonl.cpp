// JSON Lines records streamed from a ByteSource, one object per line, parsed
// with nlohmann::json. See record.cpp for the conversion rules.

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <string_view>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "data/reader_common.hpp"

namespace kairos::reader {

namespace {

using nlohmann::json;

/// Splits the input into lines (LF or CRLF; the last may lack its newline).
class LineSplitter {
 public:
  /// With `skip_long_lines`, a line longer than kMaxRecordBytes is read past
  /// (dropping its bytes as it goes); without (while the buffer is pinned),
  /// next() stops there. Either way too_long() tells.
  LineSplitter(ByteSource& src, bool skip_long_lines) : src_(src), skip_long_lines_(skip_long_lines) {}

  /// Starts at the first byte, after a UTF-8 byte order mark.
  void start() {
    while (src_.size() < 3 && !src_.eof()) src_.refill(0);
    pos_ = src_.size() >= 3 && std::memcmp(src_.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    line_ = 0;
  }

  /// The next line and its 1-based number; false at the end. The text stays
  /// valid until the next call. A line longer than kMaxRecordBytes comes as
  /// its first bytes, with too_long() set.
  bool next(std::string_view& text, uint64_t& line) {
    too_long_ = false;
    for (;;) {
      const char* d = src_.data();
      const size_t n = src_.size();
      if (pos_ < n) {
        const void* nl = std::memchr(d + pos_, '\n', n - pos_);
        if (nl != nullptr || src_.eof()) {
          const size_t e = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - d) : n;
          text = std::string_view(d + pos_, e - pos_);
          if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
          pos_ = nl != nullptr ? e + 1 : n;
          line = ++line_;
          if (text.size() > kMaxRecordBytes) {
            too_long_ = true;
            text = text.substr(0, kSavedBytes);
          }
          return true;
        }
        // All but a final CR belongs to the line.
        if (n - pos_ > kMaxRecordBytes + 1) {
          too_long_ = true;
          line = ++line_;
          if (!skip_long_lines_) return false;
          saved_.assign(d + pos_, kSavedBytes);
          skip_line();
          text = saved_;
          return true;
        }
      } else if (src_.eof()) {
        return false;
      }
      pos_ -= src_.refill(pos_);
    }
  }

  uint64_t line() const { return line_; }
  /// The last line was longer than kMaxRecordBytes.
  bool too_long() const { return too_long_; }

 private:
  static constexpr size_t kSavedBytes = 1024;

  /// Reads past the rest of the line at pos_, dropping it.
  void skip_line() {
    for (;;) {
      const size_t n = src_.size();
      const void* nl = pos_ < n ? std::memchr(src_.data() + pos_, '\n', n - pos_) : nullptr;
      if (nl != nullptr) {
        pos_ = static_cast<size_t>(static_cast<const char*>(nl) - src_.data()) + 1;
        return;
      }
      pos_ = n;
      if (src_.eof()) return;
      pos_ -= src_.refill(pos_);
    }
  }

  ByteSource& src_;
  const bool skip_long_lines_;
  size_t pos_ = 0;
  uint64_t line_ = 0;
  bool too_long_ = false;
  std::string saved_;
};

/// A JSON line whose objects and arrays nest deeper than this is rejected
/// with kTooDeep before it is parsed: the parsed value is walked
/// recursively later on (printing it in a rejection, for one), and a
/// million nested brackets fit in a line.
constexpr size_t kMaxJsonDepth = 64;
constexpr const char* kTooDeep = "value nested deeper than the 64-level limit";

/// Whether the objects and arrays of a JSON text nest deeper than
/// kMaxJsonDepth (brackets inside strings do not count).
bool nested_too_deeply(std::string_view text) {
  // Fewer brackets than the limit cannot nest deeper: the common case, in one pass.
  size_t brackets = 0;
  for (const char c : text) brackets += static_cast<size_t>(c == '{') + static_cast<size_t>(c == '[');
  if (brackets <= kMaxJsonDepth) return false;
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

/// `a JSON string`, `a JSON object`, ... for messages.
std::string a_json(const json& j) {
  switch (j.type()) {
    case json::value_t::object: return "a JSON object";
    case json::value_t::array: return "a JSON array";
    case json::value_t::string: return "a JSON string";
    case json::value_t::boolean: return "a JSON boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a JSON number";
    case json::value_t::null: return "null";
    default: return "a JSON value";
  }
}

/// nlohmann's DOM parser (json::parse), which keeps the last of two values
/// of one key silently; this one also notes the first key an object gives
/// twice, so that the record is rejected as a YAML record would be.
class DomParser : public nlohmann::detail::json_sax_dom_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_parser<json>;

 public:
  explicit DomParser(json& result) : Base(result, true) {}

  bool start_object(std::size_t n) {
    if (depth_ == open_.size()) open_.emplace_back();
    open_[depth_].count = 0;
    open_[depth_].many.clear();
    ++depth_;
    return Base::start_object(n);
  }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool key(json::string_t& k) {
    Keys& keys = open_[depth_ - 1];
    if (duplicate_.empty() && keys.seen(k)) {
      for (size_t d = 0; d + 1 < depth_; ++d) duplicate_ += open_[d].last() + ".";
      duplicate_ += k;
    }
    keys.add(k);
    return Base::key(k);
  }

  /// The dotted path of the first key given twice in one object, or empty.
  const std::string& duplicate() const { return duplicate_; }

 private:
  /// The keys of one open object: a short list (reused from line to line),
  /// and a hash set once there are many.
  struct Keys {
    static constexpr size_t kShort = 32;
    std::vector<std::string> list;
    size_t count = 0;
    std::unordered_set<std::string> many;

    bool seen(const std::string& k) const {
      if (count > kShort) return many.count(k) > 0;
      return std::find(list.begin(), list.begin() + static_cast<long>(count), k) != list.begin() + static_cast<long>(count);
    }
    void add(const std::string& k) {
      if (count < list.size()) {
        list[count] = k;
      } else {
        list.push_back(k);
      }
      ++count;
      if (count == kShort + 1) many.insert(list.begin(), list.begin() + static_cast<long>(count));
      if (count > kShort + 1) many.insert(k);
    }
    const std::string& last() const { return list[std::min(count, list.size()) - 1]; }
  };
  std::vector<Keys> open_;
  size_t depth_ = 0;
  std::string duplicate_;
};

/// The text of a value as found: a string's content, else its JSON form.
std::string raw_text(const json& j) {
  if (j.is_string()) return j.get_ref<const std::string&>();
  return j.dump();
}

/// nlohmann's parse error without its exception prefix, e.g.
/// "invalid JSON at column 12: syntax error while parsing object - ...".
std::string parse_reason(const json::parse_error& e) {
  std::string what = e.what();
  const size_t at = what.find("column ");
  if (at != std::string::npos) return "invalid JSON at " + what.substr(at);
  const size_t colon = what.find("] ");
  return "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
}

/// Converts one non-null JSON scalar to `kind`.
bool scalar_from_json(const json& j, TypeKind kind, const EnumValues* values, Arena& arena, Value& out,
                      std::string& reason) {
  switch (j.type()) {
    case json::value_t::string: {
      const std::string& s = j.get_ref<const std::string&>();
      if (kind == TypeKind::String || kind == TypeKind::Enum || kind == TypeKind::Date) {
        return scalar_from_text(s, kind, values, arena, out, reason);
      }
      break;
    }
    case json::value_t::boolean:
      if (kind == TypeKind::Bool) {
        out = Value::boolean(j.get<bool>());
        return true;
      }
      break;
    case json::value_t::number_integer:
      if (kind == TypeKind::Int) {
        out = Value::integer(j.get<int64_t>());
        return true;
      }
      if (kind == TypeKind::Number) {
        out = Value::number(static_cast<double>(j.get<int64_t>()));
        return true;
      }
      break;
    case json::value_t::number_unsigned:
      if (kind == TypeKind::Int) {
        const uint64_t u = j.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          reason = "not an int (outside the 64-bit range)";
          return false;
        }
        out = Value::integer(static_cast<int64_t>(u));
        return true;
      }
      if (kind == TypeKind::Number) {
        out = Value::number(static_cast<double>(j.get<uint64_t>()));
        return true;
      }
      break;
    case json::value_t::number_float:
      if (kind == TypeKind::Number) {
        out = Value::number(j.get<double>());
        return true;
      }
      if (kind == TypeKind::Int) {
        reason = "not an int";
        return false;
      }
      break;
    default:
      break;
  }
  reason = fmt::format("expected {}, found {}", a_kind(kind), a_json(j));
  return false;
}

/// Converts a JSON value to a field's value (null, blank strings → null).
bool value_from_json(const json& j, const FieldSpec& f, Arena& arena, Value& out, std::string& reason) {
  if (j.is_null() || (j.is_string() && is_blank(j.get_ref<const std::string&>()))) {
    out = Value::null();
    return true;
  }
  if (f.type.kind != TypeKind::List) {
    return scalar_from_json(j, f.type.kind, f.type.enum_values.get(), arena, out, reason) &&
           check_bounds(out, f, reason);
  }
  if (!j.is_array()) {
    reason = fmt::format("expected a list, found {}", a_json(j));
    return false;
  }
  uint32_t count = 0;
  for (const json& item : j) {
    if (!item.is_null() && !(item.is_string() && is_blank(item.get_ref<const std::string&>()))) ++count;
  }
  Value* items = arena.values(count);
  uint32_t n = 0;
  size_t position = 0;
  for (const json& item : j) {
    ++position;
    if (item.is_null() || (item.is_string() && is_blank(item.get_ref<const std::string&>()))) continue;
    if (!scalar_from_json(item, f.type.elem, f.type.enum_values.get(), arena, items[n], reason)) {
      reason = fmt::format("list item {}: {}", position, reason);
      return false;
    }
    ++n;
  }
  out = Value::list(items, n);
  return true;
}

/// A dotted path split into segments; suffixes[k] joins segments k.. so a
/// key that itself contains dots ({"a.b": 1}) is found too; prefixes[k]
/// joins segments ..k (for messages).
struct JsonPath {
  std::vector<std::string> segments;
  std::vector<std::string> suffixes;
  std::vector<std::string> prefixes;

  explicit JsonPath(const std::string& path) {
    size_t at = 0;
    for (;;) {
      const size_t dot = path.find('.', at);
      segments.push_back(path.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
      suffixes.push_back(path.substr(at));
      prefixes.push_back(path.substr(0, dot));
      if (dot == std::string::npos) break;
      at = dot + 1;
    }
  }
};

enum class Found { Value, Absent, NotObject };

/// Finds a path in an object. NotObject leaves `where` at the scalar in the way.
Found resolve(const json& root, const JsonPath& p, const json*& out, size_t& where) {
  const json* cur = &root;
  const size_t n = p.segments.size();
  for (size_t k = 0; k < n; ++k) {
    if (n - k > 1) {
      const auto whole = cur->find(p.suffixes[k]);
      if (whole != cur->end()) {
        out = &*whole;
        return Found::Value;
      }
    }
    const auto it = cur->find(p.segments[k]);
    if (it == cur->end()) return Found::Absent;
    cur = &*it;
    if (k + 1 < n && !cur->is_object()) {
      if (cur->is_null()) return Found::Absent;
      out = cur;
      where = k;
      return Found::NotObject;
    }
  }
  out = cur;
  return Found::Value;
}

/// The keys resolve() goes through to reach a path's value: its segments,
/// or a key that holds the rest of the path whole ("usage.seats").
std::vector<std::string> key_chain(const json& root, const JsonPath& p) {
  std::vector<std::string> chain;
  const json* cur = &root;
  const size_t n = p.segments.size();
  for (size_t k = 0; k < n && cur->is_object(); ++k) {
    if (n - k > 1 && cur->find(p.suffixes[k]) != cur->end()) {
      chain.push_back(p.suffixes[k]);
      return chain;
    }
    const auto it = cur->find(p.segments[k]);
    if (it == cur->end()) break;
    chain.push_back(p.segments[k]);
    cur = &*it;
  }
  return chain;
}

/// An iterator over a line for nlohmann's parser that tells how far the
/// parser has read, so a SAX handler knows where each value ends.
struct CountingIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* at = nullptr;
  const char** read = nullptr;  ///< one past the last byte handed out
  reference operator*() const { return *at; }
  CountingIterator& operator++() {
    *read = ++at;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& o) const { return at == o.at; }
  bool operator!=(const CountingIterator& o) const { return at != o.at; }
};

/// The source text of the value reached through `chain` from the line's
/// object (not inside a list), as found in the line: `1.50`, `[1, 2]`. A SAX
/// pass of nlohmann's parser; only run for a rejection.
class ValueLocator : public nlohmann::json_sax<json> {
 public:
  ValueLocator(std::string_view text, std::vector<std::string> chain, const char** read)
      : text_(text), chain_(std::move(chain)), read_(read) {}

  std::optional<std::string_view> found() const { return found_; }

  bool null() override { return scalar(false); }
  bool boolean(bool) override { return scalar(false); }
  bool number_integer(number_integer_t) override { return scalar(true); }
  bool number_unsigned(number_unsigned_t) override { return scalar(true); }
  bool number_float(number_float_t, const string_t&) override { return scalar(true); }
  bool string(string_t&) override { return scalar(false); }
  bool binary(binary_t&) override { return scalar(false); }
  bool start_object(std::size_t) override {
    open();
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    keys_.back() = k;
    if (!begin_ && arrays_ == 0 && keys_ == chain_) begin_ = value_start();
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    return close();
  }
  bool start_array(std::size_t) override {
    open();
    ++arrays_;
    return true;
  }
  bool end_array() override {
    --arrays_;
    return close();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  size_t read_offset() const { return static_cast<size_t>(*read_ - text_.data()); }
  /// Where the value after the key just read starts: past blanks and ':'.
  size_t value_start() const {
    size_t i = read_offset();
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == ':' || text_[i] == '\r')) ++i;
    return i;
  }
  /// The event right after the wanted key is its value. A scalar ends where
  /// the parser has read to, a number where its characters end (the parser
  /// reads one byte past a number).
  bool scalar(bool number) {
    if (!begin_ || capture_depth_) return true;
    size_t end = read_offset();
    if (number) {
      end = *begin_;
      while (end < text_.size() && std::string_view("+-.eE0123456789").find(text_[end]) != std::string_view::npos) ++end;
    }
    found_ = text_.substr(*begin_, end - *begin_);
    return false;
  }
  /// A list or object value ends with its closing bracket.
  void open() {
    if (begin_ && !capture_depth_) capture_depth_ = depth_;
    ++depth_;
  }
  bool close() {
    --depth_;
    if (capture_depth_ && *capture_depth_ == depth_) {
      found_ = text_.substr(*begin_, read_offset() - *begin_);
      return false;
    }
    return true;
  }

  std::string_view text_;
  std::vector<std::string> chain_;
  const char** read_;
  std::vector<std::string> keys_;  ///< the current key of each open object
  size_t arrays_ = 0;              ///< open lists (a path does not go into them)
  size_t depth_ = 0;               ///< open objects and lists
  std::optional<size_t> begin_;    ///< where the wanted value starts
  std::optional<size_t> capture_depth_;
  std::optional<std::string_view> found_;
};

/// The value at `path` in the line as found: a string's content, anything
/// else its source text (`1.50`, `[1, 2]`), else its JSON form.
std::string raw_value(std::string_view text, const json& root, const JsonPath& path, const json& value) {
  if (value.is_string()) return raw_text(value);
  const char* read = text.data();
  ValueLocator locator(text, key_chain(root, path), &read);
  CountingIterator first{text.data(), &read}, last{text.data() + text.size(), &read};
  json::sax_parse(first, last, &locator);
  const std::optional<std::string_view> found = locator.found();
  return found ? std::string(*found) : raw_text(value);
}

class JsonlReader final : public RecordReader {
 public:
  JsonlReader(ByteSource& src, const Schema& schema) : src_(src), lines_(src, true), schema_(schema) {
    lines_.start();
    for (const FieldSpec& f : schema.fields) paths_.emplace_back(f.source);
  }

  std::string failure() const override { return src_.error(); }

  Status next(Record& out, Rejection& rejected) override {
    out.arena.reset();
    std::string_view text;
    uint64_t line = 0;
    do {
      if (!lines_.next(text, line)) return Status::End;
    } while (!lines_.too_long() && is_blank(text));
    ++index_;
    out.index = index_;
    out.line = line;
    if (lines_.too_long()) {
      reject(rejected, line, "", "", text, kRecordTooLong);
      return Status::Rejected;
    }
    // The JSON parser would take a NUL byte for the end of its input and
    // ignore the rest of the line; JSON text never holds one unescaped.
    if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
      reject(rejected, line, "", "", text,
             fmt::format("a NUL byte at column {}: JSON text cannot hold one (write \\u0000 inside a string)",
                         static_cast<const char*>(nul) - text.data() + 1));
      return Status::Rejected;
    }
    if (nested_too_deeply(text)) {
      reject(rejected, line, "", "", text, kTooDeep);
      return Status::Rejected;
    }
    std::string duplicate;
    try {
      DomParser parser(doc_);
      json::sax_parse(text.begin(), text.end(), &parser);
      duplicate = parser.duplicate();
    } catch (const json::parse_error& e) {
      reject(rejected, line, "", "", text, valid_utf8(text) ? parse_reason(e) : "invalid UTF-8");
      return Status::Rejected;
    } catch (const json::exception& e) {
      // e.g. a number beyond the range of a double (out_of_range 406)
      reject(rejected, line, "", "", text, fmt::format("invalid JSON: {}", e.what()));
      return Status::Rejected;
    }
    if (!doc_.is_object()) {
      reject(rejected, line, "", "", text, fmt::format("a JSON line must be an object, found {}", a_json(doc_)));
      return Status::Rejected;
    }
    std::string key;
    if (schema_.key < paths_.size()) {
      const json* k = nullptr;
      size_t where = 0;
      if (resolve(doc_, paths_[schema_.key], k, where) == Found::Value && !k->is_null() && !k->is_structured()) {
        key = raw_text(*k);
      }
    }
    if (!duplicate.empty()) {
      // Which value was meant is unknown: the key too when it is the one given twice.
      const bool is_key = schema_.key < schema_.fields.size() && schema_.fields[schema_.key].source == duplicate;
      reject(rejected, line, is_key ? std::string() : key, duplicate, "",
             fmt::format("the key '{}' is given twice in one object", duplicate));
      return Status::Rejected;
    }
    out.values.resize(schema_.fields.size());
    for (size_t i = 0; i < schema_.fields.size(); ++i) {
      const FieldSpec& f = schema_.fields[i];
      Value& v = out.values[i];
      const json* j = nullptr;
      size_t where = 0;
      const Found found = resolve(doc_, paths_[i], j, where);
      if (found == Found::NotObject) {
        reject(rejected, line, key, f.name, raw_text(*j),
               fmt::format("expected an object at '{}', found {}", paths_[i].prefixes[where], a_json(*j)));
        return Status::Rejected;
      }
      if (found == Found::Absent) {
        v = Value::null();
      } else if (!value_from_json(*j, f, out.arena, v, reason_)) {
        reject(rejected, line, key, f.name, raw_value(text, doc_, paths_[i], *j), std::move(reason_));
        return Status::Rejected;
      }
      if (v.is_null() && f.required) {
        reject(rejected, line, key, f.name, found == Found::Value ? raw_value(text, doc_, paths_[i], *j) : std::string(),
               "required field is missing");
        return Status::Rejected;
      }
    }
    return Status::Record;
  }

 private:
  ByteSource& src_;
  LineSplitter lines_;
  const Schema& schema_;
  std::vector<JsonPath> paths_;
  json doc_;
  uint64_t index_ = 0;
  std::string reason_;
};

/// Inference flattens nested objects down to this depth; an object deeper
/// than that is left out of the schema like a list of mappings (a schema can
/// still name its fields by their dotted path).
constexpr size_t kMaxInferDepth = 32;

/// Records every leaf path of an object (nested objects flattened with dots).
void guess_object(const nlohmann::ordered_json& obj, const std::string& prefix, SchemaGuesser& g,
                  size_t depth = 1) {
  for (const auto& [k, v] : obj.items()) {
    const std::string path = prefix.empty() ? k : prefix + "." + k;
    if (v.is_object()) {
      if (depth < kMaxInferDepth) {
        guess_object(v, path, g, depth + 1);
      } else {
        g.at(path).nested = true;
      }
      continue;
    }
    SchemaGuesser::Entry& e = g.at(path);
    auto scalar = [](const nlohmann::ordered_json& x, Guess& guess) {
      switch (x.type()) {
        case json::value_t::string:
          if (!is_blank(x.get_ref<const std::string&>())) guess.text(x.get_ref<const std::string&>(), true);
          break;
        case json::value_t::boolean: guess.json_bool(); break;
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: guess.json_int(); break;
        case json::value_t::number_float: guess.json_float(); break;
        default: break;
      }
    };
    if (v.is_array()) {
      e.list = true;
      for (const auto& item : v) {
        if (item.is_structured()) e.nested = true;
        scalar(item, e.items);
      }
    } else {
      scalar(v, e.scalar);
    }
  }
}

class JsonlInput final : public DataInput {
 public:
  explicit JsonlInput(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {}

  /// Leaf paths of the first kInferValues objects, in order of first
  /// appearance (fewer when they hold more than kMaxInferBytes, or a line
  /// longer than kMaxRecordBytes comes).
  Schema infer_schema() override {
    if (!src_->rewind()) throw std::logic_error("infer_schema() after standard input was read");
    src_->pin(true);
    LineSplitter lines(*src_, false);
    lines.start();
    SchemaGuesser guesser;
    std::string_view text;
    uint64_t line;
    // The pinned buffer must not take in a line too long to keep.
    for (size_t records = 0; records < kInferValues && src_->size() <= kMaxInferBytes && lines.next(text, line);) {
      if (lines.too_long()) break;
      if (is_blank(text)) continue;
      ++records;
      if (nested_too_deeply(text)) continue;  // rejected when read
      // Lines that do not parse will be rejected; they tell nothing about the types.
      if (std::memchr(text.data(), '\0', text.size()) != nullptr) continue;
      const auto doc = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
      if (doc.is_object()) guess_object(doc, "", guesser);
    }
    src_->pin(false);
    if (!src_->error().empty()) throw DataError(src_->error());
    return guesser.finish();
  }

  std::unique_ptr<RecordReader> reader(const Schema& schema) override {
    if (!src_->rewind()) throw std::logic_error("standard input can be read only once");
    return std::make_unique<JsonlReader>(*src_, schema);
  }

 private:
  std::unique_ptr<ByteSource> src_;
};

}  // namespace

std::unique_ptr<DataInput> open_jsonl(std::unique_ptr<ByteSource> src) {
  return std::make_unique<JsonlInput>(std::move(src));
}

}  // namespace kairos::reader
