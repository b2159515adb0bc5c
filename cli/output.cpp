#include "cli/output.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace kairos::cli {

Output::Output(const std::string& path, bool atomic) : path_(path) {
  if (path.empty()) {
    file_ = atomic ? stdout : stderr;
    return;
  }
  owned_ = true;
  if (!atomic) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    return;
  }
  // The temporary sits beside the target so the final rename stays on one file system.
  temp_ = path + ".tmp.XXXXXX";
  const int fd = mkstemp(temp_.data());
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  file_ = fdopen(fd, "wb");
}

Output::~Output() {
  if (owned_ && file_) std::fclose(file_);
  if (!temp_.empty() && !committed_) std::remove(temp_.c_str());
}

void Output::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path_.empty() ? "standard output" : path_,
                                         std::strerror(errno)));
  }
}

void Output::commit() {
  if (std::fflush(file_) != 0) throw std::runtime_error(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  if (!owned_) return;
  std::fclose(file_);
  file_ = nullptr;
  if (!temp_.empty()) {
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      throw std::runtime_error(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
    }
  }
  committed_ = true;
}

}  // namespace kairos::cli
