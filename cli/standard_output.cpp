// Standard output's write errors: a full disk, a file system gone read-only.
// Every verb ends by flushing standard output and checking it, so output
// that was lost is never reported as a success (exit 2, as for --out).
//
// stdio forgets why a write failed once it drops the buffer it could not
// write, so std::cout is given a stream buffer that writes through stdio and
// keeps the errno of the first failure for the message.

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>

#include "cli/commands.hpp"

namespace kairos::cli {

namespace {

int first_error = 0;  ///< errno of the first failed write or flush of standard output
bool failed = false;

bool note(bool ok) {
  if (!ok && !failed) {
    failed = true;
    first_error = errno;
  }
  return ok;
}

bool put(const char* bytes, size_t size) {
  errno = 0;
  return note(std::fwrite(bytes, 1, size, stdout) == size);
}

/// std::cout's buffer: every write goes to stdio's stdout (which buffers it).
class StdoutBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return put(&ch, 1) ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    return put(s, static_cast<size_t>(n)) ? n : 0;
  }
  int sync() override {
    errno = 0;
    return note(std::fflush(stdout) == 0) ? 0 : -1;
  }
};

UsageError cannot_write_standard_output() {
  return UsageError(fmt::format("cannot write standard output: {}",
                                first_error != 0 ? std::strerror(first_error) : "write error"));
}

}  // namespace

void capture_standard_output() {
  // Never destroyed: std::cout is flushed once more after the statics of
  // this program are gone (ios_base::Init's destructor, at exit), and a
  // destroyed buffer there crashes the exit.
  static StdoutBuffer* const buffer = new StdoutBuffer;
  std::cout.rdbuf(buffer);
}

void write_standard_output(std::string_view bytes) {
  if (bytes.empty()) return;
  if (!put(bytes.data(), bytes.size())) throw cannot_write_standard_output();
}

void finish_standard_output() {
  std::cout.flush();
  errno = 0;
  note(std::fflush(stdout) == 0);
  if (!failed && std::ferror(stdout)) note(false);
  if (failed || std::cout.fail()) throw cannot_write_standard_output();
}

}  // namespace kairos::cli
