#pragma once
/// Where a command writes a file: a regular file replaced atomically (a
/// temporary beside it, put in place on commit), a device or FIFO written
/// directly, or standard output / standard error.

#include <cstdio>
#include <string>
#include <string_view>

namespace kairos::cli {

class Output {
 public:
  /// `path` empty: standard output (or standard error when !atomic). A path
  /// that names a device, a FIFO or a socket is written directly, never
  /// replaced; a symbolic link is followed and its target replaced, so the
  /// link stays; a directory is an error. A regular file (or a new one) is
  /// written to a temporary beside it when `atomic`, in place otherwise.
  explicit Output(const std::string& path, bool atomic = true);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Writes bytes. Every error of the file (it cannot be made, written or
  /// put in place) throws UsageError, which exits with status 2.
  void write(std::string_view bytes);
  /// Flushes and, for a temporary file, moves it into place.
  void commit();

 private:
  std::string path_;    ///< as the user named it, for messages
  std::string target_;  ///< the file replaced on commit: path_ with its links followed
  std::string temp_;
  int temp_slot_ = -1;  ///< where temp_ is registered for removal on a signal
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool committed_ = false;
};

}  // namespace kairos::cli
