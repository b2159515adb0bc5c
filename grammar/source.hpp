#pragma once
/// Source files and spans: every AST node and every diagnostic points into one.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::grammar {

/// A byte range [begin, end) in one source file.
struct Span {
  uint32_t file = 0;   ///< index into SourceManager
  uint32_t begin = 0;  ///< byte offset of the first byte
  uint32_t end = 0;    ///< byte offset one past the last byte

  /// The smallest span covering both.
  static Span cover(const Span& a, const Span& b) {
    return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

/// A 1-based line and column (column counts Unicode code points).
struct LineCol {
  uint32_t line = 1;
  uint32_t column = 1;
};

/// One loaded source file with a line index.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  /// The path as given by the user (used in diagnostics).
  const std::string& path() const { return path_; }
  /// The whole file contents.
  const std::string& text() const { return text_; }
  /// The line and column of a byte offset.
  LineCol locate(uint32_t offset) const;
  /// The text of a 1-based line without its line ending.
  std::string_view line_text(uint32_t line) const;
  /// The source text of a span.
  std::string_view slice(const Span& s) const {
    return std::string_view(text_).substr(s.begin, s.end - s.begin);
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

/// The most bytes a file Kairos reads whole may hold: a playbook, each
/// module it imports, a schema, a test file (docs/limits.md).
inline constexpr size_t kMaxSourceFileBytes = size_t{10} << 20;
/// The reason read_source_file() gives for a file over kMaxSourceFileBytes.
inline constexpr const char* kSourceFileTooLarge = "it is too large (limit 10 MiB)";

/// Reads a file whole, refusing directories and files over
/// kMaxSourceFileBytes (checked while reading, so a file that never ends, a
/// pipe or a device, is refused too); on failure sets `error` and returns
/// nullopt.
std::optional<std::string> read_source_file(const std::string& path, std::string& error);
/// The same for a stream already open (standard input).
std::optional<std::string> read_source_stream(std::istream& in, std::string& error);

/// Owns every source file of a compilation; spans refer to files by index.
class SourceManager {
 public:
  /// Adds a file and returns its index.
  uint32_t add(std::string path, std::string text);
  /// The file with that index.
  const SourceFile& file(uint32_t index) const { return *files_.at(index); }
  /// How many files are loaded.
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace kairos::grammar
