#pragma once
/// An output file written atomically (a temporary file renamed on commit),
/// or standard output / standard error.

#include <cstdio>
#include <string>
#include <string_view>

namespace kairos::cli {

class Output {
 public:
  /// `path` empty: standard output (or standard error when !atomic).
  explicit Output(const std::string& path, bool atomic = true);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Writes bytes. Every error of the file (it cannot be made, written or
  /// put in place) throws UsageError, which exits with status 2.
  void write(std::string_view bytes);
  /// Flushes and, for a file, moves the temporary file into place.
  void commit();

 private:
  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool committed_ = false;
};

}  // namespace kairos::cli
