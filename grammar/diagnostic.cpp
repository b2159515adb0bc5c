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

std::string render_text(const SourceManager& sources, const Diagnostic& d) {
  if (!d.has_position) {
    return fmt::format("{}: {}: {}\n", d.path, severity_name(d.severity), d.message);
  }
  const SourceFile& f = sources.file(d.span.file);
  const Location loc = locate(sources, d);
  std::string out = fmt::format("{}:{}:{}: {}: {}\n", loc.path, loc.line, loc.column,
                                severity_name(d.severity), d.message);
  const std::string_view line = f.line_text(loc.line);
  const std::string gutter = fmt::format("{:>5}", loc.line);
  out += fmt::format("{} | {}\n", gutter, line);
  // The caret line mirrors tabs so it stays aligned under the source text.
  std::string pad;
  uint32_t col = 1;
  for (size_t i = 0; i < line.size() && col < loc.column; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    pad += c == '\t' ? '\t' : ' ';
    ++col;
  }
  uint32_t width = 1;
  if (loc.end_line == loc.line && loc.end_column > loc.column) width = loc.end_column - loc.column;
  out += fmt::format("{} | {}^{}\n", std::string(gutter.size(), ' '), pad, std::string(width - 1, '~'));
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
  return arr.dump(2) + "\n";
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
  return log.dump(2) + "\n";
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
/// edit, so "adoptoin" is one step from "adoption".
static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace kairos::grammar
