#include "data/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace kairos {

// Formatted into a buffer on the stack and appended at once: formatting
// through a back_inserter pushes one character at a time.
void append_number(std::string& out, double d) {
  char buf[64];
  const auto r = fmt::format_to_n(buf, sizeof buf, "{}", d);
  out.append(buf, std::min(r.size, sizeof buf));
}

void append_int(std::string& out, int64_t i) {
  const fmt::format_int f(i);
  out.append(f.data(), f.size());
}

void append_text(std::string& out, const Value& v) {
  switch (v.kind) {
    case ValueKind::Null: break;
    case ValueKind::Bool: out += v.b ? "true" : "false"; break;
    case ValueKind::Int: append_int(out, v.i); break;
    case ValueKind::Number: append_number(out, v.n); break;
    case ValueKind::Date: {
      char buf[16];
      out.append(buf, format_iso_date(v.d, buf));
      break;
    }
    case ValueKind::String: out.append(v.s, v.size); break;
    case ValueKind::List:
      for (uint32_t i = 0; i < v.size; ++i) {
        if (i) out += ", ";
        append_text(out, v.l[i]);
      }
      break;
  }
}

// The action writers run once per emitted action, so string escaping is a
// small loop here rather than a JSON document per line; the tests check it
// against nlohmann::json's parser on hostile strings.
void append_json_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_json_value(std::string& out, const Value& v) {
  switch (v.kind) {
    case ValueKind::Null: out += "null"; break;
    case ValueKind::Bool: out += v.b ? "true" : "false"; break;
    case ValueKind::Int: append_int(out, v.i); break;
    case ValueKind::Number:
      if (std::isfinite(v.n)) append_number(out, v.n);
      else out += "null";
      break;
    case ValueKind::Date: {
      char buf[16];
      out += '"';
      out.append(buf, format_iso_date(v.d, buf));
      out += '"';
      break;
    }
    case ValueKind::String: append_json_string(out, v.str()); break;
    case ValueKind::List:
      out += '[';
      for (uint32_t i = 0; i < v.size; ++i) {
        if (i) out += ',';
        append_json_value(out, v.l[i]);
      }
      out += ']';
      break;
  }
}

void append_csv_field(std::string& out, std::string_view s) {
  bool plain = true;
  for (const char c : s) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.append(s);
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace kairos
