#pragma once
/// Diagnostics: collected, sorted, capped, and rendered like a compiler's.

#include <string>
#include <vector>

#include "grammar/source.hpp"

namespace kairos::grammar {

enum class Severity { Error, Warning };

/// One problem found in a playbook (or a schema), with a stable code.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;     ///< stable kebab-case code, e.g. "unknown-field"
  std::string message;  ///< lowercase, no trailing period
  Span span;
  std::string help;     ///< optional "help:" line
  /// A diagnostic about a file as a whole (no position), e.g. it cannot be read.
  bool has_position = true;
  /// The file path for diagnostics without a loaded source (has_position false).
  std::string path;
};

/// Collects diagnostics; never stops at the first one.
class Diagnostics {
 public:
  /// Adds an error at a span.
  void error(std::string code, Span span, std::string message, std::string help = {});
  /// Adds a warning at a span.
  void warning(std::string code, Span span, std::string message, std::string help = {});
  /// Adds an error about a whole file (e.g. it cannot be read).
  void file_error(std::string code, std::string path, std::string message);
  /// Appends a prepared diagnostic.
  void add(Diagnostic d) { items_.push_back(std::move(d)); }

  /// Drops every diagnostic after the first `n`.
  void truncate(size_t n) {
    if (items_.size() > n) items_.resize(n);
  }

  bool has_errors() const;
  size_t warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Sorts by file, position, and drops exact duplicates.
  void sort(const SourceManager& sources);

 private:
  std::vector<Diagnostic> items_;
};

/// The resolved location of a diagnostic.
struct Location {
  std::string path;
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
};

/// Where a diagnostic points, as line/column pairs.
Location locate(const SourceManager& sources, const Diagnostic& d);

/// `file:line:col: error: message` + the source line + a caret line (+ help).
std::string render_text(const SourceManager& sources, const Diagnostic& d);
/// A JSON array of {file, line, column, end_line, end_column, severity, code, message}.
std::string render_json(const SourceManager& sources, const std::vector<Diagnostic>& ds);
/// A SARIF 2.1.0 log.
std::string render_sarif(const SourceManager& sources, const std::vector<Diagnostic>& ds);
/// GitHub Actions workflow commands, one a line.
std::string render_github(const SourceManager& sources, const std::vector<Diagnostic>& ds);

/// The closest candidate by edit distance, or empty when none is close enough.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace kairos::grammar
