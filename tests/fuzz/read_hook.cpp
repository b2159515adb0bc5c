// Linked with -Wl,--wrap=read into the reader targets: while a reader target
// runs an input, the readers' read(2) calls return at most fuzz::g_read_cap
// bytes, so inputs of a few bytes already cross their refill boundaries (they
// read 1 MiB at a time otherwise). Only calls made from the statically linked
// code are wrapped (libFuzzer and the C++ library read corpus files through
// their own), and outside a run the cap is 0: reads pass through unchanged.

#include <sys/types.h>

#include <cstddef>

namespace kairos::fuzz {
size_t g_read_cap = 0;
}  // namespace kairos::fuzz

extern "C" ssize_t __real_read(int fd, void* buf, size_t n);

extern "C" ssize_t __wrap_read(int fd, void* buf, size_t n) {
  using kairos::fuzz::g_read_cap;
  if (g_read_cap > 0 && n > g_read_cap) n = g_read_cap;
  return __real_read(fd, buf, n);
}
