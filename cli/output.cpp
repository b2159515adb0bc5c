#include "cli/output.hpp"

#include "cli/commands.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace kairos::cli {
namespace {

/// The temporary files that a signal ending the process must not leave
/// behind: fixed slots, so the handler reads them without allocating or
/// locking (a few outputs are open at once at most).
constexpr size_t kTempSlots = 8;
constexpr std::array<int, 4> kEndingSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
std::array<std::array<char, PATH_MAX>, kTempSlots> g_temp_paths;
std::array<std::atomic<bool>, kTempSlots> g_temp_used;

extern "C" void remove_temporaries_and_die(int sig) {
  for (size_t i = 0; i < kTempSlots; ++i) {
    if (g_temp_used[i].load(std::memory_order_acquire)) ::unlink(g_temp_paths[i].data());
  }
  // SA_RESETHAND put the default action back; the signal is delivered
  // again when the handler returns, and ends the process as it would have.
  ::raise(sig);
}

/// Installs the handler for the signals that end a run early (Ctrl-C, kill,
/// a closed terminal, a closed pipe), except those the process was started
/// ignoring (nohup): they stay ignored.
void install_signal_handlers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (const int sig : kEndingSignals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_handler = remove_temporaries_and_die;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(sig, &sa, nullptr);
  }
}

/// Registers `path` for removal on a signal; returns its slot, or -1 when
/// every slot is taken (the file is then removed on normal exits only).
int register_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (size_t i = 0; i < kTempSlots; ++i) {
    if (g_temp_used[i].load(std::memory_order_relaxed)) continue;
    std::memcpy(g_temp_paths[i].data(), path.c_str(), path.size() + 1);
    g_temp_used[i].store(true, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temporary(int& slot) {
  if (slot >= 0) g_temp_used[static_cast<size_t>(slot)].store(false, std::memory_order_release);
  slot = -1;
}

/// Puts the finished temporary file in place of an existing `target` by
/// swapping the two names in one step (RENAME_EXCHANGE), then removes the old
/// file under the temporary name. Readers see the old file or the new one,
/// as with rename(), but ext4 treats a rename over an existing file as a
/// replace-by-rename and writes the new file back before the rename returns
/// (auto_da_alloc), and the next run's rename then waits for that writeback
/// to finish before it can free the old file: 20-40 ms of serial time per
/// run of an 85 MB output. Like rename(), this makes no promise of
/// durability after a crash; Kairos does not sync its output. Returns false
/// when the target is not a regular file (missing, a directory) or the file
/// system cannot exchange names: the caller renames instead.
bool exchange_into_place(const std::string& temp, const std::string& target) {
  struct stat st {};
  if (::lstat(target.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) return false;
  // The new file is in place; the old one now has the temporary name. A
  // failure to remove it would leave the old contents beside the output.
  if (::unlink(temp.c_str()) != 0) {
    fmt::print(stderr, "kairos: warning: cannot remove '{}': {}\n", temp, std::strerror(errno));
  }
  return true;
}

/// The error of an output file that cannot be made, written or put in place.
UsageError cannot_write(const std::string& name) {
  return UsageError(fmt::format("cannot write '{}': {}", name, std::strerror(errno)));
}

}  // namespace

Output::Output(const std::string& path, bool atomic) : path_(path) {
  if (path.empty()) {
    file_ = atomic ? stdout : stderr;
    return;
  }
  owned_ = true;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    throw cannot_write(path);
  }
  // A device, FIFO or socket is written as it is: replacing it by a file
  // (as root, /dev/null) would destroy it.
  if (!atomic || (exists && !S_ISREG(st.st_mode))) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw cannot_write(path);
    return;
  }
  // The temporary sits beside the file it replaces, so the final rename
  // stays on one file system; a symbolic link keeps pointing at the new file.
  const std::optional<std::string> target = follow_links(path);
  if (!target) {
    errno = ELOOP;
    throw cannot_write(path);
  }
  target_ = *target;
  temp_ = target_ + ".tmp.XXXXXX";
  // The file is made and registered with the ending signals held back, so
  // one that comes in between finds it registered once let through.
  install_signal_handlers();
  sigset_t ending, before;
  sigemptyset(&ending);
  for (const int sig : kEndingSignals) sigaddset(&ending, sig);
  pthread_sigmask(SIG_BLOCK, &ending, &before);
  const int fd = mkstemp(temp_.data());
  const int made_errno = errno;
  if (fd >= 0) temp_slot_ = register_temporary(temp_);
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  if (fd < 0) {
    temp_.clear();
    errno = made_errno;
    throw cannot_write(path);
  }
  // A replaced file keeps its permissions; a new one gets the usual 0666 & ~umask.
  mode_t mode = exists ? (st.st_mode & 07777) : 0;
  if (!exists) {
    const mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  fchmod(fd, mode);
  file_ = fdopen(fd, "wb");
  if (!file_) {
    ::close(fd);
    throw cannot_write(path);
  }
}

Output::~Output() {
  if (owned_ && file_) std::fclose(file_);
  if (!temp_.empty() && !committed_) std::remove(temp_.c_str());
  unregister_temporary(temp_slot_);
}

void Output::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw cannot_write(path_.empty() ? "standard output" : path_);
  }
}

void Output::commit() {
  if (std::fflush(file_) != 0) throw cannot_write(path_.empty() ? "standard output" : path_);
  if (!owned_) return;
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (closed != 0) throw cannot_write(path_);
  if (!temp_.empty()) {
    if (!exchange_into_place(temp_, target_) && std::rename(temp_.c_str(), target_.c_str()) != 0) {
      throw cannot_write(path_);
    }
  }
  committed_ = true;
  unregister_temporary(temp_slot_);
}

}  // namespace kairos::cli
