#include "data/reader_common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "grammar/diagnostic.hpp"

namespace kairos::reader {

namespace {

constexpr size_t kChunk = size_t{1} << 20;  // bytes read at a time
constexpr size_t kMinRead = size_t{1} << 16;

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_nocase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != lower[i]) return false;
  }
  return true;
}

/// The length of the well-formed UTF-8 sequence at p, or 0 (Unicode table 3-7).
size_t utf8_length(const unsigned char* p, size_t n) {
  const unsigned c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return i < n && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

ByteSource::ByteSource(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}

ByteSource::~ByteSource() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

size_t ByteSource::refill(size_t keep) {
  const size_t drop = pinned_ ? 0 : std::min(keep, end_);
  if (drop > 0) {
    std::memmove(buf_.data(), buf_.data() + drop, end_ - drop);
    end_ -= drop;
    dropped_ += drop;
  }
  if (eof_) return drop;
  // A carried CR (see lone_cr_as_lf) takes one byte more than end_.
  if (buf_.size() - end_ < kMinRead + kPadding + 1) buf_.resize(std::max(kChunk, buf_.size() * 2));
  for (;;) {
    const size_t from = end_;
    if (carry_cr_) buf_[end_] = '\r';
    const size_t carried = carry_cr_ ? 1 : 0;
    size_t want = buf_.size() - kPadding - end_ - carried;
    if (cap_ > 0 && want > cap_) want = cap_;
    const ssize_t n = ::read(fd_, buf_.data() + end_ + carried, want);
    if (n > 0) {
      end_ += carried + static_cast<size_t>(n);
      carry_cr_ = false;
      if (cr_mode_) translate_cr(from);
      if (end_ > from) break;
      continue;  // only a CR came, carried again
    }
    if (n < 0 && errno == EINTR) continue;
    if (carry_cr_) {  // a CR at the very end is a line end too
      buf_[end_++] = '\n';
      carry_cr_ = false;
    }
    if (n < 0) fail(errno);
    eof_ = true;
    break;
  }
  return drop;
}

void ByteSource::fail(int error) {
  error_ = fmt::format("cannot read '{}' at byte {}: {}", name_, dropped_ + end_, std::strerror(error));
  // The input ends before the failed read, at its last complete line: a row
  // cut short by the error must not be taken for a whole one.
  while (end_ > 0 && buf_[end_ - 1] != '\n') --end_;
}

void ByteSource::translate_cr(size_t from) {
  char* d = buf_.data();
  for (size_t i = from; i < end_; ++i) {
    if (d[i] == '"') {
      in_quotes_ = !in_quotes_;
    } else if (d[i] == '\r' && !in_quotes_) {
      if (i + 1 < end_) {
        if (d[i + 1] != '\n') d[i] = '\n';
      } else {
        carry_cr_ = true;  // whether a LF follows is told by the next read
        --end_;
      }
    }
  }
}

bool ByteSource::lone_cr_as_lf() {
  const char* d = buf_.data();
  bool quoted = false;
  for (size_t i = 0; i < end_; ++i) {
    if (d[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && (d[i] == '\n' || d[i] == '\r')) {
      if (d[i] == '\n' || (i + 1 < end_ && d[i + 1] == '\n')) return false;
      if (i + 1 == end_ && !eof_) return false;  // CR LF split by the read: not told
      cr_mode_ = true;
      in_quotes_ = false;
      translate_cr(0);
      return true;
    }
  }
  return false;
}

bool ByteSource::rewind() {
  if (dropped_ == 0 && !cr_mode_) return true;
  if (::lseek(fd_, 0, SEEK_SET) != 0) return dropped_ == 0;
  end_ = 0;
  dropped_ = 0;
  eof_ = false;
  carry_cr_ = false;
  in_quotes_ = false;
  error_.clear();
  return true;
}

std::string ByteSource::read_all() {
  while (!eof_) refill(0);
  return std::string(buf_.data(), end_);
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // ASCII runs are the common case: test eight bytes at a time.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const size_t len = utf8_length(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string printable(std::string_view s, size_t limit) {
  std::string out;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    const size_t len = utf8_length(p + i, s.size() - i);
    if (out.size() + std::max<size_t>(len, 3) > limit) {
      out += "…";
      break;
    }
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  return out;
}

bool parse_number_general(std::string_view s, double& out) {
  const char* b = s.data();
  const char* e = b + s.size();
  // strtod takes a leading '+', std::from_chars does not.
  if (b != e && *b == '+') {
    ++b;
    if (b != e && (*b == '-' || *b == '+')) return false;
  }
  if (b == e) return false;
  const auto [end, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && end == e && std::isfinite(out);
}

bool parse_bool(std::string_view s, bool& out) {
  if (equals_nocase(s, "true") || equals_nocase(s, "yes") || s == "1") {
    out = true;
    return true;
  }
  if (equals_nocase(s, "false") || equals_nocase(s, "no") || s == "0") {
    out = false;
    return true;
  }
  return false;
}

const char* a_kind(TypeKind k) {
  switch (k) {
    case TypeKind::Int: return "an int";
    case TypeKind::Number: return "a number";
    case TypeKind::Bool: return "a bool";
    case TypeKind::Date: return "a date";
    case TypeKind::String: return "a string";
    case TypeKind::Enum: return "an enum value";
    case TypeKind::List: return "a list";
    case TypeKind::Null: return "null";
    case TypeKind::Any: return "a value";
  }
  return "a value";
}

namespace {

std::string enum_reason(std::string_view text, const EnumValues& values) {
  std::string list;
  for (size_t i = 0; i < values.values.size(); ++i) {
    if (i == 8) {
      list += ", …";
      break;
    }
    if (i > 0) list += ", ";
    list += values.values[i];
  }
  std::string reason = fmt::format("not a declared value ({})", list);
  const std::string best = grammar::did_you_mean(std::string(text), values.values);
  if (!best.empty()) reason += fmt::format(" (did you mean '{}'?)", best);
  return reason;
}

bool all_digits(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

namespace {

/// scalar_from_text; without kCopy, string values point at `text` itself
/// (which the caller has put in the arena).
template <bool kCopy>
bool convert_scalar(std::string_view text, TypeKind kind, const EnumValues* values, Arena& arena, Value& out,
                    std::string& reason) {
  switch (kind) {
    case TypeKind::Int: {
      int64_t v;
      if (parse_int(text, v)) {
        out = Value::integer(v);
        return true;
      }
      reason = all_digits(text) ? "not an int (outside the 64-bit range)" : "not an int";
      return false;
    }
    case TypeKind::Number: {
      double v;
      if (parse_number(text, v)) {
        out = Value::number(v);
        return true;
      }
      reason = "not a number";
      return false;
    }
    case TypeKind::Bool: {
      bool v;
      if (parse_bool(text, v)) {
        out = Value::boolean(v);
        return true;
      }
      reason = "not a bool (true/false, yes/no or 1/0)";
      return false;
    }
    case TypeKind::Date: {
      int32_t days;
      if (parse_iso_date(text, days)) {
        out = Value::date(days);
        return true;
      }
      reason = "not a date (YYYY-MM-DD)";
      return false;
    }
    case TypeKind::Enum: {
      if (values != nullptr) {
        // The schema outlives every record, so the value can point into it.
        if (const std::string* v = values->find(text)) {
          out = Value::string(*v);
          return true;
        }
        reason = enum_reason(text, *values);
        return false;
      }
      out = Value::string(kCopy ? arena.copy(text) : text);
      return true;
    }
    case TypeKind::String:
    case TypeKind::List:
    case TypeKind::Null:
    case TypeKind::Any:
      break;
  }
  out = Value::string(kCopy ? arena.copy(text) : text);
  return true;
}

/// Whether a value of `kind` made from text points at that text.
bool keeps_text(TypeKind kind, const EnumValues* values) {
  switch (kind) {
    case TypeKind::Int:
    case TypeKind::Number:
    case TypeKind::Bool:
    case TypeKind::Date: return false;
    case TypeKind::Enum: return values == nullptr;
    default: return true;
  }
}

}  // namespace

bool scalar_from_text(std::string_view text, TypeKind kind, const EnumValues* values, Arena& arena,
                      Value& out, std::string& reason) {
  return convert_scalar<true>(text, kind, values, arena, out, reason);
}

bool check_bounds(const Value& v, const FieldSpec& f, std::string& reason) {
  if (v.kind != ValueKind::Int && v.kind != ValueKind::Number) return true;
  const double x = v.as_number();
  if (f.min && x < *f.min) {
    reason = fmt::format("below the minimum {}", *f.min);
    return false;
  }
  if (f.max && x > *f.max) {
    reason = fmt::format("above the maximum {}", *f.max);
    return false;
  }
  return true;
}

bool value_from_text(std::string_view text, const FieldSpec& f, Arena& arena, Value& out,
                     std::string& reason, bool utf8_checked, bool in_arena) {
  if (is_blank(text)) {
    out = Value::null();
    return true;
  }
  if (!utf8_checked && !valid_utf8(text)) {
    reason = "invalid UTF-8";
    return false;
  }
  const EnumValues* values = f.type.enum_values.get();
  if (f.type.kind != TypeKind::List) {
    const bool ok = in_arena ? convert_scalar<false>(text, f.type.kind, values, arena, out, reason)
                             : convert_scalar<true>(text, f.type.kind, values, arena, out, reason);
    if (!ok) return false;
    return (!f.min && !f.max) || check_bounds(out, f, reason);
  }
  // A list cell: items split on the separator, trimmed; empty items are skipped.
  const std::string_view sep = f.separator.empty() ? std::string_view(";") : std::string_view(f.separator);
  // Where the item starting at `at` ends.
  auto item_end = [&](size_t at) {
    if (sep.size() == 1) {
      while (at < text.size() && text[at] != sep[0]) ++at;
      return at;
    }
    return std::min(text.find(sep, at), text.size());
  };
  uint32_t count = 0;
  for (size_t at = 0;;) {
    const size_t end = item_end(at);
    if (!is_blank(text.substr(at, end - at))) ++count;
    if (end == text.size()) break;
    at = end + sep.size();
  }
  // Items that keep their text point into one copy of the whole cell.
  if (!in_arena && keeps_text(f.type.elem, values)) text = arena.copy(text);
  Value* items = arena.values(count);
  uint32_t n = 0;
  for (size_t at = 0;;) {
    const size_t end = item_end(at);
    const std::string_view item = trim(text.substr(at, end - at));
    if (!item.empty()) {
      if (!convert_scalar<false>(item, f.type.elem, values, arena, items[n], reason)) {
        reason = fmt::format("list item '{}': {}", item, reason);
        return false;
      }
      ++n;
    }
    if (end == text.size()) break;
    at = end + sep.size();
  }
  out = Value::list(items, n);
  return true;
}

void reject(Rejection& r, uint64_t line, std::string_view key, std::string field, std::string_view value,
            std::string reason) {
  r.line = line;
  r.key = printable(key);
  r.field = std::move(field);
  r.value = printable(value);
  r.reason = std::move(reason);
}

void Guess::text(std::string_view s, bool json_string) {
  if (seen >= kInferValues) return;
  ++seen;
  int32_t days;
  if (json_string) {
    can_int = can_number = can_bool = false;
  } else {
    int64_t i;
    double d;
    if (can_int && !parse_int(s, i)) can_int = false;
    if (can_number && !parse_number(s, d)) can_number = false;
    if (can_bool && !equals_nocase(s, "true") && !equals_nocase(s, "false")) can_bool = false;
  }
  if (can_date && !parse_iso_date(s, days)) can_date = false;
}

TypeKind Guess::kind() const {
  if (seen == 0) return TypeKind::String;
  if (can_int) return TypeKind::Int;
  if (can_number) return TypeKind::Number;
  if (can_bool) return TypeKind::Bool;
  if (can_date) return TypeKind::Date;
  return TypeKind::String;
}

SchemaGuesser::Entry& SchemaGuesser::at(const std::string& path) {
  const auto [it, inserted] = index_.emplace(path, entries_.size());
  if (inserted) {
    entries_.emplace_back();
    entries_.back().path = path;
  }
  return entries_[it->second];
}

Schema SchemaGuesser::finish() const {
  Schema schema;
  for (const Entry& e : entries_) {
    if (e.nested) continue;
    FieldSpec f;
    f.name = e.path;
    f.source = e.path;
    f.type = e.list ? Type::list_of(e.items.kind()) : Type::of(e.scalar.kind());
    schema.fields.push_back(std::move(f));
  }
  return schema;
}

}  // namespace kairos::reader

namespace kairos {

// Readers that do not split (JSON Lines, YAML) say so with splits(), and
// the pipeline never calls these.
size_t RecordReader::read_raw(RawRows&, size_t) { throw std::logic_error("this reader does not split"); }

RecordReader::Status RecordReader::convert(const RawRows&, size_t, Record&, Rejection&) const {
  throw std::logic_error("this reader does not split");
}

}  // namespace kairos
