// Preloaded into kairos (LD_PRELOAD) by the data-loss tests to make the reads
// of one file fail as a failing disk would: with KAIROS_FAIL_READ=PATH:N in
// the environment, read(2) on a descriptor open on PATH (an absolute path
// without links) returns at most the bytes before offset N, then fails with
// EIO. Every other read passes through.

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" ssize_t read(int fd, void* buf, size_t n) {
  using ReadFn = ssize_t (*)(int, void*, size_t);
  static const ReadFn real = reinterpret_cast<ReadFn>(dlsym(RTLD_NEXT, "read"));
  const char* spec = std::getenv("KAIROS_FAIL_READ");
  const char* colon = spec != nullptr ? std::strrchr(spec, ':') : nullptr;
  if (colon != nullptr && fd > 2) {
    char link[64];
    char target[PATH_MAX];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t len = ::readlink(link, target, sizeof target - 1);
    const size_t path_len = static_cast<size_t>(colon - spec);
    if (len == static_cast<ssize_t>(path_len) && std::memcmp(target, spec, path_len) == 0) {
      const off_t at = ::lseek(fd, 0, SEEK_CUR);
      const off_t fail_at = static_cast<off_t>(std::strtoll(colon + 1, nullptr, 10));
      if (at >= fail_at) {
        errno = EIO;
        return -1;
      }
      if (at + static_cast<off_t>(n) > fail_at) n = static_cast<size_t>(fail_at - at);
    }
  }
  return real(fd, buf, n);
}
