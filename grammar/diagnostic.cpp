#include "grammar/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

namespace kairos::grammar {

static Diagnostic make(Severity severity, std::string code, Span span, std::string message, std::string help) {
  Diagnostic d;
  d.severity = severity;
  d.code = std::move(code);
  d.message = std::move(message);
  d.span = span;
  d.help = std::move(help);
  return d;
}

void Diagnostics::error(std::string code, Span span, std::string message, std::string help) {
  add(make(Severity::Error, std::move(code), span, std::move(message), std::move(help)));
}

void Diagnostics::warning(std::string code, Span span, std::string message, std::string help) {
  add(make(Severity::Warning, std::move(code), span, std::move(message), std::move(help)));
}

void Diagnostics::file_error(std::string code, std::string path, std::string message) {
  Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.has_position = false;
  d.path = std::move(path);
  items_.push_back(std::move(d));
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t Diagnostics::warning_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Warning;
  }));
}

void Diagnostics::sort(const SourceManager& sources) {
  auto key = [&](const Diagnostic& d) {
    const std::string& path = d.has_position ? sources.file(d.span.file).path() : d.path;
    return std::make_tuple(path, d.has_position ? d.span.begin : 0u, d.span.end, d.message);
  };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  items_.erase(std::unique(items_.begin(), items_.end(),
                           [&](const Diagnostic& a, const Diagnostic& b) {
                             return key(a) == key(b) && a.severity == b.severity;
                           }),
               items_.end());
}

Location locate(const SourceManager& sources, const Diagnostic& d) {
  if (!d.has_position) return {d.path, 0, 0, 0, 0};
  const SourceFile& f = sources.file(d.span.file);
  const LineCol b = f.locate(d.span.begin);
  const LineCol e = f.locate(d.span.end);
  return {f.path(), b.line, b.column, e.line, e.column};
}

static const char* severity_name(Severity s) { return s == Severity::Error ? "error" : "warning"; }

namespace {

/// One displayed character of a source line.
struct Glyph {
  std::string text;  ///< what is printed (invalid bytes and controls replaced)
  int width;         ///< terminal columns: 2 for wide East Asian characters
};

bool is_wide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/// Splits a line into code points, one glyph each (columns count code
/// points, as SourceFile::locate does).
std::vector<Glyph> glyphs(std::string_view line) {
  std::vector<Glyph> out;
  for (size_t i = 0; i < line.size();) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = n > 0 && i + n <= line.size();
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; valid && k < n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(line[i + k]);
      valid = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!valid) {
      out.push_back({"\xEF\xBF\xBD", 1});  // U+FFFD for a byte that is not UTF-8
      ++i;
      continue;
    }
    if (c == '\t') out.push_back({"\t", 1});
    else if (cp < 0x20 || cp == 0x7F) out.push_back({"?", 1});
    else out.push_back({std::string(line.substr(i, n)), is_wide(cp) ? 2 : 1});
    i += n;
  }
  return out;
}

}  // namespace

std::string render_text(const SourceManager& sources, const Diagnostic& d) {
  if (!d.has_position) {
    return fmt::format("{}: {}: {}\n", d.path, severity_name(d.severity), d.message);
  }
  const SourceFile& f = sources.file(d.span.file);
  const Location loc = locate(sources, d);
  std::string out = fmt::format("{}:{}:{}: {}: {}\n", loc.path, loc.line, loc.column,
                                severity_name(d.severity), d.message);
  const std::vector<Glyph> line = glyphs(f.line_text(loc.line));
  size_t caret = std::min<size_t>(loc.column - 1, line.size());
  size_t width = 1;
  if (loc.end_line == loc.line && loc.end_column > loc.column) width = loc.end_column - loc.column;
  // Very long lines show a window around the caret.
  constexpr size_t kBefore = 60, kWindow = 120;
  size_t first = caret > kBefore && line.size() > kWindow ? caret - kBefore : 0;
  size_t last = std::min(line.size(), first + kWindow);
  const std::string gutter = fmt::format("{:>5}", loc.line);
  std::string text = first > 0 ? "..." : "";
  std::string marks = first > 0 ? "   " : "";
  for (size_t i = first; i < last; ++i) {
    text += line[i].text;
    if (i < caret) {
      // The caret line mirrors tabs so it stays aligned under the source text.
      marks += line[i].text == "\t" ? std::string("\t") : std::string(static_cast<size_t>(line[i].width), ' ');
    } else if (i < caret + width) {
      marks += std::string(static_cast<size_t>(line[i].width), i == caret ? '^' : '~');
      if (i == caret && line[i].width == 2) marks.back() = '~';
    }
  }
  if (last < line.size()) text += "...";
  if (caret >= last) marks += '^';
  out += fmt::format("{} | {}\n", gutter, text);
  while (!marks.empty() && marks.back() == ' ') marks.pop_back();
  out += fmt::format("{} | {}\n", std::string(gutter.size(), ' '), marks);
  if (!d.help.empty()) out += fmt::format("{} = help: {}\n", std::string(gutter.size(), ' '), d.help);
  return out;
}

std::string render_json(const SourceManager& sources, const std::vector<Diagnostic>& ds) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const Diagnostic& d : ds) {
    const Location loc = locate(sources, d);
    nlohmann::ordered_json j;
    j["file"] = loc.path;
    j["line"] = loc.line;
    j["column"] = loc.column;
    j["end_line"] = loc.end_line;
    j["end_column"] = loc.end_column;
    j["severity"] = severity_name(d.severity);
    j["code"] = d.code;
    j["message"] = d.message;
    if (!d.help.empty()) j["help"] = d.help;
    arr.push_back(std::move(j));
  }
  // A message may quote bytes that are not UTF-8 (a schema's YAML keys, a
  // file name): replace them rather than throw.
  return arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_sarif(const SourceManager& sources, const std::vector<Diagnostic>& ds) {
  using nlohmann::ordered_json;
  ordered_json rules = ordered_json::array();
  std::vector<std::string> seen;
  ordered_json results = ordered_json::array();
  for (const Diagnostic& d : ds) {
    if (std::find(seen.begin(), seen.end(), d.code) == seen.end()) {
      seen.push_back(d.code);
      rules.push_back({{"id", d.code}});
    }
    const Location loc = locate(sources, d);
    ordered_json region = ordered_json::object();
    if (d.has_position) {
      region = {{"startLine", loc.line}, {"startColumn", loc.column},
                {"endLine", loc.end_line}, {"endColumn", loc.end_column}};
    }
    ordered_json physical = {{"artifactLocation", {{"uri", loc.path}}}};
    if (d.has_position) physical["region"] = region;
    results.push_back({{"ruleId", d.code},
                       {"level", d.severity == Severity::Error ? "error" : "warning"},
                       {"message", {{"text", d.message}}},
                       {"locations", ordered_json::array({{{"physicalLocation", physical}}})}});
  }
  ordered_json log = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", ordered_json::array({{{"tool", {{"driver", {{"name", "kairos"},
                                                           {"informationUri", "https://example.invalid/kairos"},
                                                           {"rules", rules}}}}},
                                     {"results", results}}})}};
  return log.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

/// GitHub's workflow commands need '%', CR and LF escaped in the message.
static std::string github_escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string render_github(const SourceManager& sources, const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) {
    const Location loc = locate(sources, d);
    const char* level = d.severity == Severity::Error ? "error" : "warning";
    // SPEC §8: `::error file=…,line=…,col=…::message`; the code ends the message.
    const std::string message = github_escape(fmt::format("{} [{}]", d.message, d.code), false);
    if (d.has_position) {
      out += fmt::format("::{} file={},line={},col={}::{}\n", level, github_escape(loc.path, true), loc.line,
                         loc.column, message);
    } else {
      out += fmt::format("::{} file={}::{}\n", level, github_escape(loc.path, true), message);
    }
  }
  return out;
}

/// Optimal string alignment distance: a swap of two neighbours counts as one
/// edit, so "adoptoin" is one step from "adoption". Only distances below
/// `bound` matter: a larger one comes back as `bound`, found as soon as a
/// row of the table (and the one before it, for swaps) is past it. `rows`
/// holds the three rows in use, kept between calls.
static size_t edit_distance(const std::string& a, const std::string& b, size_t bound,
                            std::vector<size_t>& rows) {
  const size_t w = b.size() + 1;
  rows.assign(3 * w, 0);
  size_t* before = rows.data();  // row i - 2
  size_t* prev = before + w;     // row i - 1
  size_t* cur = prev + w;        // row i
  for (size_t j = 0; j < w; ++j) prev[j] = j;
  size_t prev_min = 0;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = i;
    for (size_t j = 1; j < w; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t d = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, before[j - 2] + 1);
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    // Every later cell comes from this row or, by a swap, the one before.
    if (row_min >= bound && prev_min >= bound) return bound;
    prev_min = row_min;
    size_t* t = before;
    before = prev;
    prev = cur;
    cur = t;
  }
  return std::min(prev[w - 1], bound);
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  std::vector<size_t> rows;
  for (const std::string& c : candidates) {
    // The difference in length is a lower bound of the distance.
    const size_t gap = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
    if (gap >= best_distance) continue;
    const size_t d = edit_distance(name, c, best_distance, rows);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace kairos::grammar
